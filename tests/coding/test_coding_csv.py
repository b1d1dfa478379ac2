"""`omnibus coding export` and `omnibus coding import`: coding outside the system."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from omnibus.site.cli import main


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_export_then_import_codes_every_answer(wave, answers, frame, tmp_path):
    from omnibus.coding.codings import open_responses

    out = tmp_path / "socimprov.csv"
    result = _run("coding", "export", wave.slug, "SocImprov", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["unit"] for r in rows] == [r.unit for r in answers]
    assert all(r["answer"] and r["codes"] == "" for r in rows)
    for index, row in enumerate(rows):
        row["codes"] = "1;2" if index % 2 else "3"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = _run("coding", "import", wave.slug, "SocImprov", str(out))
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} answers to SocImprov coded" in result.output
    coded = {r.unit: r.codes for r in open_responses(wave, "SocImprov")}
    assert coded[rows[0]["unit"]] == {3} and coded[rows[1]["unit"]] == {1, 2}
    again = _run("coding", "export", wave.slug, "SocImprov", "-o", str(out))
    assert again.exit_code == 0
    first = next(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert first["themes"] == "Managing demand"


def test_a_bad_file_changes_nothing_and_names_its_rows(wave, answers, frame, tmp_path):
    from omnibus.coding.models import Coding

    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"unit,codes\n{answers[0].unit},1\n{answers[1].unit},9\n999,1\n{answers[2].unit},two\n{answers[0].unit},2\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["coding", "import", wave.slug, "SocImprov", str(bad)])
    assert result.exit_code == 1
    assert "row 3: codes: 9 is not a theme of SocImprov's frame (codes: 1, 2, 3)" in result.output
    assert "row 4: unit '999' has no answer to SocImprov" in result.output
    assert "row 5: codes: 'two' is not a theme code" in result.output
    assert "row 6: unit " in result.output and "listed again (first on row 2)" in result.output
    assert "nothing was imported" in result.output
    assert Coding.objects.count() == 0


def test_unknown_variable_is_named_with_the_open_ones(wave):
    result = CliRunner().invoke(main, ["coding", "export", wave.slug, "SuppSou", "-o", "x.csv"])
    assert result.exit_code == 1
    assert "SuppSou is not an open variable" in result.output and "SocImprov" in result.output


def test_answers_and_theme_labels_that_look_like_formulas_are_exported_as_text(wave, answers, frame, tmp_path):
    from omnibus.coding.codeframes import add_theme
    from omnibus.collect.models import Answer

    live = '=HYPERLINK("http://x.example","y")'
    Answer.objects.filter(wave_unit_id=answers[0].wave_unit, key="SocImprov").update(value=live)
    theme = add_theme(frame, "@SUM(1+1)")
    from omnibus.coding.codings import set_codes

    set_codes(wave, "SocImprov", [answers[0].wave_unit], [theme], [], None)
    out = tmp_path / "socimprov.csv"
    assert _run("coding", "export", wave.slug, "SocImprov", "-o", str(out)).exit_code == 0
    first = next(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert (first["answer"], first["themes"]) == ("'" + live, "'@SUM(1+1)")
