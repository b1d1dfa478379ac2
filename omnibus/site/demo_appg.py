"""The demo's third survey: the APPG survey of directors of children's services, a linear survey.

Five questions straight through (no section menu), numbered Q1 to Q5 as the inquiry printed
them, with rates that give the date they relate to. Its answers are the example's, built to the
figures the inquiry published (`examples/answers/`), imported as a researcher would a file; its
tab book and HTML report then print those figures again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings

from omnibus.analysis.spec import load_spec
from omnibus.collect.models import Answer
from omnibus.dataset.build import build_dataset
from omnibus.dataset.importing import import_responses
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.questionnaires import questionnaire_of, store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame
from omnibus.report.making import make_report
from omnibus.report.tabbook import write_tabbook

POPULATION = "england-la"
QUESTIONNAIRE = Path("examples/questionnaires/appg-dcs-2016.yaml")
FRAME = Path("examples/frame/england-la-by-year/england-la-2016.csv")
FRAME_AS_OF = date(2016, 9, 1)
ANSWERS = Path("examples/answers/appg-dcs-2016-answers.csv")
SPEC = Path("examples/analysis/appg-dcs-2016.yaml")
REPORT_SPEC = Path("examples/reports/appg-dcs-2016.yaml")
WAVE = "appg-dcs-2016"
# The fieldwork the inquiry reports: sent on 8 December 2016, open until 26 January 2017.
OPENS, CLOSES = datetime(2016, 12, 8, 9, tzinfo=UTC), datetime(2017, 1, 26, 17, tzinfo=UTC)


@dataclass(frozen=True)
class AppgDemo:
    """What the demo made of the APPG survey, to print where to look."""

    wave: Wave
    survey: str
    version: str
    responding: int
    tabbook: Path
    report: Path


def set_up_appg_demo(root: Path) -> AppgDemo:
    """Load the APPG example (kept on later runs) and write its tab book and report."""
    load_frame(root / FRAME, FRAME_AS_OF, POPULATION)
    wave = Wave.objects.filter(slug=WAVE).first() or _new_wave(root)
    if not Answer.objects.filter(wave_unit__wave=wave).exists():
        import_responses(wave, root / ANSWERS)
    data = Path(settings.DATA_DIR)
    dataset = build_dataset(wave)
    tabbook = data / f"{WAVE}-tabbook.xlsx"
    write_tabbook([dataset], load_spec(root / SPEC, questionnaire_of(wave.questionnaire)), tabbook)
    report = make_report(wave, root / REPORT_SPEC, ["html"], data / "report")["html"]
    responding = Answer.objects.filter(wave_unit__wave=wave).values("wave_unit").distinct().count()
    return AppgDemo(wave, wave.questionnaire.survey, wave.questionnaire.version, responding, tabbook, report)


def _new_wave(root: Path) -> Wave:
    stored = store_questionnaire(root / QUESTIONNAIRE, replace=True)[0]
    return create_wave(WAVE, stored.title, stored, POPULATION, FRAME_AS_OF, OPENS, CLOSES)
