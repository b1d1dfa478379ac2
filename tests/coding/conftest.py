"""Fixtures for the coding tests: the answers, code frame and codes of the session's simulated `wave`."""

from __future__ import annotations

import pytest


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


@pytest.fixture
def second_wave(wave, make_wave):
    """The demo's coding of the set-up wave, then a second wave of the same questionnaire with answers of its own."""
    from omnibus.coding.demo import code_demo
    from omnibus.dataset.simulate import simulate

    code_demo(wave)
    later = make_wave("cso-w4-simulated")
    simulate(later, seed=11, response_rate=0.5)
    return later
