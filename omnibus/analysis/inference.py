"""What the significance tests ask, in words: one statement for the tab book's legend and the report.

Two questions can be asked of a census with non-response, and a test answers only one:

- **process** (the default): is a difference more than noise? The units' answers are taken as
  outcomes of a process that could have come out otherwise, so a difference between two
  groups of the 152, or two waves, is judged against the variation that process gives, with
  no finite population correction. This is what a publisher usually means by "significant".
- **finite**: do these N units differ? The respondents are a sample of the N units in the
  frame; the finite population correction (1 − n/N) shrinks the variance as response rises,
  so with 70–80% response nearly any difference among the N is flagged, even one the process
  would give by chance. Use it to describe the population as it stands.

Either way the test assumes that who answered is unrelated to the answer (within weighting
classes). Non-response that depends on the answer biases the figures and neither test can
see it: `bench/test_size.py` shows how far.
"""

from __future__ import annotations

from omnibus.analysis.spec import AnalysisSpec

FAMILY_WORDS = {
    "table": "within each table (its comparisons of breakdown groups and of waves together)",
    "waves": "across every comparison with an earlier wave in the tables (breakdown comparisons each at the "
    "nominal level)",
}


def inference_statement(spec: AnalysisSpec) -> list[str]:
    """Sentences saying which question the tests answer, how many are controlled together, and their limits."""
    level = round(spec.confidence * 100)
    if spec.finite:
        question = (
            f"Tests ask whether the units themselves differ: the respondents are treated as a sample of the "
            f"units in the population, with the finite population correction (1 − n/N), at the {level}% level. "
            "With high response almost any difference among the units is found significant."
        )
    else:
        question = (
            f"Tests ask whether a difference is more than chance variation would give (the {level}% level): "
            "the answers are treated as outcomes of a process, without the finite population correction, "
            "so a difference is not called significant only because most of the population answered."
        )
    if spec.fdr == "none":
        family = "Each test is made at that level on its own; no control for making many tests."
    else:
        family = (
            "The false discovery rate is controlled (Benjamini-Hochberg) "
            f"{FAMILY_WORDS[spec.fdr]}; a comparison that repeats another (the second answer of a Yes/No "
            "question, a net of one answer) is counted once."
        )
    c = spec.conventions
    minimum = (
        f"Columns with a base under {c.min_base_letters} are not tested; percentages of a base under "
        f"{c.min_base_percent} are not shown ({c.suppressed})."
    )
    caveat = (
        "Both kinds of test assume that whether a unit answered is unrelated to its answer. If units with one "
        "view were more likely to respond, the figures are biased and the tests cannot detect it."
    )
    return [question, family, minimum, caveat]
