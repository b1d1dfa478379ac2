"""Start Django from a command-line entry point (the `omnibus` command is not manage.py)."""

import os
import sys


def setup_django() -> None:
    """Configure and start Django once; commands that touch the database call this first.

    The embedded SQLite database is created and migrated here on first use (and after an
    update brings new migrations), so any command can be the first one run. A PostgreSQL
    database is migrated on purpose, by `omnibus serve` or `omnibus django migrate`
    (docs/decisions.md).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omnibus.core.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
            settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
            migrate_embedded()


def migrate_embedded() -> None:
    """Apply any migration the embedded database lacks, saying so on stderr (stdout is a command's output)."""
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    print(f"Setting up the database {name} (first use or new migrations)…", file=sys.stderr)
    call_command("migrate", verbosity=0, interactive=False)
