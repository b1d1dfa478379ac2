"""Fixtures for the dataset tests: waves with no answers yet over the session's questionnaire and frame."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

OPENS = datetime(2017, 10, 4, 9, tzinfo=UTC)
CLOSES = datetime(2017, 11, 17, 17, tzinfo=UTC)


@pytest.fixture
def make_wave(make_wave):
    """A factory of waves with no answers yet over the 152 LAs, open in autumn 2017 ("cso-w3" unless named)."""

    def make(slug: str = "cso-w3", kind: str = "main"):
        return make_wave(slug, OPENS, CLOSES, title="CSO Wave 3", kind=kind)

    return make


@pytest.fixture
def wave(make_wave):
    """Wave cso-w3, with no answers yet."""
    return make_wave()


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
