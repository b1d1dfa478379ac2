"""The call log: telephone reminders to a wave's units and what came of each call."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from omnibus.fieldwork.models.contacts import Contact
from omnibus.fieldwork.models.waves import WaveUnit


class CallNote(models.Model):
    """One telephone call to a unit about a wave: who rang, when, the outcome and a note.

    Notes belong to the wave unit (as contacts do), so erasing a wave's contact details takes
    its call notes with them. `caller` keeps the name as text so a note still says who rang
    after the user account is removed.
    """

    class Outcome(models.TextChoices):
        CALLED_NO_ANSWER = "called_no_answer", "Called, no answer"
        SPOKE_TO = "spoke_to", "Spoke to someone"
        LEFT_MESSAGE = "left_message", "Left a message"
        PROMISED_DATE = "promised_date", "Promised a date"
        NEW_CONTACT_GIVEN = "new_contact_given", "New contact given"
        DECLINED = "declined", "Declined to take part"

    # The names the rest of the code uses (OUTCOMES: fieldwork/calls.py).
    CALLED_NO_ANSWER = Outcome.CALLED_NO_ANSWER
    SPOKE_TO = Outcome.SPOKE_TO
    LEFT_MESSAGE = Outcome.LEFT_MESSAGE
    PROMISED_DATE = Outcome.PROMISED_DATE
    NEW_CONTACT_GIVEN = Outcome.NEW_CONTACT_GIVEN
    DECLINED = Outcome.DECLINED
    OUTCOMES = Outcome.choices

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="call_notes")
    caller = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome)
    promised_for = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The contact this call added (outcome new_contact_given); made through contacts.add_contact.
    new_contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["wave_unit_id", "at", "id"]
        indexes = [models.Index(fields=["wave_unit", "at"])]

    def __str__(self) -> str:
        return f"call {self.pk} to {self.wave_unit_id}: {self.outcome}"  # no note text: this ends up in logs
