"""The printable copy of a unit's answers (a page and a PDF) holds every stored answer, in words."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.models import WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.questionnaire.model import Questionnaire

from .conftest import answer, signed_in

pytestmark = pytest.mark.django_db
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "collect"

ANSWERS = [
    ("csc", "SuppSou", {"SuppSou": ["1", "6", "14"], "SuppSou_14_text": "Peer challenge <b>& review</b>"}),
    ("csc", "HelpSupp", {"HelpSupp": "6"}),
    ("csc", "SocWork", {"SocWork_a": "1", "SocWork_b": "2", "SocWork_c": "3", "SocWork_d": "4"}),
    ("eyc", "HLEprog", {"HLEprog": ["1", "3"]}),
    ("eyc", "HLEspend", {"HLEspend1718": "45000", "HLEspend1617": "41250", "HLEspend1516": "0"}),
    ("send", "SBeff", {"SBeff": "Overnight stays in small local homes"}),
    ("send", "SBinc", {"SBinc": "2"}),
]


def expected_words(q: Questionnaire, stored: dict[str, object]) -> dict[str, list[str]]:
    """Each stored answer as the dataset labels it: code frame labels, numbers with their prefix, texts as typed."""
    words = {}
    for key, value in stored.items():
        owner = q.owner(key)
        if key.endswith("_text") or owner is None:
            words[key] = [str(value)]
        elif owner.options or owner.options_from:
            labels = {o.code: o.label for o in q.options_of(owner)}
            words[key] = [labels[code] for code in (value if isinstance(value, list) else [value])]
        elif isinstance(value, int | float):
            words[key] = [f"{owner.prefix or ''}{value:,}"]
        else:
            words[key] = [str(value)]
    return words


@pytest.fixture
def answered(unit: WaveUnit):  # noqa: ANN201 - a signed-in test client
    client = signed_in(unit)
    for section, question, data in ANSWERS:
        assert answer(client, section, question, data).status_code == 302, question
    return client


def test_the_copy_page_holds_every_stored_answer_in_words(unit: WaveUnit, answered) -> None:  # noqa: ANN001
    page = answered.get("/survey/copy/").content.decode()
    stored = live_answers(unit)
    assert len(stored) == 13
    q = questionnaire_of(unit.wave.questionnaire)
    for key, words in expected_words(q, stored).items():
        question = key.split("_")[0] if key.endswith("_text") else q.owner(key).id
        row = page.split(f'id="answer-{question}"')[1].split("</div>")[0]
        for word in words:
            assert html.escape(word) in row, (key, word)
    assert "<b>" not in page.split("<main")[1]  # typed markup is shown, never run
    assert 'id="answer-PPspend"' not in page  # routing did not ask it
    assert "Not answered" in page.split('id="answer-SuppSouFut"')[1].split("</div>")[0]  # asked, not answered
    assert 'id="copy-thanks"' not in page  # a section with no answers is left out
    assert "@media print" in page or 'media="print"' in page


def test_the_copy_as_pdf_holds_every_stored_answer(unit: WaveUnit, answered, tmp_path) -> None:  # noqa: ANN001
    response = answered.get("/survey/copy.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "copy.pdf"
    path.write_bytes(response.content)
    read = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    text = " ".join(read.stdout.split())
    q = questionnaire_of(unit.wave.questionnaire)
    for key, words in expected_words(q, live_answers(unit)).items():
        for word in words:
            assert " ".join(word.split()) in text, (key, word)
    assert f"Answers for {unit.name}" in text
    # A picture of its first page to look at, as the report's PDFs are looked at.
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTEFACTS / "copy")],
        check=True,
    )


def test_the_copy_needs_the_units_code(unit: WaveUnit) -> None:
    from django.test import Client

    assert Client().get("/survey/copy/").url == "/survey/"
    assert Client().get("/survey/copy.pdf").url == "/survey/"


def test_the_copy_is_linked_from_the_menu_and_the_thank_you_page(unit: WaveUnit) -> None:
    client = signed_in(unit)
    assert 'href="/survey/copy/"' in client.get("/survey/sections/").content.decode()
    thanks = client.get("/survey/complete/").content.decode()
    assert 'href="/survey/copy/"' in thanks and 'href="/survey/copy.pdf"' in thanks
    assert re.search(r"<title>Survey complete", thanks)
