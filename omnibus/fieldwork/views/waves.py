"""Back-office screens: waves with their live tracking, a new wave, open/close/reopen, the audit trail.

Clients read the figures; only researchers see units by name, change waves or read the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from omnibus.core.roles import RESEARCHER, office_required, researcher_required, role_of
from omnibus.fieldwork.audit import record
from omnibus.fieldwork.messages import menu_of
from omnibus.fieldwork.models import AuditEvent, QuestionnaireVersion, Retention, Wave
from omnibus.fieldwork.progress import Response
from omnibus.fieldwork.response_chart import draw, response_series
from omnibus.fieldwork.retention import RetentionError, erasable, erase_contacts
from omnibus.fieldwork.tracking import tracking_tables, unit_rows, wave_figures
from omnibus.fieldwork.unit_search import attribute_choices, matching_keys, read_search, section_choices
from omnibus.fieldwork.wave_state import WaveStateError, close_wave, open_wave, reopen_wave
from omnibus.fieldwork.waves import WaveError, create_wave, unit_noun
from omnibus.frame.models import Population
from omnibus.frame.store import FrameError, choose_population

AUDIT_LIMIT = 200
DATETIME_HINT = "For example, 2017-10-02 09:00"


def _parse_when(text: str) -> datetime:
    """A date-time typed as YYYY-MM-DD HH:MM (or a bare date, meaning midnight), in London time."""
    value = datetime.fromisoformat(text.strip())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class WhenField(forms.CharField):
    """A date-time as text: GOV.UK advises against browser pickers, and the format is shown in a hint."""

    def to_python(self, value: str | None) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return _parse_when(text)
        except ValueError:
            raise forms.ValidationError(f"Enter a date and time like 2017-10-02 09:00, not {text!r}") from None


class WaveForm(forms.Form):
    """The new wave form; `create_wave` has the last word (duplicate slug, missing frame)."""

    slug = forms.SlugField(max_length=64, error_messages={"required": "Enter a short name for the wave"})
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the wave's title"})
    questionnaire = forms.ModelChoiceField(
        QuestionnaireVersion.objects.all(), error_messages={"required": "Choose a questionnaire version"}
    )
    frame_as_of = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"required": "Enter the frame's date", "invalid": "Enter the frame's date like 2017-09-01"},
    )
    opens = WhenField(error_messages={"required": "Enter when the wave opens"})
    closes = WhenField(error_messages={"required": "Enter when the wave closes"})
    kind = forms.ChoiceField(choices=[(Wave.MAIN, "Main"), (Wave.PILOT, "Pilot")], initial=Wave.MAIN)
    population = forms.ChoiceField(error_messages={"required": "Choose the population"})
    field_order = ["slug", "title", "questionnaire", "population", "frame_as_of", "opens", "closes", "kind"]

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        """The population is asked for only when more than one is loaded."""
        super().__init__(*args, **kwargs)
        loaded = list(Population.objects.order_by("slug").values_list("slug", "title"))
        if len(loaded) > 1:
            self.fields["population"].choices = [("", "Choose a population"), *loaded]
        else:
            del self.fields["population"]

    def clean(self) -> dict:
        """Closing before opening is the form's error (tied to `closes`), not a crash later."""
        data = super().clean()
        if data.get("opens") and data.get("closes") and data["closes"] <= data["opens"]:
            self.add_error("closes", "The wave must close after it opens")
        if data.get("slug") and Wave.objects.filter(slug=data["slug"]).exists():
            self.add_error("slug", f"There is already a wave called {data['slug']}")
        return data


def _is_researcher(request: HttpRequest) -> bool:
    return role_of(request.user) == RESEARCHER


def _visible_waves():  # noqa: ANN202 - a QuerySet of Wave
    """Previews are a researcher trying a questionnaire, not fieldwork: they are left out."""
    return Wave.objects.exclude(kind=Wave.PREVIEW).select_related("questionnaire")


@office_required
def wave_overview(request: HttpRequest) -> HttpResponse:
    """Every wave with its state, dates, units, responding units and response by section."""
    now = timezone.now()
    rows = [(wave_figures(w), w.state(now)) for w in _visible_waves()]
    return render(request, "fieldwork/waves.html", {"rows": rows, "is_researcher": _is_researcher(request)})


@office_required
def wave_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The wave's tracking table; researchers also get each unit's progress and the state buttons."""
    return _wave_page(request, get_object_or_404(_visible_waves(), slug=slug))


def _wave_page(request: HttpRequest, wave: Wave, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    """The wave page, with the state form's errors when a change was refused."""
    researcher = _is_researcher(request)
    tables = tracking_tables(wave)  # the report's Table 1 and Table 3: figures only, shown to clients too
    # Unit names are identities: never computed, let alone rendered, for a client.
    units = _unit_list(request, wave) if researcher else {}
    series = response_series(wave)
    if units.get("filter_errors") and status == 200:
        status = 400
    context = units | {
        "wave": wave,
        "figures": tables.figures,
        "tables": tables,
        "state": wave.state(timezone.now()),
        "is_researcher": researcher,
        "errors": errors or [],
        "until": request.POST.get("until", ""),
        "hint": DATETIME_HINT,
        "unit_noun": unit_noun(wave),
        "series": series,
        "chart": draw(series) if series.days else None,
        "retention": Retention.objects.filter(wave=wave).first() if researcher else None,
        "today": timezone.localdate(),
    }
    return render(request, "fieldwork/wave.html", context, status=status)


def _unit_list(request: HttpRequest, wave: Wave) -> dict[str, object]:
    """The unit list as searched and filtered by the page's GET form (unit names: researchers only)."""
    menu = menu_of(wave)
    choices = attribute_choices(wave)
    search, filter_errors = read_search(request.GET, menu, choices)
    rows = unit_rows(wave)
    if search.narrows and not filter_errors:
        kept = matching_keys(wave, search)
        shown = [row for row in rows if row.key in kept]
    else:
        shown = [] if filter_errors else rows
    return {
        "units": shown,
        "unit_total": len(rows),
        "search": search,
        "filter_errors": filter_errors,
        "statuses": [(r.value, r.label) for r in Response],
        "section_choices": section_choices(wave, menu),
        "attribute_choices": choices,
    }


@researcher_required
def wave_new(request: HttpRequest) -> HttpResponse:
    """The new wave form; on success the wave's page, audited as a change."""
    form = WaveForm(request.POST or None, initial={"frame_as_of": date.today().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = create_wave(
                data["slug"],
                data["title"],
                data["questionnaire"],
                data.get("population") or choose_population(),
                data["frame_as_of"],
                data["opens"],
                data["closes"],
                data["kind"],
            )
        except (WaveError, FrameError) as error:
            form.add_error(None, str(error))
        else:
            record(
                request.user, AuditEvent.CHANGED, made, wave=made, detail=f"created wave ({made.units.count()} units)"
            )
            return redirect("office:wave", slug=made.slug)
    status = 400 if form.errors else 200
    return render(request, "fieldwork/wave_new.html", {"form": form, "hint": DATETIME_HINT}, status=status)


CONFIRMED = {"close", "reopen", "erase"}  # the changes asked about on a page of their own first


@require_POST
@researcher_required
def wave_state(request: HttpRequest, slug: str) -> HttpResponse:
    """Open, close, reopen or erase the wave's contact details (the `action` field), then back to its page.

    Closing, reopening and erasing first show a confirmation page; only its POST (`confirm=yes`) acts.
    """
    wave = get_object_or_404(_visible_waves(), slug=slug)
    action = request.POST.get("action", "")
    try:
        until = _until(request.POST.get("until", "")) if action == "reopen" else None
        if action in CONFIRMED and request.POST.get("confirm") != "yes":
            return _confirm_page(request, wave, action, until)
        if action == "open":
            open_wave(wave, request.user)
        elif action == "close":
            close_wave(wave, request.user)
        elif action == "reopen":
            reopen_wave(wave, request.user, until)
        elif action == "erase":
            erased = erase_contacts(wave, request.user)
            flash.success(request, f"Erased {erased.summary()}" if not erased.nothing_left else "Nothing left to erase")
        else:
            raise WaveStateError("Choose open, close, reopen or erase")
    except (WaveStateError, RetentionError) as error:
        return _wave_page(request, wave, errors=[str(error)], status=400)
    return redirect("office:wave", slug=wave.slug)


def _confirm_page(request: HttpRequest, wave: Wave, action: str, until: datetime | None) -> HttpResponse:
    """The page that asks "are you sure?" before a wave is closed, reopened or its contacts erased."""
    context = {
        "wave": wave,
        "action": action,
        "until": request.POST.get("until", ""),
        "until_at": until,
        "state": wave.state(timezone.now()),
        "retention": Retention.objects.filter(wave=wave).first(),
        "counts": erasable(wave) if action == "erase" else {},
    }
    return render(request, "fieldwork/wave_confirm.html", context)


def _until(text: str) -> datetime:
    """The new closing time of a reopened wave, or the form's message for it."""
    if not text.strip():
        raise WaveStateError("Enter the new closing time")
    try:
        return _parse_when(text)
    except ValueError:
        raise WaveStateError(f"Enter the new closing time like 2017-11-10 17:00, not {text!r}") from None


@researcher_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The latest events, newest first, narrowed by wave and action; a bad filter is said, not a crash."""
    errors = []
    found = AuditEvent.objects.select_related("wave")
    slug, action = request.GET.get("wave", ""), request.GET.get("action", "")
    if slug:
        chosen = Wave.objects.filter(slug=slug).first()
        if chosen is None:
            errors.append(("wave", f"There is no wave called {slug!r}"))
        else:
            found = found.filter(wave=chosen)
    if action:
        if action not in AuditEvent.Action.values:
            errors.append(("action", f"{action!r} is not an action: choose one from the list"))
        else:
            found = found.filter(action=action)
    shown = [] if errors else list(found.order_by("-at", "-id")[:AUDIT_LIMIT])
    context = {
        "events": shown,
        "errors": errors,
        "waves": _visible_waves(),
        "actions": AuditEvent.Action.choices,
        "chosen_wave": slug,
        "chosen_action": action,
        "limit": AUDIT_LIMIT,
    }
    return render(request, "fieldwork/audit.html", context, status=400 if errors else 200)


urlpatterns = [
    path("", wave_overview, name="waves"),
    path("waves/new/", wave_new, name="wave_new"),
    path("waves/<slug:slug>/", wave_detail, name="wave"),
    path("waves/<slug:slug>/state/", wave_state, name="wave_state"),
    path("audit/", audit_trail, name="audit"),
]
