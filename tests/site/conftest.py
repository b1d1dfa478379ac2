"""The demo, started as soon as the run is collected: `omnibus demo` sets up from nothing for minutes.

It codes the open answers and builds the report in three formats before it serves, on a core of
its own, while the other tests run; its test then waits for it and checks what it served and wrote.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_TEST = "test_demo_serves_the_overview_on_sqlite"


@dataclass
class Demo:
    """A running `omnibus demo`: its process, where it serves, its data folder and its output file."""

    process: subprocess.Popen
    url: str
    data_dir: Path
    output: Path

    def stop(self) -> str:
        """Stop the demo (if it still runs) and return everything it printed."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)
        return self.output.read_text(encoding="utf-8", errors="replace")


_started = pytest.StashKey[Demo]()


def start_demo(folder: Path) -> Demo:
    """`omnibus demo` on the embedded default (SQLite) in `folder`, printing into a file there.

    A file, not a pipe: nobody reads the output until the test, and a full pipe would stop the demo.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["OMNIBUS_DATA_DIR"] = str(folder / "data")
    output = folder / "demo.out"
    command = [sys.executable, "-m", "omnibus", "demo", "--addrport", f"127.0.0.1:{port}"]
    with output.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    return Demo(process, f"http://127.0.0.1:{port}/", folder / "data", output)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the demo now if its test is to run, so that it sets up while the other tests run."""
    if any(item.name == DEMO_TEST for item in session.items):
        session.config.stash[_started] = start_demo(Path(tempfile.mkdtemp(prefix="omnibus-demo-")))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the demo if its test did not, and remove its folder."""
    demo = session.config.stash.get(_started, None)
    if demo is not None:
        demo.stop()
        shutil.rmtree(demo.data_dir.parent, ignore_errors=True)


@pytest.fixture
def demo(request: pytest.FixtureRequest) -> Demo:
    """The demo started when the run was collected."""
    return request.config.stash[_started]
