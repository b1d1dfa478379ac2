"""What respondents give: live answers, the history of every answer, sections, paradata.

`Answer` holds a unit's live answers, one row per answer key. `AnswerEvent` is append-only:
every answer given, changed, cleared or moved off route, so nothing a respondent entered is
ever lost, even when routing no longer asks for it.
"""

from django.db import models

from omnibus.fieldwork.models import WaveUnit


class Respondent(models.Model):
    """A person answering for a unit, in one browser: who last worked on a section."""

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="respondents")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or "A colleague"


class Answer(models.Model):
    """A live answer: the current value of one answer key for a unit."""

    WEB, TELEPHONE, PAPER, RETURNED_COPY, IMPORT = "web", "telephone", "paper", "returned_copy", "import"
    MODES = [
        (WEB, "Web"),
        (TELEPHONE, "Telephone"),
        (PAPER, "Paper"),
        (RETURNED_COPY, "Returned copy"),
        (IMPORT, "Import"),
    ]

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=100)
    value = models.JSONField()
    section = models.CharField(max_length=64)
    mode = models.CharField(max_length=20, choices=MODES, default=WEB)
    respondent = models.ForeignKey(Respondent, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave_unit", "key"], name="one_live_answer_per_key")]


class AnswerEvent(models.Model):
    """One entry of the answer history (never updated or deleted)."""

    GIVEN, CLEARED, OFF_ROUTE = "given", "cleared", "off_route"
    KINDS = [(GIVEN, "Given or changed"), (CLEARED, "Cleared"), (OFF_ROUTE, "Moved off route")]

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="answer_events")
    key = models.CharField(max_length=100)
    value = models.JSONField(null=True)
    kind = models.CharField(max_length=12, choices=KINDS)
    section = models.CharField(max_length=64)
    mode = models.CharField(max_length=20, default=Answer.WEB)
    respondent = models.ForeignKey(Respondent, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["wave_unit", "key"])]


class SectionState(models.Model):
    """Where a unit stands in one section: not started, in progress or completed."""

    NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
    STATUSES = [(NOT_STARTED, "Not started"), (IN_PROGRESS, "In progress"), (COMPLETED, "Completed")]

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=STATUSES, default=NOT_STARTED)
    last_respondent = models.ForeignKey(Respondent, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave_unit", "section"], name="one_state_per_section")]


class PageEvent(models.Model):
    """Paradata: a page shown to or submitted by a respondent, with its time."""

    SHOWN, SUBMITTED = "shown", "submitted"

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="page_events")
    respondent = models.ForeignKey(Respondent, on_delete=models.SET_NULL, null=True, related_name="+")
    section = models.CharField(max_length=64, blank=True)
    page = models.CharField(max_length=100)
    event = models.CharField(max_length=10)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["wave_unit", "at"])]


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
