"""What respondents give: live answers, the history of every answer, sections, paradata.

`Answer` holds a unit's live answers, one row per answer key. `AnswerEvent` is append-only:
every answer given, changed, cleared or moved off route, so nothing a respondent entered is
ever lost, even when routing no longer asks for it.
"""

from django.db import models
from django.utils import timezone

from omnibus.fieldwork.models import Respondent, WaveUnit


class Answer(models.Model):
    """A live answer: the current value of one answer key for a unit."""

    class Mode(models.TextChoices):
        WEB = "web", "Web"
        TELEPHONE = "telephone", "Telephone"
        PAPER = "paper", "Paper"
        RETURNED_COPY = "returned_copy", "Returned copy"
        IMPORT = "import", "Import"

    # The names the rest of the code uses.
    WEB = Mode.WEB
    TELEPHONE = Mode.TELEPHONE
    PAPER = Mode.PAPER
    RETURNED_COPY = Mode.RETURNED_COPY
    IMPORT = Mode.IMPORT

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=100)
    value = models.JSONField()
    section = models.CharField(max_length=64)
    mode = models.CharField(max_length=20, choices=Mode, default=Mode.WEB)
    respondent = models.ForeignKey(Respondent, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave_unit", "key"], name="one_live_answer_per_key")]


class AnswerEvent(models.Model):
    """One entry of the answer history (never updated or deleted)."""

    class Kind(models.TextChoices):
        GIVEN = "given", "Given or changed"
        CLEARED = "cleared", "Cleared"
        OFF_ROUTE = "off_route", "Moved off route"

    # The names the rest of the code uses.
    GIVEN = Kind.GIVEN
    CLEARED = Kind.CLEARED
    OFF_ROUTE = Kind.OFF_ROUTE

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="answer_events")
    key = models.CharField(max_length=100)
    value = models.JSONField(null=True)
    kind = models.CharField(max_length=12, choices=Kind)
    section = models.CharField(max_length=64)
    mode = models.CharField(max_length=20, choices=Answer.Mode, default=Answer.Mode.WEB)
    respondent = models.ForeignKey(Respondent, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["wave_unit", "key"])]


class PageEvent(models.Model):
    """Paradata: a page shown to or submitted by a respondent, with its time."""

    class Event(models.TextChoices):
        SHOWN = "shown", "Shown"
        SUBMITTED = "submitted", "Submitted"

    # The names the rest of the code uses.
    SHOWN = Event.SHOWN
    SUBMITTED = Event.SUBMITTED

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="page_events")
    respondent = models.ForeignKey(Respondent, on_delete=models.SET_NULL, null=True, related_name="+")
    section = models.CharField(max_length=64, blank=True)
    page = models.CharField(max_length=100)
    event = models.CharField(max_length=10, choices=Event)
    # When the page was shown or submitted: given by the writer, as page-shown events are written in batches.
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["wave_unit", "at"])]
