"""A deployment's environment for tests that start `omnibus` processes (serve, worker) of their own.

On PostgreSQL a scratch database beside the tests' own (made and dropped here, so nothing is
left behind), else SQLite in a temporary folder; its own secret and code keys. `run_in` runs a
Python snippet there, as a separate process would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"

# Prints one access code of a new open wave over the 152 LAs; `wave` is left for snippets added after it.
SET_UP_WAVE = """
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


@contextmanager
def deployment_environment(folder: Path) -> Iterator[dict[str, str]]:
    """The environment variables of a deployment on a database of its own."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        OMNIBUS_DATA_DIR=str(folder),
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


def run_in(env: dict[str, str], script: str) -> str:
    """Run a snippet in the deployment (after SET_UP_WAVE's imports, given the example files); its output."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            QUESTIONNAIRE,
            FRAME,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
