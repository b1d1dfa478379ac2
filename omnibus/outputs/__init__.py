"""Outputs from the back office: a wave's tab book, report, dataset, coding files and printed questionnaire.

Built as tasks on the database queue and kept per build, with who asked and when; every
download is audited, and a client sees only what its role allows.
"""
