"""Piping: an earlier answer written into a later question's text as `{Id}`.

`{{` and `}}` are literal braces. The printed questionnaire shows `[answer at Id]`; the web
survey shows the live answer in words: an option's `piped:` wording where it has one, else
its label. Filters after a bar change the words: `{Id|lower}` lower-cases them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.unavailable import box_of

PIPE = re.compile(r"\{([^{}]*)\}")
FILTERS: dict[str, Callable[[str], str]] = {"lower": str.lower}


def piped_references(text: str) -> list[tuple[str, list[str]]]:
    """Each `{Id|filter|…}` of a text as its id and its filters, in order."""
    found = []
    for match in PIPE.finditer(text.replace("{{", "").replace("}}", "")):
        name, *filters = (part.strip() for part in match.group(1).split("|"))
        found.append((name, filters))
    return found


def piped_names(text: str) -> list[str]:
    """The ids piped into a text with `{Id}` (literal braces are written `{{` and `}}`)."""
    return [name for name, _ in piped_references(text)]


def pipe(text: str, questionnaire: Questionnaire, live: Mapping[str, object]) -> str:
    """The text with each `{Id}` replaced by the live answer at Id (see the language guide)."""
    # Escaped braces are set aside first so that `{{Id}}` stays literal text.
    guarded = text.replace("{{", "\x00").replace("}}", "\x01")
    piped = PIPE.sub(lambda m: _piped_words(m.group(1), questionnaire, live), guarded)
    return piped.replace("\x00", "{").replace("\x01", "}")


def _piped_words(reference: str, questionnaire: Questionnaire, live: Mapping[str, object]) -> str:
    """One `{Id|filter}` in words: the answer as piped, each known filter applied (none to "[answer at Id]")."""
    name, *filters = (part.strip() for part in reference.split("|"))
    if live.get(name) is None:
        return answer_text(name, questionnaire, live)
    words = answer_text(name, questionnaire, live, piped=True)
    for name_of_filter in filters:
        words = FILTERS.get(name_of_filter, str)(words)
    return words


def answer_text(name: str, questionnaire: Questionnaire, live: Mapping[str, object], piped: bool = False) -> str:
    """An answer as words: option labels for codes (their `piped` wordings when `piped`), the number or text."""
    value = live.get(name)
    owner = questionnaire.owner(name)
    if value is None or owner is None:
        return f"[answer at {name}]"
    if kind_of(owner).coded:
        labels = {o.code: (o.piped or o.label) if piped else o.label for o in questionnaire.options_of(owner)}
        codes = value if isinstance(value, list) else [value]
        return _join([labels.get(code, str(code)) for code in codes])  # type: ignore[arg-type]
    box = box_of(owner, value)
    if box is not None:
        return box.label
    if isinstance(value, int | float) and kind_of(owner).numeric:
        number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        return f"{owner.prefix or ''}{number}{' ' + owner.suffix if owner.suffix else ''}"
    return str(value)


def _join(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
