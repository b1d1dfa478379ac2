"""Who is answering, for which unit, in which wave: read from the session on every request.

The session (in the database) holds only the wave unit's and the respondent's ids; the
questionnaire is read from its stored version (parsed once per process and version).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from omnibus.fieldwork.models import Respondent, Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.questionnaire.model import Questionnaire

SESSION_UNIT = "omnibus_wave_unit"
SESSION_RESPONDENT = "omnibus_respondent"


@dataclass
class Visit:
    """A signed-in respondent's context."""

    wave_unit: WaveUnit
    respondent: Respondent | None
    questionnaire: Questionnaire

    @property
    def wave(self) -> Wave:
        """The wave being answered."""
        return self.wave_unit.wave

    def state(self) -> str:
        """'not_open', 'open' or 'closed' now."""
        return self.wave.state(timezone.now())


def sign_in(request: HttpRequest, wave_unit: WaveUnit, name: str = "", role: str = "") -> Respondent:
    """Start a respondent's session for a unit (a new session key, so an old one cannot be reused)."""
    respondent = Respondent.objects.create(wave_unit=wave_unit, name=name, role=role)
    request.session.cycle_key()
    request.session[SESSION_UNIT] = wave_unit.pk
    request.session[SESSION_RESPONDENT] = respondent.pk
    return respondent


def sign_out(request: HttpRequest) -> None:
    """End the respondent's session; their answers stay."""
    request.session.flush()


def current_visit(request: HttpRequest) -> Visit | None:
    """The signed-in respondent's visit, or None."""
    unit_id = request.session.get(SESSION_UNIT)
    if not isinstance(unit_id, int):
        return None
    wave_unit = WaveUnit.objects.select_related("wave", "wave__questionnaire").filter(pk=unit_id).first()
    if wave_unit is None:
        return None
    respondent = Respondent.objects.filter(pk=request.session.get(SESSION_RESPONDENT), wave_unit=wave_unit).first()
    return Visit(wave_unit, respondent, questionnaire_of(wave_unit.wave.questionnaire))
