"""Beyond one machine, shown on one: two `omnibus serve` behind HAProxy, round-robin, on one PostgreSQL.

It runs bench/survey_load.py with `--servers 2`: each respondent's requests go to one server
then the other (no sticky sessions), the outbox worker runs beside them, and every answer sent
must be stored as sent.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HAPROXY = Path("/usr/sbin/haproxy")
RESPONDENTS = 8


def _benchmark_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL (DATABASE_URL): the servers share one database")
    if not HAPROXY.exists():
        pytest.skip("needs HAProxy (make test installs it)")
    parts = urlsplit(url)
    # A scratch database of its own, named after the test database so that parallel runs do not share it.
    return parts._replace(path=f"/omnibus_bench_{parts.path.lstrip('/')}").geturl()


def test_respondents_alternating_between_two_servers_lose_nothing() -> None:
    database = _benchmark_database()
    command = [sys.executable, "bench/survey_load.py", "--respondents", str(RESPONDENTS), "--servers", "2"]
    command += ["--workers", "1", "--threads", "2", "--max-sections", "1", "--database-url", database]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    served = re.search(r"requests by server \{'s1': (\d+), 's2': (\d+)\}; (\d+) respondents served by more", output)
    assert served, output
    first, second, alternating = map(int, served.groups())
    assert abs(first - second) <= 1 and alternating == RESPONDENTS, output  # round-robin, every respondent on both
    assert re.search(r"^errors      0$", output, re.MULTILINE), output
    assert f"{RESPONDENTS} of {RESPONDENTS} respondents finished" in output, output
    sent = re.search(r"answers     (\d+) sent; lost 0, changed 0, unexpected 0", output)
    assert sent and int(sent.group(1)) > 0, output
    # Before the meter, one respondent per server thread answered a section of a wave of its own:
    # none of its answers is in the run's wave (no answer unexpected above).
    warmed = re.search(r"^warm-up     4 respondents .*: (\d+) requests, 0 errors", output, re.MULTILINE)
    assert warmed and int(warmed.group(1)) > 4 * 3, output
