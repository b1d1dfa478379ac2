"""The `omnibus` command: every subcommand answers --help; modules load lazily, Django only when needed."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from omnibus.site.cli import COMMANDS, load, main

ROOT = Path(__file__).resolve().parents[1]


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under a group, groups included (lazy commands are loaded)."""
    ctx = click.Context(group)
    paths = [prefix]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            paths += all_commands(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


COMMANDS_FOUND = all_commands(main)

GROUPS = [
    "questionnaire",
    "frame",
    "wave",
    "codes",
    "contacts",
    "calls",
    "messages",
    "audit",
    "responses",
    "dataset",
    "report",
    "coding",
    "context",
    "user",
]


def test_the_issue_commands_exist() -> None:
    for path in [
        ("questionnaire", "check"),
        ("questionnaire", "render"),
        ("questionnaire", "import-xlsform"),
        ("questionnaire", "load"),
        ("frame", "load"),
        ("frame", "show"),
        ("wave", "create"),
        ("wave", "retention"),
        ("wave", "erase-contacts"),
        ("wave", "close"),
        ("demo",),
        ("serve",),
    ]:
        assert path in COMMANDS_FOUND


@pytest.mark.parametrize("path", [p for p in COMMANDS_FOUND if p != ("django",)], ids=" ".join)
def test_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["questionaire", "check"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_help_lists_every_group_and_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:", 1)[1]
    for name in [*GROUPS, *COMMANDS]:
        assert f"\n  {name} " in listed, name


LAZY = [*COMMANDS.items(), *load(COMMANDS["questionnaire"][0]).lazy.items()]


@pytest.mark.parametrize(("name", "entry"), LAZY, ids=[name for name, _ in LAZY])
def test_listed_summaries_are_the_commands_own(name: str, entry: tuple[str, str]) -> None:
    """--help lists a lazy command by the summary kept beside its reference: the first paragraph of its help."""
    reference, summary = entry
    assert load(reference).help.split("\n\n")[0] == summary


def _run_without_pytest_django(code: str) -> str:
    """Run Python in a fresh interpreter (pytest-django has set Django up in this one)."""
    with tempfile.TemporaryDirectory() as folder:  # an embedded database, if any, is made there
        env = {**os.environ, "OMNIBUS_DATA_DIR": folder}
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
        )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_and_a_pure_command_do_not_start_django() -> None:
    out = _run_without_pytest_django(
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from django.apps import apps\n"
        "from omnibus.site.cli import main\n"
        "listed = CliRunner().invoke(main, ['--help'])\n"
        "questionnaire = CliRunner().invoke(main, ['questionnaire', '--help'])\n"
        "checked = CliRunner().invoke(main, ['questionnaire', 'check', 'examples/questionnaires/cso-wave3.yaml'])\n"
        "print(listed.exit_code, questionnaire.exit_code, checked.exit_code, apps.ready,\n"
        "      'omnibus.site.cli.fieldwork' in sys.modules)\n"
        "print(checked.output)\n"
    )
    first, checked = out.split("\n", 1)
    assert first == "0 0 0 False False"
    assert "cso wave-3 is valid" in checked


def test_a_database_command_starts_django_once_before_its_module() -> None:
    out = _run_without_pytest_django(
        "from click.testing import CliRunner\n"
        "from django.apps import apps\n"
        "from omnibus.site.cli import main\n"
        "result = CliRunner().invoke(main, ['wave', '--help'])\n"
        "print(result.exit_code, apps.ready)\n"
    )
    assert out.split() == ["0", "True"]


def test_the_first_command_on_a_fresh_checkout_sets_up_the_embedded_database(tmp_path: Path) -> None:
    """No `omnibus django migrate` first: the SQLite default is created and migrated on first use."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"OMNIBUS_DATA_DIR": str(tmp_path / "data")}

    def omnibus(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "omnibus", *args]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)

    first = omnibus("frame", "load", "examples/frame/england-la-2017.csv", "--as-of", "2017-09-01")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Loaded 152 units into england-la as of 2017-09-01")
    assert "Setting up the database" in first.stderr and "Traceback" not in first.stderr
    assert (tmp_path / "data" / "omnibus.sqlite3").is_file()
    second = omnibus("frame", "show", "--format", "csv")
    assert second.returncode == 0 and second.stderr == ""  # migrated once, not on every command
    assert len(second.stdout.splitlines()) == 153
