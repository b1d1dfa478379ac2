"""`omnibus serve`: the production server, started for real as a deployment would run it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from django.db import connection

from omnibus.site.serve import (
    ServeOptions,
    connection_warning,
    gunicorn_options,
    problems,
    warnings,
    worker_environment,
)

ROOT = Path(__file__).resolve().parents[2]


# -- the checks, without a server ------------------------------------------------------------


def test_secure_cookies_unless_told_otherwise() -> None:
    assert worker_environment(ServeOptions())["OMNIBUS_SECURE_COOKIES"] == "1"
    assert worker_environment(ServeOptions(secure_cookies=False))["OMNIBUS_SECURE_COOKIES"] == "0"


def test_production_needs_its_own_secret_key() -> None:
    assert "OMNIBUS_SECRET_KEY is not set" in problems(ServeOptions(), {})[0]
    assert problems(ServeOptions(), {"OMNIBUS_SECRET_KEY": "omnibus-demo-key-not-for-production"})
    assert problems(ServeOptions(), {"OMNIBUS_SECRET_KEY": "a-long-random-value"}) == []
    assert problems(ServeOptions(secure_cookies=False), {}) == []


def test_warns_about_sqlite_and_keys_kept_in_a_file() -> None:
    said = " ".join(warnings(ServeOptions(), {}))
    assert "DATABASE_URL is not set" in said
    assert "OMNIBUS_CODE_HASH_KEY and OMNIBUS_CODE_KEY are not both set" in said
    full = {"DATABASE_URL": "postgres://db/omnibus", "OMNIBUS_CODE_HASH_KEY": "k", "OMNIBUS_CODE_KEY": "f"}
    assert warnings(ServeOptions(), full) == []


def test_warns_when_workers_could_exhaust_postgresql_connections() -> None:
    assert connection_warning(ServeOptions(workers=5), 100) is None
    assert connection_warning(ServeOptions(workers=5), None) is None
    warning = connection_warning(ServeOptions(workers=25, threads=4), 100)
    assert warning is not None and "100 database connections" in warning and "allows 97" in warning


def test_threads_choose_gthread_workers() -> None:
    assert gunicorn_options(ServeOptions(workers=3, threads=1))["worker_class"] == "sync"
    assert gunicorn_options(ServeOptions(workers=3, threads=4))["worker_class"] == "gthread"
    assert gunicorn_options(ServeOptions())["workers"] == (os.cpu_count() or 1) + 1
    assert gunicorn_options(ServeOptions())["worker_class"] == "gthread"  # threads keep connections alive


def test_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OMNIBUS_SECRET_KEY"}
    env["OMNIBUS_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "omnibus", "serve", "--addrport", "127.0.0.1:1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert "OMNIBUS_SECRET_KEY is not set" in done.stderr


# -- the server itself ---------------------------------------------------------------------


@pytest.fixture
def server_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A deployment's environment on the tests' database server: on PostgreSQL a scratch database
    beside the tests' own (made and dropped here, so nothing is left behind), else SQLite in a temporary folder."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        OMNIBUS_DATA_DIR=str(tmp_path),
        OMNIBUS_SECRET_KEY="test-serve-" + os.urandom(16).hex(),
        OMNIBUS_CODE_HASH_KEY=os.urandom(16).hex(),
        OMNIBUS_CODE_KEY=Fernet.generate_key().decode(),
    )
    if connection.vendor != "postgresql":
        yield env
        return
    db = connection.settings_dict
    server = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"omnibus_serve_test_{os.getpid()}"
    _scratch(server, f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "DATABASE_URL": f"{server}/{name}"}
    finally:
        _scratch(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _scratch(server: str, statement: str) -> None:
    """Create or drop a database, from PostgreSQL's maintenance database."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(statement)


SET_UP = """
import sys, uuid
from pathlib import Path
from datetime import date, timedelta
from omnibus.core.setup import setup_django
setup_django()
from django.core.management import call_command
from django.utils import timezone
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave, unit_codes
from omnibus.frame.store import load_frame
call_command("migrate", verbosity=0)
stored, _ = store_questionnaire(Path(sys.argv[1]))
load_frame(Path(sys.argv[2]), date(2017, 9, 1))
now = timezone.now()
slug = "serve-" + uuid.uuid4().hex[:8]
day = timedelta(days=1)
wave = create_wave(slug, "Serve test", stored, "england-la", date(2017, 9, 1), now - day, now + day)
print(unit_codes(wave)[0].code)
"""


@pytest.fixture
def access_code(server_env: dict[str, str]) -> str:
    """An access code of a wave of its own, set up in the server's database with the server's keys."""
    example = ROOT / "examples"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SET_UP,
            example / "questionnaires" / "cso-wave3.yaml",
            example / "frame" / "england-la-2017.csv",
        ],
        cwd=ROOT,
        env=server_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def server(server_env: dict[str, str], access_code: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """`omnibus serve` with two workers on a free port; stopped with SIGTERM as a service manager would."""
    port = _free_port()
    command = [sys.executable, "-m", "omnibus", "serve", "--addrport", f"127.0.0.1:{port}", "--workers", "2"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=server_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        _wait_until_serving(f"http://127.0.0.1:{port}/survey/", process)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.communicate(timeout=STOP_SECONDS)


# gunicorn's threaded workers wait up to the graceful timeout (10 s) for the connections they kept alive.
STOP_SECONDS = 30


def test_serve_sets_secure_session_cookies_and_runs_several_workers(
    server: tuple[subprocess.Popen, str], access_code: str
) -> None:
    process, base = server
    with httpx.Client(base_url=base, timeout=10) as client:
        start = client.get("/survey/")
        csrf = _set_cookie(start, "csrftoken")
        assert _flags(csrf) >= {"secure", "samesite=lax"}
        # A Secure cookie is never sent back over plain HTTP by a browser or by httpx: send it by hand.
        token = csrf.split(";")[0].split("=", 1)[1]
        signed_in = client.post(
            "/survey/",
            data={"csrfmiddlewaretoken": token, "code": access_code.lower(), "name": "Test", "role": ""},
            headers={"Cookie": f"csrftoken={token}"},
        )
    assert signed_in.status_code == 302 and signed_in.headers["location"].endswith("/survey/sections/")
    assert _flags(_set_cookie(signed_in, "sessionid")) >= {"secure", "httponly", "samesite=lax"}
    _assert_every_worker_serves(process.pid, f"{base}/survey/")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=STOP_SECONDS) == 0
    output = process.stdout.read()
    assert "Omnibus at http://127.0.0.1:" in output and "2 workers × 4 threads, secure cookies" in output
    assert "Shutting down: Master" in output


def _assert_every_worker_serves(master: int, url: str) -> None:
    """The master has two workers, and each of them spends time answering a burst of requests."""
    workers = _children(master)
    assert len(workers) >= 2, f"gunicorn master {master} has workers {workers}"
    before = {pid: _cpu_ticks(pid) for pid in workers}
    with httpx.Client(timeout=10) as client, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: client.get(url).status_code, range(80)))
    assert statuses == [200] * 80
    idle = [pid for pid in workers if _cpu_ticks(pid) <= before[pid]]
    assert idle == [], f"workers that served nothing: {idle}"


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid`, read from /proc (no psutil)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def _cpu_ticks(pid: int) -> int:
    """User plus system CPU time of a process, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _set_cookie(response: httpx.Response, name: str) -> str:
    """The Set-Cookie header of one cookie, as sent."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


def _flags(header: str) -> set[str]:
    """A Set-Cookie header's attributes, lower-cased (Path=/, Secure, HttpOnly, SameSite=Lax, ...)."""
    return {part.strip().lower() for part in header.split(";")[1:]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"omnibus serve stopped: {process.communicate()[0]}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("omnibus serve did not answer in time")
