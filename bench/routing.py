"""How fast the questionnaire stages are: load and check, route one unit, route a census.

Prints figures; never passes or fails. Run: .venv/bin/python bench/routing.py
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from omnibus.questionnaire.loader import load
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.routing import route

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "questionnaires" / "cso-wave3.yaml"


def random_answers(questionnaire: Questionnaire, rng: random.Random) -> dict[str, object]:
    """A full set of answers, routed or not: the worst case for the engine."""
    answers: dict[str, object] = {}
    for question in questionnaire.questions():
        codes = [o.code for o in questionnaire.options_of(question)]
        if question.type == "single" and codes:
            answers[question.id] = rng.choice(codes)
        elif question.type == "multi" and codes:
            answers[question.id] = rng.sample(codes, k=rng.randint(1, min(3, len(codes))))
        elif question.type == "grid":
            answers.update({item.id: rng.choice(codes) for item in question.items})
        elif question.type == "numbers":
            answers.update({item.id: rng.randint(0, 1000) for item in question.items})
        elif question.type in ("text", "number"):
            answers[question.id] = "text" if question.type == "text" else rng.randint(0, 100)
    return answers


def timed(label: str, runs: int, action) -> None:
    start = time.perf_counter()
    for _ in range(runs):
        action()
    per_run = (time.perf_counter() - start) / runs
    print(f"{label:<46} {per_run * 1000:9.3f} ms  ({runs} runs)")


def main() -> None:
    rng = random.Random(2017)
    timed("load and check cso-wave3.yaml", 20, lambda: load(EXAMPLE))
    questionnaire = load(EXAMPLE)
    units = [random_answers(questionnaire, rng) for _ in range(152)]
    timed("route one unit (all questions answered)", 500, lambda: route(questionnaire, units[0]))
    timed("route a census of 152 units", 20, lambda: [route(questionnaire, a) for a in units])
    many = units * 132  # 20,064 units: a census of schools
    timed("route 20,064 units", 1, lambda: [route(questionnaire, a) for a in many])


if __name__ == "__main__":
    main()
