"""The `omnibus` command: every subcommand answers --help."""

import click
import pytest
from click.testing import CliRunner

from omnibus.site.cli import main


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under a group, groups included."""
    paths = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            paths += all_commands(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


COMMANDS = all_commands(main)


def test_the_issue_commands_exist() -> None:
    for path in [
        ("questionnaire", "check"),
        ("questionnaire", "render"),
        ("questionnaire", "import-xlsform"),
        ("frame", "load"),
        ("frame", "show"),
        ("demo",),
    ]:
        assert path in COMMANDS


@pytest.mark.parametrize("path", [p for p in COMMANDS if p != ("django",)], ids=" ".join)
def test_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["questionaire", "check"])
    assert result.exit_code == 2
    assert "No such command" in result.output
