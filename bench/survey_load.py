"""Simulated respondents answer the survey against `omnibus serve` on PostgreSQL. Prints figures.

    .venv/bin/python bench/survey_load.py --respondents 152
    .venv/bin/python bench/survey_load.py --respondents 1000 --think-time 5 --max-sections 1
    .venv/bin/python bench/survey_load.py --respondents 60 --servers 2

It drops and recreates a scratch PostgreSQL database (`omnibus_bench` unless --database-url
names another whose name starts with `omnibus_bench`), migrates it, stores the example
questionnaire, a frame of N units (the 152 LAs, or a synthetic population for more) and a
wave, and starts `omnibus serve` as production runs it, on a free port from 8160-8189. With
`--servers 2` it starts two servers on two ports behind HAProxy (round-robin, no sticky
sessions), and the outbox worker beside them. Each respondent has its own cookie jar and
does what a browser does: opens the invitation link, enters the code, picks sections from
the menu, answers every page (random valid answers from the options routing offers, posted
with the page's CSRF token and `seen` fingerprint), confirms each check page, and finishes.

Two ways to send respondents:
- closed (the default): every respondent at once (or --concurrency at a time), each clicking
  again as soon as a page arrives: the most the servers can do;
- open (`--think-time S`): respondents arrive at --arrival-rate per second and pause a random
  S seconds on average (exponential) before each click, as people do: the latency people see
  at a given load.

Before the meter starts, a warm-up (`--warm-up N`, by default one respondent per server
thread) answers a section each of a second wave over the same units: each worker parses the
questionnaire, compiles its templates and opens its threads' database connections once when
it starts, which is not a cost of each page of a server that runs for weeks. `--warm-up 0`
counts that start-up too, as the figures before this option did.

It prints HTTP requests and answered pages (a question page submitted: POST, redirect, next
page) separately; the latency of an answered page (p50/p95/p99, from the POST to the next
page received); the server CPU per answered page, application and PostgreSQL, read from
/proc (CPU time, not wall time, so other work on the machine does not inflate it); this
process's own CPU per answered page (the simulated respondents share the machine with the
server, so they must cost it a small fraction of the server's); the load average; errors (a
status other than 2xx/3xx, a page showing an error summary or a conflict, or a page other
than the one routing says comes next); then reads the stored live answers back and counts
answers lost (sent but not stored) and changed (stored with another value) or unexpected:
all must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from omnibus.collect import finishing  # noqa: E402 - after the path is set
from omnibus.questionnaire.loader import load  # noqa: E402
from omnibus.questionnaire.model import Question, Questionnaire  # noqa: E402
from omnibus.questionnaire.naming import specify_key  # noqa: E402
from omnibus.questionnaire.routing import Route, route  # noqa: E402
from omnibus.questionnaire.validation import page_fields  # noqa: E402

QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
LA_FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
AS_OF = date(2017, 9, 1)
WAVE = "bench-wave"
WARM_UP_WAVE = "bench-warm-up"  # the warm-up's own wave: its answers are not the run's
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/omnibus_bench"
HAPROXY = "/usr/sbin/haproxy"
PORTS = range(8160, 8190)  # the ports this benchmark may listen on
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FORM_META = {"csrfmiddlewaretoken", "seen", "next"}
# The tags a respondent's browser acts on, and their attributes: the server's HTML always quotes
# attribute values with " and escapes any " or > inside them, so a regex reads them exactly.
TAG = re.compile(r"<(input|textarea|a)\s([^>]*)>")
ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
FORM_ENCODED = {"Content-Type": "application/x-www-form-urlencoded"}
TRANSPORT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)  # no answer from the server
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


def warm_up_codes(count: int) -> list[str]:
    """A second wave over the units of the first, with its questionnaire and times: the codes of `count` of them."""
    from omnibus.fieldwork.models import Wave
    from omnibus.fieldwork.waves import create_wave, unit_codes

    if not count:
        return []
    first = Wave.objects.get(slug=WAVE)
    times = first.opens_at, first.closes_at
    wave = create_wave(WARM_UP_WAVE, first.title, first.questionnaire, first.population.slug, first.frame_as_of, *times)
    return [row.code for row in unit_codes(wave)][:count]


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


def free_ports(count: int, ports: range = PORTS) -> list[int]:
    """`count` ports of `ports` (this benchmark's, unless another range is given) that nobody listens on."""
    found = []
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    sys.exit(f"{count} free port(s) needed, {len(found)} found in {ports.start}-{ports.stop - 1}")


def start_server(port: int, args: argparse.Namespace, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`omnibus serve` as production runs it (plain HTTP here, so cookies are not marked Secure)."""
    command = [
        sys.executable,
        "-m",
        "omnibus",
        "serve",
        "--addrport",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
    ]
    command += ["--threads", str(args.threads), "--insecure-cookies", "--no-access-log"]
    return started(command, env, log, f"http://127.0.0.1:{port}/survey/", f"Listening at: http://127.0.0.1:{port} ")


def start_balancer(port: int, servers: list[int], folder: Path) -> subprocess.Popen:
    """HAProxy on `port`: each request to the next server in turn (no sticky sessions), naming it in X-Served-By."""
    config = folder / "haproxy.cfg"
    lines = [
        "global",
        "  maxconn 4096",
        "defaults",
        "  mode http",
        "  timeout connect 5s",
        "  timeout client 300s",
        "  timeout server 300s",
        "frontend survey",
        f"  bind 127.0.0.1:{port}",
        "  option forwardfor",
        "  default_backend omnibus",
        "backend omnibus",
        "  balance roundrobin",
        "  http-response set-header X-Served-By %[srv_name]",
    ]
    lines += [f"  server s{n} 127.0.0.1:{server}" for n, server in enumerate(servers, 1)]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not Path(HAPROXY).exists():
        sys.exit(f"{HAPROXY} is not installed: apt-get install haproxy (make test installs it)")
    return started(
        [HAPROXY, "-db", "-f", str(config)],
        os.environ.copy(),
        folder / "haproxy.log",
        f"http://127.0.0.1:{port}/survey/",
    )


def started(command: list[str], env: dict[str, str], log: Path, url: str, says: str = "") -> subprocess.Popen:
    """Start a process and wait until `url` answers (and its log `says` so, when given).

    `says` tells our own server from another that holds the port: a server that finds its
    port taken retries for a while before it stops, and meanwhile `url` answers from the other.
    """
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{' '.join(command[:4])} stopped:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code < 500 and says in log.read_text(errors="replace"):
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.terminate()
    sys.exit(f"{' '.join(command[:4])} did not answer in time")


def stop(process: subprocess.Popen) -> None:
    """Stop a process we started, gracefully."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


# -- server CPU, from /proc ------------------------------------------------------------------


def processes() -> dict[int, tuple[int, int]]:
    """Every process now: pid -> (its parent's pid, its user + system CPU so far in clock ticks)."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            table[int(name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime (proc(5))
    return table


def descendants(pids: set[int], table: dict[int, tuple[int, int]] | None = None) -> set[int]:
    """The processes in `pids` and all their children, grandchildren… (in `table`, else read now)."""
    parents = {pid: parent for pid, (parent, _) in (table or processes()).items()}
    found, grown = set(pids), True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in found} - found
        found |= more
        grown = bool(more)
    return found


class CpuMeter:
    """CPU spent by the application's processes and by PostgreSQL's backends of the benchmark's database.

    Sampled every half second while the respondents run, so a backend that ends mid-run (a
    connection past its age) still counts up to its last sample; the CPU a process had spent
    before the run began is not counted. PostgreSQL's shared processes (checkpointer, WAL
    writer) are left out: they serve every database on the server. A sample reads /proc once
    and asks PostgreSQL over one connection kept open: the meter runs in the load generator,
    whose CPU competes with the server's.
    """

    def __init__(self, roots: list[int], database_url: str) -> None:
        self.roots = set(roots)
        self.database = urlsplit(database_url).path.lstrip("/")
        self.admin = urlsplit(database_url)._replace(path="/postgres").geturl()
        self.first: dict[tuple[str, int], int] = {}
        self.last: dict[tuple[str, int], int] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.connection = None  # to the admin database, while sampling

    def start(self) -> None:
        """Take the baseline, then sample in the background."""
        import psycopg

        self.connection = psycopg.connect(self.admin, autocommit=True)
        self.sample(baseline=True)
        self.thread.start()

    def stop(self) -> tuple[float, float]:
        """(application, database) CPU seconds spent since start."""
        self.stopping.set()
        self.thread.join()
        self.sample()
        self.connection.close()
        spent = {"app": 0, "db": 0}
        for (kind, pid), ticks in self.last.items():
            spent[kind] += ticks - self.first.get((kind, pid), 0)
        return spent["app"] / CLOCK_TICKS, spent["db"] / CLOCK_TICKS

    def _run(self) -> None:
        while not self.stopping.wait(0.5):
            self.sample()

    def sample(self, baseline: bool = False) -> None:
        """Read every process's CPU now."""
        table = processes()
        sql = "SELECT pid FROM pg_stat_activity WHERE datname = %s"
        rows = self.connection.execute(sql, [self.database]).fetchall()
        counted = [("app", pid) for pid in descendants(self.roots, table)] + [("db", pid) for (pid,) in rows]
        for key in counted:
            if key[1] not in table:
                continue  # gone since /proc was read
            if baseline:
                self.first[key] = table[key[1]][1]
            self.last[key] = table[key[1]][1]


# -- one respondent ------------------------------------------------------------------------------


class Form:
    """What a browser would know of a page: its form's hidden values and the fields offered.

    Read with a regex rather than an HTML parser: the load generator's CPU competes with the
    server's on one machine, and html.parser cost as much per page as the server's template.
    """

    def __init__(self, html: str) -> None:
        self.hidden: dict[str, str] = {}
        self.fields: dict[str, list[str]] = {}  # name -> the values of its radios or checkboxes ([] for a box)
        self.links: list[str] = []
        for tag, attributes in TAG.findall(html):
            self.read(tag, {k: unescape(v) if "&" in v else v for k, v in ATTRIBUTE.findall(attributes)})
        self.error = "govuk-error-summary" in html
        self.conflict = "A colleague changed the answers" in html

    def read(self, tag: str, a: dict[str, str]) -> None:
        """Collect an input, a text area or a link."""
        if tag == "a":
            if a.get("href"):
                self.links.append(a["href"])
        elif a.get("name"):
            if a.get("type") == "hidden":
                self.hidden[a["name"]] = a.get("value", "")
            elif a.get("type") in ("radio", "checkbox"):
                self.fields.setdefault(a["name"], []).append(a.get("value", ""))
            else:
                self.fields.setdefault(a["name"], [])


@dataclass(slots=True)
class Reply:
    """What the server answered to one request."""

    status: int
    path: str  # the path asked for
    location: str | None  # where a redirect points
    served_by: str | None  # the server behind the load balancer that answered
    text: str

    @property
    def is_redirect(self) -> bool:
        """A 3xx with somewhere to go."""
        return 300 <= self.status < 400 and self.location is not None


@dataclass
class Stats:
    """Every request's latency and every error, over all respondents."""

    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # "POST question" -> latencies
    answered: list[float] = field(default_factory=list)  # each answered page: its POST to the next page shown
    served_by: Counter = field(default_factory=Counter)  # requests per server, behind the load balancer
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
    """One simulated person answering for one unit, with a browser's cookie jar and keep-alive connection.

    HTTP goes through aiohttp (its HTTP parser is compiled): the load generator runs on the
    server's machine, and what it spends per request is taken from the server.
    """

    def __init__(self, base: str, code: str, q: Questionnaire, stats: Stats, rng: random.Random, args) -> None:  # noqa: ANN001
        self.most = args.max_sections  # the most sections this person answers
        self.think = args.think_time  # mean seconds between clicks (0: none)
        self.base = base
        self.client: aiohttp.ClientSession | None = None  # opened by run(), in the event loop
        self.code, self.q, self.stats, self.rng = code, q, stats, rng
        self.sent: dict[str, object] = {}  # every answer key -> the value the server should keep
        self.routing: Route | None = None  # routing on `sent`, once per page (None: not yet worked out)
        self.sections: list[str] = []
        self.in_doubt: set[str] = set()  # keys of a page whose POST got no answer: not compared
        self.servers: set[str] = set()  # the servers that answered this person
        self.done = False

    async def pause(self) -> None:
        """Read and type before the next click (open model only)."""
        if self.think:
            await asyncio.sleep(self.rng.expovariate(1 / self.think))

    def session(self) -> aiohttp.ClientSession:
        """This person's browser: a cookie jar and one keep-alive connection of their own, redirects not followed."""
        # Idle connections are closed by the client before the server would (gunicorn keeps them 75 s).
        connector = aiohttp.TCPConnector(limit=1, keepalive_timeout=30)
        jar = aiohttp.CookieJar(unsafe=True)  # unsafe: keep cookies from an IP address (127.0.0.1)
        session = aiohttp.ClientSession(connector=connector, cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=300))
        # aiohttp would send a GET again, unseen, over a new connection when its connection drops
        # (it has no public switch for this): here a dropped connection is counted, as an error or,
        # in bench/faults.py, as a page sent again.
        session._retry_connection = False
        return session

    async def fetch(self, method: str, url: str, data: dict | None = None) -> Reply:
        """One HTTP request and its whole answer (a transport error is raised: TRANSPORT_ERRORS)."""
        if self.client is None:
            raise RuntimeError("fetch() outside run(): the session is opened there")
        body, headers = (urlencode(data, doseq=True), FORM_ENCODED) if data is not None else (None, None)
        target = url if "://" in url else self.base + url
        async with self.client.request(method, target, data=body, headers=headers, allow_redirects=False) as response:
            text = await response.text()
            return Reply(
                response.status,
                response.url.path,
                response.headers.get("Location"),
                response.headers.get("X-Served-By"),
                text,
            )

    async def request(self, method: str, url: str, data: dict | None = None) -> Reply:
        """One request, timed; a status other than 2xx or 3xx is an error."""
        began = time.perf_counter()
        try:
            reply = await self.fetch(method, url, data)
        except TRANSPORT_ERRORS as error:
            self.stats.error("transport", f"{method} {url}: {error!r}")
            raise Failed from error
        self.stats.record(f"{method} {_kind(url)}", time.perf_counter() - began)
        if reply.served_by is not None:
            self.servers.add(reply.served_by)
            self.stats.served_by[reply.served_by] += 1
        if reply.status >= 400:
            self.stats.error(f"HTTP {reply.status}", f"{method} {url}: {reply.text[:300]}")
            raise Failed
        return reply

    async def visit(self, url: str) -> tuple[str, Form]:
        """GET a page and follow its redirects as a browser does: the final path and its form."""
        reply = await self.request("GET", url)
        while reply.is_redirect:
            reply = await self.request("GET", reply.location)
        return reply.path, Form(reply.text)

    async def post(self, url: str, data: dict) -> tuple[str, Form]:
        """POST a form; a redirect is followed, a page shown again is returned as it is."""
        reply = await self.request("POST", url, data=data)
        if reply.is_redirect:
            return await self.visit(reply.location)
        return reply.path, Form(reply.text)

    async def run(self) -> None:
        """The whole visit: sign in, answer some sections, finish."""
        try:
            async with self.session() as self.client:
                path, form = await self.visit(f"/s/{self.code}")
                data = {**form.hidden, "code": self.code, "name": "Bench respondent", "role": "Analyst"}
                await self.pause()
                path, form = await self.post("/survey/", data)
                if path != "/survey/sections/":
                    raise self.fail("sign-in", f"ended at {path}")
                offered = [s for s in (_section_of(link) for link in form.links) if s]
                self.sections = self.rng.sample(offered, self.rng.randint(1, min(self.most, len(offered))))
                for section in self.sections:
                    await self.pause()
                    await self.answer_section(f"/survey/sections/{section}/")
                await self.pause()
                path, form = await self.visit("/survey/finish/")
                path, form = await self.answer_pages(path, form)
                if path != "/survey/complete/":
                    raise self.fail("finish", f"ended at {path}")
                self.done = True
        except Failed:
            pass

    async def answer_section(self, url: str) -> None:
        """Answer a section's pages, then confirm its check page."""
        path, form = await self.answer_pages(*await self.visit(url))
        if not path.endswith("/check/"):
            raise self.fail("check page", f"expected a check page, got {path}")
        await self.pause()
        path, form = await self.post(path, form.hidden)
        if path != "/survey/sections/":
            raise self.fail("check page", f"confirming went to {path}")

    async def answer_pages(self, path: str, form: Form) -> tuple[str, Form]:
        """Answer question pages while the server shows them; the first other page is returned."""
        while (question := self.question_at(path)) is not None:
            answers, kept = self.choose(question, form)
            await self.pause()
            began = time.perf_counter()
            self.in_doubt |= kept.keys()  # until the server answers: a request cut short may or may not be saved
            path_after, form = await self.post(path, {**form.hidden, **answers})
            self.stats.answered.append(time.perf_counter() - began)
            self.in_doubt -= kept.keys()
            self.sent.update(kept)
            self.routing = None  # worked out again, once, for checking the next page and answering it
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

    def choose(self, question: Question, form: Form) -> tuple[dict[str, object], dict[str, object]]:
        """Random valid answers from what routing offers (as posted, and as the server should keep them).

        It checks first that the page offers what routing offers.
        """
        now = self.routed()
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
        # A key left out of the form is cleared, as the server does.
        return answers, {key: _stored(key, answers.get(key), question) for key in expected}

    def check_next(self, question: Question, path: str) -> None:
        """The page after this one must be the one routing says comes next."""
        section = self.q.section(question.section)
        following = finishing.next_page(self.q, section, self.routed(), question.id)
        if following is not None and not path.endswith(f"/{following.id}/"):
            raise self.fail("navigation differs", f"after {question.id} went to {path}, routing says {following.id}")

    def routed(self) -> Route:
        """Routing on everything sent so far, worked out once per page (choosing and checking both read it)."""
        if self.routing is None:
            self.routing = route(self.q, self.sent)
        return self.routing

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
    """Every respondent, closed (at most `concurrency` in flight) or open (arriving at a rate): records, stats, time."""
    stats = Stats()
    gate = asyncio.Semaphore(args.concurrency)
    people = [Respondent(base, code, q, stats, random.Random(args.seed + n), args) for n, code in enumerate(codes)]
    arrivals = random.Random(args.seed)

    async def one(person: Respondent, arrives: float) -> None:
        await asyncio.sleep(arrives)
        async with gate:
            await person.run()

    began, at = time.perf_counter(), 0.0
    tasks = []
    for person in people:
        tasks.append(one(person, at))
        if args.think_time:
            at += arrivals.expovariate(args.arrival_rate)
    await asyncio.gather(*tasks)
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
        want = {k: v for k, v in want.items() if k not in person.in_doubt}
        have = {k: v for k, v in have.items() if k not in person.in_doubt}
        sent += len(want)
        lost += sum(1 for k in want if k not in have)
        changed += sum(1 for k in want if k in have and have[k] != want[k])
        unexpected += sum(1 for k in have if k not in want)
    return sent, lost, changed, unexpected


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def report(
    args: argparse.Namespace,
    people: list,
    stats: Stats,
    seconds: float,
    counts: tuple,
    cpu: tuple,
    client: float | None = None,
) -> None:
    """Print the figures (`client`: this process's own CPU seconds while the respondents ran)."""
    finished = sum(1 for p in people if p.done)
    lat, answered = stats.latencies, stats.answered
    sent, lost, changed, unexpected = counts
    mode = f"open: think time {args.think_time} s, arriving {args.arrival_rate}/s" if args.think_time else "closed"
    print(
        f"respondents {args.respondents} ({mode}), "
        f"{args.servers} server(s) × {args.workers} workers × {args.threads} threads"
    )
    print(f"requests    {len(lat)} HTTP requests in {seconds:.1f} s: {len(lat) / seconds:.1f}/s")
    print(
        f"answered    {len(answered)} answered pages: {len(answered) / seconds:.1f}/s, "
        f"{len(lat) / max(1, len(answered)):.2f} HTTP requests per answered page"
    )
    print(f"  answered page {_spread(answered)}")
    print(f"  HTTP request  {_spread(lat)}")
    for kind, values in sorted(stats.by_kind.items(), key=lambda kv: -len(kv[1])):
        print(f"  {kind:<24} {len(values):>7} {_spread(values)}")
    app, db = cpu
    per = 1000 / max(1, len(answered))
    print(
        f"server CPU  {(app + db) * per:.1f} ms per answered page "
        f"(application {app * per:.1f} ms, PostgreSQL {db * per:.1f} ms; {app:.1f} s + {db:.1f} s in all)"
    )
    if client is not None:  # the load generator shares the machine: it must stay well below the server
        print(f"client CPU  {client * per:.1f} ms per answered page ({client:.1f} s in all, this process)")
    if stats.served_by:
        alternated = sum(1 for p in people if len(p.servers) > 1)
        by_server = dict(sorted(stats.served_by.items()))
        print(f"servers     requests by server {by_server}; {alternated} respondents served by more than one")
    print(f"errors      {sum(stats.errors.values())}" + "".join(f"\n  {k}: {n}" for k, n in stats.errors.items()))
    for kind, example in stats.examples.items():
        print(f"  e.g. {kind}: {example[:400]}")
    print(
        f"sections    {sum(len(p.sections) for p in people)} answered; {finished} of {len(people)} respondents finished"
    )
    print(f"answers     {sent} sent; lost {lost}, changed {changed}, unexpected {unexpected}")


def _spread(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"p50 {percentile(values, 50) * 1000:6.0f} ms, p95 {percentile(values, 95) * 1000:6.0f} ms, "
        f"p99 {percentile(values, 99) * 1000:6.0f} ms"
    )


def load_average() -> str:
    """The machine's load average (1, 5 and 15 minutes), to judge how busy it was."""
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> None:
    """Set up, serve, run the respondents, check the answers, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--respondents", type=int, default=152)
    parser.add_argument("--servers", type=int, default=1, help="servers behind HAProxy (1: no load balancer)")
    parser.add_argument("--workers", type=int, default=3, help="worker processes of each server")
    parser.add_argument("--threads", type=int, default=4, help="threads of each worker")
    parser.add_argument("--concurrency", type=int, help="closed model: respondents in flight at once (default: all)")
    parser.add_argument("--think-time", type=float, default=0, help="open model: mean seconds between clicks")
    parser.add_argument("--arrival-rate", type=float, default=20, help="open model: respondents arriving per second")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--max-sections", type=int, default=99, help="the most menu sections each respondent answers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--warm-up", type=int, help="respondents answering a section before the meter starts (default: one per thread)"
    )
    args = parser.parse_args()
    if args.warm_up is None:
        args.warm_up = args.servers * args.workers * args.threads
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
    warm_codes = warm_up_codes(args.warm_up)
    connections.close_all()  # nothing of ours holds a connection while the servers work
    print(f"load average {load_average()} (before)")
    ports = free_ports(args.servers + (1 if args.servers > 1 else 0))
    processes = [start_server(port, args, env, folder / f"server-{port}.log") for port in ports[: args.servers]]
    if args.servers > 1:
        command = [sys.executable, "-m", "omnibus", "worker"]
        processes.append(started_worker(command, env, folder / "worker.log"))
        processes.append(start_balancer(ports[-1], ports[: args.servers], folder))
    meter = CpuMeter([p.pid for p in processes[: args.servers]], args.database_url)
    try:
        base, q = f"http://127.0.0.1:{ports[-1]}", load(QUESTIONNAIRE)
        warmed = warm_up(base, warm_codes, q, args)
        meter.start()
        codes = [code for _, code in units]
        client = time.process_time()
        people, stats, seconds = asyncio.run(run_all(base, codes, q, args))
        client = time.process_time() - client
        cpu = meter.stop()
        for process in processes[args.servers : args.servers + 1]:
            if process.poll() is not None:
                stats.error("outbox worker stopped", f"exit status {process.returncode}")
    finally:
        for process in reversed(processes):
            stop(process)
    print(f"load average {load_average()} (after)")
    counts = compare(people, {code: unit for unit, code in units})
    report(args, people, stats, seconds, counts, cpu, client)
    if warmed is not None:
        print(
            f"warm-up     {len(warm_codes)} respondents answered a section of another wave before the meter started: "
            f"{len(warmed.latencies)} requests, {sum(warmed.errors.values())} errors (not counted above)"
        )
    print(f"logs        {folder}")


def warm_up(base: str, codes: list[str], q: Questionnaire, args: argparse.Namespace) -> Stats | None:
    """Respondents answering one section each, all at once, so that every worker has started before the meter does."""
    if not codes:
        return None
    settings = argparse.Namespace(**{**vars(args), "concurrency": len(codes), "max_sections": 1, "think_time": 0})
    _, stats, _ = asyncio.run(run_all(base, codes, q, settings))
    return stats


def started_worker(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """The outbox worker (`omnibus worker`), beside the servers as in a deployment."""
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


if __name__ == "__main__":
    main()
