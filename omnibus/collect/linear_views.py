"""Check your answers for a linear survey: every routed section's answers on one page, then submit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from omnibus.collect import flow, linear, paradata
from omnibus.collect.answers import complete_section, routed
from omnibus.collect.views import _check_row, survey_page
from omnibus.collect.visit import Visit
from omnibus.questionnaire.kinds import kind_of


@survey_page
@require_http_methods(["GET", "POST"])
def check_survey(request: HttpRequest, visit: Visit) -> HttpResponse:
    """The whole survey's answers by section; submitting completes every routed section.

    A page still needing an answer (a colleague's change re-routed the survey) is shown
    first. A change made after submitting puts its section back in progress until the
    answers are submitted again, as a section's own check page does in a menu survey.
    """
    q = visit.questionnaire
    if not q.linear:
        return redirect("collect:menu")
    route = routed(q, visit.wave_unit, visit.answers)
    missing = linear.first_unanswered(q, route)
    if missing is not None:
        return redirect("collect:question", section_id=missing.section, question_id=missing.id)
    sections = linear.routed_sections(q, route)
    if request.method == "POST":
        for section in sections:
            complete_section(visit.wave_unit, section.id, visit.respondent)
        paradata.page_submitted(visit.wave_unit, visit.respondent, "", "check")
        return redirect("collect:complete")
    paradata.page_shown(visit.wave_unit, visit.respondent, "", "check")
    groups = [
        {
            "section": section,
            "rows": [
                _check_row(visit, section, page, route)
                for page in flow.section_pages(section, route)
                if kind_of(page).answerable
            ],
        }
        for section in sections
    ]
    pages = linear.survey_pages(q, route)
    back = reverse("collect:question", args=[pages[-1].section, pages[-1].id]) if pages else ""
    return render(request, "collect/check_survey.html", {"visit": visit, "groups": groups, "back": back})
