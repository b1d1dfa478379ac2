"""Cursors for the survey's hot path: on PostgreSQL its statements are prepared once per connection.

Django's PostgreSQL backend binds parameters in the client, so the server parses and plans
every statement afresh, the same few statements on every page of the survey. `cursor()` gives
a cursor that sends its parameters apart and asks PostgreSQL to keep the statement prepared
(a named statement of the connection): from the second time on a statement is only bound and
run. Connections live for `CONN_MAX_AGE`, so a statement is prepared once per connection,
not per request.

The cursor is Django's own wrapper around it, so errors are Django's (an `IntegrityError` is
one) and statements are logged as any other (the tests count them). SQLite, and PostgreSQL with
`settings.PREPARED_STATEMENTS` off (behind a pooler in transaction mode, where a prepared
statement does not follow the session), get Django's ordinary cursor.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Model


def cursor(prepare: bool = True) -> CursorWrapper:
    """A cursor of the default connection whose statements are prepared on PostgreSQL (unless `prepare` is false).

    Pass `prepare=False` for a statement whose text varies widely (a row per item of a long
    list): each text would be a prepared statement of its own, crowding out the common ones.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each attribute of the `connection` proxy is a lookup
    if not (prepare and settings.PREPARED_STATEMENTS and db.vendor == "postgresql"):
        return db.cursor()
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        raw = _PreparedCursor(db.connection)
    return _LoggedCursor(raw, db) if db.queries_logged else db.make_cursor(raw)


class _PreparedCursor(ServerBindingCursor):
    """psycopg's server-binding cursor (as Django's backend defines it): a statement is prepared the first time,
    then only bound and run (psycopg keeps the connection's statement names)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):  # noqa: ANN001, ANN202 - psycopg's signature
        return super().execute(query, params, prepare=True, binary=binary)


class _LoggedCursor(CursorDebugWrapper):
    """Django's logging cursor, logging a prepared statement with its parameters in place as it logs its own.

    (Django reads the statement back from psycopg, which keeps no text of a prepared one.)
    """

    def execute(self, sql: str, params: list | None = None) -> None:
        """Run the statement and log it."""
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)


def columns(model: type[Model], fields: tuple[str, ...]) -> list[str]:
    """The quoted columns of a model's fields, named from the model so a renamed one cannot be missed."""
    return [connection.ops.quote_name(model._meta.get_field(name).column) for name in fields]


def insert_sql(model: type[Model], fields: tuple[str, ...], rows: int) -> str:
    """An insert of `rows` rows of a model's `fields` in one statement, a parameter per field and row."""
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns(model, fields))}) VALUES {', '.join([row] * rows)}"
