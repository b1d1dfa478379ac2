"""`omnibus questionnaire render` and friends: files written, and user mistakes without tracebacks."""

from pathlib import Path

from click.testing import CliRunner

from omnibus.site.cli.questionnaire import questionnaire

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml")


def run(*args: str):
    return CliRunner().invoke(questionnaire, list(args))


def test_render_makes_the_output_folder(tmp_path: Path) -> None:
    for fmt in ("text", "xlsx", "docx"):
        out = tmp_path / "new" / f"cso.{fmt}"
        result = run("render", EXAMPLE, "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000


def test_render_text_to_stdout() -> None:
    result = run("render", EXAMPLE)
    assert result.exit_code == 0
    assert "Ask if SBcosteff is 1 (Very cost-effective) or 2 (Fairly cost-effective)" in result.stdout


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("render", EXAMPLE, "--format", "xlsx", "-o", str(blocker / "cso.xlsx"))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_binary_format_needs_an_output() -> None:
    result = run("render", EXAMPLE, "--format", "docx")
    assert result.exit_code == 2
    assert "give -o OUT" in result.output


def test_missing_file_is_named() -> None:
    result = run("check", "no-such-file.yaml")
    assert result.exit_code == 1
    assert "no-such-file.yaml: no such file" in result.stderr
