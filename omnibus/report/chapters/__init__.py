"""Chapters the report takes from the rooms below it: open responses (coding) and local context."""
