"""Coding a wave's open answers: who said what, which themes they have, and the suggestions to review.

An open variable's answers are read from the live answers (routing keeps off-route answers
out of that table), one per unit. Codes are given and taken away per answer or for many answers
at once; each change is one transaction and is safe to repeat (a double submit codes once).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet

from omnibus.analysis.dataset import Dataset
from omnibus.coding.codeframes import add_theme
from omnibus.coding.embedding import embedder
from omnibus.coding.models import CandidateTheme, CodeFrame, Coding, SuggestedAnswer, Suggestion, Theme
from omnibus.coding.suggest import (
    LlmEndpoint,
    SurveyWords,
    ThemeText,
    calibrated_proposals,
    group_responses,
    name_themes,
)
from omnibus.coding.themes import CodeSources, ThemeCoding, with_themes
from omnibus.collect.models import Answer
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.schema import UnitNoun
from omnibus.frame.store import frame_as_of, stored_schema
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.naming import item_specify_key, specify_key


@dataclass
class OpenVariable:
    """An open text variable of the questionnaire that can be coded."""

    name: str  # "SocImprov", "SuppSou_14_text"
    question: str  # the owning question's id
    text: str  # what was asked


@dataclass
class OpenResponse:
    """One unit's answer to an open variable, with its codes."""

    wave_unit: int
    unit: str  # the unit's key
    name: str  # the unit's name (researchers only)
    text: str
    codes: set[int] = field(default_factory=set)
    suggestions: list[Suggestion] = field(default_factory=list)


def open_variables(questionnaire: Questionnaire) -> list[OpenVariable]:
    """Every open question and "Other (please specify)" text, in questionnaire order."""
    found = []
    for question in questionnaire.questions():
        if kind_of(question).open_text:
            found.append(OpenVariable(question.id, question.id, question.text))
        for option in questionnaire.options_of(question) if kind_of(question).choice else []:
            if option.specify:
                text = f"{question.text} – {option.label}"
                found.append(OpenVariable(specify_key(question.id, option.code), question.id, text))
        for item in question.items if kind_of(question).scale else []:  # a grid's "Other (please specify)" rows
            if item.specify:
                found.append(OpenVariable(item_specify_key(item.id), question.id, f"{question.text} – {item.text}"))
    return found


def open_variable(wave: Wave, name: str) -> OpenVariable | None:
    """The wave's open variable of this name, if it has one."""
    return next((v for v in open_variables(questionnaire_of(wave.questionnaire)) if v.name == name), None)


def code_frame_of(wave: Wave, variable: str) -> CodeFrame:
    """The code frame a wave's open variable is coded with (its survey's, shared by every wave)."""
    code_frame, _ = CodeFrame.objects.get_or_create(survey=wave.questionnaire.survey, variable=variable)
    return code_frame


def open_responses(wave: Wave, variable: str) -> list[OpenResponse]:
    """Every non-blank answer to the variable in the wave, by unit name, with its codes and open suggestions."""
    rows = (
        Answer.objects.filter(wave_unit__wave=wave, key=variable)
        .select_related("wave_unit__unit")
        .order_by("wave_unit__name", "wave_unit_id")
    )
    found = {}
    for answer in rows:
        text = answer.value if isinstance(answer.value, str) else ""
        if text.strip():
            unit = answer.wave_unit
            key = unit.unit.key if unit.unit_id else f"preview-{unit.pk}"
            found[unit.pk] = OpenResponse(unit.pk, key, unit.name, text.strip())
    codings = Coding.objects.filter(wave_unit__wave=wave, variable=variable).values_list("wave_unit_id", "theme__code")
    for unit_id, code in codings:
        if unit_id in found:
            found[unit_id].codes.add(code)
    open_ones = Suggestion.objects.filter(wave_unit__wave=wave, variable=variable, state=Suggestion.OPEN)
    for suggestion in open_ones.select_related("theme"):
        if suggestion.wave_unit_id in found:
            found[suggestion.wave_unit_id].suggestions.append(suggestion)
    return list(found.values())


def theme_counts(found: list[OpenResponse]) -> Counter[int]:
    """Answers per theme code (an answer with several codes counts under each)."""
    return Counter(code for r in found for code in r.codes)


def set_codes(wave: Wave, variable: str, wave_unit_ids: list[int], add: list[Theme], remove: list[Theme], user) -> int:  # noqa: ANN001
    """Add and remove themes on many answers at once; returns how many codings were made."""
    units = _units(wave, wave_unit_ids)
    made = 0
    with transaction.atomic():
        for unit in units:
            for theme in add:
                _, created = Coding.objects.get_or_create(
                    wave_unit=unit, variable=variable, theme=theme, defaults={"coded_by": acting_user(user)}
                )
                made += created
            Coding.objects.filter(wave_unit=unit, variable=variable, theme__in=remove).delete()
            # A theme given by hand settles any suggestion of it.
            Suggestion.objects.filter(wave_unit=unit, variable=variable, theme__in=add).update(
                state=Suggestion.ACCEPTED
            )
    return made


def decide_suggestions(suggestion_ids: list[int], accept: bool, user, bulk: bool = False) -> int:  # noqa: ANN001
    """Accept (code the answer) or reject open suggestions; returns how many were decided.

    `bulk` says they were accepted all at once (everything above a confidence) rather than ticked
    one by one after reading the answer: the codes record which, for honest counts.
    """
    source = Coding.BULK if bulk else Coding.SUGGESTION
    decided = 0
    with transaction.atomic():
        for s in Suggestion.objects.select_for_update().filter(pk__in=suggestion_ids, state=Suggestion.OPEN):
            if accept:
                Coding.objects.get_or_create(
                    wave_unit_id=s.wave_unit_id,
                    variable=s.variable,
                    theme=s.theme,
                    defaults={"source": source, "coded_by": acting_user(user)},
                )
            s.state = Suggestion.ACCEPTED if accept else Suggestion.REJECTED
            s.save(update_fields=["state"])
            decided += 1
    return decided


def _units(wave: Wave, ids: list[int]) -> list[WaveUnit]:
    units = list(WaveUnit.objects.filter(wave=wave, pk__in=ids))
    if len(units) != len(set(ids)):
        raise ValueError("some of the chosen answers are not in this wave")
    return units


def acting_user(user):  # noqa: ANN001, ANN201 - a Django user, or None from the command line
    """The signed-in user to record as having made a change; None from the command line."""
    return user if getattr(user, "is_authenticated", False) else None


# -- suggestions ------------------------------------------------------------------------------


def suggest_codes(wave: Wave, variable: str, prefer: str = "auto") -> tuple[str, int]:
    """Propose themes for uncoded answers from the code frame and the answers coded; returns (method, proposals made).

    The frame's themes (label, description, example phrases) are evidence from the first answer,
    so a wave opened with an earlier wave's frame gets proposals before anything is coded. Earlier
    open suggestions are replaced; decided ones are kept and not proposed again.
    """
    with transaction.atomic():
        code_frame = _locked(code_frame_of(wave, variable))
        if not code_frame.themes.exists():
            return "", 0
        read = _saved(arrived_answers(variable, wave))
        Suggestion.objects.filter(wave_unit__wave=wave, variable=variable, state=Suggestion.OPEN).delete()
        found = open_responses(wave, variable)
        method, made = _suggest(wave, code_frame, found, {r.wave_unit: r.text for r in found if not r.codes}, prefer)
        _mark(variable, read)
    return method, made


def suggest_new_codes(wave: Wave, variable: str, prefer: str = "auto") -> tuple[str, int]:
    """Propose themes for the answers that arrived or changed since the last suggestions; returns (method, made).

    Only those answers are read and suggested for: suggestions already made for other answers
    stay as they are, decided ones are never replaced, and coded answers get none. An answer
    that changed has its open suggestions replaced by ones for its new text. Until the frame has
    themes nothing is read, so the answers wait for them.
    """
    if not arrived_answers(variable, wave).exists():  # the common case, answered without a lock
        return "", 0
    with transaction.atomic():
        code_frame = _locked(code_frame_of(wave, variable))
        read = _saved(arrived_answers(variable, wave))
        if not read or not code_frame.themes.exists():
            return "", 0
        Suggestion.objects.filter(wave_unit_id__in=list(read), variable=variable, state=Suggestion.OPEN).delete()
        found = open_responses(wave, variable)
        new = {r.wave_unit: r.text for r in found if r.wave_unit in read and not r.codes}
        method, made = _suggest(wave, code_frame, found, new, prefer)
        _mark(variable, read)
    return method, made


def arrived_answers(variable: str, wave: Wave | None = None) -> QuerySet[Answer]:
    """Uncoded answers to the variable (in the wave, or in any) saved since suggestions were last made for them."""
    marked = SuggestedAnswer.objects.filter(
        wave_unit=OuterRef("wave_unit"), variable=variable, answer_saved_at__gte=OuterRef("updated_at")
    )
    coded = Coding.objects.filter(wave_unit=OuterRef("wave_unit"), variable=variable)
    found = Answer.objects.filter(key=variable).filter(~Exists(marked), ~Exists(coded))
    return found if wave is None else found.filter(wave_unit__wave=wave)


def _locked(code_frame: CodeFrame) -> CodeFrame:
    """The frame, locked until the transaction ends: the worker and a researcher's button do not suggest at once."""
    return CodeFrame.objects.select_for_update().get(pk=code_frame.pk)


def _suggest(
    wave: Wave, code_frame: CodeFrame, found: list[OpenResponse], uncoded: dict[int, str], prefer: str
) -> tuple[str, int]:
    """Store suggestions for the `uncoded` answers (wave unit id: text), none of them open now; (method, made)."""
    themes = {t.code: t for t in code_frame.themes.all()}
    if not themes or not uncoded:
        return "", 0
    variable = code_frame.variable
    coded = {str(r.wave_unit): (r.text, r.codes) for r in found if r.codes}
    embed = embedder(prefer)
    texts = {str(unit_id): text for unit_id, text in uncoded.items()}
    proposals, calibration = calibrated_proposals(coded, texts, embed, themes=theme_texts(code_frame))
    decided = set(
        Suggestion.objects.filter(wave_unit__wave=wave, variable=variable)
        .exclude(state=Suggestion.OPEN)
        .values_list("wave_unit_id", "theme__code")
    )
    made = [
        Suggestion(
            wave_unit_id=int(p.response),
            variable=variable,
            theme=themes[p.code],
            confidence=p.confidence,
            method=embed.method,
            calibration=calibration.basis[:200],
        )
        for p in proposals
        if p.code in themes and (int(p.response), p.code) not in decided
    ]
    Suggestion.objects.bulk_create(made)
    return embed.method, len(made)


def _saved(answers: QuerySet[Answer]) -> dict[int, datetime]:
    """When each answer was saved, by wave unit id: read before the texts, so a later change is not marked as read."""
    return dict(answers.values_list("wave_unit_id", "updated_at"))


def _mark(variable: str, saved: dict[int, datetime]) -> None:
    """Record the version of each answer that suggestions were made for, so the sweep skips it until it changes."""
    marks = [SuggestedAnswer(wave_unit_id=u, variable=variable, answer_saved_at=at) for u, at in saved.items()]
    SuggestedAnswer.objects.bulk_create(
        marks, update_conflicts=True, unique_fields=["wave_unit", "variable"], update_fields=["answer_saved_at"]
    )


def suggest_themes(
    wave: Wave, variable: str, prefer: str = "auto", max_themes: int | None = None
) -> tuple[str, list[CandidateTheme]]:
    """Group the uncoded answers into candidate themes (replacing the last candidates of this wave)."""
    code_frame = code_frame_of(wave, variable)
    found = open_responses(wave, variable)
    uncoded = {r.unit: r.text for r in found if not r.codes}
    if not uncoded:
        return "", []
    embed = embedder(prefer)
    survey = survey_words(wave)
    groups = group_responses(uncoded, embed, max_themes, survey)
    groups = name_themes(groups, LlmEndpoint.from_settings(settings.CODING_LLM), survey)
    with transaction.atomic():
        CandidateTheme.objects.filter(frame=code_frame, wave=wave).delete()
        made = [
            CandidateTheme.objects.create(
                frame=code_frame,
                wave=wave,
                label=g.label[:200],
                key_terms=list(g.key_terms),
                examples=list(g.examples),
                members=list(g.members),
                method=embed.method + (", named by a language model" if g.label_source == "language model" else ""),
            )
            for g in groups
        ]
    return embed.method, made


def survey_words(wave: Wave) -> SurveyWords:
    """Who answered the wave and the words every answer may use of them: its population's unit noun, units'
    names and attribute values (a theme is never "Council / north"), and the survey's title."""
    title = wave.questionnaire.title or wave.title
    names = list(WaveUnit.objects.filter(wave=wave).values_list("name", flat=True))
    if wave.population is None:
        return SurveyWords.of(UnitNoun().plural, title, names)
    unit = stored_schema(wave.population).unit
    frame = frame_as_of(wave.population.slug, wave.frame_as_of)
    values = {v for u in frame.units for v in u.attributes.values() if isinstance(v, str)}
    return SurveyWords.of(unit.plural, title, [unit.singular, *names, *sorted(values)])


def accept_candidate(candidate: CandidateTheme, label: str, user) -> tuple[Theme, int]:  # noqa: ANN001
    """Add a candidate as a theme of its code frame and code its members' answers with it."""
    with transaction.atomic():
        theme = add_theme(
            candidate.frame, label or candidate.label, ", ".join(candidate.key_terms), wave=candidate.wave
        )
        units = WaveUnit.objects.filter(wave=candidate.wave, unit__key__in=candidate.members)
        made = 0
        for unit in units:
            _, created = Coding.objects.get_or_create(
                wave_unit=unit,
                variable=candidate.frame.variable,
                theme=theme,
                defaults={"source": Coding.BULK, "coded_by": acting_user(user)},  # a group, not read one by one
            )
            made += created
        candidate.delete()
    return theme, made


def theme_codings(wave: Wave) -> list[ThemeCoding]:
    """Each coded open variable of the wave, as plain data for the dataset (see coding.themes)."""
    frames = CodeFrame.objects.filter(survey=wave.questionnaire.survey).prefetch_related(
        "themes__added_in", "nets__themes"
    )
    given: dict[str, dict[str, set[int]]] = {}
    rows = Coding.objects.filter(wave_unit__wave=wave).values_list("variable", "wave_unit__unit__key", "theme__code")
    for variable, unit, code in rows:
        given.setdefault(variable, {}).setdefault(unit, set()).add(code)
    found = []
    for code_frame in frames:
        used = set().union(*given.get(code_frame.variable, {}).values())
        themes = [(t.code, t.label) for t in code_frame.themes.all() if _known_in(t, wave) or t.code in used]
        if themes and code_frame.variable in given:
            nets = {n.label: tuple(sorted(t.code for t in n.themes.all())) for n in code_frame.nets.all()}
            found.append(
                ThemeCoding(
                    code_frame.variable,
                    themes,
                    given[code_frame.variable],
                    nets,
                    code_sources(wave, code_frame.variable),
                    new_themes(code_frame, wave),
                )
            )
    return found


def _known_in(theme: Theme, wave: Wave) -> bool:
    """Whether the theme existed when the wave ran: a theme a later wave added is no row of 0% in an earlier one."""
    return theme.added_in is None or theme.added_in.opens_at <= wave.opens_at


def code_sources(wave: Wave, variable: str | None = None) -> CodeSources:
    """How the wave's codes (of one open variable, or of all) were given: person, reviewed suggestion, bulk."""
    rows = Coding.objects.filter(wave_unit__wave=wave)
    if variable is not None:
        rows = rows.filter(variable=variable)
    counts = Counter(dict(rows.values_list("source").annotate(n=Count("id")).values_list("source", "n")))
    person = counts[Coding.RESEARCHER] + counts[Coding.IMPORT]
    return CodeSources(person, counts[Coding.SUGGESTION], counts[Coding.BULK])


def new_themes(code_frame: CodeFrame, wave: Wave) -> frozenset[int]:
    """Codes of the themes this wave added to a frame that earlier waves had (none in the wave that made the frame)."""
    themes = list(code_frame.themes.select_related("added_in"))
    added = {t.code for t in themes if t.added_in_id == wave.pk}
    carried = any(t.added_in is None or t.added_in.opens_at < wave.opens_at for t in themes)
    return frozenset(added) if carried else frozenset()


def theme_texts(code_frame: CodeFrame) -> list[ThemeText]:
    """The frame's themes as suggestions read them: label, description and example phrases."""
    return [ThemeText(t.code, t.label, t.description, tuple(t.examples or ())) for t in code_frame.themes.all()]


def dataset_with_themes(wave: Wave, dataset: Dataset) -> Dataset:
    """The wave's dataset with its coded themes: the function coding hands down to `build_dataset`."""
    return with_themes(dataset, theme_codings(wave))
