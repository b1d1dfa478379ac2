"""`omnibus wave create`, `omnibus wave list` and `omnibus codes export`."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import timezone

from omnibus.fieldwork.codes import digest
from omnibus.fieldwork.models import Wave
from omnibus.frame.store import load_frame
from omnibus.site.cli.fieldwork import codes, wave

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "questionnaires" / "cso-wave3.yaml")

# The checks read every wave there is (`Wave.objects.get()`, the wave list): the simulated wave would be one.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulated_wave")]


@pytest.fixture
def frame() -> None:
    load_frame(ROOT / "examples" / "frame" / "england-la-2017.csv", date(2017, 9, 1))


def create(*extra: str):
    args = [
        "create",
        "cso-w3",
        "--questionnaire",
        EXAMPLE,
        "--frame-as-of",
        "2017-10-01",
        "--opens",
        "2017-10-02T09:00",
        "--closes",
        "2017-11-03T17:00",
        *extra,
    ]
    return CliRunner().invoke(wave, args)


def test_codes_export_warns_when_its_links_use_the_local_address(frame: None, settings) -> None:  # noqa: ANN001
    assert create().exit_code == 0
    settings.BASE_URL = ""
    local = CliRunner().invoke(codes, ["export", "cso-w3"])
    assert local.exit_code == 0 and "OMNIBUS_BASE_URL is not set" in local.stderr
    assert "http://127.0.0.1:8000/s/" in local.stdout
    settings.BASE_URL = "https://survey.example.org"
    configured = CliRunner().invoke(codes, ["export", "cso-w3"])
    assert configured.stderr == "" and "https://survey.example.org/s/" in configured.stdout


def test_create_list_and_export(frame: None, tmp_path: Path) -> None:
    result = create()
    assert result.exit_code == 0, result.output
    assert "Created wave cso-w3: 152 units" in result.output
    made = Wave.objects.get(slug="cso-w3")
    assert made.frame_as_of == date(2017, 10, 1) and timezone.localtime(made.opens_at).hour == 9  # London time
    assert "cso-w3\tmain\tcso wave-3" in CliRunner().invoke(wave, ["list"]).output
    out = tmp_path / "mail" / "codes.csv"
    assert CliRunner().invoke(codes, ["export", "cso-w3", "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 152 and set(rows[0]) == {"unit_key", "unit_name", "access_code", "link"}
    first = rows[0]
    assert first["link"].endswith(f"/s/{first['access_code']}")
    assert made.units.filter(code_digest=digest(first["access_code"]), name=first["unit_name"]).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--closes", "2017-10-01"], "must close after it opens"), (["--opens", "next week"], "is not a date")],
)
def test_bad_wave_options_are_clear(frame: None, extra: list[str], message: str) -> None:
    result = create(*extra)
    assert result.exit_code != 0 and message in result.output
    assert not Wave.objects.exists()


def test_a_wave_needs_a_frame_on_its_date(frame: None) -> None:
    result = CliRunner().invoke(
        wave,
        [
            "create",
            "early",
            "--questionnaire",
            EXAMPLE,
            "--frame-as-of",
            "2001-01-01",
            "--opens",
            "2017-10-02",
            "--closes",
            "2017-11-03",
        ],
    )
    assert result.exit_code == 1 and "the earliest is as of 2017-09-01" in result.output


def test_export_of_an_unknown_wave(frame: None) -> None:
    result = CliRunner().invoke(codes, ["export", "nope"])
    assert result.exit_code == 1 and "no wave called 'nope'" in result.output


def test_a_questionnaire_used_by_a_wave_cannot_change(frame: None, tmp_path: Path) -> None:
    from omnibus.fieldwork.questionnaires import VersionConflict, store_questionnaire

    assert create().exit_code == 0
    edited = tmp_path / "cso-wave3.yaml"
    edited.write_text(Path(EXAMPLE).read_text(encoding="utf-8").replace("Thank you", "Many thanks"))
    with pytest.raises(VersionConflict, match="used by a wave"):
        store_questionnaire(edited, replace=True)


def test_exporting_codes_is_audited_and_erased_codes_are_gone(frame: None) -> None:
    from omnibus.fieldwork.models import AuditEvent
    from omnibus.fieldwork.retention import erase_contacts

    assert create().exit_code == 0
    assert CliRunner().invoke(codes, ["export", "cso-w3"]).exit_code == 0
    assert AuditEvent.objects.filter(action="exported", wave__slug="cso-w3").count() == 1
    erase_contacts(Wave.objects.get(slug="cso-w3"), "test", before_retention=True)
    result = CliRunner().invoke(codes, ["export", "cso-w3"])
    assert result.exit_code == 0 and result.stdout.strip() == "unit_key,unit_name,access_code,link"


def test_with_two_populations_loaded_create_asks_for_one_and_keeps_the_frames(frame: None) -> None:
    load_frame(ROOT / "examples" / "frame" / "parent-carer-forums.csv", date(2017, 9, 1))
    refused = create()
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "there are 2 populations (england-la, parent-carer-forums): choose one with --population" in refused.output
    made = create("--population", "parent-carer-forums")
    assert made.exit_code == 0, made.output
    assert "Created wave cso-w3: 40 units" in made.output
    assert Wave.objects.get(slug="cso-w3").population.slug == "parent-carer-forums"  # from the frame it was made on
