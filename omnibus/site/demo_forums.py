"""The demo's second survey: the made-up Parent Carer Forum Survey, on a population that is not LAs.

Its own population, frame, questionnaire and wave; simulated answers for every forum but the one
whose code is printed, its open question coded, a tab book and an HTML report, so the back office
shows two surveys side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from omnibus.analysis.spec import load_spec
from omnibus.coding.demo import code_demo
from omnibus.collect.models import Answer
from omnibus.dataset.build import build_dataset
from omnibus.dataset.simulate import simulate
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame
from omnibus.report.making import make_report
from omnibus.report.tabbook import write_tabbook

POPULATION = "parent-carer-forums"
QUESTIONNAIRE = Path("examples/questionnaires/parent-carer-forums.yaml")
FRAME = Path("examples/frame/parent-carer-forums.csv")
FRAME_AS_OF = date(2025, 1, 1)
SPEC = Path("examples/analysis/parent-carer-forums.yaml")
REPORT_SPEC = Path("examples/reports/parent-carer-forums.yaml")
WAVE = "pcf-2025-demo"
OPEN_QUESTION = "Improve"


@dataclass(frozen=True)
class ForumsDemo:
    """What the demo made of the forums survey, to print where to look."""

    wave: Wave
    example: WaveUnit
    code: str
    tabbook: Path
    report: Path
    coding: str


def set_up_forums_demo(root: Path) -> ForumsDemo:
    """Load the forums example and fill its wave (kept on later runs); the files it wrote."""
    load_frame(root / FRAME, FRAME_AS_OF, POPULATION)
    wave = Wave.objects.filter(slug=WAVE).first() or _new_wave(root)
    example = wave.units.order_by("name").first()
    if not Answer.objects.filter(wave_unit__wave=wave).exclude(wave_unit=example).exists():
        simulate(wave, seed=2025, response_rate=0.75, leave={example.pk})
    coding = code_demo(wave, OPEN_QUESTION)
    data = Path(settings.DATA_DIR)
    tabbook = data / f"{WAVE}-tabbook.xlsx"
    write_tabbook([build_dataset(wave)], load_spec(root / SPEC), tabbook)
    report = make_report(wave, root / REPORT_SPEC, ["html"], data / "report")["html"]
    return ForumsDemo(wave, example, unseal(example.code_sealed), tabbook, report, coding)


def _new_wave(root: Path) -> Wave:
    """The forums wave: open from yesterday for two months."""
    stored = store_questionnaire(root / QUESTIONNAIRE, replace=True)[0]
    now = timezone.now()
    return create_wave(
        WAVE, stored.title, stored, POPULATION, FRAME_AS_OF, now - timedelta(days=1), now + timedelta(60)
    )
