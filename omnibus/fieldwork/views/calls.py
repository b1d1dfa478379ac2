"""Back-office screens: the call list of a wave, its CSV download, and logging a call to a unit.

Researchers only (the screens show names and phone numbers); every screen is audited: the list
and a unit's calls as viewed, the CSV as exported, a logged call as changed.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from omnibus.core.roles import researcher_required
from omnibus.fieldwork import audit
from omnibus.fieldwork.calls import OUTCOMES, CallError, NewContact, call_list, call_list_csv, calls_of, log_call
from omnibus.fieldwork.contacts import ContactError, wave_unit_by_key
from omnibus.fieldwork.models import AuditEvent, CallNote, Wave, WaveUnit
from omnibus.fieldwork.waves import WaveError, wave_by_slug

FIELDS = ("outcome", "promised_for", "note", "new_contact_name", "new_contact_email", "new_contact_phone")


def _wave(slug: str) -> Wave:
    try:
        return wave_by_slug(slug)
    except WaveError:
        raise Http404(f"no wave {slug}") from None


def _wave_unit(wave: Wave, key: str) -> WaveUnit:
    try:
        return wave_unit_by_key(wave, key)
    except ContactError:
        raise Http404(f"no unit {key} in wave {wave.slug}") from None


def _partial(request: HttpRequest) -> bool:
    return request.GET.get("include") == "partial"


@researcher_required
def wave_calls(request: HttpRequest, slug: str) -> HttpResponse:
    """The units still to ring, with the main contact's name and number and the last call's outcome."""
    wave = _wave(slug)
    rows = call_list(wave, include_partial=_partial(request))
    scope = "with partial units" if _partial(request) else "non-responders"
    audit.record(request.user, AuditEvent.VIEWED, wave=wave, detail=f"call list ({scope}): {len(rows)} shown")
    context = {"wave": wave, "rows": rows, "partial": _partial(request), "outcomes": OUTCOMES}
    return render(request, "fieldwork/calls.html", context)


@researcher_required
def call_list_download(request: HttpRequest, slug: str) -> HttpResponse:
    """The call list as a CSV attachment (audited as an export by call_list_csv)."""
    wave = _wave(slug)
    text = call_list_csv(wave, request.user, include_partial=_partial(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{wave.slug}-call-list.csv"'
    return response


def _parse_date(text: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors["promised_for"] = "Enter the promised date as year-month-day, for example 2018-03-31"
        return None


def _submit(request: HttpRequest, wave_unit: WaveUnit, values: dict[str, str]) -> dict[str, str]:
    """Log the posted call; the errors by field (empty when it was logged)."""
    errors: dict[str, str] = {}
    promised = _parse_date(values["promised_for"], errors)
    new_contact = None
    if values["new_contact_name"] or values["new_contact_email"]:
        new_contact = NewContact(values["new_contact_name"], values["new_contact_email"], values["new_contact_phone"])
    if not values["outcome"]:
        errors["outcome"] = "Select what came of the call"
    if errors:
        return errors
    try:
        log_call(wave_unit, request.user, values["outcome"], promised, values["note"], new_contact)
    except CallError as error:
        return error.problems
    return {}


@researcher_required
def log_call_view(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """A unit's calls so far and a form to log another; a logged call goes back to the call list."""
    wave = _wave(slug)
    wave_unit = _wave_unit(wave, key)
    values = {name: request.POST.get(name, "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _submit(request, wave_unit, values)
        if not errors:
            return redirect("office:wave_calls", slug=wave.slug)
    else:
        audit.record(request.user, AuditEvent.VIEWED, wave_unit, wave, f"calls of unit {key}")
    context = {
        "wave": wave,
        "wave_unit": wave_unit,
        "main": wave_unit.contacts.filter(is_main=True).first(),
        "calls": calls_of(wave, key),
        "outcomes": CallNote.Outcome.choices,
        "values": values,
        "errors": errors,
    }
    return render(request, "fieldwork/calls_unit.html", context, status=400 if errors else 200)


urlpatterns = [
    path("waves/<slug:slug>/calls/", wave_calls, name="wave_calls"),
    path("waves/<slug:slug>/calls.csv", call_list_download, name="call_list_csv"),
    path("waves/<slug:slug>/units/<str:key>/calls/", log_call_view, name="log_call"),
]
