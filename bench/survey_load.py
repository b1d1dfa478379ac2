"""N simulated respondents answer the survey at once against `omnibus serve` on PostgreSQL. Prints figures.

    .venv/bin/python bench/survey_load.py --respondents 152
    .venv/bin/python bench/survey_load.py --respondents 1000 --workers 5

It drops and recreates a scratch PostgreSQL database (`omnibus_bench` unless --database-url
names another whose name starts with `omnibus_bench`), migrates it, stores the example
questionnaire, a frame of N units (the 152 LAs, or a synthetic population for more) and a
wave, and starts `omnibus serve` with several worker processes on a free port, as in
production. Each respondent has its own cookie jar and does what a browser does: opens the
invitation link, enters the code, picks sections from the menu, answers every page (random
valid answers from the options routing offers, posted with the page's CSRF token and `seen`
fingerprint), confirms each section's check page, and finishes.

It prints requests per second, p50/p95/p99 latency, errors (a status other than 2xx/3xx, a
page showing an error summary or a conflict, or a page other than the one routing says
comes next), then reads the stored live answers back and counts answers lost (sent but not
stored) and changed (stored with another value) or unexpected: all must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from omnibus.collect import flow  # noqa: E402 - after the path is set
from omnibus.questionnaire.loader import load  # noqa: E402
from omnibus.questionnaire.model import Question, Questionnaire  # noqa: E402
from omnibus.questionnaire.naming import specify_key  # noqa: E402
from omnibus.questionnaire.routing import route  # noqa: E402
from omnibus.questionnaire.validation import page_fields  # noqa: E402

QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
LA_FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
AS_OF = date(2017, 9, 1)
WAVE = "bench-wave"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/omnibus_bench"
FORM_META = {"csrfmiddlewaretoken", "seen", "next"}
TEXTS = ["We use a regional partnership.", "Café £1,500 – “quoted” <b>not bold</b>", "Line one\r\nLine two", "Ñ ✓"]

SYNTHETIC_SCHEMA = """\
slug: bench-units
title: Synthetic units (survey load benchmark)
key: unit_id
name: name
codes:
  unit_id: {pattern: '^\\d{6}$'}
attributes:
  region: {kind: category, values: [North, Midlands, South, London]}
"""


# -- the scratch database and the server ------------------------------------------------------


def scratch_database(url: str) -> None:
    """Drop and recreate the benchmark's database (never any other)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("omnibus_bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark's database name must start with omnibus_bench")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def set_up(respondents: int, folder: Path) -> list[tuple[int, str]]:
    """Migrate, store the questionnaire, load a frame of N units, make the wave: (wave unit id, code) each."""
    from django.core.management import call_command
    from django.utils import timezone

    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave, unit_codes
    from omnibus.frame.store import load_frame

    call_command("migrate", verbosity=0)
    stored, _ = store_questionnaire(QUESTIONNAIRE)
    population, frame = "england-la", LA_FRAME
    if respondents > 152:
        population, frame = synthetic_frame(respondents, folder)
    load_frame(frame, AS_OF, population)
    now = timezone.now()
    wave = create_wave(WAVE, stored.title, stored, population, AS_OF, now - timedelta(days=1), now + timedelta(days=30))
    ids = dict(wave.units.values_list("name", "id"))
    return [(ids[row.name], row.code) for row in unit_codes(wave)][:respondents]


def synthetic_frame(units: int, folder: Path) -> tuple[str, Path]:
    """A population schema of our own and a frame file of `units` units (the LA schema allows only 999)."""
    schema = folder / "bench-units.yaml"
    schema.write_text(SYNTHETIC_SCHEMA, encoding="utf-8")
    path = folder / "bench-units.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "name", "region"])
        for n in range(1, units + 1):
            writer.writerow([f"{n:06d}", f"Unit {n:06d}", random.choice(["North", "Midlands", "South", "London"])])
    return str(schema), path


def deployment_environment(database_url: str, folder: Path) -> dict[str, str]:
    """This process's environment with a deployment's settings: the database, fresh keys, data in `folder`."""
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "OMNIBUS_DATA_DIR": str(folder),
        "OMNIBUS_SECRET_KEY": os.urandom(24).hex(),
        "OMNIBUS_CODE_HASH_KEY": os.urandom(24).hex(),
        "OMNIBUS_CODE_KEY": Fernet.generate_key().decode(),
    }


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, threads: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`omnibus serve` as production runs it (plain HTTP here, so cookies are not marked Secure)."""
    command = [sys.executable, "-m", "omnibus", "serve", "--addrport", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--insecure-cookies", "--no-access-log"]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"omnibus serve stopped:\n{log.read_text()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/survey/", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("omnibus serve did not answer in time")


# -- one respondent ------------------------------------------------------------------------------


class Form(HTMLParser):
    """What a browser would know of a page: its form's hidden values and the fields offered."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.fields: dict[str, list[str]] = {}  # name -> the values of its radios or checkboxes ([] for a box)
        self.links: list[str] = []
        self.feed(html)
        self.error = "govuk-error-summary" in html
        self.conflict = "A colleague changed the answers" in html

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect inputs, text areas and links."""
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag in ("input", "textarea") and a.get("name"):
            if a.get("type") == "hidden":
                self.hidden[a["name"]] = a.get("value", "")
            elif a.get("type") in ("radio", "checkbox"):
                self.fields.setdefault(a["name"], []).append(a.get("value", ""))
            else:
                self.fields.setdefault(a["name"], [])


@dataclass
class Stats:
    """Every request's latency and every error, over all respondents."""

    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # "POST question" -> latencies
    errors: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def record(self, kind: str, seconds: float) -> None:
        """Keep one request's latency."""
        self.latencies.append(seconds)
        self.by_kind.setdefault(kind, []).append(seconds)

    def error(self, kind: str, detail: str) -> None:
        """Count an error, keeping its first example."""
        self.errors[kind] += 1
        self.examples.setdefault(kind, detail)


class Failed(Exception):
    """A respondent cannot go on."""


class Respondent:
    """One simulated person answering for one unit, with a browser's cookie jar."""

    def __init__(self, base: str, code: str, q: Questionnaire, stats: Stats, rng: random.Random, most: int) -> None:
        self.most = most  # the most sections this person answers
        self.client = httpx.AsyncClient(base_url=base, timeout=300, follow_redirects=False)
        self.code, self.q, self.stats, self.rng = code, q, stats, rng
        self.sent: dict[str, object] = {}  # every answer key -> the value the server should keep
        self.sections: list[str] = []

    async def request(self, method: str, url: str, data: dict | None = None) -> httpx.Response:
        """One request, timed; a status other than 2xx or 3xx is an error."""
        began = time.perf_counter()
        try:
            response = await self.client.request(method, url, data=data)
        except httpx.HTTPError as error:
            self.stats.error("transport", f"{method} {url}: {error!r}")
            raise Failed from error
        self.stats.record(f"{method} {_kind(url)}", time.perf_counter() - began)
        if response.status_code >= 400:
            self.stats.error(f"HTTP {response.status_code}", f"{method} {url}: {response.text[:300]}")
            raise Failed
        return response

    async def visit(self, url: str) -> tuple[str, Form]:
        """GET a page and follow its redirects as a browser does: the final path and its form."""
        response = await self.request("GET", url)
        while response.is_redirect:
            response = await self.request("GET", response.headers["location"])
        return response.url.path, Form(response.text)

    async def post(self, url: str, data: dict) -> tuple[str, Form]:
        """POST a form; a redirect is followed, a page shown again is returned as it is."""
        response = await self.request("POST", url, data=data)
        if response.is_redirect:
            return await self.visit(response.headers["location"])
        return response.url.path, Form(response.text)

    async def run(self) -> None:
        """The whole visit: sign in, answer some sections, finish."""
        try:
            async with self.client:
                path, form = await self.visit(f"/s/{self.code}")
                data = {**form.hidden, "code": self.code, "name": "Bench respondent", "role": "Analyst"}
                path, form = await self.post("/survey/", data)
                if path != "/survey/sections/":
                    raise self.fail("sign-in", f"ended at {path}")
                offered = [s for s in (_section_of(link) for link in form.links) if s]
                self.sections = self.rng.sample(offered, self.rng.randint(1, min(self.most, len(offered))))
                for section in self.sections:
                    await self.answer_section(f"/survey/sections/{section}/")
                path, form = await self.visit("/survey/finish/")
                path, form = await self.answer_pages(path, form)
                if path != "/survey/complete/":
                    raise self.fail("finish", f"ended at {path}")
        except Failed:
            pass

    async def answer_section(self, url: str) -> None:
        """Answer a section's pages, then confirm its check page."""
        path, form = await self.answer_pages(*await self.visit(url))
        if not path.endswith("/check/"):
            raise self.fail("check page", f"expected a check page, got {path}")
        path, form = await self.post(path, form.hidden)
        if path != "/survey/sections/":
            raise self.fail("check page", f"confirming went to {path}")

    async def answer_pages(self, path: str, form: Form) -> tuple[str, Form]:
        """Answer question pages while the server shows them; the first other page is returned."""
        while (question := self.question_at(path)) is not None:
            answers = self.choose(question, form)
            path_after, form = await self.post(path, {**form.hidden, **answers})
            if form.error or form.conflict:
                raise self.fail("page shown again", f"{path}: {'conflict' if form.conflict else 'error summary'}")
            self.check_next(question, path_after)
            path = path_after
        return path, form

    def question_at(self, path: str) -> Question | None:
        """The question a survey page path shows, if it is one."""
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["survey", "sections"] and parts[3] != "check":
            return self.q.question(parts[3])
        return None

    def choose(self, question: Question, form: Form) -> dict[str, object]:
        """Random valid answers from what routing offers, after checking the page offers the same."""
        now = route(self.q, self.sent)
        items = now.items.get(question.id, [])
        expected = page_fields(question, self.q, items)
        offered = {str(o.code) for o in now.options.get(question.id, [])}
        shown = {name for name in form.fields if name not in FORM_META}
        if (
            question.id not in now.questions
            or shown - expected
            or (question.type in ("single", "multi") and set(form.fields.get(question.id, [])) != offered)
        ):
            raise self.fail("routing differs", f"{question.id}: page {sorted(shown)}, routing {sorted(expected)}")
        answers = answer(question, self.q, now.options.get(question.id, []), items, self.rng)
        for key in expected:  # a key left out of the form is cleared, as the server does
            self.sent[key] = _stored(key, answers.get(key), question)
        return answers

    def check_next(self, question: Question, path: str) -> None:
        """The page after this one must be the one routing says comes next."""
        section = self.q.section(question.section)
        following = flow.page_after(section, route(self.q, self.sent), question.id)
        if following is not None and not path.endswith(f"/{following.id}/"):
            raise self.fail("navigation differs", f"after {question.id} went to {path}, routing says {following.id}")

    def fail(self, kind: str, detail: str) -> Failed:
        """Record an error and stop this respondent."""
        self.stats.error(kind, f"{self.code}: {detail}")
        return Failed()

    def expected(self) -> dict[str, object]:
        """The live answers the server must hold: routing on everything sent."""
        return route(self.q, {k: v for k, v in self.sent.items() if v is not None}).live


def _kind(url: str) -> str:
    """What sort of page a URL is, for the latency breakdown."""
    parts = urlsplit(url).path.strip("/").split("/")
    if parts[0] == "s" or parts == ["survey"]:
        return "start"
    if len(parts) == 4 and parts[3] != "check":
        return "question"
    if len(parts) == 3 and parts[1] == "sections":
        return "section (redirect)"
    return parts[-1] if len(parts) > 1 else parts[0]


def _section_of(link: str) -> str | None:
    parts = link.strip("/").split("/")
    return parts[2] if len(parts) == 3 and parts[:2] == ["survey", "sections"] else None


def answer(question: Question, q: Questionnaire, options: list, items: list[str], rng: random.Random) -> dict:
    """What a person might type or tick on this page (values as a browser sends them)."""
    if question.type == "statement":
        return {}
    if not question.required and rng.random() < 0.15:
        return {}  # left blank
    if question.type == "single":
        option = rng.choice(options)
        return {question.id: str(option.code), **_specify(question, [option], rng)}
    if question.type == "multi":
        return _multi(question, options, rng)
    if question.type == "grid":
        return {item: str(rng.choice(question.options).code) for item in items}
    if question.type == "numbers":
        by_id = {item.id: item for item in question.items}
        return {i: _number(question, by_id[i].min, by_id[i].max, rng) for i in items}
    if question.type == "number":
        return {question.id: _number(question, None, None, rng)}
    text = rng.choice(TEXTS) + f" ({rng.randint(1, 10**6)})"
    return {question.id: text[: question.max_length or 10_000]}


def _multi(question: Question, options: list, rng: random.Random) -> dict:
    exclusive = [o for o in options if o.exclusive]
    others = [o for o in options if not o.exclusive]
    if exclusive and (not others or rng.random() < 0.1):
        chosen = [rng.choice(exclusive)]
    else:
        most = min(len(others), question.max_choices or len(others))
        picked = rng.sample(others, rng.randint(max(1, question.min_choices or 1), most))
        chosen = [o for o in options if o in picked]  # a browser sends ticked boxes in page order
    return {question.id: [str(o.code) for o in chosen], **_specify(question, chosen, rng)}


def _specify(question: Question, chosen: list, rng: random.Random) -> dict:
    return {specify_key(question.id, o.code): f"Other source {rng.randint(1, 999)} – é" for o in chosen if o.specify}


def _number(question: Question, low: float | None, high: float | None, rng: random.Random) -> str:
    low = low if low is not None else (question.min if question.min is not None else 0)
    high = high if high is not None else (question.max if question.max is not None else 100_000)
    value = rng.randint(int(low), int(high))
    return f"{value:,}" if value >= 1000 and rng.random() < 0.5 else str(value)  # people type 1,500


def _stored(key: str, value: object, question: Question) -> object:
    """The value the server keeps for what was sent to `key` (None: nothing)."""
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return [int(v) for v in value]
    if question.type == "grid" or (question.type == "single" and key == question.id):
        return int(value)
    if question.type in ("number", "numbers"):
        number = float(str(value).replace(",", ""))
        return int(number) if question.integer else number
    return str(value).replace("\r\n", "\n").strip()


# -- the run and the figures ------------------------------------------------------------------


async def run_all(base: str, codes: list[str], q: Questionnaire, args: argparse.Namespace) -> tuple:
    """Every respondent at once (at most `concurrency` in flight): their records, stats and the time taken."""
    stats = Stats()
    gate = asyncio.Semaphore(args.concurrency)
    most = args.max_sections
    people = [Respondent(base, code, q, stats, random.Random(args.seed + n), most) for n, code in enumerate(codes)]

    async def one(person: Respondent) -> None:
        async with gate:
            await person.run()

    began = time.perf_counter()
    await asyncio.gather(*(one(p) for p in people))
    return people, stats, time.perf_counter() - began


def compare(people: list[Respondent], unit_ids: dict[str, int]) -> tuple[int, int, int, int]:
    """(answers sent, lost, changed, unexpected) against the live answers stored."""
    from omnibus.collect.models import Answer

    stored: dict[int, dict[str, object]] = {}
    for unit, key, value in Answer.objects.filter(wave_unit__wave__slug=WAVE).values_list("wave_unit", "key", "value"):
        stored.setdefault(unit, {})[key] = value
    sent = lost = changed = unexpected = 0
    for person in people:
        want, have = person.expected(), stored.get(unit_ids[person.code], {})
        sent += len(want)
        lost += sum(1 for k in want if k not in have)
        changed += sum(1 for k in want if k in have and have[k] != want[k])
        unexpected += sum(1 for k in have if k not in want)
    return sent, lost, changed, unexpected


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def report(args: argparse.Namespace, people: list, stats: Stats, seconds: float, counts: tuple) -> None:
    """Print the figures."""
    finished = sum(1 for p in people if p.sections)
    lat = stats.latencies
    sent, lost, changed, unexpected = counts
    print(f"respondents {args.respondents}, concurrency {args.concurrency}, {args.workers} workers × {args.threads}")
    print(f"requests    {len(lat)} in {seconds:.1f} s: {len(lat) / seconds:.1f} pages/s")
    print(
        f"latency     p50 {percentile(lat, 50) * 1000:.0f} ms, p95 {percentile(lat, 95) * 1000:.0f} ms, "
        f"p99 {percentile(lat, 99) * 1000:.0f} ms, mean {statistics.mean(lat) * 1000:.0f} ms"
    )
    for kind, values in sorted(stats.by_kind.items(), key=lambda kv: -len(kv[1])):
        print(
            f"  {kind:<24} {len(values):>7} p50 {percentile(values, 50) * 1000:6.0f} ms "
            f"p95 {percentile(values, 95) * 1000:6.0f} ms p99 {percentile(values, 99) * 1000:6.0f} ms"
        )
    print(f"errors      {sum(stats.errors.values())}" + "".join(f"\n  {k}: {n}" for k, n in stats.errors.items()))
    for kind, example in stats.examples.items():
        print(f"  e.g. {kind}: {example[:400]}")
    print(f"sections    {sum(len(p.sections) for p in people)} answered by {finished} respondents")
    print(f"answers     {sent} sent; lost {lost}, changed {changed}, unexpected {unexpected}")


def main() -> None:
    """Set up, serve, run the respondents, check the answers, print the figures."""
    from omnibus.site.serve import default_workers

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--respondents", type=int, default=152)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--concurrency", type=int, help="respondents in flight at once (default: all)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--max-sections", type=int, default=99, help="the most menu sections each respondent answers")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.concurrency = args.concurrency or args.respondents
    random.seed(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="omnibus-bench-"))
    env = deployment_environment(args.database_url, folder)
    os.environ.update(env)
    scratch_database(args.database_url)
    from omnibus.core.setup import setup_django

    setup_django()
    from django.db import connections

    units = set_up(args.respondents, folder)
    connections.close_all()  # nothing of ours holds a connection while the server works
    port = free_port()
    server = start_server(port, args.workers, args.threads, env, folder / "server.log")
    try:
        codes = [code for _, code in units]
        people, stats, seconds = asyncio.run(run_all(f"http://127.0.0.1:{port}", codes, load(QUESTIONNAIRE), args))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    counts = compare(people, {code: unit for unit, code in units})
    report(args, people, stats, seconds, counts)
    print(f"server log  {folder / 'server.log'}")


if __name__ == "__main__":
    main()
