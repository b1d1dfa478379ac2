"""Fixtures for the dataset tests: the Wave 3 questionnaire, the 2017 frame of 152 LAs, waves over them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
AS_OF = date(2017, 9, 1)
OPENS = datetime(2017, 10, 4, 9, tzinfo=UTC)
CLOSES = datetime(2017, 11, 17, 17, tzinfo=UTC)


@pytest.fixture
def stored_questionnaire(db):
    from omnibus.fieldwork.questionnaires import store_questionnaire

    stored, _ = store_questionnaire(QUESTIONNAIRE)
    return stored


@pytest.fixture
def make_wave(stored_questionnaire):
    """A factory of waves over the Wave 3 questionnaire and the 2017 frame."""
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame

    load_frame(FRAME, AS_OF)

    def make(slug: str = "cso-w3", kind: str = "main"):
        return create_wave(slug, "CSO Wave 3", stored_questionnaire, "england-la", AS_OF, OPENS, CLOSES, kind=kind)

    return make


@pytest.fixture
def wave(make_wave):
    return make_wave()


@pytest.fixture
def questionnaire(stored_questionnaire):
    from omnibus.fieldwork.questionnaires import questionnaire_of

    return questionnaire_of(stored_questionnaire)


@pytest.fixture
def give(questionnaire):
    """Save answers for a unit of a wave as the web survey would (save_page), section by section."""
    from omnibus.collect.answers import save_page
    from omnibus.fieldwork.models import WaveUnit

    def give(wave, key: str, answers: dict[str, object], mode: str = "web"):
        unit = WaveUnit.objects.select_related("wave").get(wave=wave, unit__key=key)
        owners = {k: q.section for q in questionnaire.questions() for k in _keys(q, questionnaire)}
        by_section: dict[str, dict[str, object]] = {}
        for answer_key, value in answers.items():
            by_section.setdefault(owners[answer_key], {})[answer_key] = value
        for section, submitted in by_section.items():
            save_page(unit, questionnaire, section, list(submitted), submitted, None, None, mode=mode)
        return unit

    return give


def _keys(question, questionnaire):
    from omnibus.questionnaire.variables import answer_keys

    return answer_keys(question, questionnaire)
