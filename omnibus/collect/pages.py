"""What a question page shows: plain data for the templates, built from routing and form values.

The templates only lay out GOV.UK components; every decision (which options, which items,
piped text, ids for error links, what is ticked) is made here, from the routing engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from omnibus.questionnaire import as_at, unavailable
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Item, Option, Question, Questionnaire, cell_name
from omnibus.questionnaire.naming import item_specify_key, specify_key
from omnibus.questionnaire.numbering import number_of
from omnibus.questionnaire.piping import pipe
from omnibus.questionnaire.reading import FieldError
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.variables import answer_keys

FormData = dict[str, list[str]]


class ReadByKey:
    """Data a template reads: `{{ c.label }}` finds `c["label"]`, the lookup Django tries first.

    Without it each lookup in a plain dataclass raises and catches a TypeError before
    reading the attribute: about a fifth of rendering a page of many choices.
    """

    __slots__ = ()

    def __getitem__(self, name: str) -> object:
        """The attribute `name`; a KeyError if there is none (so the template then tries the rest)."""
        try:
            return getattr(self, name)
        except (AttributeError, TypeError):
            raise KeyError(name) from None


@dataclass
class SpecifyField(ReadByKey):
    """The text box revealed by an "Other (please specify)" option."""

    name: str
    input_id: str
    label: str
    value: str
    error: str | None = None


@dataclass
class Choice(ReadByKey):
    """One radio or checkbox."""

    value: str
    label: str
    input_id: str
    checked: bool
    exclusive: bool = False
    specify: SpecifyField | None = None
    clears: bool = False  # an "Other" row's radio for leaving the row: radios cannot be unticked


@dataclass
class Field(ReadByKey):
    """One answer box of a page: a question's own, or a grid or numeric item's."""

    name: str
    input_id: str
    label: str
    value: str = ""
    error: str | None = None
    choices: list[Choice] = field(default_factory=list)
    boxes: list[Choice] = field(default_factory=list)  # a number's "Don't know" boxes, beside its input
    parts: list[tuple[str, str, str]] = field(default_factory=list)  # a date input: (part, field name, value)
    specify: SpecifyField | None = None  # a grid row marked "Other (please specify)": its text box
    row: str | None = None  # a two-way grid's cell: its row's text (the field's label is the column's)
    first_in_row: bool = True  # a two-way grid's first cell of a row, under which the row's heading goes


@dataclass
class PageView(ReadByKey):
    """Everything a question page shows."""

    question: Question
    kind: str
    text: str
    hint: str | None
    preamble: str | None
    main: Field
    items: list[Field] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (anchor id, message) for the summary
    inline: bool = False  # a short scale sits on one line
    number: str | None = None  # the question's number as printed ("Q9a"), shown before its text
    date: Field | None = None  # the date a number's figure relates to (`as_at`), under the number


def form_data(question: Question, questionnaire: Questionnaire, answers: dict[str, object]) -> FormData:
    """Stored answers as the values a form would have sent (to fill a page in)."""
    data: FormData = {}
    keys = answer_keys(question, questionnaire)
    keys += [as_at.date_key(question.id)] if question.as_at is not None else []
    for key in keys:
        value = answers.get(key)
        if unavailable.stored_as_form(question, key, value, data):
            continue
        if question.as_at is not None and key == as_at.date_key(question.id):
            as_at.stored_as_form(key, value, data)
            continue
        if isinstance(value, list):
            data[key] = [str(v) for v in value]
        elif value is not None:
            data[key] = [_shown(value)]
    return data


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def page_view(
    question: Question,
    questionnaire: Questionnaire,
    route: Route,
    data: FormData,
    errors: list[FieldError] | None = None,
) -> PageView:
    """The page for a question, filled with `data` and showing `errors`."""
    by_field = {e.field: e.message for e in errors or []}
    live = route.live
    view = PageView(
        question=question,
        kind=question.type,
        text=pipe(question.text, questionnaire, live),
        hint=pipe(question.hint, questionnaire, live) if question.hint else None,
        preamble=pipe(question.preamble, questionnaire, live) if question.preamble else None,
        main=Field(question.id, question.id, question.text, _first(data, question.id), by_field.get(question.id)),
        number=number_of(questionnaire, question.id),
    )
    if kind_of(question).choice:
        offered = _with_specified_texts(question, route.options.get(question.id, []), live)
        view.main.choices = _choices(question, offered, data, by_field)
        view.main.input_id = view.main.choices[0].input_id if view.main.choices else question.id
    elif kind_of(question).has_items:
        view.items = _items(question, questionnaire, route, data, by_field)
        # GOV.UK: inline radios only for two or three short options (Yes / No / Don't know).
        view.inline = (
            kind_of(question).scale and len(question.options) <= 3 and all(len(o.label) <= 12 for o in question.options)
        )
    if question.unavailable:
        view.kind = "number_unavailable" if not view.items else view.kind
        for number in view.items or [view.main]:
            number.boxes = _boxes(question, number, data)
    if question.as_at is not None:
        view.kind = "number_as_at"
        view.date = _date_field(question, data, by_field)
    view.errors = _summary(view, errors or [])
    return view


def _date_field(question: Question, data: FormData, errors: dict[str, str]) -> Field:
    """The date input of a number with `as_at`: three boxes, their values as typed (or stored)."""
    key = as_at.date_key(question.id)
    parts = [(part, as_at.part_field(key, part), _first(data, as_at.part_field(key, part))) for part in as_at.PARTS]
    found = Field(key, as_at.part_field(key, "day"), as_at.hint(question), error=errors.get(key))
    found.parts = parts
    return found


def _boxes(question: Question, number: Field, data: FormData) -> list[Choice]:
    """A number's "Don't know" boxes, ticked as the form (or the stored answer) says."""
    name = unavailable.field_name(number.name)
    ticked = set(data.get(name, []))
    return [
        Choice(str(o.missing), o.label, f"{name}-{o.missing}", str(o.missing) in ticked, exclusive=True)
        for o in question.unavailable
    ]


def _first(data: FormData, name: str) -> str:
    values = data.get(name) or [""]
    return values[0]


def _with_specified_texts(question: Question, offered: list[Option], live: dict[str, object]) -> list[Option]:
    """Fed-through "Other" options read as the respondent specified them: "Other (please specify): Peer review"."""
    feed = question.options_from
    if feed is None:
        return offered
    shown = []
    for option in offered:
        text = live.get(specify_key(feed.question, option.code))
        shown.append(replace(option, label=f"{option.label}: {text}") if text else option)
    return shown


def _choices(question: Question, offered: list[Option], data: FormData, errors: dict[str, str]) -> list[Choice]:
    chosen = set(data.get(question.id, []))
    choices = []
    for position, option in enumerate(offered):
        input_id = question.id if position == 0 else f"{question.id}-{option.code}"
        choice = Choice(str(option.code), option.label, input_id, str(option.code) in chosen, option.exclusive)
        if option.specify:
            name = specify_key(question.id, option.code)
            label = "Please specify"
            choice.specify = SpecifyField(name, name, label, _first(data, name), errors.get(name))
        choices.append(choice)
    return choices


def _items(
    question: Question, questionnaire: Questionnaire, route: Route, data: FormData, errors: dict[str, str]
) -> list[Field]:
    asked = route.items.get(question.id, [])
    kind = kind_of(question)
    fields = []
    for item in question.items:
        if item.id not in asked:
            continue
        label = pipe(item.text, questionnaire, route.live)
        specify = _row_specify(item, data, errors)
        if kind.column_groups:
            for n, column in enumerate(question.columns):
                key = cell_name(item.id, column.id)
                cell = Field(key, key, column.text, _first(data, key), errors.get(key), row=label, first_in_row=n == 0)
                cell.choices = _scale(question, key, data, item.specify)
                cell.specify = specify if n == 0 else None
                fields.append(cell)
            continue
        item_field = Field(item.id, item.id, label, _first(data, item.id), errors.get(item.id), specify=specify)
        if kind.scale:
            item_field.choices = _scale(question, item.id, data, item.specify and not kind.multiple_rows)
        fields.append(item_field)
    return fields


def _scale(question: Question, name: str, data: FormData, clearable: bool = False) -> list[Choice]:
    """A grid row's (or cell's) radios or checkboxes: the first takes the field's id, for error links.

    A `clearable` row (an "Other" row of radios) ends with "Nothing to add", sending no answer: a radio
    chosen by mistake could not otherwise be taken back, and the row would ask for a text.
    """
    ticked = data.get(name, [])
    choices = [
        Choice(str(o.code), o.label, name if n == 0 else f"{name}-{o.code}", str(o.code) in ticked, o.exclusive)
        for n, o in enumerate(question.options)
    ]
    if clearable:
        choices.append(Choice("", "Nothing to add", f"{name}-none", ticked == [""], clears=True))
    return choices


def _row_specify(item: Item, data: FormData, errors: dict[str, str]) -> SpecifyField | None:
    """The text box of a grid row marked "Other (please specify)"."""
    if not item.specify:
        return None
    name = item_specify_key(item.id)
    return SpecifyField(name, name, "Please specify", _first(data, name), errors.get(name))


def _summary(view: PageView, errors: list[FieldError]) -> list[tuple[str, str]]:
    """Error-summary links: each goes to the first input of its field."""
    anchors = {view.main.name: view.main.input_id}
    anchors.update({f.name: f.input_id for f in view.items})
    if view.date is not None:
        anchors[view.date.name] = view.date.input_id
    for choice in view.main.choices:
        if choice.specify:
            anchors[choice.specify.name] = choice.specify.input_id
    for item_field in view.items:
        if item_field.specify:
            anchors[item_field.specify.name] = item_field.specify.input_id
    return [(anchors.get(e.field, e.field), e.message) for e in errors]
