"""The CPU of rendering the survey's pages (question pages, menu, check, start), in one process. Prints figures.

    .venv/bin/python bench/page_render.py [--units 3] [--repeat 10] [--profile] [--html FOLDER]

`bench/page_cpu.py` times a whole answered page; this one isolates its template render.
Respondents answer every section of the example questionnaire through Django's test client
on a scratch PostgreSQL database (as `survey_load.py` makes it); each page the survey
renders on the way (every question page routing reaches, the menu, each section's check
page, the start page) is captured with its context and request, then rendered again
10 × `--repeat` times as the view renders it (context processors, CSRF token and all), timed
in CPU seconds of this process (the least of 10 rounds), so other work on the machine
does not inflate it.

`--profile` prints where that CPU goes (cProfile on CPU time, by cumulative time).
`--html FOLDER` writes each page once (its CSRF token blanked, as it changes on every
render), so two versions of the templates can be compared with `diff -r`.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import survey_load  # noqa: E402 - after the path is set
from page_cpu import hidden, scratch_wave  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/omnibus_bench_page_render"
ROUNDS = 10
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


class Captured:
    """The pages the survey's views render: (page name, template, context, request) each, first of each name kept."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, dict, object]] = {}

    def install(self) -> None:
        """Wrap the views' `render` so that each page rendered is kept before it is sent."""
        from omnibus.collect import views

        original = views.render

        def keeping(request, template_name, context=None, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            self.pages.setdefault(page_name(request.path, template_name), (template_name, context or {}, request))
            return original(request, template_name, context, *args, **kwargs)

        views.render = keeping


def page_name(path: str, template_name: str) -> str:
    """A page's name for the figures: its template, and the question's or section's id where it has one."""
    parts = path.strip("/").split("/")
    kind = template_name.removeprefix("collect/").removesuffix(".html")
    ids = {"question": parts[2:4], "check": parts[2:3]}.get(kind, [])
    return "-".join([kind, *ids])


def answer_survey(client, code: str, q, rng: random.Random) -> None:  # noqa: ANN001
    """Sign in with `code` and answer every section of the menu's, visiting each one's check page."""
    client.get(f"/s/{code}")
    client.get("/survey/")
    client.post("/survey/", {"code": code, "name": "Bench respondent", "role": "Analyst"})
    client.get("/survey/sections/")
    sent: dict[str, object] = {}
    for _, section in q.menu_sections:
        answer_section(client, section.id, q, rng, sent)
    client.get("/survey/sections/")


def answer_section(client, section_id: str, q, rng: random.Random, sent: dict) -> None:  # noqa: ANN001
    """Answer a section's pages as routing offers them, then open its check page."""
    path = client.get(f"/survey/sections/{section_id}/").url
    html = client.get(path).content.decode()
    while (parts := path.strip("/").split("/")) and len(parts) == 4 and parts[3] != "check":
        question = q.question(parts[3])
        now = survey_load.route(q, sent)
        items = now.items.get(question.id, [])
        answers = survey_load.answer(question, q, now.options.get(question.id, []), items, rng)
        response = client.post(path, {**answers, "seen": hidden(html, "seen")})
        if response.status_code != 302:
            sys.exit(f"{path}: {response.status_code} {response.content.decode()[:300]}")
        for key in survey_load.page_fields(question, q, items):
            sent[key] = survey_load._stored(key, answers.get(key), question)
        path = response.url
        html = client.get(path).content.decode()


def cpu_per_render(
    template: str, context: dict, request: object, repeat: int, profiler: cProfile.Profile | None
) -> float:
    """CPU seconds of one render of the page: the least mean of `ROUNDS` rounds of `repeat` renders.

    The first render compiles the templates (they are cached after); the least of the rounds
    is the figure least disturbed by other work on the machine.
    """
    from django.template.loader import render_to_string

    render_to_string(template, context, request)
    rounds = []
    for _ in range(ROUNDS):
        began = time.process_time()
        if profiler:
            profiler.enable()
        for _ in range(repeat):
            render_to_string(template, context, request)
        if profiler:
            profiler.disable()
        rounds.append((time.process_time() - began) / repeat)
    return min(rounds)


def write_html(folder: Path, pages: dict[str, tuple[str, dict, object]]) -> None:
    """Each page rendered once into `folder`, its CSRF token blanked."""
    from django.template.loader import render_to_string

    folder.mkdir(parents=True, exist_ok=True)
    for name, (template, context, request) in pages.items():
        html = render_to_string(template, context, request)
        (folder / f"{name}.html").write_text(CSRF.sub('name="csrfmiddlewaretoken" value=""', html), encoding="utf-8")


def report(spent: dict[str, float]) -> None:
    """Per page kind: pages, mean, fastest and slowest CPU per render, in milliseconds."""
    kinds: dict[str, list[float]] = {}
    for name, seconds in spent.items():
        kinds.setdefault(name.split("-")[0], []).append(1000 * seconds)
    print(f"{'page':<14}{'pages':>6}{'mean ms':>10}{'min':>8}{'max':>8}")
    for kind, values in sorted(kinds.items()):
        print(f"{kind:<14}{len(values):>6}{statistics.mean(values):>10.3f}{min(values):>8.3f}{max(values):>8.3f}")
    slowest = sorted(spent.items(), key=lambda pair: -pair[1])[:5]
    print("slowest:", ", ".join(f"{name} {1000 * seconds:.3f}" for name, seconds in slowest))


def main() -> None:
    """Set up a scratch wave, capture the survey's pages as respondents answer, time rendering each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=3, help="respondents answering (more reach more routes)")
    parser.add_argument("--repeat", type=int, default=10, help="renders timed per page in each of 10 rounds")
    parser.add_argument("--profile", action="store_true", help="print where the CPU goes")
    parser.add_argument("--html", type=Path, help="write each page's HTML into this folder")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    units, q = scratch_wave(args.database_url, args.units)
    from django.test import Client

    captured = Captured()
    captured.install()
    rng = random.Random(1)
    for _, code in units:
        answer_survey(Client(), code, q, rng)
    if args.html:
        write_html(args.html, captured.pages)
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    spent = {name: cpu_per_render(*page, args.repeat, profiler) for name, page in sorted(captured.pages.items())}
    print(f"load average {survey_load.load_average()}")
    report(spent)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
