"""The analysis dataset: one row per unit of a wave, a column per variable. Pure Python, no Django.

Layout of `Dataset.data` (a polars DataFrame):

- `unit`: the unit's key (str); for a client export it may be a pseudonym;
- frame attributes, each as `frame_<name>` (str or float; null where the frame has no value);
- `section_<id>`: "complete", "partial" or "none" for each section;
- the questionnaire's variables, named and ordered as `omnibus.questionnaire.variables.variables`;
- after the variables, the paradata summary: `para_first_at`, `para_last_at` (UTC datetimes),
  `para_minutes`, `para_minutes_<section>` (float), `para_pages_shown` (int),
  `para_last_section`, `para_last_page` (str).

Missing values, kept apart so that a table can say who it leaves out:

- coded and numeric variables (single, grid item, multi-choice flag, number, numeric item):
  `NOT_ASKED` (-1) when routing did not ask it or its section was not reached,
  `NOT_ANSWERED` (-2) when it was asked and left unanswered; "Don't know" and "Prefer not
  to say" keep their questionnaire codes, which the variable's value labels mark as missing
  (`Option.missing`);
- a multiple-choice question that was answered has 1 for each chosen option and 0 for the
  others; one that was asked but not answered has `NOT_ANSWERED` in every flag;
- text variables (open text, "please specify"): null when not asked, "" when asked and not
  answered (or the option was not chosen).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from omnibus.analysis.spec import Breakdown
from omnibus.questionnaire.kinds import NOT_ANSWERED, NOT_ASKED
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.naming import Variable

# NOT_ASKED (-1) and NOT_ANSWERED (-2) are defined with the one rule that writes them,
# `questionnaire.kinds.dataset_value`, which the dataset builder and the synthetic data share.
SYSTEM_MISSING = (NOT_ASKED, NOT_ANSWERED)
# A section's state for a unit, and a unit's response over the menu sections: the one vocabulary of
# progress (docs/dataset.md). `omnibus.fieldwork.progress` says the live wave in these words too.
COMPLETE, PARTIAL, NONE = "complete", "partial", "none"
SECTION_STATES = (COMPLETE, PARTIAL, NONE)


@dataclass
class Dataset:
    """A wave's analysis dataset with what is needed to label and tabulate it."""

    wave: str
    questionnaire: Questionnaire
    variables: list[Variable]
    data: pl.DataFrame
    population_size: int  # N: units in the wave's frame (the finite population)
    frame_attributes: list[str] = field(default_factory=list)  # names without the `frame_` prefix
    # Nets that come with the data rather than the analysis spec: a code frame's nets of themes.
    nets: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    # Table 3's breakdowns, as the population declares them (`profile:`): the live wave page, the
    # report's Appendix 1 and the tab book all show the same response profile.
    profile: tuple[Breakdown, ...] = ()
    # Notes that come with the data, by question: how a code frame's codes were given (by a person or
    # accepted from suggestions), printed under the question's table in the tab book.
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    title: str = ""  # the wave's title ("Children's Services Omnibus – Wave 3"), for captions and prose
    # The banner of the tab book and report when the analysis spec names no breakdowns (`breakdowns:`).
    breakdowns: tuple[Breakdown, ...] = ()
    # Frame attributes a client copy keeps for every unit, being shared by too many units to name one.
    client_attributes: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """What a reader calls the wave: its title, else its name."""
        return self.title or self.wave
