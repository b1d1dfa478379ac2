"""What every tabulation of stored waves reads: the analysis spec and each wave's dataset.

`omnibus tables`, `omnibus publish` and the back office's tab book builds all start here, so the
tab book made on the web is the one the command line writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omnibus.analysis.dataset import Dataset
from omnibus.analysis.spec import AnalysisSpec, check_breakdowns, load_spec, with_banner
from omnibus.dataset.build import build_dataset
from omnibus.fieldwork.questionnaires import questionnaire_of


def tabulation_inputs(waves: Sequence, spec: Path | None) -> tuple[AnalysisSpec, list[Dataset]]:
    """The analysis spec (the default one without a file) and each wave's dataset, the first the wave tabulated.

    The spec's names are checked against the first wave's questionnaire and its breakdowns against
    the frame's attributes: a SpecError says where one is wrong.
    """
    analysis = load_spec(spec, questionnaire_of(waves[0].questionnaire)) if spec else AnalysisSpec()
    datasets = [build_dataset(wave) for wave in waves]
    analysis = with_banner(analysis, datasets[0].breakdowns)  # the population's banner when the spec names none
    check_breakdowns(analysis, datasets[0].frame_attributes)
    return analysis, datasets
