"""The survey's public pages: about the survey, privacy notice, accessibility statement, cookies, contact.

They are open to anyone (no code needed) and linked from the footer of every survey page. Each
describes the survey the visitor is in: the signed-in respondent's wave, else the wave whose
invitation link they followed, else the one main wave open now; with none of these, it speaks
of the survey in general words.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from omnibus.collect.service import ServiceWords, service_words
from omnibus.collect.visit import SESSION_UNIT
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.fieldwork.waves import wave_unit_by_id

SESSION_INVITED = "invited_unit"  # the unit whose invitation link this browser followed
PAGES = {
    "about": "collect/public_about.html",
    "privacy": "collect/public_privacy.html",
    "accessibility": "collect/public_accessibility.html",
    "cookies": "collect/public_cookies.html",
    "contact": "collect/public_contact.html",
}


def wave_of(request: HttpRequest) -> Wave | None:
    """The wave the visitor is in: signed in, invited, or the one main wave open now."""
    for key in (SESSION_UNIT, SESSION_INVITED):
        unit_id = request.session.get(key)
        if isinstance(unit_id, int):
            unit = wave_unit_by_id(unit_id)
            if unit is not None:
                return unit.wave
    now = timezone.now()
    open_now = list(
        Wave.objects.select_related("questionnaire")
        .filter(kind=Wave.MAIN, opens_at__lte=now, closes_at__gt=now)
        .order_by("opens_at")[:2]
    )
    return open_now[0] if len(open_now) == 1 else None


def words_for(wave: Wave | None) -> ServiceWords:
    """The public pages' words for a wave's questionnaire (general words without a wave)."""
    return service_words(questionnaire_of(wave.questionnaire) if wave else None)


def _page(name: str):  # noqa: ANN202 - a view
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        wave = wave_of(request)
        context = {
            "wave": wave,
            "about": words_for(wave),
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
        }
        return render(request, PAGES[name], context)

    view.__name__ = name
    view.__doc__ = f"The survey's {name} page."
    return view


about = _page("about")
privacy = _page("privacy")
accessibility = _page("accessibility")
cookies = _page("cookies")
contact = _page("contact")
