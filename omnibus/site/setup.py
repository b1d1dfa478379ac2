"""Start Django from a command-line entry point (the `omnibus` command is not manage.py)."""

import os


def setup_django() -> None:
    """Configure and start Django once; commands that touch the database call this first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omnibus.site.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
