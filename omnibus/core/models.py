"""What the floor keeps in the database: tries at an access code or a sign-in, for the throttle."""

from django.db import models


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
