"""The population frame in the database: units, the versions of the frame, dated values.

A unit's name, codes and attributes are stored as dated values, and a value is stored only
when it differs from the one in force the day before, so the history shows what changed when.
"""

from django.db import models
from django.utils import timezone


class Population(models.Model):
    """A set of organisations surveyed together, e.g. upper-tier LAs in England."""

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    # The schema the last load used (as JSON text), kept so reading the frame does not depend
    # on files. Text, not JSONField: PostgreSQL's jsonb would lose the order of the columns.
    schema = models.TextField(default="{}")

    def __str__(self) -> str:
        return self.slug


class Unit(models.Model):
    """One organisation, identified for good by its key (e.g. the DfE LA number)."""

    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="units")
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["population", "key"], name="frame_unit_unique_key")]

    def __str__(self) -> str:
        return f"{self.population_id}:{self.key}"


class FrameVersion(models.Model):
    """The set of units in the frame from `as_of` until the next version."""

    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="versions")
    as_of = models.DateField()
    source_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)
    row_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["population", "as_of"], name="frame_version_unique_date")]
        ordering = ["population", "as_of"]

    def __str__(self) -> str:
        return f"{self.population_id} as of {self.as_of}"


class Membership(models.Model):
    """A unit belongs to a frame version."""

    version = models.ForeignKey(FrameVersion, on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "unit"], name="frame_membership_unique")]


class AttributeValue(models.Model):
    """A unit's name, code or attribute value in force from `valid_from` ("" means blank)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="values")
    name = models.CharField(max_length=64)
    value = models.TextField(blank=True)
    valid_from = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "name", "valid_from"], name="frame_value_unique_date")]
