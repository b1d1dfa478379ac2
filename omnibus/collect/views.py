"""The respondent's web survey: start with a code, pick a section, answer, check, finish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from omnibus.collect import finishing, flow, linear, paradata, summary
from omnibus.collect.answers import (
    PageSave,
    complete_section,
    fingerprint,
    keep_history,
    menu_progress,
    routed,
    save_read,
    unit_section_states,
)
from omnibus.collect.models import Answer
from omnibus.collect.pages import form_data, page_view
from omnibus.collect.public import SESSION_INVITED, wave_of, words_for
from omnibus.collect.visit import Visit, current_visit, sign_in, sign_out
from omnibus.core import throttle
from omnibus.core.roles import researcher_required
from omnibus.fieldwork.codes import normalise
from omnibus.fieldwork.codes import prefix as code_prefix
from omnibus.fieldwork.models import QuestionnaireVersion, Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.fieldwork.waves import add_preview_unit, find_wave_unit, start_page_noun, wave_unit_by_id
from omnibus.questionnaire import checks
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.labels import short_label
from omnibus.questionnaire.model import Question, Section, cell_name
from omnibus.questionnaire.numbering import number_of
from omnibus.questionnaire.piping import pipe
from omnibus.questionnaire.reading import MalformedInput
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.validation import page_fields, read_page

NAME_MAX = 200
CHECK_ITEM_LENGTH = 60  # a grid's item on Check your answers: enough to tell the items apart
FORM_META = {"csrfmiddlewaretoken", "seen", "next", "because"}

View = Callable[..., HttpResponse]


def survey_page(view: View) -> View:
    """Pages for a signed-in respondent of an open wave; others are sent to the start or told why.

    A POST runs in one transaction holding the unit's row, with the answers read under the
    lock: a save, its history and its section's state are written together or not at all,
    and colleagues saving the same unit go one after the other. Paradata waiting for its
    batch is written after the transaction, never inside it.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method != "POST":
            response = _open_visit(request, view, args, kwargs)
        else:
            with transaction.atomic():
                response = _open_visit(request, view, args, kwargs)
        paradata.write_if_due()
        return response

    return wrapped


def _open_visit(request: HttpRequest, view: View, args: tuple, kwargs: dict) -> HttpResponse:
    posted = request.method == "POST"
    visit = current_visit(request, section=str(kwargs.get("section_id", "")), lock=posted)
    if visit is None:
        return redirect("collect:start")
    state = visit.state()
    if state != "open":
        context = {"wave": visit.wave, "state": state}
        return render(request, "collect/not_open.html", context, status=403 if posted else 200)
    return view(request, visit, *args, **kwargs)


# -- start ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The start page: the access code (typed, or brought by the invitation's link), name and role."""
    if request.method == "GET":
        return _start_page(request, {"invited": _invited(request)})
    typed = request.POST.get("code", "")[:64]
    name = request.POST.get("name", "").strip()[:NAME_MAX]
    role = request.POST.get("role", "").strip()[:NAME_MAX]
    context = {"code": typed, "name": name, "role": role}
    invited = None if typed.strip() else _invited(request)  # a typed code is the one checked
    if invited is not None:
        wave_unit, verdict = invited, None
    else:
        wave_unit, verdict = _check_code(request, typed)
    if wave_unit is None:
        return _wrong_code(request, context, typed, verdict)
    state = wave_unit.wave.state(timezone.now())
    if state != "open":
        return render(request, "collect/not_open.html", {"wave": wave_unit.wave, "state": state})
    request.session.pop(SESSION_INVITED, None)
    sign_in(request, wave_unit, name, role)
    return redirect("collect:menu")


@require_http_methods(["GET"])
def invitation(request: HttpRequest, code: str) -> HttpResponse:
    """The invitation's link, /s/CODE: the code is exchanged for a session at once.

    The browser is sent on to the start page, so the code is in no later address, history entry
    or Referer (and the access log redacts this one, see `site/access_log.py`).
    """
    wave_unit, verdict = _check_code(request, code)
    if wave_unit is None:
        return _wrong_code(request, {}, code, verdict)
    _fresh_key(request)
    request.session[SESSION_INVITED] = wave_unit.pk
    return redirect("collect:start")


def _fresh_key(request: HttpRequest) -> None:
    """A new session key before the session names a unit, so a key planted in the browser never gets one.

    A browser with no stored session (as most have when they follow an invitation) keeps none to
    cycle: its session is given a new key when it is first saved, and cycling would write it twice.
    """
    session = request.session
    session.keys()  # read the session: a key the store does not hold is dropped
    if session.session_key is not None:
        session.cycle_key()


def _invited(request: HttpRequest) -> WaveUnit | None:
    unit_id = request.session.get(SESSION_INVITED)
    # Read with its wave's questionnaire digest and population: the start page names the unit as they do.
    return wave_unit_by_id(unit_id) if isinstance(unit_id, int) else None


def _check_code(request: HttpRequest, typed: str) -> tuple[WaveUnit | None, throttle.Verdict | None]:
    """The unit a code opens; checked before the throttle, so a right code always gets in.

    A wrong code is counted (by address and by its first group) unless the throttle holds it
    up, whose verdict is then returned.
    """
    source = throttle.client_source(request)
    canonical = normalise(typed)
    wave_unit = find_wave_unit(canonical) if canonical else None
    if wave_unit is not None:
        throttle.record_attempt(source, succeeded=True)
        return wave_unit, None
    aimed = code_prefix(typed)
    verdict = throttle.may_try(source, prefix=aimed)
    if not verdict.allowed:
        return None, verdict
    throttle.record_attempt(source, succeeded=False, prefix=aimed)
    return None, None


def _wrong_code(
    request: HttpRequest, context: dict[str, str], typed: str, verdict: throttle.Verdict | None
) -> HttpResponse:
    if verdict is not None:
        return _start_page(request, {**context, "verdict": verdict}, status=429)
    message = (
        "The access code is not right. Check it against your invitation email"
        if normalise(typed)
        else "Enter the access code from your invitation, like ABCD-EFGH-JKLM"
    )
    return _start_page(request, {**context, "error": message})


def _start_page(request: HttpRequest, context: dict[str, object], status: int = 200) -> HttpResponse:
    """The start page, its wording naming the unit as the wave's population does ("your forum's code")."""
    invited = context.get("invited") or _invited(request)
    noun = start_page_noun(invited.wave if invited is not None else None, timezone.now())
    wave = invited.wave if invited is not None else wave_of(request)
    about = {"about": words_for(wave), "wave": wave}
    return render(request, "collect/start.html", {**context, **about, "unit_noun": noun}, status=status)


@require_http_methods(["GET", "POST"])
def stop(request: HttpRequest) -> HttpResponse:
    """Stop for now: the answers are saved; the code brings the respondent back."""
    visit = current_visit(request)
    if request.method == "POST":
        sign_out(request)
        return render(request, "collect/stopped.html", {"signed_out": True})
    return render(request, "collect/stopped.html", {"visit": visit})


# -- the menu ------------------------------------------------------------------------------


@survey_page
def menu(request: HttpRequest, visit: Visit) -> HttpResponse:
    """The section menu: each section's status and who last worked on it."""
    q = visit.questionnaire
    route = routed(q, visit.wave_unit, visit.answers)
    if q.linear:  # no menu: straight on where the survey needs an answer
        return _linear_step(linear.first_unanswered(q, route))
    states = unit_section_states(visit.wave_unit)
    progress = menu_progress(visit.wave_unit, q, states)
    rows = []
    for code, section in q.menu_sections:
        if section.id not in route.sections:
            continue
        state = states.get(section.id)
        response = progress.sections[section.id]
        rows.append(
            {
                "code": code,
                "section": section,
                "status": response,
                "status_label": response.label,
                "by": str(state.last_respondent) if state and state.last_respondent else None,
            }
        )
    paradata.page_shown(visit.wave_unit, visit.respondent, "", "menu")
    return render(request, "collect/menu.html", {"visit": visit, "rows": rows, "menu": q.menu})


@survey_page
def section_start(request: HttpRequest, visit: Visit, section_id: str) -> HttpResponse:
    """Resume a section at its first unanswered page (or its check page when none is left)."""
    section, route = _section(visit, section_id)
    if section is None:
        return redirect("collect:menu")
    page = flow.first_unanswered(section, route)
    if page is None:
        return _after_section(section, visit)
    return redirect("collect:question", section_id=section.id, question_id=page.id)


def _section(visit: Visit, section_id: str) -> tuple[Section | None, Route]:
    route = routed(visit.questionnaire, visit.wave_unit, visit.answers)
    section = visit.questionnaire.section(section_id)
    if section is None or section.id not in route.sections:
        return None, route
    return section, route


def _is_closing(visit: Visit, section: Section) -> bool:
    return section in visit.questionnaire.closing_sections


def _after_section(section: Section, visit: Visit) -> HttpResponse:
    if _is_closing(visit, section):
        following = visit.questionnaire.closing_sections
        later = following[following.index(section) + 1 :]
        return redirect("collect:section", section_id=later[0].id) if later else redirect("collect:complete")
    return redirect("collect:check", section_id=section.id)


# -- a question page -------------------------------------------------------------------------


@survey_page
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, visit: Visit, section_id: str, question_id: str) -> HttpResponse:
    """One question (or grid, or statement) per page."""
    section, route = _section(visit, section_id)
    q = visit.questionnaire
    page = q.question(question_id)
    if section is None or page is None or page.section != section.id or page.id not in route.questions:
        if request.method == "POST" and page is not None and page.section == section_id:
            return _rerouted(request, visit, page)
        return redirect("collect:section", section_id=section_id) if section else redirect("collect:menu")
    if request.method == "GET":
        paradata.page_shown(visit.wave_unit, visit.respondent, section.id, page.id)
        return _render_page(request, visit, section, page, route, form_data(page, q, route.live))
    return _submit(request, visit, section, page, route)


def _rerouted(request: HttpRequest, visit: Visit, page: Question) -> HttpResponse:
    """A page submitted after a colleague's change stopped it being asked: keep what was typed, and say so.

    The entries go into the history as moved off route (they can be found and restored, as
    any answer routing no longer asks for); the live answers are not touched.
    """
    q = visit.questionnaire
    keys = page_fields(page, q, [item.id for item in page.items])
    typed = {key: _as_typed(request.POST.getlist(key)) for key in sorted(keys)}
    kept = {key: value for key, value in typed.items() if value}
    keep_history(visit.wave_unit, kept, visit.respondent, Answer.WEB, dict.fromkeys(kept, page.section))
    section = q.section(page.section)
    questions = {page.id: page.text, **{item.id: item.text for item in page.items}}
    questions.update({cell_name(i.id, c.id): f"{i.text}: {c.text}" for i in page.items for c in page.columns})
    codes = {str(option.code): option.label for option in q.options_of(page)}
    lines = [
        (questions.get(key, "Please specify"), _in_words(value, codes if key in questions else {}))
        for key, value in kept.items()
    ]
    context = {"visit": visit, "section": section, "page": page, "lines": lines}
    return render(request, "collect/rerouted.html", context, status=409)


def _in_words(value: str | list[str], codes: dict[str, str]) -> str:
    """What was typed or ticked, ticked codes by their labels."""
    return ", ".join(codes.get(v, v) for v in (value if isinstance(value, list) else [value]))


def _as_typed(values: list[str]) -> str | list[str]:
    """A field's posted values as kept in the history: one text, or the ticked codes."""
    filled = [value for value in values if value.strip()]
    return filled[0] if len(filled) == 1 else filled


def _submit(request: HttpRequest, visit: Visit, section: Section, page: Question, route: Route) -> HttpResponse:
    q = visit.questionnaire
    raw = {k: v for k, v in request.POST.lists() if k not in FORM_META}
    items = route.items.get(page.id, [])
    try:
        given = read_page(page, q, route.options.get(page.id, []), items, raw)
    except MalformedInput as error:
        return HttpResponseBadRequest(f"That request could not be read: {error}")
    if given.errors:
        return _render_page(request, visit, section, page, route, raw, given.errors)
    # Cross-item checks over this page's answers and those stored: nothing is saved until they hold.
    broken = checks.page_errors(page, q, route.live, given.answers, pilot=visit.wave_unit.wave.kind == Wave.PILOT)
    if broken:
        return _render_page(request, visit, section, page, route, raw, broken)
    keys = sorted(page_fields(page, q, items))
    # A form posted without its fingerprint is checked as if it had shown no answers: it cannot
    # overwrite a colleague's answers unseen.
    seen = request.POST.get("seen") or fingerprint({}, keys)
    result = save_read(visit.unit, q, PageSave(keys, given.answers, seen, visit.respondent))
    if not result.saved:
        conflict = {"yours": raw, "theirs": result.conflict}
        return _render_page(request, visit, section, page, route, form_data(page, q, route.live), conflict=conflict)
    paradata.page_submitted(visit.wave_unit, visit.respondent, section.id, page.id)
    assert result.route is not None
    return _next(request, visit, section, page, result.route)


def _next(request: HttpRequest, visit: Visit, section: Section, page: Question, route: Route) -> HttpResponse:
    if visit.questionnaire.linear:
        to_check = request.POST.get("next") == "check"
        return _linear_step(linear.after_page(visit.questionnaire, route, page.id, to_check), to_check)
    if request.POST.get("next") == "check":
        return _back_to_check(request, section, page, route)
    following = finishing.next_page(visit.questionnaire, section, route, page.id)
    if following is None:
        if _is_closing(visit, section) and flow.first_unanswered(section, route) is None:
            # A closing section (consent) has no check page: submitting its last page completes it.
            complete_section(visit.wave_unit, section.id, visit.respondent)
        return _after_section(section, visit)
    return redirect("collect:question", section_id=section.id, question_id=following.id)


def _back_to_check(request: HttpRequest, section: Section, page: Question, route: Route) -> HttpResponse:
    """After a change from Check your answers: ask what the change newly routes, saying why, then check again."""
    missing = flow.first_unanswered(section, route)
    if missing is None:
        return redirect("collect:check", section_id=section.id)
    because = request.POST.get("because") or page.id
    address = reverse("collect:question", args=[section.id, missing.id])
    return redirect(f"{address}?{urlencode({'next': 'check', 'because': because})}")


def _because(visit: Visit, route: Route, request: HttpRequest) -> tuple[str, str] | None:
    """The changed question that made this page be asked, as (its id, its short label), if the address names one."""
    changed = visit.questionnaire.question(request.GET.get("because") or request.POST.get("because") or "")
    if changed is None:
        return None
    return changed.id, pipe(short_label(changed), visit.questionnaire, route.live)


def _render_page(
    request: HttpRequest,
    visit: Visit,
    section: Section,
    page: Question,
    route: Route,
    data: dict[str, list[str]],
    errors: list | None = None,
    conflict: dict | None = None,
) -> HttpResponse:
    q = visit.questionnaire
    view = page_view(page, q, route, data, errors)
    before = flow.page_before(section, route, page.id)
    starts_section = before is None  # where the section's intro is shown, in either flow
    back = reverse("collect:question", args=[section.id, before.id]) if before else reverse("collect:menu")
    if q.linear:  # the previous page across sections; none before the survey's first page
        before = linear.page_before(q, route, page.id)
        back = reverse("collect:question", args=[before.section, before.id]) if before else ""
    keys = sorted(page_fields(page, q, route.items.get(page.id, [])))
    context = {
        "visit": visit,
        "section": section,
        "view": view,
        "answer": f"collect/answer_{view.kind}.html",  # named here, so the page includes a fixed name
        "back": back,
        "seen": fingerprint(route.live, keys),
        "next": request.GET.get("next") or request.POST.get("next") or "",
        "conflict": conflict,
        "is_last": _is_closing(visit, section) and finishing.next_page(q, section, route, page.id) is None,
        "because": _because(visit, route, request),
        "section_intro": section.intro if starts_section else None,
    }
    return render(request, "collect/question.html", context)


def _linear_step(page: Question | None, to_check: bool = False) -> HttpResponse:
    """A linear survey's next page (keeping `next=check` on the way back to Check your answers), else that page."""
    if page is None:
        return redirect("collect:answers")
    url = reverse("collect:question", args=[page.section, page.id])
    return redirect(url + "?next=check" if to_check else url)


# -- check, finish ----------------------------------------------------------------------------


@survey_page
@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest, visit: Visit, section_id: str) -> HttpResponse:
    """ "Check your answers" for a section; confirming it completes the section."""
    section, route = _section(visit, section_id)
    if visit.questionnaire.linear:  # one Check your answers for the whole survey
        return redirect("collect:answers")
    if section is None or _is_closing(visit, section):
        return redirect("collect:menu")
    missing = flow.first_unanswered(section, route)
    if missing is not None:
        return redirect("collect:question", section_id=section.id, question_id=missing.id)
    if request.method == "POST":
        complete_section(visit.wave_unit, section.id, visit.respondent)
        paradata.page_submitted(visit.wave_unit, visit.respondent, section.id, "check")
        return redirect("collect:menu")
    paradata.page_shown(visit.wave_unit, visit.respondent, section.id, "check")
    rows = [
        _check_row(visit, section, page, route)
        for page in flow.section_pages(section, route)
        if kind_of(page).answerable
    ]
    return render(request, "collect/check.html", {"visit": visit, "section": section, "rows": rows})


def _check_row(visit: Visit, section: Section, page: Question, route: Route) -> dict[str, object]:
    q = visit.questionnaire
    answered = summary.answered_page(page, q, route, item_length=CHECK_ITEM_LENGTH)
    link = reverse("collect:question", args=[section.id, page.id]) + "?next=check"
    return {
        "question": page,
        "label": answered.label,
        "lines": answered.lines,
        "change": link,
        "number": number_of(q, page.id),
    }


@survey_page
@require_http_methods(["GET", "POST"])
def finish(request: HttpRequest, visit: Visit) -> HttpResponse:
    """After the menu: a warning if sections are still in progress, then the closing sections (consent), then thanks."""
    if request.method == "GET":
        q = visit.questionnaire
        route = routed(q, visit.wave_unit, visit.answers)
        statuses = menu_progress(visit.wave_unit, q, unit_section_states(visit.wave_unit)).sections
        offered = [section for _, section in q.menu_sections if section.id in route.sections]
        left = finishing.unfinished(offered, statuses)
        if left.in_progress:
            paradata.page_shown(visit.wave_unit, visit.respondent, "", "finish-warning")
            return render(request, "collect/finish_warning.html", {"visit": visit, "left": left})
    closing = visit.questionnaire.closing_sections
    if visit.questionnaire.linear:
        return redirect("collect:answers")
    if not closing:
        return redirect("collect:complete")
    return redirect("collect:section", section_id=closing[0].id)


@survey_page
@require_http_methods(["GET"])
def answers_copy(request: HttpRequest, visit: Visit) -> HttpResponse:
    """A printable copy of the unit's answers, for its records (the PDF is the same page, laid out by the site)."""
    return render(request, "collect/copy.html", copy_context(visit))


def copy_context(visit: Visit) -> dict[str, object]:
    """What the copy of the unit's answers shows: every section on its route, with each asked page's answers."""
    route = routed(visit.questionnaire, visit.wave_unit, visit.answers)
    return {"visit": visit, "sections": summary.answered_sections(visit.questionnaire, route), "now": timezone.now()}


@survey_page
@require_http_methods(["GET"])
def complete(request: HttpRequest, visit: Visit) -> HttpResponse:
    """Thank you (it changes nothing: the closing sections were completed as their last pages were submitted)."""
    paradata.page_shown(visit.wave_unit, visit.respondent, "", "complete")
    context = {**complete_context(visit), "sent": request.GET.get("sent") == "1"}
    return render(request, "collect/complete.html", context)


def complete_context(visit: Visit) -> dict[str, object]:
    """What the thank-you page shows: the questionnaire's closing statement, and the form for an emailed copy."""
    return {"visit": visit, "farewell": finishing.farewell(visit.questionnaire)}


# -- preview ---------------------------------------------------------------------------------


@researcher_required
def preview_version(request: HttpRequest, survey: str, version: str) -> HttpResponse:
    """Try a questionnaire version as a respondent would, with answers kept in a preview wave of its own."""
    stored = QuestionnaireVersion.objects.filter(survey=survey, version=version).first()
    if stored is None:
        return render(request, "core/error.html", {"title": "Page not found"}, status=404)
    questionnaire_of(stored)  # a version that no longer reads fails here, not mid-survey
    now = timezone.now()
    wave, _ = Wave.objects.get_or_create(
        slug=f"preview-{stored.pk}",
        defaults={
            "title": f"Preview of {stored.title}",
            "questionnaire": stored,
            "frame_as_of": now.date(),
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=3650),
            "kind": Wave.PREVIEW,
        },
    )
    unit, _ = add_preview_unit(wave, label=f"Preview by {request.user.get_username()}")
    sign_in(request, unit, name=request.user.get_username(), role="Preview")
    return redirect("collect:menu")
