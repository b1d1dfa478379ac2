"""The demo served for real: `omnibus demo` sets up from nothing (for minutes), then serves.

It codes the open answers and builds the report in three formats before it serves; its test
waits for it and checks what it served and wrote. The suite runs on every core (pytest-xdist),
so the other tests go on beside it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
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


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """A demo starting in a folder of its own; stopped at the end of the test if it still runs."""
    started = start_demo(tmp_path)
    yield started
    started.stop()
