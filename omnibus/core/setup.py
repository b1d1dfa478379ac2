"""Start Django from a command-line entry point (the `omnibus` command is not manage.py)."""

import os


def setup_django() -> None:
    """Configure and start Django once; commands that touch the database call this first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omnibus.core.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
        from django.conf import settings

        # The embedded SQLite database lives here; make it on first use.
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
