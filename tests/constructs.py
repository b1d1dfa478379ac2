"""Waves over the small questionnaires of tests/questionnaire/constructs/: three LAs of the 2017 frame, open now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.waves import AS_OF, POPULATION

HERE = Path(__file__).parent / "questionnaire" / "constructs"
UNITS = ("840", "841", "390")


def small_questionnaire_wave(name: str, slug: str | None = None):  # noqa: ANN201 - a Wave
    """A wave of `tests/questionnaire/constructs/NAME.yaml` over three LAs, opened yesterday for 30 days."""
    from django.utils import timezone

    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave

    stored, _ = store_questionnaire(HERE / f"{name}.yaml")
    opens = timezone.now() - timedelta(days=1)
    closes = opens + timedelta(days=31)
    return create_wave(slug or name, stored.title, stored, POPULATION, AS_OF, opens, closes, units=UNITS)


def mistakes(text: str, tmp_path: Path) -> tuple[Path, list[str]]:
    """A questionnaire's text written to a file, and every FILE:LINE: message loading it reports."""
    from omnibus.questionnaire.loader import QuestionnaireError, load

    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load(path)
    except QuestionnaireError as error:
        return path, error.lines()
    return path, []


def copy_to_fill(wave, path: Path, sheet: str):  # noqa: ANN001, ANN201 - a Wave; (workbook, sheet, rows)
    """The wave's Excel copy written at `path`, opened: the workbook, one section's sheet, its rows by variable."""
    import openpyxl

    from omnibus.fieldwork.questionnaires import questionnaire_of
    from omnibus.questionnaire.render_xlsx import render_xlsx

    render_xlsx(questionnaire_of(wave.questionnaire), path)
    book = openpyxl.load_workbook(path)
    found = book[sheet]
    return book, found, {found.cell(r, 1).value: r for r in range(1, found.max_row + 1)}


def refused(wave, path: Path, unit: str | None = None) -> list[str]:  # noqa: ANN001 - a Wave
    """The problems an import of `path` is refused with, having checked that it wrote nothing."""
    import pytest

    from omnibus.collect.answers import live_answers
    from omnibus.dataset.importing import ImportRefused, import_responses

    with pytest.raises(ImportRefused) as raised:
        import_responses(wave, path, unit=unit)
    assert not any(live_answers(u) for u in wave.units.all())
    return raised.value.lines()


# The first lines of a questionnaire of mistakes: one section, `s`, whose keys follow.
BAD_HEAD = 'survey: bad\nversion: "1"\ntitle: Mistakes\nsections:\n  - id: s\n    title: S\n'


def questionnaire_fixture(name: str):  # noqa: ANN201 - a pytest fixture
    """A module's fixture `q`: `tests/questionnaire/constructs/NAME.yaml`, loaded once."""
    import pytest

    from omnibus.questionnaire.loader import load

    @pytest.fixture(scope="module")
    def q():  # noqa: ANN202 - a Questionnaire
        return load(HERE / f"{name}.yaml")

    return q
