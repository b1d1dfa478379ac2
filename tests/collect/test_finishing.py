"""Finishing: the warning about sections in progress, short labels on Check your answers, one thank-you."""

from __future__ import annotations

import re

import pytest

from omnibus.fieldwork.models import SectionState, WaveUnit
from omnibus.questionnaire.labels import cut_at_word, short_label
from omnibus.questionnaire.model import Question

from .conftest import answer, signed_in

pytestmark = pytest.mark.django_db


def test_finishing_with_a_section_in_progress_warns_first(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "send", "EHCplans", {f"EHCplans_{x}": "2" for x in "abcde"})
    warning = client.get("/survey/finish/")
    page = warning.content.decode()
    assert warning.status_code == 200 and "Some sections are not finished" in page
    in_progress = page.split('id="in-progress"')[1].split("</ul>")[0]
    assert "Continue with Special Educational Needs &amp; Disability" in in_progress
    assert 'href="/survey/sections/send/"' in in_progress
    not_started = page.split('id="not-started"')[1].split("</ul>")[0]
    assert "Children&#x27;s Social Care" in not_started and "Special Educational" not in not_started
    assert not SectionState.objects.filter(wave_unit=unit, section="thanks").exists()
    # Finishing anyway goes on to the closing questions.
    assert client.post("/survey/finish/").url == "/survey/sections/thanks/"


def test_finishing_with_nothing_in_progress_goes_straight_on(unit: WaveUnit) -> None:
    assert signed_in(unit).get("/survey/finish/").url == "/survey/sections/thanks/"


def test_check_your_answers_keys_are_short_labels(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "send", "EHCplans", {f"EHCplans_{x}": "2" for x in "abcde"})
    for question, data in [
        ("SBeff", {"SBeff": "Overnight stays"}),
        ("SBinc", {"SBinc": "1"}),
        ("SBstat", {"SBstat": "3"}),
        ("SBdisab", {"SBdisab": "Forums"}),
        ("SBcosteff", {"SBcosteff": "3"}),
    ]:
        answer(client, "send", question, data)
    page = client.get("/survey/sections/send/check/").content.decode()
    keys = re.findall(r'<dt class="govuk-summary-list__key">([^<]*)</dt>', page)
    assert len(keys) == 6 and all(len(key) <= 70 for key in keys), keys
    assert "Overnight stays" in page


def test_a_label_is_the_questions_own_or_its_first_sentence_cut_at_a_word() -> None:
    assert short_label(Question("Q", "text", "Long text. More.", label="Own label")) == "Own label"
    assert short_label(Question("Q", "text", "How many? Count all of them.")) == "How many?"
    long = "Which of the following sources of support for improving children's services has your authority used"
    label = short_label(Question("Q", "multi", long))
    assert label == "Which of the following sources of support for improving children's…"
    assert len(label) <= 70 and long.startswith(label[:-1])
    assert cut_at_word("short", 70) == "short"
