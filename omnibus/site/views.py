"""The pages of the site: what is loaded, a questionnaire as printed, the frame."""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from omnibus.collect.models import Answer
from omnibus.core.roles import role_of
from omnibus.fieldwork.models import QuestionnaireVersion, Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.models import Population
from omnibus.frame.store import FrameError, frame_as_of
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.render_text import render_text
from omnibus.questionnaire.variables import variables


def home(request: HttpRequest) -> HttpResponse:
    """What is loaded (questionnaire versions, waves, each population's frame today) for staff; else a landing page.

    Fieldwork figures are for a signed-in role: a visitor without one (a respondent, the public)
    is told what the service is, where the survey starts and where staff sign in.
    """
    if role_of(request.user) is None:
        return render(request, "site/landing.html")
    versions = [_summary(stored) for stored in QuestionnaireVersion.objects.all()]
    frames = []
    for slug in _loaded_populations():
        try:
            frames.append(frame_as_of(slug))
        except FrameError:
            continue  # a population whose only frame was withdrawn: nothing to show
    return render(request, "site/home.html", {"versions": versions, "frames": frames, "waves": _waves()})


def _loaded_populations() -> list[str]:
    return list(Population.objects.order_by("slug").values_list("slug", flat=True))


def _waves() -> list[dict[str, object]]:
    """Each wave with its state and how many units have answered anything."""
    now = timezone.now()
    waves = Wave.objects.exclude(kind=Wave.PREVIEW).select_related("questionnaire")
    answering = dict(
        Answer.objects.filter(wave_unit__wave__in=waves)
        .values("wave_unit__wave")
        .annotate(units=Count("wave_unit", distinct=True))
        .values_list("wave_unit__wave", "units")
    )
    return [
        {
            "wave": w,
            "state": w.state(now).replace("_", " "),
            "units": w.units.count(),
            "answering": answering.get(w.pk, 0),
        }
        for w in waves
    ]


def _summary(stored: QuestionnaireVersion) -> dict[str, object]:
    questionnaire = questionnaire_of(stored)
    sections = [
        {"id": s.id, "title": s.title, "questions": sum(1 for q in s.questions if kind_of(q).answerable)}
        for s in questionnaire.sections
    ]
    return {"stored": stored, "sections": sections, "variables": len(variables(questionnaire))}


def questionnaire_detail(request: HttpRequest, survey: str, version: str) -> HttpResponse:
    """A questionnaire version as printed (the same text as `omnibus questionnaire render`)."""
    stored = get_object_or_404(QuestionnaireVersion, survey=survey, version=version)
    text = render_text(questionnaire_of(stored))
    return render(request, "site/questionnaire.html", {"stored": stored, "text": text})


def frame_list(request: HttpRequest) -> HttpResponse:
    """A population's frame as of a date (today by default); a chooser when several are loaded."""
    raw = request.GET.get("as_of", "").strip()
    populations = dict(Population.objects.order_by("slug").values_list("slug", "title"))
    chosen = request.GET.get("population", "").strip() or next(iter(populations), "")
    page = {"as_of": raw, "populations": populations, "chosen": chosen}
    as_of = None
    if raw:
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            message = f"'{raw}' is not a date. Give the date as YYYY-MM-DD, for example 2017-09-01."
            return render(request, "site/frame.html", {**page, "error": message}, status=400)
    if chosen not in populations:
        message = f"There is no population called '{chosen}'" if chosen else "No frame is loaded yet"
        return render(request, "site/frame.html", {**page, "error": message, "error_field": "population"}, status=404)
    try:
        frame = frame_as_of(chosen, as_of)
    except FrameError as error:
        return render(request, "site/frame.html", {**page, "error": str(error)}, status=404)
    rows = [unit.cells(frame.columns) for unit in frame.units]
    return render(request, "site/frame.html", {**page, "frame": frame, "rows": rows})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A GOV.UK-style 'Page not found'."""
    return render(request, "core/error.html", {"title": "Page not found"}, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A GOV.UK-style error for a malformed request."""
    return render(request, "core/error.html", {"title": "Sorry, there is a problem with that request"}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """A GOV.UK-style error for a fault of ours."""
    return render(request, "core/error.html", {"title": "Sorry, there is a problem with the service"}, status=500)
