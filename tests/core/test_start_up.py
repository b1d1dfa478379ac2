"""What every command and server worker pays as it starts: Django set up with every app ready."""

from __future__ import annotations

import subprocess
import sys

PROBE = (
    "import sys\n"
    "from omnibus.core.setup import setup_django\n"
    "setup_django()\n"
    "print(' '.join(sorted(m for m in ('statsmodels', 'omnibus.analysis.propensity') if m in sys.modules)))\n"
)


def test_starting_up_imports_the_response_model_but_not_statsmodels() -> None:
    # statsmodels takes about a second to import: only fitting a response model may pay it.
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["omnibus.analysis.propensity"], done.stdout
