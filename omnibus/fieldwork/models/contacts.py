"""The people to contact at each unit of a wave, the unit's nomination status, and the wave's retention date."""

from django.db import models
from django.db.models import Q

from omnibus.fieldwork.models.waves import Wave, WaveUnit


class Contact(models.Model):
    """A person to write to or ring about a unit's part in a wave; one per unit is the main contact.

    Contacts belong to a wave unit, not to the frame's unit: people move on between waves, and
    a wave's contacts are erased as a whole once its retention date has passed.
    """

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)  # stored lower case: it is the key an import updates by
    phone = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=200, blank=True)
    is_main = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave_unit", "email"], name="one_contact_per_email_per_unit"),
            # Partial unique index (PostgreSQL and SQLite both have them): at most one main contact.
            models.UniqueConstraint(fields=["wave_unit"], condition=Q(is_main=True), name="one_main_contact_per_unit"),
        ]
        ordering = ["wave_unit_id", "-is_main", "name", "id"]

    def __str__(self) -> str:
        return f"contact {self.pk} of {self.wave_unit_id}"  # no name or email: this ends up in logs


class Nomination(models.Model):
    """Where a unit stands in the nomination stage: the director names one point of contact.

    Kept per wave unit rather than per contact because the request goes to the authority and
    may be declined before any contact exists. No row means "not requested".
    """

    class Status(models.TextChoices):
        NOT_REQUESTED = "not_requested", "Not requested"
        REQUESTED = "requested", "Requested"
        NOMINATED = "nominated", "Nominated"
        DECLINED = "declined", "Declined"

    # The names the rest of the code uses.
    NOT_REQUESTED = Status.NOT_REQUESTED
    REQUESTED = Status.REQUESTED
    NOMINATED = Status.NOMINATED
    DECLINED = Status.DECLINED

    wave_unit = models.OneToOneField(WaveUnit, on_delete=models.CASCADE, related_name="nomination")
    status = models.CharField(max_length=16, choices=Status, default=Status.NOT_REQUESTED)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.wave_unit_id}: {self.status}"


class Retention(models.Model):
    """When a wave's contact details, access codes and call notes may be erased, and when they were.

    A model of its own (not a field on Wave) so that the erasure's own date lives beside the
    policy, and a wave without a row simply has no retention date yet (erasure is refused).
    """

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="retention")
    erase_after = models.DateField()
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.wave_id}: erase after {self.erase_after}"
