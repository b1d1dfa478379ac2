"""The demo's coding: an open question's code frame built from the suggestions, its answers coded, two quotes marked."""

from __future__ import annotations

from omnibus.coding import codings, quotes
from omnibus.coding.models import Coding, Quote, Suggestion
from omnibus.fieldwork.models import Wave, WaveUnit

DEMO_VARIABLE = "SocImprov"
THEMES = 6  # a code frame of a handful of themes, as reports use


def code_demo(wave: Wave, variable: str = DEMO_VARIABLE) -> str:
    """Code a demo wave's open `variable` once (kept on later runs); a line saying what was done."""
    if Coding.objects.filter(wave_unit__wave=wave, variable=variable).exists():
        return f"{variable} is coded already"
    method, candidates = codings.suggest_themes(wave, variable, max_themes=THEMES)
    for candidate in candidates:
        codings.accept_candidate(candidate, "", None)
    codings.suggest_codes(wave, variable)
    code_frame = codings.code_frame_of(wave, variable)
    # Every suggestion made reached the calibrated threshold; the demo accepts them all at once, unread,
    # as a researcher in a hurry might, and the screen and the tables say so.
    open_ones = Suggestion.objects.filter(wave_unit__wave=wave, variable=variable, state=Suggestion.OPEN)
    codings.decide_suggestions(list(open_ones.values_list("pk", flat=True)), True, None, bulk=True)
    found = codings.open_responses(wave, variable)
    for answer in [r for r in found if r.codes][:2]:
        if not Quote.objects.filter(wave_unit_id=answer.wave_unit, variable=variable).exists():
            theme = code_frame.themes.filter(code__in=answer.codes).first()
            quotes.mark_quote(WaveUnit.objects.get(pk=answer.wave_unit), variable, answer.text, theme, None)
    coded = sum(1 for r in codings.open_responses(wave, variable) if r.codes)
    themes = code_frame.themes.count()
    sources = codings.code_sources(wave, variable)
    return (
        f"{variable}: {themes} themes suggested by {method}, {coded} of {len(found)} answers coded"
        f" ({sources.bulk} of the {sources.total} codes accepted in bulk from suggestions, unread)"
    )
