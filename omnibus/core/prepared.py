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

A prepared statement is worth keeping only if its text repeats: `insert_sql` and `in_sql` write
statements of many rows or keys with one text on PostgreSQL, whatever their number.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import JSONField, Model


def cursor() -> CursorWrapper:
    """A cursor of the default connection whose statements are prepared on PostgreSQL.

    Each text is a prepared statement of the connection: a statement's text must not vary with
    its data (`insert_sql` and `in_sql` keep one text whatever the number of rows).
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each attribute of the `connection` proxy is a lookup
    if not (settings.PREPARED_STATEMENTS and db.vendor == "postgresql"):
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


# Statements of many rows. On PostgreSQL their text is the same whatever the number of rows, so
# each is prepared once and stays in psycopg's cache of converted queries (which skips a text of
# over 50 parameters): an insert's rows go as one JSON array (one `json.dumps`, in C), a list of
# keys as one array. An array per column was tried first: psycopg dumps each list in Python, and a
# save of one to three rows, most pages', cost more CPU than with a parameter per value.
# SQLite has no arrays: it gets a parameter per value, and a text per number of rows.


def insert_sql(model: type[Model], fields: tuple[str, ...], rows: int, fixed: tuple[str, ...] = ()) -> str:
    """An insert of `rows` rows of a model's `fields`, after the `fixed` fields whose one value every row takes.

    Its parameters are `insert_params`'. On PostgreSQL the text does not depend on `rows`: the
    rows are the elements of one JSON array, inserted in its order, each value read as text and
    cast to its column's type (without a length, so nothing is cut), as a JSON field's text is
    when the ORM writes it; the fixed values are cast too, so a NULL has a type.
    """
    return _insert_sql(model, fixed, fields, rows if connection.vendor != "postgresql" else 0)


@lru_cache(maxsize=64)
def _insert_sql(model: type[Model], fixed: tuple[str, ...], fields: tuple[str, ...], rows: int) -> str:
    """`insert_sql`: `rows` is 0 on PostgreSQL."""
    into = f"INSERT INTO {model._meta.db_table} ({', '.join(columns(model, fixed + fields))})"
    if rows:
        row = "(" + ", ".join(["%s"] * (len(fixed) + len(fields))) + ")"
        return f"{into} VALUES {', '.join([row] * rows)}"
    values = [f"%s::{_type(model, name)}" for name in fixed]
    values += [f"(r ->> {n})::{_type(model, name)}" for n, name in enumerate(fields)]
    return f"{into} SELECT {', '.join(values)} FROM jsonb_array_elements(%s::jsonb) AS r"


def insert_params(fixed: list[object], rows: list[tuple[object, ...]]) -> list[object]:
    """The parameters of `insert_sql`: the fixed fields' values, then the rows, a value per field.

    A JSON field's value is given as its text (`json_text`), a time as the connection adapts it.
    """
    if connection.vendor == "postgresql":
        return [*fixed, json.dumps(rows, default=datetime.isoformat)]  # a time as PostgreSQL reads it
    return [value for row in rows for value in (*fixed, *row)]


def json_text(field: JSONField, value: object) -> str | None:
    """A JSON field's value as the ORM writes it (None: SQL NULL), for `insert_params`."""
    return None if value is None else json.dumps(value, cls=field.encoder)


def in_sql(model: type[Model], field: str, count: int) -> str:
    """The condition that a model's `field` is one of `count` values, given by `in_params` (one text on PostgreSQL)."""
    return _in_sql(model, field, count if connection.vendor != "postgresql" else 0)


@lru_cache(maxsize=64)
def _in_sql(model: type[Model], field: str, count: int) -> str:
    """`in_sql`: `count` is 0 on PostgreSQL."""
    (column,) = columns(model, (field,))
    if count:
        return f"{column} IN ({', '.join(['%s'] * count)})"
    return f"{column} = ANY(%s::{_type(model, field)}[])"


def in_params(values: list[object]) -> list[object]:
    """The parameters of `in_sql`."""
    return [values] if connection.vendor == "postgresql" else values


def _type(model: type[Model], name: str) -> str:
    """A field's column type without its length (`varchar`, not `varchar(200)`), as a parameter is cast to it."""
    return model._meta.get_field(name).db_type(connection).split("(")[0]
