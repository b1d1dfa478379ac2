"""What a request costs before and after the application: the HTTP server and Django's middleware. Prints figures.

    .venv/bin/python bench/server_overhead.py [--seconds 8] [--rounds 3] [--servers gunicorn,granian] [--middleware]

On a scratch PostgreSQL database (as `survey_load.py` makes it) a respondent signs in and
the same few pages are asked for again and again over keep-alive connections by `wrk`
(Debian's `wrk` package), against each HTTP server in turn: the about page (no session),
a section's start (a redirect, behind the survey session) and a question page (the session,
the unit and the page rendered). The CPU of the server's processes is read from /proc
before and after (CPU time, not wall time, so other work on the machine disturbs it least)
and divided by the requests answered. The same requests are then made in this process by
calling the WSGI application directly, with no server: the difference is what the server
itself costs per request.

On a busy machine that difference is smaller than the spread of the pages' own figures, so
each server also serves `trivial`, an application that does nothing but answer with a page
of a question page's size: all the CPU of that column is the server's own. The servers are
measured in turn, round after round (`--rounds`), and the median printed with the range.
granian (`pip install granian==2.8.9`, not a dependency of Omnibus) is compared when installed.

`--middleware` also prints each middleware's own CPU per request (the request half and the
response half together), measured in this process with a probe between every two middlewares,
and what Django's handler costs around them (building the request, its signals, the response).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import survey_load  # noqa: E402 - after the path is set

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/omnibus_bench_server"
PORTS = range(8190, 8200)  # the ports this benchmark may listen on
SECTION = "csc"
WSGI_APP = "omnibus.site.wsgi:application"
CONNECTIONS = 4  # wrk's keep-alive connections, as many as a worker has threads

# Each server as `omnibus serve` runs it, or as a command of its own; {app} is the WSGI application.
SERVERS: dict[str, list[str]] = {
    "gunicorn": ["-m", "omnibus", "serve", "--workers", "2", "--threads", "4"],
    "gunicorn-log": ["-m", "omnibus", "serve", "--workers", "2", "--threads", "4", "--access-log"],
    "gunicorn-sync": ["-m", "omnibus", "serve", "--workers", "2", "--threads", "1"],
    "gunicorn-4x1": ["-m", "gunicorn", "-w", "4", "-k", "gthread", "--threads", "1", "--keep-alive", "75"],
    "granian": ["-m", "granian", "--interface", "wsgi", "--workers", "2", "--blocking-threads", "4"],
    "granian-log": [
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--workers",
        "2",
        "--blocking-threads",
        "4",
        "--access-log",
    ],
    "granian-1": ["-m", "granian", "--interface", "wsgi", "--workers", "2", "--blocking-threads", "1"],
}
# gunicorn with the settings `omnibus serve` gives it, for an application other than ours.
GUNICORN = ["-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4", "--keep-alive", "75", "--timeout", "30"]
TRIVIAL = "server_overhead:trivial"  # an application that does nothing: the server's own cost alone
PAGE_BYTES = 24_000  # about a question page


def trivial(environ: dict, start_response: Callable) -> list[bytes]:
    """A WSGI application answering every request with a page of a question page's size, doing nothing else."""
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(PAGE_BYTES))])
    return [b"x" * PAGE_BYTES]


def server_command(name: str, port: int, app: str) -> list[str]:
    """The command line of server `name` on `port` serving `app` (plain HTTP, so insecure cookies)."""
    args = [sys.executable, *SERVERS[name]]
    log = "--access-log" in args
    if args[2] == "gunicorn":  # gunicorn's own command, with settings `omnibus serve` has no option for
        folder = ["--chdir", str(ROOT / "bench")] if app == TRIVIAL else []
        return [*args, *folder, "--bind", f"127.0.0.1:{port}", app]
    if "omnibus" in args and app == TRIVIAL:
        args = [sys.executable, *GUNICORN, *(["--access-logfile", "-"] if log else []), "--chdir", str(ROOT / "bench")]
        return [*args, "--bind", f"127.0.0.1:{port}", app]
    if "omnibus" in args:
        return [*args, *([] if log else ["--no-access-log"]), "--addrport", f"127.0.0.1:{port}", "--insecure-cookies"]
    if app == TRIVIAL:
        args += ["--working-dir", str(ROOT / "bench")]
    args += [] if log else ["--no-access-log"]
    return [*args, "--host", "127.0.0.1", "--port", str(port), "--http", "1", app]


def signed_in(code: str) -> tuple[str, dict[str, str]]:
    """Sign a respondent in with `code` in this process: (a question page's path, the session's cookies)."""
    from django.test import Client

    client = Client()
    client.get(f"/s/{code}")
    client.post("/survey/", {"code": code, "name": "Bench respondent", "role": "Analyst"})
    question = client.get(f"/survey/sections/{SECTION}/").url
    assert client.get(question).status_code == 200, question
    return question, {name: morsel.value for name, morsel in client.cookies.items()}


def served_cpu(name: str, app: str, targets: dict[str, str], cookie: str, seconds: int, folder: Path) -> dict:
    """Start server `name` on `app`, send each target `seconds` of keep-alive requests: ms of server CPU per request."""
    port = survey_load.free_ports(1, PORTS)[0]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "omnibus.core.settings", "OMNIBUS_SECURE_COOKIES": "0"}
    log = folder / f"{name}.log"
    process = survey_load.started(server_command(name, port, app), env, log, f"http://127.0.0.1:{port}/survey/about/")
    figures = {}
    try:
        for target, path in targets.items():
            url = f"http://127.0.0.1:{port}{path}"
            _wrk(url, cookie, 2)  # every worker and thread warm (templates compiled, connections open)
            pids = survey_load.descendants({process.pid})
            before = _ticks(pids)
            requests = _wrk(url, cookie, seconds)
            after = _ticks(pids)
            figures[target] = 1000 * (after - before) / survey_load.CLOCK_TICKS / requests
    finally:
        survey_load.stop(process)
    return figures


def _ticks(pids: set[int]) -> int:
    """The CPU clock ticks the processes `pids` have spent so far (user and system)."""
    table = survey_load.processes()
    return sum(table[pid][1] for pid in pids if pid in table)


def _wrk(url: str, cookie: str, seconds: int) -> int:
    """Requests answered by `url` in `seconds` over keep-alive connections; exits on any error."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "-H", f"Cookie: {cookie}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:  # wrk counts a status of 400 or more, not a redirect
        sys.exit(f"wrk {url}:\n{output}")
    return int(re.search(r"(\d+) requests in", output).group(1))


def direct_cpu(path: str, cookie: str, count: int) -> float:
    """ms of CPU per request of the WSGI application called in this process, with no server."""
    from omnibus.site.wsgi import application

    def call() -> None:
        body = application(_environ(path, cookie), lambda status, headers, exc_info=None: None)
        try:
            for _ in body:
                pass
        finally:
            body.close()

    return _per_call(call, count)


def _environ(path: str, cookie: str) -> dict[str, object]:
    """A GET's WSGI environ, as a server would build it."""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8190",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8190",
        "HTTP_COOKIE": cookie,
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _per_call(call: Callable[[], None], count: int) -> float:
    """ms of this process's CPU per call of `call`, after a few calls to warm it."""
    for _ in range(20):
        call()
    began = time.process_time()
    for _ in range(count):
        call()
    return 1000 * (time.process_time() - began) / count


# -- each middleware's own cost ------------------------------------------------------------------

_spent: list[float] = []  # the CPU seconds inside each probe, by the probe's place


def _probe(place: int) -> type:
    """A middleware adding to _spent[place] the CPU of everything inside it (later middleware and the view)."""

    class Probe:
        def __init__(self, get_response: Callable) -> None:
            self.get_response = get_response

        def __call__(self, request: object) -> object:
            began = time.process_time()
            response = self.get_response(request)
            _spent[place] += time.process_time() - began
            return response

    return Probe


def middleware_cpu(path: str, cookie: str, count: int) -> dict[str, float]:
    """Each middleware's own ms of CPU per request of `path` (its time minus what it wraps), and the view's."""
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    stack = list(settings.MIDDLEWARE)
    probes = []
    for place in range(len(stack) + 1):
        globals()[f"Probe{place}"] = _probe(place)
        probes.append(f"{__name__}.Probe{place}")
    settings.MIDDLEWARE = [item for pair in zip(probes, [*stack, None], strict=True) for item in pair if item]
    _spent[:] = [0.0] * len(probes)
    try:
        handler = WSGIHandler()

        def call() -> None:
            body = handler(_environ(path, cookie), lambda status, headers, exc_info=None: None)
            for _ in body:
                pass
            body.close()

        _per_call(call, 20)
        _spent[:] = [0.0] * len(probes)
        began = time.process_time()
        for _ in range(count):
            call()
        whole = time.process_time() - began
    finally:
        settings.MIDDLEWARE = stack
    own = {"(Django's handler: the request, signals, the response)": whole - _spent[0]}
    own.update({name: _spent[n] - _spent[n + 1] for n, name in enumerate(stack)})
    own["(URL resolving and the view)"] = _spent[-1]
    return {name.rsplit(".", 1)[-1]: 1000 * seconds / count for name, seconds in own.items()}


def _spread(values: list[float]) -> str:
    """The median, then the lowest and highest, of a few figures."""
    ordered = sorted(values)
    return f"{statistics.median(ordered):.3f} ({ordered[0]:.2f}–{ordered[-1]:.2f})"


def main() -> None:
    """Set up a scratch wave, sign a respondent in, measure each server and the application alone."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="seconds of requests to each page and server")
    default = "gunicorn,granian" if importlib.util.find_spec("granian") else "gunicorn"
    parser.add_argument("--servers", default=default, help=f"comma-separated, of: {', '.join(SERVERS)}")
    parser.add_argument("--rounds", type=int, default=3, help="times each server is measured, in turn")
    parser.add_argument("--middleware", action="store_true", help="each middleware's own CPU per request too")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="omnibus-bench-"))
    os.environ.update(survey_load.deployment_environment(args.database_url, folder))
    os.environ["OMNIBUS_SECURE_COOKIES"] = "0"
    survey_load.scratch_database(args.database_url)
    from omnibus.core.setup import setup_django

    setup_django()
    from django.db import connections

    units = survey_load.set_up(4, folder)
    question, cookies = signed_in(units[0][1])
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    targets = {"about": "/survey/about/", "section start (302)": f"/survey/sections/{SECTION}/", "question": question}
    connections.close_all()
    print(f"load average {survey_load.load_average()} (before)")
    servers = [name for name in args.servers.split(",") if name]
    rows: dict[str, list[dict[str, float]]] = {}
    for _ in range(args.rounds):  # each server in turn, round after round: the machine's other work falls on all
        for name in servers:
            rows.setdefault(name, []).append(served_cpu(name, WSGI_APP, targets, cookie, args.seconds, folder))
            trivial_page = {"trivial": "/survey/about/"}
            rows[name][-1].update(served_cpu(name, TRIVIAL, trivial_page, "", args.seconds, folder))
        direct = {target: direct_cpu(path, cookie, 400) for target, path in targets.items()}
        rows.setdefault("no server (WSGI call)", []).append({**direct, "trivial": 0.0})
    columns = [*targets, "trivial"]
    print(f"ms of CPU per request, median of {args.rounds} rounds (lowest–highest)")
    print(f"{'':24}" + "".join(f"{column:>24}" for column in columns))
    for name, figures in rows.items():
        print(f"{name:24}" + "".join(f"{_spread([row[column] for row in figures]):>24}" for column in columns))
    if args.middleware:
        for target, path in targets.items():
            print(f"\nown CPU per request, ms, {target} ({path}):")
            for name, ms in middleware_cpu(path, cookie, 400).items():
                print(f"  {name:56} {ms:7.3f}")
    print(f"load average {survey_load.load_average()} (after)")
    print(f"logs        {folder}")


if __name__ == "__main__":
    main()
