"""Sessions in the database, as Django keeps them, read by one written-out, prepared statement.

Every request of the survey reads its session. Django's own backend builds that read through
the ORM each time, which cost a sixth of a survey page's CPU; this backend sends the same
statement (the session's data, if it has not expired) as a prepared statement (`core.prepared`)
and decodes the data without making a model instance of it. Everything else, saving, cycling
keys, expiry and clearing, is Django's: sessions stay in the database, so signing out ends a
session on every server.
"""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from omnibus.core import prepared


class SessionStore(db.SessionStore):
    """Django's database sessions with a leaner read."""

    def load(self) -> dict:
        """The session's data if it exists and has not expired, else empty (and the key is dropped, as Django does)."""
        data = self._read()
        if data is None:
            self._session_key = None
            return {}
        return self.decode(data)

    def _read(self) -> str | None:
        """The session's encoded data, or None: no such session, or it has expired."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with prepared.cursor() as cursor:
            cursor.execute(_read_sql(self.model._meta.db_table), [self.session_key, now])
            row = cursor.fetchone()
        return None if row is None else row[0]


@cache
def _read_sql(table: str) -> str:
    """The session read: the data of a session key that has not expired."""
    return f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"
