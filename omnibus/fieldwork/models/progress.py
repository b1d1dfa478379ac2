"""Where each unit stands: who has answered for it, and the state of each of its sections.

The respondent survey (collect) writes these; fieldwork reads them to track a wave, choose
whom to remind and whom to call. They sit here, below collect, so that those readers need not
import the survey.
"""

from django.db import models

from omnibus.fieldwork.models.waves import WaveUnit


class Respondent(models.Model):
    """A person answering for a unit, in one browser: who last worked on a section."""

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="respondents")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or "A colleague"


class SectionState(models.Model):
    """Where a unit stands in one section: not started, in progress or completed."""

    class Status(models.TextChoices):
        """What is stored; `omnibus.fieldwork.progress` says it in the dataset's words (complete, partial, none)."""

        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    # Short names for the writers (the survey, imports, simulated waves) and their tests.
    NOT_STARTED, IN_PROGRESS, COMPLETED = Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    last_respondent = models.ForeignKey(Respondent, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave_unit", "section"], name="one_state_per_section")]
