"""The floor of the house: settings, Django set-up, keys, roles, the throttle, the base templates.

Every Django app of Omnibus may import from here; nothing here imports an app above it.
"""
