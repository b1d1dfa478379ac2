"""Sessions in the database, as Django keeps them, read by one written-out, prepared statement.

Every request of the survey reads its session. Django's own backend builds that read through
the ORM each time, which cost a sixth of a survey page's CPU; this backend sends the same
statement (the session's data, if it has not expired) as a prepared statement (`core.prepared`)
and decodes the data without making a model instance of it. Everything else, saving, cycling
keys, expiry and clearing, is Django's: sessions stay in the database, so signing out ends a
session on every server.

A survey visit's unit and respondent are also kept in columns of the session's row
(`core.models.Session`), so the survey reads them with the unit in one statement, by the
session's key, without decoding the session at all.
"""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from omnibus.core import prepared
from omnibus.core.models import Session

# The session's keys of a survey visit: the wave unit answered for, and who is answering.
VISIT_UNIT = "omnibus_wave_unit"
VISIT_RESPONDENT = "omnibus_respondent"


class SessionStore(db.SessionStore):
    """Django's database sessions with a leaner read, and the visit's ids kept in columns."""

    @classmethod
    def get_model_class(cls) -> type[Session]:
        """Sessions are rows of `core.models.Session`."""
        return Session

    def create_model_instance(self, data: dict) -> Session:
        """The row to save: Django's, with the visit's unit and respondent copied into their columns."""
        session = super().create_model_instance(data)
        session.wave_unit_id = _id(data.get(VISIT_UNIT))
        session.respondent_id = _id(data.get(VISIT_RESPONDENT))
        return session

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


def _id(value: object) -> int | None:
    """An id kept in the session, or None (anything else is not one)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@cache
def _read_sql(table: str) -> str:
    """The session read: the data of a session key that has not expired."""
    return f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"
