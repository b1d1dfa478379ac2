"""Who is answering, for which unit, in which wave: read from the session on every request.

The session (in the database) holds only the wave unit's and the respondent's ids, in columns
of its row as well as in its data (`core.sessions`). Everything a page needs comes from one
query by the session's key (`answers.read_visit`): the unit, its wave's times (so a wave closed
a moment ago on another server is closed here too), the respondent, the live answers, and the
questionnaire version's id and digest, by which the parsed questionnaire is found in this
process's cache (a stored version never changes).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from omnibus.collect.answers import UnitRead, read_unit, read_visit
from omnibus.core.sessions import VISIT_RESPONDENT, VISIT_UNIT
from omnibus.fieldwork.models import Respondent, Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of_version
from omnibus.questionnaire.model import Questionnaire

SESSION_UNIT = VISIT_UNIT
SESSION_RESPONDENT = VISIT_RESPONDENT


@dataclass
class Visit:
    """A signed-in respondent's context: the unit as read for this request, and its questionnaire."""

    unit: UnitRead
    questionnaire: Questionnaire

    @property
    def wave_unit(self) -> WaveUnit:
        """The unit being answered for."""
        return self.unit.wave_unit

    @property
    def respondent(self) -> Respondent | None:
        """Who is answering (None: the respondent is no longer the unit's)."""
        return self.unit.respondent

    @property
    def answers(self) -> dict[str, object]:
        """The unit's live answers, as read for this request."""
        return self.unit.answers

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


def current_visit(request: HttpRequest, section: str = "", lock: bool = False) -> Visit | None:
    """The signed-in respondent's visit, or None; `lock` holds the unit's row (a save), `section` reads its state.

    Read by the session's key with the unit, in one query; a session changed earlier in this
    request (and not saved yet) is read from its data instead.
    """
    session = request.session
    if session.modified:
        unit = _unit_of_data(session, section, lock)
    elif session.session_key is None:
        return None
    else:
        session.accessed = True  # the page depends on the session, as if it had been read (Vary: Cookie)
        unit = read_visit(session.session_key, section, lock)
    if unit is None:
        return None
    return Visit(unit, questionnaire_of_version(*unit.questionnaire))


def _unit_of_data(session: SessionBase, section: str, lock: bool) -> UnitRead | None:
    unit_id, respondent_id = session.get(SESSION_UNIT), session.get(SESSION_RESPONDENT)
    if not isinstance(unit_id, int):
        return None
    return read_unit(unit_id, respondent_id if isinstance(respondent_id, int) else None, section, lock)
