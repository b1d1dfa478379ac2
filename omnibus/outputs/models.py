"""One build of one output of a wave: what was asked, by whom, when, how it went, and the file it left."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from omnibus.fieldwork.models import Wave


class Build(models.Model):
    """A tab book, report, dataset, coding file or printed questionnaire built for a wave.

    `output` and `format` name an entry of `omnibus.outputs.catalogue`. The file lives under
    settings.OUTPUTS_DIR at `path` (relative, so the folder can move). At most one build of the
    same output, format and comparison of a wave waits or runs at a time, and each form carries a key used
    once: a double click or a resubmitted form queues one build.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    QUEUED = Status.QUEUED
    RUNNING = Status.RUNNING
    DONE = Status.DONE
    FAILED = Status.FAILED
    PENDING = (Status.QUEUED, Status.RUNNING)

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="output_builds")
    output = models.CharField(max_length=32)
    format = models.CharField(max_length=16)
    # The earlier wave a tab book or report is compared with ("" for none), by its slug: the build
    # keeps saying what it was compared with, and "" (unlike NULL) counts in the unique constraint.
    compare = models.CharField(max_length=64, blank=True, default="")
    request_key = models.CharField(max_length=64, unique=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Kept beside the link: the name survives the user's deletion.
    requested_by_name = models.CharField(max_length=150)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=500, blank=True)
    size = models.BigIntegerField(null=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "output", "format", "compare"],
                condition=Q(status__in=["queued", "running"]),
                name="one_pending_build_per_output",
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave.slug} {self.output} {self.format} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.status in self.PENDING
