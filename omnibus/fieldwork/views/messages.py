"""Back-office screens: a wave's campaigns, preview of a template for one unit, send, and a campaign's messages.

Researchers only: previews carry the unit's access code and contacts' addresses. The code is
rendered into the page when asked for and never stored. "Send" leads to a confirmation page (the
audience, how many units and people, one message); only its form queues the campaign (the worker
sends), once per page whatever the clicks, and that is audited as "sent". A form with mistakes
comes back with the GOV.UK error summary and status 400, never a server error.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from omnibus.core.ids import as_id
from omnibus.core.roles import researcher_required
from omnibus.fieldwork import audit
from omnibus.fieldwork.messages import (
    MERGE,
    TEMPLATE_DIR,
    AudienceError,
    TemplateError,
    links_base,
    load_template,
    menu_of,
    preview,
    recipients_for,
    render_for,
    select_units,
    wave_fields,
)
from omnibus.fieldwork.models import AuditEvent, Campaign, Message, Wave
from omnibus.fieldwork.outbox import AlreadyQueued, queue_campaign, record_bounce
from omnibus.fieldwork.views.contacts import wave_or_404

STATUSES = Message.Status.values
KEY = re.compile(r"[0-9a-f]{32}")  # the confirmation page's idempotency key, as uuid4().hex writes it
FIXED_AUDIENCES = {
    "everyone": "Everyone",
    "not-started": "Not started",
    "partial": "Partial (started, not finished)",
    "unfinished": "Unfinished (not started or partial)",
}


def template_names(wave: Wave) -> list[str]:
    """The message templates a researcher may choose for the wave: the files in examples/messages/
    that merge only fields the wave has (another population's templates are not offered)."""
    fields = set(wave_fields(wave))
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.md") if _merges_only(p, fields))


def _merges_only(path: Path, fields: set[str]) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # offered: choosing it names the problem
    return {match.group(1) for match in MERGE.finditer(text)} <= fields


def audiences_of(wave: Wave) -> dict[str, str]:
    """Every audience the form offers, value to label: the fixed ones, then one per menu section."""
    sections = {f"section:{sid}": f"Section to do: {title}" for sid, title in menu_of(wave).items()}
    return FIXED_AUDIENCES | sections


def _campaigns(wave: Wave) -> list[Campaign]:
    """The wave's campaigns, newest first, each with a count of its messages by status."""
    counts = {s: Count("messages", filter=Q(messages__status=s)) for s in STATUSES}
    return list(Campaign.objects.filter(wave=wave).annotate(**counts, total=Count("messages")).order_by("-id"))


def _messages_page(
    request: HttpRequest, wave: Wave, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    """The wave's messages page: its campaigns and the form to preview or send."""
    chosen = request.POST if request.method == "POST" else request.GET
    context = {
        "wave": wave,
        "campaigns": _campaigns(wave),
        "statuses": STATUSES,
        "templates": template_names(wave),
        "audiences": audiences_of(wave),
        "units": wave.units.select_related("unit").exclude(unit=None).order_by("name"),
        "chosen": {k: chosen.get(k, "") for k in ("template", "audience", "unit")},
        "errors": errors or {},
        "key": _key(request),
    }
    return render(request, "fieldwork/messages_wave.html", context, status=status)


@researcher_required
def wave_messages(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the campaigns and the send form. POST (from the confirmation page only): queue the campaign."""
    wave = wave_or_404(slug)
    if request.method != "POST":
        return _messages_page(request, wave)
    errors = _check_choice(request.POST, wave, need_unit=False)
    key = request.POST.get("key", "")
    if not errors and not KEY.fullmatch(key):
        errors["template"] = "confirm the campaign on its confirmation page before it is sent"
    if errors:
        return _messages_page(request, wave, errors, status=400)
    template = load_template(request.POST["template"], wave_fields(wave))
    try:
        queued = queue_campaign(wave, template, request.POST["audience"], base_url=links_base(request), key=key)
    except AudienceError as error:
        return _messages_page(request, wave, {"audience": str(error)}, status=400)
    except AlreadyQueued as again:  # a double click or a resubmitted page: the first one stands
        first = again.campaign
        note = f"This form had already queued {first.template_name} #{first.pk}, so nothing more was queued"
        flash.info(request, note + ". To send another message, start again from the messages page.")
        return redirect("office:campaign", slug=wave.slug, pk=again.campaign.pk)
    detail = f"{template.name} to {queued.campaign.audience}: {queued.messages} message(s) queued"
    audit.record(request.user, AuditEvent.SENT, queued.campaign, wave, detail)
    flash.success(request, _queued_note(queued.messages, queued.units_without_recipients))
    return redirect("office:campaign", slug=wave.slug, pk=queued.campaign.pk)


@researcher_required
@require_POST
def send_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """What "Send" would do: the audience, how many units and people, the template, one message; nothing queued."""
    wave = wave_or_404(slug)
    errors = _check_choice(request.POST, wave, need_unit=False)
    if errors:
        return _messages_page(request, wave, errors, status=400)
    template = load_template(request.POST["template"], wave_fields(wave))
    audience = request.POST["audience"]
    try:
        units = select_units(wave, audience)
    except AudienceError as error:
        return _messages_page(request, wave, {"audience": str(error)}, status=400)
    people = {u.pk: recipients_for(u) for u in units}
    sample = next((u for u in units if people[u.pk]), None)
    if sample is not None:
        detail = f"send confirmation of {template.name} (one message)"
        audit.record(request.user, AuditEvent.VIEWED, sample, wave, detail)
    context = {
        "wave": wave,
        "template": template,
        "audience": audience,
        "audience_label": audiences_of(wave)[audience],
        "units": len(units),
        "people": sum(len({p.email.lower() for p in found}) for found in people.values()),
        "missing": [u.name for u in units if not people[u.pk]],
        "reached": sum(1 for u in units if people[u.pk]),
        "sample": sample,
        "message": render_for(template, sample, people[sample.pk][0], links_base(request)) if sample else None,
        "recipient": people[sample.pk][0] if sample else None,
        "key": _key(request),
    }
    return render(request, "fieldwork/messages_confirm.html", context)


def _key(request: HttpRequest) -> str:
    """The send form's idempotency key: the one it carries, or a new one when the form is first shown.

    Made with the messages page and carried through the preview and the confirmation, so a page
    brought back (the browser's back button resubmits the confirmation) still holds the key that
    was used, and the database refuses it a second time; a fresh visit to the page is a new key.
    """
    carried = request.POST.get("key", "")
    return carried if KEY.fullmatch(carried) else uuid.uuid4().hex


def _queued_note(count: int, missing: list[str]) -> str:
    """What the researcher is told after sending, including units nobody could be written to."""
    note = f"{count} message{'s' if count != 1 else ''} queued"
    if missing:
        note += f"; {len(missing)} unit(s) have no contact to write to: {', '.join(missing[:10])}"
        note += " …" if len(missing) > 10 else ""
    return note


def _check_choice(data: object, wave: Wave, need_unit: bool) -> dict[str, str]:
    """What is wrong with the chosen template, audience and (for a preview) unit, by field."""
    errors = {}
    template = data.get("template", "")  # type: ignore[attr-defined]
    if template not in template_names(wave):
        errors["template"] = "choose a message template" if not template else f"there is no template {template!r}"
    else:
        try:
            load_template(template, wave_fields(wave))
        except TemplateError as error:  # a broken file in examples/messages/ is named, not a 500
            errors["template"] = str(error)
    audience = data.get("audience", "")  # type: ignore[attr-defined]
    if not need_unit and audience not in audiences_of(wave):
        errors["audience"] = "choose who to send to" if not audience else f"there is no audience {audience!r}"
    unit = data.get("unit", "")  # type: ignore[attr-defined]
    if need_unit and not wave.units.filter(unit__key=unit).exists():
        errors["unit"] = "choose a unit to preview for" if not unit else f"there is no unit {unit!r} in this wave"
    return errors


@researcher_required
def message_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The chosen template filled for one unit, per recipient, with a button on to the send confirmation.

    A POST, so the form's CSRF token and the chosen unit stay out of the address bar and server logs;
    a GET (an old bookmark) goes back to the form with the template and audience still chosen.
    """
    wave = wave_or_404(slug)
    if request.method != "POST":
        kept = urlencode({k: request.GET[k] for k in ("template", "audience") if k in request.GET})
        return redirect(reverse("office:wave_messages", args=[wave.slug]) + (f"?{kept}" if kept else ""))
    errors = _check_choice(request.POST, wave, need_unit=True)
    if errors:
        return _messages_page(request, wave, errors, status=400)
    template = load_template(request.POST["template"], wave_fields(wave))
    wave_unit = wave.units.select_related("wave", "unit").get(unit__key=request.POST["unit"])
    audience = request.POST.get("audience", "")
    audit.record(request.user, AuditEvent.VIEWED, wave_unit, wave, f"preview of {template.name} (with access code)")
    context = {
        "wave": wave,
        "wave_unit": wave_unit,
        "template": template,
        "previews": preview(template, wave_unit, links_base(request)),
        "audience": audience if audience in audiences_of(wave) else "",
        "audience_label": audiences_of(wave).get(audience, ""),
        "key": _key(request),
    }
    return render(request, "fieldwork/messages_preview.html", context)


@researcher_required
def campaign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A campaign's messages with their status; POST records a bounce for one of them."""
    wave = wave_or_404(slug)
    found = get_object_or_404(Campaign, pk=pk, wave=wave)
    error = ""
    if request.method == "POST":
        error = _bounce(request, found)
        if not error:
            return redirect("office:campaign", slug=wave.slug, pk=found.pk)
    rows = found.messages.select_related("wave_unit").order_by("wave_unit__name", "id")
    audit.record(request.user, AuditEvent.VIEWED, found, wave, "campaign messages (recipients)")
    context = {
        "wave": wave,
        "campaign": found,
        "rows": rows,
        "error": error,
        "trouble": (Message.FAILED, Message.BOUNCED),
    }
    return render(request, "fieldwork/messages_campaign.html", context, status=400 if error else 200)


def _bounce(request: HttpRequest, found: Campaign) -> str:
    """Record the bounce a POST describes; what is wrong with the POST, or "" once recorded."""
    ref, reason = request.POST.get("message", ""), request.POST.get("reason", "").strip()
    pk = as_id(ref)
    message = found.messages.filter(pk=pk).first() if pk is not None else None
    if message is None:
        return "choose a message of this campaign"
    if message.status != Message.SENT:
        return f"only a sent message can bounce (message {message.pk} is {message.status})"
    if not reason:
        return "say why the message bounced (the mail server's reply)"
    record_bounce(str(message.pk), reason[:1000])
    audit.record(request.user, AuditEvent.CHANGED, message, found.wave, f"bounce recorded for message {message.pk}")
    flash.success(request, f"Bounce recorded for {message.recipient_email}")
    return ""


urlpatterns = [
    path("waves/<slug:slug>/messages/", wave_messages, name="wave_messages"),
    path("waves/<slug:slug>/messages/preview/", message_preview, name="message_preview"),
    path("waves/<slug:slug>/messages/confirm/", send_confirm, name="send_confirm"),
    path("waves/<slug:slug>/messages/<id:pk>/", campaign, name="campaign"),
]
