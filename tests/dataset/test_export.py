"""Exports: the .sav's labels and missing values, the codebook, the client's copy."""

from __future__ import annotations

import csv

import openpyxl
import polars as pl
import pyreadstat
import pytest
from click.testing import CliRunner

from omnibus.collect.models import Answer
from omnibus.dataset.build import build_dataset
from omnibus.dataset.exporting import client_view, export_dataset
from omnibus.dataset.simulate import simulate
from omnibus.site.cli.dataset import export

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(wave, give):
    """A wave where 840 agreed to be named and 841 did not; both answered open questions."""
    give(wave, "840", {"SWoff": 3, "SWreturn": "Return to practice", "DfErecon": 1, "Recontact": 1})
    give(
        wave, "841", {"SWoff": 1, "SWreturn": "Mentoring", "SuppSou": [14], "SuppSou_14_text": "Our own", "DfErecon": 2}
    )
    return wave


def test_sav_has_variable_labels_value_labels_and_missing_values(answered, tmp_path):
    path = tmp_path / "cso.sav"
    done = export_dataset(build_dataset(answered), "sav", path)
    assert done.codebook == tmp_path / "cso.codebook.csv" and done.codebook.exists()
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = meta.column_names_to_labels
    assert labels["ConfUnd"].startswith("How confident, if at all, are you in your local authority")
    assert labels["SuppSou_14"].endswith(": Other (please specify)")
    assert meta.variable_value_labels["ConfUnd"] == {
        1.0: "Very confident",
        2.0: "Fairly confident",
        3.0: "Not very confident",
        4.0: "Not at all confident",
        -1.0: "Not asked",
        -2.0: "Not answered",
    }
    assert meta.variable_value_labels["SuppSou_1"] == {
        1.0: "Chosen",
        0.0: "Not chosen",
        -1.0: "Not asked",
        -2.0: "Not answered",
    }

    def discrete(name):
        return sorted(r["lo"] for r in meta.missing_ranges[name] if r["lo"] == r["hi"])

    assert discrete("SWoff") == [-2.0, -1.0, 3.0]  # not answered, not asked, don't know
    assert discrete("ConfUnd") == [-2.0, -1.0]
    assert meta.missing_ranges["HLEspend1718"] == [{"lo": -9.0, "hi": -1.0}]  # not answered, not asked, its boxes
    assert "SWreturn" not in meta.missing_ranges
    durham = data[data["unit"] == "840"].iloc[0]
    assert durham["SWoff"] == 3 and durham["SWreturn"] == "Return to practice" and durham["ConfUnd"] == -2
    assert meta.variable_measure["HLEspend1718"] == "scale"
    # Measure levels follow the question type: a grid's items share a rating scale.
    assert meta.variable_measure["SocWork_a"] == "ordinal"
    assert meta.variable_measure["HelpSupp"] == meta.variable_measure["SuppSou_1"] == "nominal"


def test_codebook_lists_every_column(answered, tmp_path):
    path = tmp_path / "cso.csv"
    dataset = build_dataset(answered)
    export_dataset(dataset, "csv", path)
    with (tmp_path / "cso.codebook.csv").open() as handle:
        rows = {row["variable"]: row for row in csv.DictReader(handle)}
    assert list(rows) == dataset.data.columns
    help_supp = rows["HelpSupp"]
    assert help_supp["type"] == "code"
    assert "14 = Other (please specify)" in help_supp["value_labels"]
    # A cell starting with "-" would open as a formula: the CSV carries it with a quote, as all text cells.
    assert help_supp["missing_values"] == "'-1 = Not asked; -2 = Not answered"
    assert help_supp["base"] == "LAs that used more than one source of support"
    assert rows["SWoff"]["missing_values"] == "'-1 = Not asked; -2 = Not answered; 3 = Don't know"
    assert rows["MultChal"]["base"].startswith("LAs whose local area has considered")
    assert rows["SuppSou_14_text"]["base"] == "All responding authorities, who chose 14 at SuppSou"
    assert rows["section_csc"]["label"] == "Section answered: Children's Social Care"
    assert rows["para_minutes_csc"]["type"] == "number"
    assert pl.read_csv(path, infer_schema_length=0).height == 152


def test_xlsx_has_data_and_codebook_sheets(answered, tmp_path):
    path = tmp_path / "cso.xlsx"
    done = export_dataset(build_dataset(answered), "xlsx", path)
    assert done.codebook is None
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["Data", "Codebook"]
    header = next(workbook["Data"].iter_rows(max_row=1, values_only=True))
    assert header[0] == "unit" and "SWoff" in header
    codebook = list(workbook["Codebook"].iter_rows(max_row=2, values_only=True))
    assert codebook[0][:3] == ("variable", "label", "type") and codebook[1][0] == "unit"


def test_parquet_keeps_types(answered, tmp_path):
    path = tmp_path / "cso.parquet"
    export_dataset(build_dataset(answered), "parquet", path)
    data = pl.read_parquet(path)
    assert data.schema["SWoff"] == pl.Int64 and data.schema["HLEspend1718"] == pl.Float64
    assert data.schema["para_first_at"] == pl.Datetime("us", "UTC")


def test_client_copy_pseudonymises_units_that_did_not_agree(answered, tmp_path):
    dataset = build_dataset(answered)
    client, hidden = client_view(dataset)
    data = client.data
    assert hidden == 151 and data.height == 152
    named = data.filter(pl.col("unit") == "840").row(0, named=True)
    assert named["frame_name"] == "County Durham" and named["frame_gss_code"] == "E06000047"
    assert data.filter(pl.col("unit") == "841").height == 0  # said no
    real_keys = set(dataset.data["unit"].to_list())
    others = data.filter(pl.col("unit") != "840")
    assert others["unit"].n_unique() == 151 and not set(others["unit"].to_list()) & real_keys
    assert others["frame_name"].null_count() == 151 and others["frame_region"].null_count() == 151
    assert others["frame_type"].null_count() == 0 and others["frame_region_group"].null_count() == 0
    assert "SWreturn" not in data.columns and "SuppSou_14_text" not in data.columns
    assert "SWreturn" not in [v.name for v in client.variables]
    darlington = others.filter(pl.col("SWoff") == 1).row(0, named=True)  # 841 answered SWoff = 1
    assert darlington["DfErecon"] == 2 and darlington["SuppSou_14"] == 1
    with_text, _ = client_view(dataset, with_open_text=True)
    assert "Mentoring" in with_text.data["SWreturn"].to_list()


def test_export_command_writes_the_client_copy(answered, tmp_path):
    out = tmp_path / "client.sav"
    result = CliRunner().invoke(export, ["cso-w3", "--format", "sav", "-o", str(out), "--client"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 152 rows" in result.stdout
    assert "151 unit(s) without consent to be named carry a pseudonym" in result.stdout
    data, meta = pyreadstat.read_sav(str(out))
    assert "SWreturn" not in data.columns and "840" in set(data["unit"])
    frame_labels = meta.column_names_to_labels
    assert frame_labels["frame_type"] == "Frame: Authority type"


def test_simulated_wave_exports_in_every_format(wave, tmp_path):
    simulate(wave, seed=2, response_rate=0.5)
    dataset = build_dataset(wave)
    for fmt in ("csv", "xlsx", "sav", "parquet"):
        done = export_dataset(dataset, fmt, tmp_path / f"all.{fmt}", client=True)
        assert done.data.stat().st_size > 0
    assert Answer.objects.filter(wave_unit__wave=wave).exists()


def test_csv_exports_write_answers_that_look_like_formulas_as_text(wave, give, tmp_path):
    live = '=HYPERLINK("http://x.example","y")'
    give(wave, "841", {"SWoff": 1, "SWreturn": live, "DfErecon": 2})
    for client in (False, True):
        out = tmp_path / f"data-{client}.csv"
        args = ["cso-w3", "--format", "csv", "-o", str(out), "--with-open-text"] + (["--client"] if client else [])
        result = CliRunner().invoke(export, args)
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert ["'" + live] == [r["SWreturn"] for r in rows if r["SWreturn"]]
        assert any(r["SWoff"] == "-1" for r in rows)  # codes stay numbers


def test_client_copies_are_shuffled_and_their_pseudonyms_keyed_per_export(wave):
    simulate(wave, seed=3, response_rate=0.5)
    dataset = build_dataset(wave)
    first, second = client_view(dataset)[0].data, client_view(dataset)[0].data
    answers = [c for c in first.columns if c != "unit" and not c.startswith(("frame_", "para_"))]
    in_key_order = dataset.data.select(answers).rows()
    assert first.select(answers).rows() != in_key_order  # rows no longer line up with the list of units
    assert first.select(answers).rows() != second.select(answers).rows()
    assert sorted(first.select(answers).rows(), key=repr) == sorted(in_key_order, key=repr)  # the same rows
    named = set(dataset.data["unit"].to_list())
    hidden = [set(d["unit"].to_list()) - named for d in (first, second)]
    assert hidden[0] and not hidden[0] & hidden[1]  # two exports' pseudonyms cannot be matched
    keyed = client_view(dataset, key=b"k")[0].data
    again = client_view(dataset, key=b"k")[0].data
    assert sorted(keyed["unit"].to_list()) == sorted(again["unit"].to_list())


def test_client_copy_of_another_population_keeps_its_declared_attributes(schools):
    dataset = build_dataset(schools)
    assert dataset.client_attributes == ("phase",)
    client, hidden = client_view(dataset)
    others = client.data.filter(pl.col("unit").str.starts_with("P"))
    assert hidden == others.height > 0
    assert others["frame_phase"].null_count() == 0
    for name in ("name", "area", "governance", "pupils", "laestab"):
        assert others[f"frame_{name}"].null_count() == hidden, name
    kept, _ = client_view(dataset, keep=("area",))
    assert kept.data.filter(pl.col("unit").str.starts_with("P"))["frame_phase"].null_count() == hidden


def test_keeping_an_attribute_the_population_lacks_is_an_error_and_an_undeclared_one_a_warning(schools, tmp_path):
    out = tmp_path / "client.csv"
    args = ["schools-w1", "--format", "csv", "-o", str(out), "--client"]
    refused = CliRunner().invoke(export, [*args, "--keep-attribute", "region_group"])
    assert refused.exit_code == 1 and not out.exists()
    assert (
        "--keep-attribute: region_group is not an attribute of the test-schools population "
        "(its attributes: phase, area, governance, pupils)" in refused.stderr
    )
    warned = CliRunner().invoke(export, [*args, "--keep-attribute", "area"])
    assert warned.exit_code == 0, warned.output
    assert "Warning: --keep-attribute area: the test-schools population does not declare it safe" in warned.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert all(r["frame_area"] for r in rows) and not all(r["frame_phase"] for r in rows)
    default = CliRunner().invoke(export, args)
    assert default.exit_code == 0 and "Warning" not in default.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert all(r["frame_phase"] for r in rows) and not all(r["frame_area"] for r in rows)
