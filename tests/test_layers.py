"""The import contract (pyproject's `[tool.importlinter]`): it holds, and it would catch an upward import.

The contract is checked on a scratch copy of the package so that a deliberate mistake can be
added to it without touching the real tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _scratch_copy(tmp_path: Path) -> Path:
    """The package's Python files and pyproject.toml, copied under tmp_path."""
    shutil.copytree(ROOT / "omnibus", tmp_path / "omnibus", ignore=shutil.ignore_patterns("__pycache__", "*.html"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=environment, capture_output=True, text=True, timeout=300
    )


def _add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the package that the tests below may spoil."""
    return _scratch_copy(tmp_path_factory.mktemp("layers"))


def test_the_tree_keeps_its_contracts(scratch: Path) -> None:
    result = _lint_imports(scratch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


BREACHES = [
    # (file of the scratch copy, the line added, what lint-imports must say)
    (
        "fieldwork/waves.py",
        "from omnibus.collect import flow  # noqa",
        [
            "omnibus.fieldwork is not allowed to import omnibus.collect",
            "omnibus.fieldwork.waves -> omnibus.collect.flow",
        ],
    ),
    (
        "analysis/tables.py",
        "import django.db  # noqa",
        ["omnibus.analysis is not allowed to import django", "omnibus.analysis.tables -> django"],
    ),
]


@pytest.mark.parametrize(("module", "line", "messages"), BREACHES, ids=["upward-import", "django-in-analysis"])
def test_a_breach_breaks_the_contract(tmp_path: Path, module: str, line: str, messages: list[str]) -> None:
    tree = _scratch_copy(tmp_path)
    _add_line(tree / "omnibus" / module, line)
    result = _lint_imports(tree)
    assert result.returncode != 0
    for message in messages:
        assert message in result.stdout
