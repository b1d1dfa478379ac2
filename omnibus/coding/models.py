"""Code frames, the coding of open responses, suggestions to review, and quotes for the report.

A code frame belongs to a survey and one open variable (a question's text, or an "Other (please
specify)" text), not to a wave, so Wave 4 codes against the themes Wave 3 built. Codings and
quotes belong to a unit of a wave.
"""

from django.conf import settings
from django.db import models

from omnibus.fieldwork.models import Wave, WaveUnit


class CodeFrame(models.Model):
    """The themes of one open variable of a survey, reused in every wave."""

    survey = models.CharField(max_length=64)
    variable = models.CharField(max_length=100)  # "SocImprov", or "SuppSou_14_text"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "variable"], name="one_frame_per_variable")]
        ordering = ["survey", "variable"]

    def __str__(self) -> str:
        return f"{self.survey} {self.variable}"


class Theme(models.Model):
    """A code of a code frame: a short label, a description for coders, example phrases, and a stable number.

    The label, description and examples are also what suggestions know the theme by before any
    answer is coded with it. `added_in` is the wave whose coding added the theme (None for one
    that came with the frame), so the tables can mark a theme new in the wave that added it.
    """

    frame = models.ForeignKey(CodeFrame, on_delete=models.CASCADE, related_name="themes")
    code = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    examples = models.JSONField(default=list, blank=True)  # phrases an answer with this theme might use
    added_in = models.ForeignKey(Wave, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["frame", "code"], name="one_theme_per_code"),
            models.UniqueConstraint(fields=["frame", "label"], name="one_theme_per_label"),
        ]
        ordering = ["frame", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Net(models.Model):
    """A group of themes reported together ("Any workforce theme")."""

    frame = models.ForeignKey(CodeFrame, on_delete=models.CASCADE, related_name="nets")
    label = models.CharField(max_length=200)
    themes = models.ManyToManyField(Theme, related_name="nets")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["frame", "label"], name="one_net_per_label")]
        ordering = ["frame", "label"]

    def __str__(self) -> str:
        return self.label


class Coding(models.Model):
    """One theme given to one unit's answer to an open variable in a wave (several per answer allowed).

    `source` says how the code was given, so counts can be honest about machine coding: by a person
    (on the screen, or in a spreadsheet read back by import), a suggestion accepted after the
    researcher ticked it, or suggestions accepted in bulk (all above a confidence, or a candidate
    theme's whole group) without anyone reading each answer.
    """

    class Source(models.TextChoices):
        RESEARCHER = "researcher", "Coded by a researcher"
        SUGGESTION = "suggestion", "Suggestion accepted after review"
        BULK = "bulk", "Suggestions accepted in bulk"
        IMPORT = "import", "Imported from a spreadsheet"

    # The names the rest of the code uses.
    RESEARCHER = Source.RESEARCHER
    SUGGESTION = Source.SUGGESTION
    BULK = Source.BULK
    IMPORT = Source.IMPORT

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="codings")
    variable = models.CharField(max_length=100)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codings")
    source = models.CharField(max_length=12, choices=Source, default=Source.RESEARCHER)
    coded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    coded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave_unit", "variable", "theme"], name="one_coding_per_theme"),
        ]


class Suggestion(models.Model):
    """A code proposed for an uncoded answer, waiting for the researcher to accept or reject it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    # The names the rest of the code uses.
    OPEN = State.OPEN
    ACCEPTED = State.ACCEPTED
    REJECTED = State.REJECTED

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="suggestions")
    variable = models.CharField(max_length=100)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="suggestions")
    confidence = models.FloatField()
    method = models.CharField(max_length=100)  # which method made it: embeddings or TF-IDF
    calibration = models.CharField(max_length=200, blank=True)  # how its confidence was calibrated
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave_unit", "variable", "theme"], name="one_suggestion_per_theme"),
        ]
        ordering = ["-confidence"]


class SuggestedAnswer(models.Model):
    """The version of one answer that suggestions were last made for (`answer_saved_at`, its `updated_at`).

    The worker's sweep suggests codes only for answers with no such mark, or saved since theirs:
    answers that arrived or changed. An answer that got no proposal is marked too, so it is not
    read again on every sweep.
    """

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="+")
    variable = models.CharField(max_length=100)
    answer_saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave_unit", "variable"], name="one_mark_per_answer"),
        ]


class CandidateTheme(models.Model):
    """A group of uncoded answers found by the suggestions, offered as a theme to add to the code frame."""

    frame = models.ForeignKey(CodeFrame, on_delete=models.CASCADE, related_name="candidates")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200)
    key_terms = models.JSONField(default=list)
    examples = models.JSONField(default=list)  # a few answer texts near the group's centre
    members = models.JSONField(default=list)  # unit keys of the answers in the group
    method = models.CharField(max_length=100)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "id"]


class Quote(models.Model):
    """Words from a unit's answer marked for the report; attributed by type and region, never by name.

    `flags` holds what the disclosure check found in `text` when it was last saved; a quote is not
    used anywhere while a flag stands (see `quotes.usable`).
    """

    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="quotes")
    variable = models.CharField(max_length=100)
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes")
    text = models.TextField()
    flags = models.JSONField(default=list)  # what the disclosure check found: kind, text, message
    dismissed = models.JSONField(default=list)  # flagged words the researcher read and set aside
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["variable", "id"]
