"""Each output the page offers, built as the queue's task builds it, opens and equals what its command writes."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pyreadstat
import pytest
from click.testing import CliRunner

from omnibus.coding.codings import open_variables
from omnibus.coding.csvfile import export_csv
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.outputs.builds import kept_file, queue_build, run_build
from omnibus.outputs.catalogue import OUTPUTS
from omnibus.outputs.models import Build
from omnibus.questionnaire.render_text import render_text
from omnibus.site.cli.dataset import export

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outputs_dir(settings, tmp_path: Path) -> Path:  # noqa: ANN001 - pytest-django's settings
    settings.OUTPUTS_DIR = tmp_path / "outputs"
    return settings.OUTPUTS_DIR


def _file(wave, output: str, fmt: str) -> Path:  # noqa: ANN001
    from django.contrib.auth.models import User

    user = User.objects.create_user(f"u{uuid.uuid4().hex[:8]}")
    build = run_build(queue_build(wave, output, fmt, user, uuid.uuid4().hex).build.pk)
    assert build.status == Build.DONE, build.error
    return kept_file(build)


def test_every_output_is_offered_in_the_formats_its_command_writes() -> None:
    assert {(o.key, f) for o in OUTPUTS for f in o.formats} >= {
        ("tabbook", "xlsx"),
        *[("report", f) for f in ("html", "pdf", "docx")],
        *[("client-report", f) for f in ("html", "pdf", "docx")],
        *[(kind, f) for kind in ("dataset", "client-dataset") for f in ("csv", "xlsx", "sav", "parquet")],
        ("coding", "csv"),
        *[("questionnaire", f) for f in ("txt", "docx", "xlsx")],
    }


def test_the_dataset_as_csv_is_the_command_lines_with_its_codebook(wave, tmp_path: Path) -> None:  # noqa: ANN001
    made = _file(wave, "dataset", "csv")
    cli = tmp_path / "cli" / "data.csv"
    result = CliRunner().invoke(export, [wave.slug, "--format", "csv", "-o", str(cli)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(made) as archive:
        names = sorted(archive.namelist())
        assert names == [f"{wave.slug}-data.codebook.csv", f"{wave.slug}-data.csv"]
        assert archive.read(f"{wave.slug}-data.csv") == cli.read_bytes()
        assert archive.read(f"{wave.slug}-data.codebook.csv") == cli.with_suffix(".codebook.csv").read_bytes()


@pytest.mark.parametrize("fmt", ["xlsx", "sav", "parquet"])
def test_the_dataset_opens_in_each_format(wave, fmt: str, tmp_path: Path) -> None:  # noqa: ANN001
    made = _file(wave, "dataset", fmt)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(made, read_only=True)
        assert book.sheetnames == ["Data", "Codebook"]
        assert book["Data"].max_row == 153  # a header and the 152 units
        return
    with zipfile.ZipFile(made) as archive:
        archive.extractall(tmp_path)
    data = tmp_path / f"{wave.slug}-data.{fmt}"
    assert (tmp_path / f"{wave.slug}-data.codebook.csv").stat().st_size > 1000
    rows = pyreadstat.read_sav(data)[0].shape[0] if fmt == "sav" else pl.read_parquet(data).height
    assert rows == 152


def test_the_coding_files_are_one_csv_per_open_question(wave) -> None:  # noqa: ANN001
    made = _file(wave, "coding", "csv")
    variables = [v.name for v in open_variables(questionnaire_of(wave.questionnaire))]
    assert variables
    with zipfile.ZipFile(made) as archive:
        assert sorted(archive.namelist()) == sorted(f"{wave.slug}-{v}-coding.csv" for v in variables)
        for variable in variables:
            assert archive.read(f"{wave.slug}-{variable}-coding.csv").decode() == export_csv(wave, variable)


def test_the_printed_questionnaire_is_the_rendered_one(wave) -> None:  # noqa: ANN001
    questionnaire = questionnaire_of(wave.questionnaire)
    assert _file(wave, "questionnaire", "txt").read_text(encoding="utf-8") == render_text(questionnaire)
    assert openpyxl.load_workbook(_file(wave, "questionnaire", "xlsx")).sheetnames
    with zipfile.ZipFile(_file(wave, "questionnaire", "docx")) as docx:
        assert "word/document.xml" in docx.namelist()


def _parquet(made: Path) -> pl.DataFrame:
    with zipfile.ZipFile(made) as archive:
        data = next(name for name in archive.namelist() if name.endswith(".parquet"))
        return pl.read_parquet(io.BytesIO(archive.read(data)))


def test_the_client_copy_has_pseudonyms_and_no_open_text(wave) -> None:  # noqa: ANN001
    full = _parquet(_file(wave, "dataset", "parquet"))
    client = _parquet(_file(wave, "client-dataset", "parquet"))
    assert client.height == full.height
    assert "SocImprov" in full.columns and "SocImprov" not in client.columns
    pseudonyms = [u for u in client["unit"].to_list() if u.startswith("P")]
    assert len(pseudonyms) > 100
    assert set(client["frame_name"].drop_nulls().to_list()) < set(full["frame_name"].to_list())


def test_the_client_report_is_named_apart(wave) -> None:  # noqa: ANN001
    made = _file(wave, "client-report", "html")
    assert made.name == f"{wave.slug}-client-report.html"
    assert "<html" in made.read_text(encoding="utf-8")[:500].lower()
