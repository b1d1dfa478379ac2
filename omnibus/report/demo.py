"""The demo's report: the demo wave's simulated answers through the example report specification."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from omnibus.report.making import FORMATS, make_report

DEMO_REPORT_SPEC = Path("examples/reports/cso-wave3.yaml")


def build_demo_report(
    wave,  # noqa: ANN001 - the demo's Wave
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    say: Callable[[str], None] = lambda line: None,
) -> dict[str, Path]:
    """Build the demo wave's report (HTML, PDF and Word by default) into `out_dir`; returns format -> file."""
    spec = Path(settings.PROJECT_DIR) / DEMO_REPORT_SPEC
    return make_report(wave, spec, list(formats), out_dir, say=say)
