"""The coding screens (researchers only): a wave's open variables, the coding list, one answer at a time, quotes.

Every change is a POST that redirects back (so a refresh repeats nothing) and is safe to
repeat: a double submit codes once. Errors come back as a GOV.UK error summary on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from omnibus.coding import codeframes, codings, quotes
from omnibus.coding.codings import OpenResponse, OpenVariable
from omnibus.coding.csvfile import export_csv
from omnibus.coding.models import CandidateTheme, CodeFrame, Quote, Suggestion, Theme
from omnibus.core.ids import as_id, as_ids
from omnibus.core.redirects import safe_target
from omnibus.core.roles import RESEARCHER, office_required, researcher_required, role_of
from omnibus.dataset.build import build_dataset
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of

app_name = "coding"


class ActionError(Exception):
    """A posted change that cannot be made; the message is shown in the error summary."""


def _wave(slug: str) -> Wave:
    return get_object_or_404(Wave, slug=slug)


def _open(wave: Wave, variable: str) -> OpenVariable:
    found = codings.open_variable(wave, variable)
    if found is None:
        raise Http404(f"{variable} is not an open variable of {wave.slug}")
    return found


@researcher_required
def wave_coding(request: HttpRequest, slug: str) -> HttpResponse:
    """The wave's open variables with how many answers each has and how many are coded."""
    wave = _wave(slug)
    rows = []
    for variable in codings.open_variables(questionnaire_of(wave.questionnaire)):
        found = codings.open_responses(wave, variable.name)
        themes = codings.code_frame_of(wave, variable.name).themes.count()
        coded = sum(1 for r in found if r.codes)
        rows.append({"variable": variable, "answers": len(found), "coded": coded, "themes": themes})
    return render(request, "coding/wave.html", {"wave": wave, "rows": rows})


@researcher_required
def screen(request: HttpRequest, slug: str, variable: str) -> HttpResponse:
    """The coding list: themes with live counts, suggestions, and the answers filtered and searched."""
    wave = _wave(slug)
    open_variable = _open(wave, variable)
    code_frame = codings.code_frame_of(wave, variable)
    if request.method == "POST":
        return _post(request, wave, code_frame)
    codings.suggest_new_codes(wave, variable)  # answers the worker has not reached yet are shown suggested at once
    found = codings.open_responses(wave, variable)
    themes = list(code_frame.themes.all())
    counts = codings.theme_counts(found)
    shown = _filtered(found, request.GET.get("q", ""), request.GET.get("show", ""))
    context = {
        "wave": wave,
        "variable": open_variable,
        "code_frame": code_frame,
        "themes": [{"theme": t, "count": counts[t.code], "percent": _percent(counts[t.code], found)} for t in themes],
        "nets": code_frame.nets.prefetch_related("themes"),
        "answers": shown,
        "first_uncoded": next((r for r in found if not r.codes), found[0] if found else None),
        "total": len(found),
        "uncoded": sum(1 for r in found if not r.codes),
        "candidates": CandidateTheme.objects.filter(frame=code_frame, wave=wave),
        "method": _method(wave, code_frame),
        "calibration": _calibration(wave, code_frame),
        "sources": codings.code_sources(wave, variable),
        "new": codings.new_themes(code_frame, wave),
        "q": request.GET.get("q", ""),
        "show": request.GET.get("show", ""),
        "errors": [("", e) for e in request.session.pop("coding_errors", [])],
        "labels": {t.code: t.label for t in themes},
        "quoted": set(
            Quote.objects.filter(wave_unit__wave=wave, variable=variable).values_list("wave_unit_id", flat=True)
        ),
    }
    return render(request, "coding/screen.html", context)


def _percent(count: int, found: list[OpenResponse]) -> float:
    return 100 * count / len(found) if found else 0.0


def _method(wave: Wave, code_frame: CodeFrame) -> str:
    """Which method made the suggestions on screen, so the researcher knows what they are reading."""
    candidate = CandidateTheme.objects.filter(frame=code_frame, wave=wave).first()
    suggestion = Suggestion.objects.filter(theme__frame=code_frame, wave_unit__wave=wave, state=Suggestion.OPEN).first()
    return (suggestion or candidate).method if (suggestion or candidate) else ""


def _calibration(wave: Wave, code_frame: CodeFrame) -> str:
    """How the confidence of the suggestions on screen was calibrated, in words."""
    open_ones = Suggestion.objects.filter(theme__frame=code_frame, wave_unit__wave=wave, state=Suggestion.OPEN)
    return open_ones.values_list("calibration", flat=True).first() or ""


def _filtered(found: list[OpenResponse], q: str, show: str) -> list[OpenResponse]:
    words = q.lower().split()
    if words:
        found = [r for r in found if all(w in r.text.lower() for w in words)]
    if show == "uncoded":
        found = [r for r in found if not r.codes]
    elif show == "suggested":
        found = sorted((r for r in found if r.suggestions), key=lambda r: -max(s.confidence for s in r.suggestions))
    elif as_id(show) is not None:
        found = [r for r in found if as_id(show) in r.codes]
    return found


def _post(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> HttpResponse:
    action = request.POST.get("action", "")
    handler = ACTIONS.get(action)
    screen = reverse("coding:screen", args=[wave.slug, code_frame.variable])
    back = safe_target(request, request.POST.get("back", ""), screen)
    if handler is None:
        request.session["coding_errors"] = [f"Unknown action {action!r}"]
        return redirect(back)
    try:
        done = handler(request, wave, code_frame)
    except (ActionError, codeframes.CodeFrameError) as error:
        request.session["coding_errors"] = [getattr(error, "message", str(error))]
    else:
        messages.success(request, done)
    return redirect(back)


def _themes_posted(request: HttpRequest, code_frame: CodeFrame, name: str = "theme") -> list[Theme]:
    ids = as_ids(request.POST.getlist(name))
    return list(code_frame.themes.filter(pk__in=ids))


def _units_posted(request: HttpRequest) -> list[int]:
    ids = as_ids(request.POST.getlist("answer"))
    if not ids:
        raise ActionError("Select at least one answer")
    return ids


def _add_theme(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    theme = codeframes.add_theme(
        code_frame,
        request.POST.get("label", ""),
        request.POST.get("description", ""),
        examples=request.POST.get("examples", "").splitlines(),
        wave=wave,
    )
    return f"Added theme {theme.code}: {theme.label}"


def _code(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    themes, units = _chosen(request, code_frame, "Choose a theme to give the selected answers")
    codings.set_codes(wave, code_frame.variable, units, themes, [], request.user)
    return f"Coded {len(units)} answer(s) as {', '.join(t.label for t in themes)}"


def _uncode(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    themes, units = _chosen(request, code_frame, "Choose the theme to take off the selected answers")
    codings.set_codes(wave, code_frame.variable, units, [], themes, request.user)
    return f"Took {', '.join(t.label for t in themes)} off {len(units)} answer(s)"


def _chosen(request: HttpRequest, code_frame: CodeFrame, no_theme: str) -> tuple[list[Theme], list[int]]:
    """The posted themes and answers of a bulk change; an ActionError when either is missing."""
    themes = _themes_posted(request, code_frame)
    if not themes:
        raise ActionError(no_theme)
    return themes, _units_posted(request)


def _merge(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    keep = _themes_posted(request, code_frame, "keep")
    others = [t for t in _themes_posted(request, code_frame, "merge") if not keep or t.pk != keep[0].pk]
    if not keep or not others:
        raise ActionError("Choose the theme to keep and at least one other theme to merge into it")
    codeframes.merge_themes(keep[0], others)
    return f"Merged {', '.join(t.label for t in others)} into {keep[0].label}"


def _split(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    source = _themes_posted(request, code_frame, "split")
    if not source:
        raise ActionError("Choose the theme to split")
    new = codeframes.split_theme(source[0], request.POST.get("label", ""), _units_posted(request), wave=wave)
    return f"Split {new.label} from {source[0].label}"


def _net(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    net = codeframes.set_net(code_frame, request.POST.get("label", ""), _themes_posted(request, code_frame))
    return f"Net ‘{net.label}’ saved"


def _accept(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    return _decide(request, wave, code_frame, accept=True)


def _reject(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    return _decide(request, wave, code_frame, accept=False)


def _decide(request: HttpRequest, wave: Wave, code_frame: CodeFrame, accept: bool) -> str:
    ids = as_ids(request.POST.getlist("suggestion"))
    bulk = bool(request.POST.get("at_least"))  # everything above a confidence: accepted unread
    if bulk:
        try:
            floor = float(request.POST["at_least"]) / 100
        except ValueError:
            raise ActionError("Enter the lowest confidence to accept as a number from 0 to 100") from None
        open_ones = Suggestion.objects.filter(theme__frame=code_frame, wave_unit__wave=wave, state=Suggestion.OPEN)
        ids = list(open_ones.filter(confidence__gte=floor).values_list("pk", flat=True))
    ids = list(Suggestion.objects.filter(pk__in=ids, theme__frame=code_frame).values_list("pk", flat=True))
    if not ids:
        raise ActionError("No suggestions were chosen")
    decided = codings.decide_suggestions(ids, accept, request.user, bulk=bulk)
    return f"{'Accepted' if accept else 'Rejected'} {decided} suggestion(s)"


def _suggest_codes(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    method, made = codings.suggest_codes(wave, code_frame.variable)
    if not method:
        raise ActionError("Add a theme first: codes are suggested from the code frame's themes and the answers coded")
    return f"{made} code(s) suggested by {method}"


def _suggest_themes(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    method, made = codings.suggest_themes(wave, code_frame.variable)
    if not method:
        raise ActionError("Every answer is coded: there is nothing to group")
    return f"{len(made)} candidate theme(s) found by {method}"


def _accept_candidate(request: HttpRequest, wave: Wave, code_frame: CodeFrame) -> str:
    candidate = CandidateTheme.objects.filter(
        pk=as_id(request.POST.get("candidate", "")) or 0, frame=code_frame
    ).first()
    if candidate is None:
        raise ActionError("That candidate theme has already been added or replaced")
    theme, made = codings.accept_candidate(candidate, request.POST.get("label", ""), request.user)
    return f"Added theme {theme.code}: {theme.label}, coding {made} answer(s)"


ACTIONS = {
    "add_theme": _add_theme,
    "code": _code,
    "uncode": _uncode,
    "merge": _merge,
    "split": _split,
    "net": _net,
    "accept": _accept,
    "reject": _reject,
    "suggest_codes": _suggest_codes,
    "suggest_themes": _suggest_themes,
    "accept_candidate": _accept_candidate,
}


@researcher_required
def download(request: HttpRequest, slug: str, variable: str) -> HttpResponse:
    """The answers and their codes as CSV, for coding in a spreadsheet (read back with `omnibus coding import`)."""
    wave = _wave(slug)
    _open(wave, variable)
    response = HttpResponse(export_csv(wave, variable), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{wave.slug}-{variable}-coding.csv"'
    return response


@researcher_required
def one_answer(request: HttpRequest, slug: str, variable: str, wave_unit: int) -> HttpResponse:
    """One answer at a time: tick its themes and go on to the next uncoded answer."""
    wave = _wave(slug)
    open_variable = _open(wave, variable)
    code_frame = codings.code_frame_of(wave, variable)
    found = codings.open_responses(wave, variable)
    current = next((r for r in found if r.wave_unit == wave_unit), None)
    if current is None:
        raise Http404("no answer from that unit")
    if request.method == "POST":
        # Only what this coder changed: a theme a colleague gave meanwhile is not taken off.
        ticked = _themes_posted(request, code_frame)
        shown = _themes_posted(request, code_frame, "was")
        untick = [t for t in shown if t not in ticked]
        codings.set_codes(wave, variable, [wave_unit], ticked, untick, request.user)
        at = found.index(current)
        following = [r for r in found[at + 1 :] + found[:at] if not r.codes]  # on from here, then from the top
        if following and "next" in request.POST:
            return redirect("coding:one", wave.slug, variable, following[0].wave_unit)
        return redirect("coding:screen", wave.slug, variable)
    context = {"wave": wave, "variable": open_variable, "answer": current, "themes": code_frame.themes.all()}
    context["position"] = found.index(current) + 1
    context["total"] = len(found)
    return render(request, "coding/one.html", context)


@researcher_required
def quote_page(request: HttpRequest, slug: str, variable: str, wave_unit: int) -> HttpResponse:
    """Mark words of an answer as a quote; the disclosure check runs as it is saved."""
    wave = _wave(slug)
    _open(wave, variable)
    unit = WaveUnit.objects.filter(wave=wave, pk=wave_unit).first()
    answer = next((r for r in codings.open_responses(wave, variable) if r.wave_unit == wave_unit), None)
    if unit is None or answer is None:
        raise Http404("no answer from that unit")
    code_frame = codings.code_frame_of(wave, variable)
    error = ""
    if request.method == "POST":
        theme = code_frame.themes.filter(pk=as_id(request.POST.get("theme", "")) or 0).first()
        try:
            quote = quotes.mark_quote(unit, variable, request.POST.get("text", ""), theme, request.user)
        except quotes.QuoteError as problem:
            error = str(problem)
        else:
            state = "flagged by the disclosure check" if quote.flags else "passed the disclosure check"
            messages.success(request, f"Quote marked: it {state}")
            return redirect("coding:quotes", wave.slug)
    errors = [("text", error)] if error else []
    context = {
        "wave": wave,
        "variable": variable,
        "answer": answer,
        "themes": code_frame.themes.all(),
        "errors": errors,
        "attributed_by": quotes.attributed_by(wave),
        "unit": quotes.attribution_rule(wave)[1],
    }
    return render(request, "coding/quote.html", context)


@office_required
def quote_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The wave's quotes: researchers see every quote and its flags; a client only usable, consented ones."""
    wave = _wave(slug)
    researcher = role_of(request.user) == RESEARCHER
    error = ""
    if request.method == "POST" and researcher:
        error = _quote_change(request, wave)
        if not error:
            return redirect("coding:quotes", wave.slug)
    usable = quotes.report_quotes(wave, build_dataset(wave, themes=False), client=not researcher)
    context = {"wave": wave, "usable": usable, "researcher": researcher, "errors": [("", error)] if error else []}
    context["unit"] = quotes.attribution_rule(wave)[1]
    if researcher:
        context["all"] = [{"quote": q, "usable": quotes.usable(q)} for q in Quote.objects.filter(wave_unit__wave=wave)]
    return render(request, "coding/quotes.html", context)


def _quote_change(request: HttpRequest, wave: Wave) -> str:
    quote = Quote.objects.filter(wave_unit__wave=wave, pk=as_id(request.POST.get("quote", "")) or 0).first()
    if quote is None:
        return "That quote no longer exists"
    try:
        if request.POST.get("action") == "edit":
            quotes.edit_quote(quote, request.POST.get("text", ""))
        elif request.POST.get("action") == "dismiss":
            quotes.dismiss_flag(quote, request.POST.get("words", ""))
        elif request.POST.get("action") == "delete":
            quote.delete()
        else:
            return "Unknown action"
    except quotes.QuoteError as problem:
        return str(problem)
    return ""


urlpatterns = [
    path("<slug:slug>/", wave_coding, name="wave"),
    path("<slug:slug>/quotes/", quote_list, name="quotes"),
    path("<slug:slug>/<str:variable>/", screen, name="screen"),
    path("<slug:slug>/<str:variable>/coding.csv", download, name="download"),
    path("<slug:slug>/<str:variable>/answer/<id:wave_unit>/", one_answer, name="one"),
    path("<slug:slug>/<str:variable>/answer/<id:wave_unit>/quote/", quote_page, name="quote"),
]
