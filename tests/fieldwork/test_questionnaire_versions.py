"""Questionnaire versions in the database: what a wave will bind to."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import transaction

from omnibus.fieldwork.models import QuestionnaireVersion
from omnibus.fieldwork.questionnaires import VersionConflict, questionnaire_of, store_questionnaire
from omnibus.questionnaire.loader import QuestionnaireError
from omnibus.site.cli.fieldwork import load_questionnaire

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"

# Storing the Wave 3 questionnaire afresh: the set-up has stored it already.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def test_store_and_read_back() -> None:
    stored, changed = store_questionnaire(EXAMPLE)
    assert changed
    assert (stored.survey, stored.version) == ("cso", "wave-3")
    assert questionnaire_of(stored).question("SBrecoup").ask_if == "SBcosteff in (1, 2)"
    again, changed_again = store_questionnaire(EXAMPLE)
    assert again.pk == stored.pk and not changed_again


def test_changed_content_under_the_same_label_is_refused(tmp_path: Path) -> None:
    store_questionnaire(EXAMPLE)
    edited = tmp_path / "cso-wave3.yaml"
    edited.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Early Years and Child Care", "Early Years"))
    with pytest.raises(VersionConflict):
        store_questionnaire(edited)
    assert "Early Years and Child Care" in QuestionnaireVersion.objects.get().source_text
    store_questionnaire(edited, replace=True)
    assert "Early Years and Child Care" not in QuestionnaireVersion.objects.get().source_text


def test_a_bad_file_stores_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("survey: x\nversion: v\ntitle: t\nsections: []\n")
    with pytest.raises(QuestionnaireError):
        store_questionnaire(bad)
    assert QuestionnaireVersion.objects.count() == 0


def test_load_command(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(load_questionnaire, [str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Loaded cso wave-3" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("survey: x\nversion: v\ntitle: t\nsections: []\n")
    result = runner.invoke(load_questionnaire, [str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:1: the questionnaire has no sections" in result.stderr
    assert "Traceback" not in result.output


def test_a_version_stored_again_after_a_rollback_is_read_afresh(tmp_path: Path) -> None:
    # Parsed questionnaires are cached per process. A test's rollback (or a flush) can hand the same
    # key to a version with other text (SQLite reuses it; PostgreSQL does not): the cache must not
    # answer with the questions of the version that was undone.
    with transaction.atomic():
        undone, _ = store_questionnaire(EXAMPLE)
        assert "Early Years and Child Care" in [s.title for s in questionnaire_of(undone).sections]
        transaction.set_rollback(True)
    edited = tmp_path / "cso-wave3.yaml"
    edited.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Early Years and Child Care", "Early Years"))
    stored, _ = store_questionnaire(edited)
    titles = [s.title for s in questionnaire_of(stored).sections]
    assert "Early Years" in titles and "Early Years and Child Care" not in titles
