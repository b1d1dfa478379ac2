"""Official statistics in the database: indicators, their values by period and area, and band sets."""

from django.db import models
from django.utils import timezone


class Indicator(models.Model):
    """A measure published about every unit (children looked after per 10,000, % eligible for FSM)."""

    class Kind(models.TextChoices):
        NUMBER = "number", "Number"
        CATEGORY = "category", "Category"  # Ofsted judgements

    code = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=200)
    unit = models.CharField(max_length=100, blank=True)  # "per 10,000 children under 18", "%", "score"
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.NUMBER)

    def __str__(self) -> str:
        return self.code


class Series(models.Model):
    """An indicator for one period (2016, 201516), with where its figures came from."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="series")
    period = models.CharField(max_length=32)
    source_note = models.TextField(blank=True)  # the publication(s), one per line
    files = models.TextField(blank=True)  # name and sha256 of each file loaded, one per line
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="context_series_unique")]
        ordering = ["indicator__code", "period"]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}"


class Value(models.Model):
    """One area's figure: a unit of the population (its key), a region or England; no number when a symbol says why."""

    class Level(models.TextChoices):
        NATIONAL = "national", "England"
        REGIONAL = "regional", "Region"
        UNIT = "la", "Unit of the population"  # stored as "la", as the first population's values were

    # The names the rest of the code uses.
    NATIONAL = Level.NATIONAL
    REGIONAL = Level.REGIONAL
    UNIT = Level.UNIT

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="values")
    level = models.CharField(max_length=10, choices=Level)
    area = models.CharField(max_length=16)  # the unit's key, or the GSS code of England or a region
    name = models.CharField(max_length=200, blank=True)
    value = models.FloatField(null=True)
    text = models.CharField(max_length=200, blank=True)  # a category indicator's value ("Good")
    symbol = models.CharField(max_length=8, blank=True)  # DfE's c, x, z, low; "" with a value or a blank cell

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "level", "area"], name="context_value_unique")]


class BandSet(models.Model):
    """Bands of an indicator made a frame attribute from a date (e.g. `cla_band` from 2017-09-01)."""

    class Method(models.TextChoices):
        CUTS = "cuts", "Cut points"
        QUANTILES = "quantiles", "Equal-count groups"

    attribute = models.SlugField(max_length=64)
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="band_sets")
    as_of = models.DateField()
    method = models.CharField(max_length=16, choices=Method)
    bands = models.JSONField()  # [{"label", "from", "to"}, …] in order
    population = models.CharField(max_length=64)
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["population", "attribute", "as_of"], name="context_bandset_unique")
        ]
