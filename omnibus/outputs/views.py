"""A wave's outputs page: build its tab book, report, dataset, coding files and printed questionnaire; download them.

Researchers see and build everything; a client sees only the outputs for clients and their
builds, and anything else (a build's number guessed, a researcher's output posted) is "not
found". Builds are POSTs carrying the CSRF token and a key used once; every download is audited.
"""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

import omnibus.core.ids  # noqa: F401 - registers the <id:…> part of the download's URL
from omnibus.core.roles import RESEARCHER, office_required, role_of
from omnibus.fieldwork.audit import record
from omnibus.fieldwork.models import AuditEvent, Wave
from omnibus.outputs.builds import kept_file, queue_build, title_of
from omnibus.outputs.catalogue import BY_KEY, output_named, visible_outputs
from omnibus.outputs.models import Build

app_name = "outputs"

REQUEST_KEY = re.compile(r"[0-9a-f]{32}")
SHOWN_BUILDS = 100


def _wave(slug: str) -> Wave:
    return get_object_or_404(Wave.objects.exclude(kind=Wave.PREVIEW).select_related("questionnaire"), slug=slug)


def _earlier_waves(wave: Wave) -> list[Wave]:
    """The waves a tab book or report of `wave` may be compared with: those that opened before it, newest first."""
    found = Wave.objects.exclude(kind=Wave.PREVIEW).exclude(pk=wave.pk).filter(opens_at__lt=wave.opens_at)
    return list(found.order_by("-opens_at"))


def _researcher(request: HttpRequest) -> bool:
    return role_of(request.user) == RESEARCHER


def _error(request: HttpRequest, title: str, detail: str, status: int) -> HttpResponse:
    response = render(request, "core/error.html", {"title": title, "detail": detail}, status=status)
    if status == 405:
        response["Allow"] = "POST" if request.resolver_match.url_name == "build" else "GET"
    return response


@office_required
def wave_outputs(request: HttpRequest, slug: str) -> HttpResponse:
    """The outputs the user may build, each with a button per format, and the builds kept, newest first."""
    if request.method not in ("GET", "HEAD"):
        return _error(request, "This page cannot take that request", "Use the buttons on the page.", 405)
    wave = _wave(slug)
    offered = visible_outputs(_researcher(request))
    builds = list(
        Build.objects.filter(wave=wave, output__in=[o.key for o in offered]).select_related("requested_by")[
            :SHOWN_BUILDS
        ]
    )
    context = {
        "wave": wave,
        "offered": [{"output": o, "formats": [(f, o.format_label(f)) for f in o.formats]} for o in offered],
        "earlier": _earlier_waves(wave),
        "builds": [{"build": b, "title": title_of(b)} for b in builds],
        "pending": any(b.pending for b in builds),
        "request_key": uuid.uuid4().hex,
        "is_researcher": _researcher(request),
    }
    return render(request, "outputs/wave.html", context)


@office_required
def build(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue a build of the posted output and format (once per form: the key), then back to the page."""
    if request.method != "POST":
        return _error(request, "Builds are asked for with the page's buttons", "Go to the wave's outputs page.", 405)
    wave = _wave(slug)
    key, fmt = request.POST.get("output", ""), request.POST.get("format", "")
    output = output_named(key, fmt)
    if output is None:
        detail = f"Choose an output and a format on the outputs page of {wave.slug}."
        return _error(request, "There is no such output", detail, 400)
    if not output.for_clients and not _researcher(request):
        raise Http404("not an output for clients")
    compare = request.POST.get("compare", "")
    if compare and not (output.comparable and compare in {w.slug for w in _earlier_waves(wave)}):
        detail = f"Choose one of the waves that opened before {wave.slug}, or none."
        return _error(request, f"{output.title} cannot be compared with that wave", detail, 400)
    request_key = request.POST.get("request_key", "")
    if not REQUEST_KEY.fullmatch(request_key):
        return _error(request, "That form is out of date", "Reload the outputs page and press the button again.", 400)
    queued = queue_build(wave, key, fmt, request.user, request_key, compare)
    what = title_of(queued.build)
    if queued.new:
        messages.success(request, f"{what} is queued: refresh this page to see it finish")
    else:
        messages.success(request, f"{what} was already asked for: it is {queued.build.get_status_display().lower()}")
    return redirect("outputs:wave", slug=wave.slug)


@office_required
def download(request: HttpRequest, slug: str, build_id: int) -> HttpResponse:
    """The file of a finished build the user may have, as an attachment; the download is audited."""
    if request.method not in ("GET", "HEAD"):
        return _error(request, "This address only gives a file", "Use the download link on the outputs page.", 405)
    wave = _wave(slug)
    found = Build.objects.filter(wave=wave, pk=build_id).first()
    output = BY_KEY.get(found.output) if found is not None else None
    if output is None or not (output.for_clients or _researcher(request)):
        raise Http404("no such build")
    kept = kept_file(found)
    if kept is None:
        raise Http404("the build has no file (not finished, or no longer kept)")
    if request.method == "GET":  # a HEAD request learns the size, not the contents
        record(request.user, AuditEvent.EXPORTED, found, wave=wave, detail=f"downloaded {title_of(found)}: {kept.name}")
    return FileResponse(kept.open("rb"), as_attachment=True, filename=kept.name)


urlpatterns = [
    path("<slug:slug>/", wave_outputs, name="wave"),
    path("<slug:slug>/build/", build, name="build"),
    path("<slug:slug>/builds/<id:build_id>/file", download, name="download"),
]
