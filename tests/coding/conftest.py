"""Fixtures for the coding tests: a wave of the Wave 3 questionnaire with simulated answers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
AS_OF = date(2017, 9, 1)


@pytest.fixture
def wave(db):
    """A wave over the 152 LAs with simulated answers (about half respond)."""
    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame

    stored, _ = store_questionnaire(QUESTIONNAIRE)
    load_frame(FRAME, AS_OF)
    opens, closes = datetime(2017, 10, 4, 9, tzinfo=UTC), datetime(2017, 11, 17, 17, tzinfo=UTC)
    made = create_wave("cso-w3", "CSO Wave 3", stored, "england-la", AS_OF, opens, closes)
    simulate(made, seed=7, response_rate=0.5)
    return made


@pytest.fixture
def answers(wave):
    """The wave's SocImprov answers."""
    from omnibus.coding.codings import open_responses

    return open_responses(wave, "SocImprov")


@pytest.fixture
def frame(wave):
    """SocImprov's code frame with three themes (codes 1-3) and a net of the first two."""
    from omnibus.coding.codeframes import add_theme, set_net
    from omnibus.coding.codings import code_frame_of

    made = code_frame_of(wave, "SocImprov")
    workforce = add_theme(made, "Workforce", "Recruiting and keeping social workers")
    practice = add_theme(made, "Quality of practice")
    add_theme(made, "Managing demand")
    set_net(made, "Workforce or practice", [workforce, practice])
    return made


@pytest.fixture
def coded(wave, answers, frame) -> dict[int, set[int]]:
    """Code every answer by keywords (3: anything else); returns the codes given per wave unit."""
    from omnibus.coding.codings import set_codes

    themes = {t.code: t for t in frame.themes.all()}
    given = {}
    for r in answers:
        text = r.text.lower()
        codes = {
            c
            for c, words in (
                (1, ("recruit", "workforce", "staff", "social worker")),
                (2, ("quality", "practice", "outcomes")),
            )
            if any(w in text for w in words)
        }
        codes = codes or {3}
        set_codes(wave, "SocImprov", [r.wave_unit], [themes[c] for c in codes], [], None)
        given[r.wave_unit] = codes
    return given
