"""Editing code frames: themes added, merged and split with the coded answers following."""

from __future__ import annotations

import pytest


def test_theme_codes_number_on_and_labels_are_unique(frame):
    from omnibus.coding.codeframes import CodeFrameError, add_theme

    assert add_theme(frame, "Finance").code == 4
    with pytest.raises(CodeFrameError, match="already a theme called"):
        add_theme(frame, "  finance ")
    with pytest.raises(CodeFrameError) as error:
        add_theme(frame, "   ")
    assert error.value.field == "label"


def test_merge_moves_codings_without_doubling(wave, answers, frame):
    from omnibus.coding.codeframes import merge_themes
    from omnibus.coding.codings import open_responses, set_codes
    from omnibus.coding.models import Coding

    workforce, practice = frame.themes.get(code=1), frame.themes.get(code=2)
    both = answers[0].wave_unit
    set_codes(wave, "SocImprov", [both], [workforce, practice], [], None)
    set_codes(wave, "SocImprov", [answers[1].wave_unit], [practice], [], None)
    merge_themes(workforce, [practice])
    assert not frame.themes.filter(code=2).exists()
    coded = {r.wave_unit: r.codes for r in open_responses(wave, "SocImprov") if r.codes}
    assert coded == {both: {1}, answers[1].wave_unit: {1}}
    assert Coding.objects.filter(wave_unit_id=both).count() == 1


def test_split_moves_only_the_chosen_answers(wave, frame, coded):
    from omnibus.coding.codeframes import split_theme
    from omnibus.coding.codings import open_responses

    given = coded
    workforce_units = sorted(u for u, c in given.items() if 1 in c)
    chosen = workforce_units[:2]
    new = split_theme(frame.themes.get(code=1), "Agency staff", chosen)
    after = {r.wave_unit: r.codes for r in open_responses(wave, "SocImprov")}
    assert all(new.code in after[u] and 1 not in after[u] for u in chosen)
    assert all(1 in after[u] for u in workforce_units[2:])


def test_a_net_needs_two_themes(frame):
    from omnibus.coding.codeframes import CodeFrameError, set_net

    with pytest.raises(CodeFrameError, match="at least two"):
        set_net(frame, "Alone", [frame.themes.get(code=1)])
