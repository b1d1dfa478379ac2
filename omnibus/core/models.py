"""What the floor keeps in the database: sessions, and tries at an access code or a sign-in, for the throttle."""

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    """A session as Django keeps it, with the survey visit's unit and respondent in columns of their own.

    Every request of the survey needs the session only for these two ids, and then reads the
    unit: with the ids in columns, one statement joins the session to the unit (`collect.answers`)
    instead of reading and decoding the session first. They are plain ids, not foreign keys: the
    floor sits below the fieldwork that owns units and respondents. The store fills them from the
    session's data whenever it saves it (`core.sessions`).
    """

    wave_unit_id = models.BigIntegerField(null=True)
    respondent_id = models.BigIntegerField(null=True)

    @classmethod
    def get_session_store_class(cls) -> type:
        """The store that reads and writes these sessions."""
        from omnibus.core.sessions import SessionStore

        return SessionStore


class AccessAttempt(models.Model):
    """A try at the start page or the sign-in page, kept to slow and then refuse repeated failures from one address."""

    class Kind(models.TextChoices):
        CODE = "code", "access code"
        LOGIN = "login", "back-office sign-in"

    # The names the rest of the code uses.
    CODE = Kind.CODE
    LOGIN = Kind.LOGIN

    address = models.GenericIPAddressField()
    # The address that connected, when the client's address came from X-Forwarded-For.
    peer = models.GenericIPAddressField(null=True)
    # The first group of a wrong code, so guesses at one partly known code are counted together.
    prefix = models.CharField(max_length=4, blank=True, default="")
    kind = models.CharField(max_length=5, choices=Kind, default=Kind.CODE)
    succeeded = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["address", "at"]),
            models.Index(fields=["peer", "at"]),
            models.Index(fields=["prefix", "at"]),
        ]
