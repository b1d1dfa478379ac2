"""Fieldwork records. For now: the questionnaire versions that waves will bind to."""

from django.db import models


class QuestionnaireVersion(models.Model):
    """A checked questionnaire file, kept word for word: a wave binds to one of these.

    The YAML text itself is stored (not a path) so that a wave's questionnaire can never
    change under it; `sha256` tells a reload of the same file from a changed one.
    """

    survey = models.CharField(max_length=64)
    version = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    source_name = models.CharField(max_length=300)
    source_text = models.TextField()
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "version"], name="one_questionnaire_per_version")]
        ordering = ["survey", "version"]

    def __str__(self) -> str:
        return f"{self.survey} {self.version}"
