"""`omnibus contacts import|add|list|nomination`: exit codes and messages, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from omnibus.fieldwork.models import AuditEvent, Contact, Wave
from omnibus.site.cli.fieldwork import contacts

from .test_contacts import EXAMPLE_CONTACTS, HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(small_wave) -> Wave:  # noqa: ANN001
    """An open wave of a handful of LAs: those of the example contacts and two more."""
    return small_wave()


def test_import_then_list(wave: Wave) -> None:
    runner = CliRunner()
    loaded = runner.invoke(contacts, ["import", "w3", str(EXAMPLE_CONTACTS)])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output == f"Loaded {EXAMPLE_CONTACTS}: 6 contacts added, 0 updated\n"
    listed = runner.invoke(contacts, ["list", "w3", "--unit", "840"])
    assert listed.exit_code == 0
    assert listed.output.splitlines() == [
        "840\tCounty Durham\tAlex Fenwick\talex.fenwick@example.com\t01632 960001\t"
        "Head of Children's Social Care\tmain\tnominated",
        "840\tCounty Durham\tPriya Okafor\tpriya.okafor@example.com\t01632 960002\tPerformance Analyst\t\tnominated",
    ]
    viewed = AuditEvent.objects.get(action="viewed")
    assert viewed.actor.startswith("cli:") and viewed.detail == "contacts list: unit 840, 2 shown"


def test_a_bad_file_exits_1_naming_rows_and_loads_nothing(wave: Wave, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "840,A,a@example.com,,,yes,\n999,B,b@example,,,no,\n", encoding="utf-8")
    result = CliRunner().invoke(contacts, ["import", "w3", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.splitlines() == [
        f"{path}:3: unit_key: no unit '999' in this wave",
        f"{path}:3: email: 'b@example' is not an email address like name@example.com",
        f"Nothing was loaded: 2 problem(s) in {path}",
    ]
    assert not Contact.objects.exists()


def test_add_nomination_and_errors(wave: Wave) -> None:
    runner = CliRunner()
    added = runner.invoke(contacts, ["add", "w3", "841", "--name", "Sam Whitlock", "--email", "sam@example.com"])
    assert added.exit_code == 0 and added.output.endswith("to unit 841 (main)\n")
    clash = runner.invoke(contacts, ["add", "w3", "841", "--name", "Sam", "--email", "SAM@example.com"])
    assert clash.exit_code == 1 and "already has a contact with this email" in clash.output
    nominated = runner.invoke(contacts, ["nomination", "w3", "841", "nominated"])
    assert nominated.exit_code == 0 and nominated.output == "Unit 841 of w3: nomination nominated\n"
    no_unit = runner.invoke(contacts, ["nomination", "w3", "999", "nominated"])
    assert no_unit.exit_code == 1 and "no unit '999' in wave w3" in no_unit.output
    no_wave = runner.invoke(contacts, ["import", "w9", str(EXAMPLE_CONTACTS)])
    assert no_wave.exit_code == 1 and "no wave called 'w9'" in no_wave.output
    for result in (clash, no_unit, no_wave):
        assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
