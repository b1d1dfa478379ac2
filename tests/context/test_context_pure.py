"""The context's computations are pure Python: usable in a notebook with no server."""

import subprocess
import sys

PURE = [
    "omnibus.context.indicator_file",
    "omnibus.context.variation",
    "omnibus.context.correlation",
    "omnibus.context.neighbours",
    "omnibus.context.banding",
    "omnibus.report.chapters.context_figures",
    "omnibus.context.answers",
    "omnibus.context.comparison",
    "omnibus.report.chapters.context_charts",
]


def test_pure_modules_do_not_import_django():
    code = "import sys\n" + "".join(f"import {m}\n" for m in PURE) + "print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
