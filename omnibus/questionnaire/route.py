"""What routing decided for one unit, and which options a question offers on given answers.

Plain data and one rule that the question kinds read; the engine that walks the
questionnaire and fills a `Route` in is `routing`, which sits above the kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from omnibus.questionnaire.model import Option, Question, Questionnaire


@dataclass
class Route:
    """What routing decided for one unit's answers."""

    sections: list[str] = field(default_factory=list)  # asked sections, in order
    questions: list[str] = field(default_factory=list)  # asked questions, in order
    items: dict[str, list[str]] = field(default_factory=dict)  # grid/set id -> asked item ids
    options: dict[str, list[Option]] = field(default_factory=dict)  # question id -> offered options
    live: dict[str, object] = field(default_factory=dict)  # answers on route
    off_route: dict[str, object] = field(default_factory=dict)  # stored answers now off route

    def asked(self, name: str) -> bool:
        """Whether a question (or a grid or set item) is asked."""
        if name in self.questions:
            return True
        return any(name in ids for ids in self.items.values())


def offered_options(question: Question, questionnaire: Questionnaire, live: Mapping[str, object]) -> list[Option]:
    """The options this unit is offered: a fed-through list follows the source's live answer."""
    feed = question.options_from
    if feed is None:
        return list(question.options)
    source = questionnaire.question(feed.question)
    if source is None:
        return list(question.options)
    chosen = live.get(source.id)
    chosen_codes = set(chosen) if isinstance(chosen, list) else set()
    own = {o.code for o in question.options}
    return [o for o in questionnaire.options_of(question) if o.code in own or (o.code in chosen_codes) == feed.chosen]
