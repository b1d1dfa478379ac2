"""Time the demo wave's report in each format, and the peak memory of building it. Prints figures only.

    .venv/bin/python bench/report.py

Sets up a scratch database (SQLite in a temporary folder) with the demo: the Wave 3
questionnaire, the 2017 frame of 152 LAs and simulated answers (seed 2017, response rate 0.51,
as `omnibus demo`). Then each format (and all three together) is built by `build_demo_report`
in a fresh process, which reports the seconds of the build (Django's start-up not counted) and
its peak resident memory (ru_maxrss, so Django and the libraries loaded are counted too).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WAVE = "cso-wave3-demo"
RUNS = ["html", "pdf", "docx", "html,pdf,docx"]


def set_up() -> None:
    """The demo's questionnaire, frame and wave with simulated answers, in the scratch database."""
    from omnibus.core.setup import setup_django

    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from omnibus.context.demo import load_demo_context
    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame

    call_command("migrate", verbosity=0)
    stored, _ = store_questionnaire(ROOT / "examples" / "questionnaires" / "cso-wave3.yaml")
    load_frame(ROOT / "examples" / "frame" / "england-la-2017.csv", date(2017, 9, 1))
    now = timezone.now()
    wave = create_wave(
        WAVE, stored.title, stored, "england-la", date(2017, 9, 1), now - timedelta(days=1), now + timedelta(days=60)
    )
    simulate(wave, seed=2017, response_rate=0.51)
    load_demo_context()  # the indicators of the report's context chapter


def build(formats: str, out: str) -> None:
    """Build the demo report in `formats` and print its seconds and peak memory as JSON."""
    from omnibus.core.setup import setup_django

    setup_django()
    from omnibus.fieldwork.models import Wave
    from omnibus.report.demo import build_demo_report

    wave = Wave.objects.get(slug=WAVE)
    start = time.perf_counter()
    files = build_demo_report(wave, Path(out), tuple(formats.split(",")))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    sizes = {fmt: path.stat().st_size for fmt, path in files.items()}
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "bytes": sizes}))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "OMNIBUS_DATA_DIR": folder}
        env.pop("DATABASE_URL", None)  # always the scratch SQLite database
        subprocess.run([sys.executable, __file__, "--set-up"], env=env, check=True, cwd=ROOT)
        print("formats         seconds  peak_MB  size_kB")
        for formats in RUNS:
            out = Path(folder) / formats.replace(",", "-")
            result = subprocess.run(
                [sys.executable, __file__, "--build", formats, str(out)],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            size = sum(figures["bytes"].values()) / 1024
            print(f"{formats:<15} {figures['seconds']:7.1f}  {figures['peak_mb']:7.0f}  {size:7.0f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--set-up"]:
        set_up()
    elif sys.argv[1:2] == ["--build"]:
        build(sys.argv[2], sys.argv[3])
    else:
        main()
