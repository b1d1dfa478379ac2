"""Suggestions for open answers as they arrive: the sweep `omnibus worker` runs on a timer.

Respondents' answers are saved without a thought for coding (the survey's save path stays as
fast as it is), and every SWEEP_EVERY seconds the worker suggests codes for the answers that
arrived or changed since the last sweep, in every wave whose open variable has a code frame with
themes. A wave opened with an earlier wave's frame so has suggestions waiting when a researcher
first opens its coding screen, without anyone pressing "Suggest codes".
"""

from __future__ import annotations

import logging

from omnibus.coding.codings import arrived_answers, suggest_new_codes
from omnibus.coding.models import CodeFrame
from omnibus.fieldwork.models import Wave

log = logging.getLogger("omnibus.coding.arrivals")

SWEEP_EVERY = 60.0  # seconds between sweeps: a researcher sees a new answer's suggestions within a minute


def suggest_for_arrivals(prefer: str = "auto") -> int:
    """Suggest codes for every answer that arrived or changed since the last sweep; returns the proposals made.

    Each wave and variable is one transaction (see `suggest_new_codes`), so a sweep cut off
    half-way leaves the rest for the next one.
    """
    made = 0
    for code_frame in CodeFrame.objects.filter(themes__isnull=False).distinct():
        arrived = arrived_answers(code_frame.variable).filter(wave_unit__wave__questionnaire__survey=code_frame.survey)
        for wave in Wave.objects.filter(pk__in=arrived.values("wave_unit__wave")):
            method, proposals = suggest_new_codes(wave, code_frame.variable, prefer)
            if proposals:
                log.info("%d code(s) suggested by %s for %s %s", proposals, method, wave.slug, code_frame.variable)
            made += proposals
    return made
