"""Questionnaire versions, waves and the units of a wave with their access codes."""

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


class Wave(models.Model):
    """A round of fieldwork: a questionnaire version, the frame as of a date, and when it is open.

    `kind` separates the main waves from pilots (which may ask pilot-only questions) and
    previews (a researcher trying a questionnaire): answers of each stay with their own wave.
    """

    class Kind(models.TextChoices):
        MAIN = "main", "Main"
        PILOT = "pilot", "Pilot"
        PREVIEW = "preview", "Preview"

    # The names the rest of the code uses.
    MAIN = Kind.MAIN
    PILOT = Kind.PILOT
    PREVIEW = Kind.PREVIEW

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="waves")
    # A preview wave has no population: its units are made one per preview.
    population = models.ForeignKey("frame.Population", on_delete=models.PROTECT, null=True, related_name="waves")
    frame_as_of = models.DateField()
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.MAIN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_at", "slug"]

    def __str__(self) -> str:
        return self.slug

    def state(self, now) -> str:  # noqa: ANN001 - a datetime
        """'not_open', 'open' or 'closed' at `now`."""
        if now < self.opens_at:
            return "not_open"
        return "open" if now < self.closes_at else "closed"


class WaveUnit(models.Model):
    """A unit taking part in a wave, with its access code.

    The code itself is never stored in the clear: `code_digest` (a keyed hash) finds the unit
    when a respondent types it, and `code_sealed` (encrypted with a key from the environment)
    gives it back for the mail merge. A database dump alone reveals neither.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("frame.Unit", on_delete=models.PROTECT, null=True, related_name="wave_units")
    name = models.CharField(max_length=300)  # the unit's name in the wave's frame
    code_digest = models.CharField(max_length=64, unique=True)
    code_sealed = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "unit"], name="one_code_per_unit_per_wave")]
        ordering = ["wave_id", "name"]  # by id: ordering by the wave itself would join its table

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.name}"
