"""One unit of a wave for researchers: answers as the dataset holds them, sections, contacts, messages, calls, timeline.

The answers are the unit's row of the wave's dataset (`omnibus.dataset.build.build_dataset`), each
value beside its label from the codebook (`value_labels`, `variable_entry`), so the page shows what an
export will hold, missing codes and all, rather than a second reading of the answers. It lives in the
site layer because the dataset sits above fieldwork. Researchers only, and every view is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from omnibus.analysis.dataset import Dataset
from omnibus.core.roles import researcher_required
from omnibus.dataset.build import build_dataset
from omnibus.dataset.codebook import SECTION_LABELS, value_labels, variable_entry
from omnibus.fieldwork import audit
from omnibus.fieldwork.calls import calls_of
from omnibus.fieldwork.contacts import ContactError, contacts_of, wave_unit_by_key
from omnibus.fieldwork.models import AuditEvent, Wave, WaveUnit
from omnibus.fieldwork.timeline import unit_timeline


@dataclass(frozen=True)
class ShownValue:
    """One variable of the unit's row: its name, the question, the value as stored and what it means."""

    variable: str
    question: str
    value: object
    meaning: str


@dataclass(frozen=True)
class SectionAnswers:
    """A section of the questionnaire with the unit's flag for it and its variables."""

    id: str
    title: str
    flag: str  # the dataset's section flag, in words
    values: list[ShownValue]


def unit_answers(dataset: Dataset, key: str) -> list[SectionAnswers]:
    """The unit's row of the dataset, section by section, each value with its codebook label."""
    rows = dataset.data.filter(dataset.data["unit"] == key)
    if rows.is_empty():
        raise Http404(f"no unit {key} in the dataset of {dataset.wave}")
    row = rows.row(0, named=True)
    q = dataset.questionnaire
    by_section: dict[str, list[ShownValue]] = {s.id: [] for s in q.sections}
    for variable in dataset.variables:
        question = q.question(variable.question)
        if question is None or variable.name not in row:
            continue
        value = row[variable.name]
        entry = variable_entry(variable, q)
        shown = ShownValue(variable.name, entry.question, value, _meaning(value_labels(variable), value))
        by_section.setdefault(question.section, []).append(shown)
    return [
        SectionAnswers(s.id, s.title, SECTION_LABELS.get(str(row.get(f"section_{s.id}")), ""), by_section[s.id])
        for s in q.sections
    ]


def _meaning(labels: dict[int, str], value: object) -> str:
    """The label of a whole-number value (a code, a flag, a missing code); nothing for other values."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        return ""
    return labels.get(int(value), "")


def _wave_unit(slug: str, key: str) -> tuple[Wave, WaveUnit]:
    wave = get_object_or_404(Wave.objects.exclude(kind=Wave.PREVIEW).select_related("questionnaire"), slug=slug)
    try:
        return wave, wave_unit_by_key(wave, key)
    except ContactError:
        raise Http404(f"no unit {key} in wave {slug}") from None


@researcher_required
def unit_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The unit's page: answers, section states, contacts, messages, calls and a timeline."""
    wave, wave_unit = _wave_unit(slug, key)
    audit.record(request.user, AuditEvent.VIEWED, wave_unit, wave, f"unit page of {key} (answers and contacts)")
    states = {s.section: s for s in wave_unit.sections.select_related("last_respondent")}
    sections = unit_answers(build_dataset(wave, unit_key=key), key)
    context = {
        "wave": wave,
        "wave_unit": wave_unit,
        "sections": [(s, states.get(s.id)) for s in sections],
        "contacts": contacts_of(wave, key),
        "messages": wave_unit.messages.select_related("campaign").order_by("created_at", "id"),
        "calls": calls_of(wave, key),
        "timeline": unit_timeline(wave_unit),
    }
    return render(request, "fieldwork/unit.html", context)
