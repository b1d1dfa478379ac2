"""Back-office screens: a wave's contacts, one unit's contacts (add, edit, make main, remove), nomination status.

Every page here shows contact details, so every one is for researchers only and records a
"viewed" audit event; the changes themselves are audited by `omnibus.fieldwork.contacts`.
A successful POST redirects back (post/redirect/get); a form with mistakes is shown again with
the GOV.UK error summary and status 400, so that what was typed is never kept in the session.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages as flash
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from omnibus.core.ids import as_id
from omnibus.core.roles import researcher_required
from omnibus.fieldwork import audit
from omnibus.fieldwork.contacts import (
    ContactError,
    ImportResult,
    add_contact,
    contacts_of,
    edit_contact,
    import_contacts,
    nomination_of,
    remove_contact,
    set_main,
    set_nomination,
    wave_unit_by_key,
)
from omnibus.fieldwork.models import AuditEvent, Contact, Message, Nomination, Wave, WaveUnit

FIELDS = ("name", "email", "phone", "role")
# Messages a researcher should notice next to the contact they were sent to.
TROUBLE = (Message.FAILED, Message.BOUNCED)


def wave_or_404(slug: str) -> Wave:
    """The wave with this slug, or the 404 page."""
    return get_object_or_404(Wave, slug=slug)


def unit_or_404(wave: Wave, key: str) -> WaveUnit:
    """The wave's unit with frame key `key`, or the 404 page."""
    try:
        return wave_unit_by_key(wave, key)
    except ContactError as error:
        raise Http404(str(error)) from error


def contact_or_404(wave: Wave, pk: int) -> Contact:
    """A contact of this wave (a contact of another wave is not found here)."""
    return get_object_or_404(
        Contact.objects.select_related("wave_unit", "wave_unit__unit"), pk=pk, wave_unit__wave=wave
    )


@researcher_required
def wave_contacts(request: HttpRequest, slug: str) -> HttpResponse:
    """Every unit of the wave with its main contact, how many contacts it has and its nomination status."""
    return _wave_page(request, wave_or_404(slug))


def _wave_page(request: HttpRequest, wave: Wave, problems: list[str] | None = None, status: int = 200) -> HttpResponse:
    """The wave's contacts page, with the problems of a contacts file that was not imported."""
    units = wave.units.select_related("unit").annotate(contact_count=Count("contacts")).order_by("name")
    mains = {c.wave_unit_id: c for c in Contact.objects.filter(wave_unit__wave=wave, is_main=True)}
    statuses = dict(Nomination.objects.filter(wave_unit__wave=wave).values_list("wave_unit_id", "status"))
    labels = dict(Nomination.Status.choices)
    rows = [
        {
            "unit": unit,
            "main": mains.get(unit.pk),
            "nomination": labels[statuses.get(unit.pk, Nomination.NOT_REQUESTED)],
        }
        for unit in units
        if unit.unit_id  # a unit without a frame key has no contacts page to link to
    ]
    audit.record(request.user, AuditEvent.VIEWED, wave=wave, detail="wave contacts list")
    context = {"wave": wave, "rows": rows, "problems": problems or []}
    return render(request, "fieldwork/contacts_wave.html", context, status=status)


UPLOAD_NAME_CHARS = 100  # of an uploaded file's name shown in messages and the audit (its end, with the suffix)


@researcher_required
def import_file(request: HttpRequest, slug: str) -> HttpResponse:
    """Add or update contacts from an uploaded CSV file: all of it, or (showing every problem) none of it."""
    wave = wave_or_404(slug)
    if request.method != "POST":
        return redirect("office:wave_contacts", slug=wave.slug)
    upload = request.FILES.get("contacts_file")
    if upload is None:
        return _wave_page(request, wave, ["Select a contacts file (CSV)"], status=400)
    result = _import_upload(wave, upload, request.user)
    if not result.ok:
        return _wave_page(request, wave, result.lines(), status=400)
    flash.success(request, f"{result.file}: {result.added} contacts added, {result.updated} updated")
    return redirect("office:wave_contacts", slug=wave.slug)


def _import_upload(wave: Wave, upload: UploadedFile, actor: Model) -> ImportResult:
    """Import the uploaded file from a private temporary copy; problems name the file as it was uploaded."""
    # The copy has a name of ours: an uploaded name can be longer than the file system allows.
    name = Path(upload.name or "contacts.csv").name[-UPLOAD_NAME_CHARS:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        with path.open("wb") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
        return import_contacts(wave, path, actor, name=name)


@researcher_required
def unit_contacts(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """One unit's contacts: list, add, make main, remove, and the nomination status."""
    wave = wave_or_404(slug)
    wave_unit = unit_or_404(wave, key)
    if request.method == "POST":
        return _unit_post(request, wave, wave_unit)
    return _unit_page(request, wave, wave_unit)


def _unit_page(
    request: HttpRequest, wave: Wave, wave_unit: WaveUnit, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    """The unit's contacts page (with the add form's errors and typed values when there are any)."""
    contacts = contacts_of(wave, wave_unit.unit.key)
    trouble = _trouble_by_email(wave_unit)
    for contact in contacts:
        contact.trouble = trouble.get(contact.email, [])
    audit.record(request.user, AuditEvent.VIEWED, wave_unit, wave, f"contacts of unit {wave_unit.unit.key}")
    context = {
        "wave": wave,
        "wave_unit": wave_unit,
        "contacts": contacts,
        "nomination": nomination_of(wave_unit),
        "statuses": Nomination.Status.choices,
        "errors": errors or {},
        "typed": {f: request.POST.get(f, "") for f in FIELDS} | {"main": request.POST.get("main") == "yes"}
        if errors
        else {},
    }
    return render(request, "fieldwork/contacts_unit.html", context, status=status)


def _trouble_by_email(wave_unit: WaveUnit) -> dict[str, list[Message]]:
    """The unit's failed and bounced messages by the address they went to, newest first."""
    found: dict[str, list[Message]] = {}
    rows = Message.objects.filter(wave_unit=wave_unit, status__in=TROUBLE).select_related("campaign")
    for message in rows.order_by("-created_at", "-id"):
        found.setdefault(message.recipient_email.lower(), []).append(message)
    return found


def _unit_post(request: HttpRequest, wave: Wave, wave_unit: WaveUnit) -> HttpResponse:
    """Carry out one action from the unit's page, then redirect back (or show the mistakes)."""
    action = request.POST.get("action", "")
    handlers = {"add": _add, "main": _make_main, "remove": _remove, "nomination": _nominate}
    if action not in handlers:
        return _unit_page(request, wave, wave_unit, {"action": f"unknown action {action!r}"}, status=400)
    try:
        handlers[action](request, wave, wave_unit)
    except ContactError as error:
        return _unit_page(request, wave, wave_unit, error.problems, status=400)
    return redirect("office:unit_contacts", slug=wave.slug, key=wave_unit.unit.key)


def _add(request: HttpRequest, wave: Wave, wave_unit: WaveUnit) -> None:
    values = {f: request.POST.get(f, "") for f in FIELDS}
    add_contact(wave_unit, request.user, is_main=request.POST.get("main") == "yes", **values)
    flash.success(request, f"Contact {values['name'].strip()} added")


def _chosen(request: HttpRequest, wave_unit: WaveUnit) -> Contact:
    """The contact a POST names, which must belong to this unit."""
    pk = as_id(request.POST.get("contact", ""))
    found = wave_unit.contacts.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise ContactError({"contact": "choose a contact of this unit"})
    return found


def _make_main(request: HttpRequest, wave: Wave, wave_unit: WaveUnit) -> None:
    contact = set_main(_chosen(request, wave_unit), request.user)
    flash.success(request, f"{contact.name} is now the main contact")


def _remove(request: HttpRequest, wave: Wave, wave_unit: WaveUnit) -> None:
    contact = _chosen(request, wave_unit)
    name = contact.name
    remove_contact(contact, request.user)
    flash.success(request, f"Contact {name} removed")


def _nominate(request: HttpRequest, wave: Wave, wave_unit: WaveUnit) -> None:
    status = set_nomination(wave_unit, request.POST.get("nomination", ""), request.user)
    flash.success(request, f"Nomination status: {status.get_status_display()}")


@researcher_required
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change one contact's name, email, phone or role."""
    wave = wave_or_404(slug)
    contact = contact_or_404(wave, pk)
    errors: dict[str, str] = {}
    typed = {f: getattr(contact, f) for f in FIELDS}
    if request.method == "POST":
        typed = {f: request.POST.get(f, "") for f in FIELDS}
        try:
            edit_contact(contact, request.user, **typed)
        except ContactError as error:
            errors = error.problems
        else:
            flash.success(request, f"Contact {contact.name} changed")
            return redirect("office:unit_contacts", slug=wave.slug, key=contact.wave_unit.unit.key)
    audit.record(request.user, AuditEvent.VIEWED, contact, wave, "contact edit form")
    context = {"wave": wave, "contact": contact, "typed": typed, "errors": errors}
    return render(request, "fieldwork/contacts_edit.html", context, status=400 if errors else 200)


urlpatterns = [
    path("waves/<slug:slug>/contacts/", wave_contacts, name="wave_contacts"),
    path("waves/<slug:slug>/contacts/import/", import_file, name="import_contacts"),
    path("waves/<slug:slug>/units/<str:key>/contacts/", unit_contacts, name="unit_contacts"),
    path("waves/<slug:slug>/contacts/<id:pk>/", edit, name="edit_contact"),
]
