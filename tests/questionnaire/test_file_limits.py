"""Readers of files from outside refuse huge, binary, mis-encoded and deeply nested files at their line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from omnibus.analysis.spec import SpecError, load_spec
from omnibus.questionnaire.expressions import ExpressionError, parse
from omnibus.questionnaire.loader import read
from omnibus.site.cli import main

WAVE3 = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"
DEEP = "title: x\nsections: " + "[" * 5000 + "]" * 5000 + "\n"


def _problems(path: Path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in read(path)[1]]


def test_deep_yaml_is_refused_at_its_line_not_a_recursion_error(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP, encoding="utf-8")
    assert _problems(path) == [(2, "nested more than 40 levels deep")]


def test_a_nul_in_a_questionnaire_is_refused_at_its_line(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_text(WAVE3.read_text(encoding="utf-8").replace("title:", "title: \x00", 1), encoding="utf-8")
    [(line, message)] = _problems(path)
    assert line > 1 and message == "a control character (U+0000) that text cannot hold"


def test_latin1_and_oversized_questionnaires_are_refused_without_reading_them_whole(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("survey: x\ntitle: Zoë\n".encode("latin-1"))
    assert _problems(latin) == [(2, "not UTF-8 text (byte 0xeb); save the file as UTF-8")]
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # 20 MB, sparse
    assert _problems(huge) == [(0, "the file is 20.0 MB; the most this reader takes is 2 MB")]


def test_the_check_command_prints_the_located_problem_and_exits_1(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP, encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "check", str(path)])
    assert result.exit_code == 1 and f"{path}:2: nested more than 40 levels deep" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text", ["(" * 5000 + "a = 1" + ")" * 5000, "not " * 5000 + "a = 1", "count(" * 3000])
def test_deeply_nested_routing_is_an_expression_error_with_its_column(text):
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert "nested more than 50 levels deep" in str(raised.value) and raised.value.column > 50


def test_routing_nested_a_little_still_reads():
    assert parse("(" * 20 + "a = 1" + ")" * 20) == parse("a = 1")


def test_deep_and_binary_analysis_specs_are_spec_errors(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("nets: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"deep\.yaml:1: nested more than 40 levels deep"):
        load_spec(deep)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"nets:\n  x: \x00\n")
    with pytest.raises(SpecError, match=r"binary\.yaml:2: a control character \(U\+0000\)"):
        load_spec(binary)
