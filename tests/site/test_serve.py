"""`omnibus serve`: the production server, started for real as a deployment would run it."""

from __future__ import annotations

import gc
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

from omnibus.site.serve import (
    ServeOptions,
    connection_warning,
    gunicorn_options,
    problems,
    warnings,
    worker_environment,
)
from tests.deployment import SET_UP_WAVE, deployment_environment, run_in

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


def test_each_worker_sets_what_it_loaded_aside_from_the_garbage_collector() -> None:
    freeze = gunicorn_options(ServeOptions())["post_worker_init"]
    gc.unfreeze()
    try:
        freeze(None)
        assert "omnibus.collect.views" in sys.modules  # the views are loaded before the first request
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


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
    """A deployment's environment on a database of its own (tests/deployment.py)."""
    with deployment_environment(tmp_path) as env:
        yield env


@pytest.fixture
def access_code(server_env: dict[str, str]) -> str:
    """An access code of a wave of its own, set up in the server's database with the server's keys."""
    return run_in(server_env, SET_UP_WAVE).strip()


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


def test_no_access_code_reaches_the_access_log(server: tuple[subprocess.Popen, str], access_code: str) -> None:
    process, base = server
    with httpx.Client(base_url=base, timeout=10) as client:
        followed = client.get(f"/s/{access_code}")
        lower = client.get(f"/s/{access_code.lower()}?utm_source=email", headers={"Referer": f"{base}/s/{access_code}"})
    assert followed.status_code == 302 and followed.headers["location"] == "/survey/"
    assert lower.status_code == 302 and access_code not in followed.headers["location"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    log = process.stdout.read()
    assert '"GET /s/[code] HTTP/1.1" 302' in log and '"GET /s/[code]?utm_source=email HTTP/1.1" 302' in log
    assert f'"{base}/s/[code]"' in log  # the Referer too
    assert access_code not in log and access_code.lower() not in log
    assert access_code.replace("-", "") not in log.replace("-", "")


def test_redaction_takes_out_every_code_and_nothing_else() -> None:
    from omnibus.site.access_log import redact

    line = 'GET /s/ABCD-EFGH-JKLM?x=1 HTTP/1.1 "https://survey.example.org/s/abcd efgh" "/survey/sections/"'
    assert redact(line) == 'GET /s/[code]?x=1 HTTP/1.1 "https://survey.example.org/s/[code] efgh" "/survey/sections/"'


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
