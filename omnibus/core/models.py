"""What the floor keeps in the database: tries at an access code or a sign-in, for the throttle."""

from django.db import models


class AccessAttempt(models.Model):
    """A try at the start page or the sign-in page, kept to slow and then refuse repeated failures from one address."""

    CODE = "code"
    LOGIN = "login"
    KINDS = [(CODE, "access code"), (LOGIN, "back-office sign-in")]

    address = models.GenericIPAddressField()
    kind = models.CharField(max_length=5, choices=KINDS, default=CODE)
    succeeded = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"])]
