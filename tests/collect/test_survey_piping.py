"""Piped text on a survey page: the earlier answer in words, escaped, and pilot-only questions."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave

from .conftest import answer, signed_in

PIPED = """\
survey: piped
version: v1
title: Piped
sections:
  - id: a
    title: First
    questions:
      - id: Conf
        type: single
        text: How confident are you?
        options: {1: Very confident, 2: "<b>Not</b> confident"}
      - id: Probe
        type: text
        pilot: true
        text: Was that question clear?
      - id: Why
        type: text
        text: Why are you {Conf}?
"""

pytestmark = pytest.mark.django_db


def wave_of(tmp_path: Path, kind: str):
    path = tmp_path / "piped.yaml"
    path.write_text(PIPED, encoding="utf-8")
    stored, _ = store_questionnaire(path)  # over the frame of the 152 LAs the test database holds
    now = timezone.now()
    return create_wave(
        kind, kind, stored, "england-la", date(2017, 9, 1), now - timedelta(days=1), now + timedelta(days=1), kind
    )


def test_the_earlier_answer_is_piped_in_words_and_escaped(tmp_path: Path) -> None:
    unit = wave_of(tmp_path, "main").units.first()
    client = signed_in(unit)
    following = answer(client, "a", "Conf", {"Conf": "2"})
    assert following.url == "/survey/sections/a/Why/"  # the pilot-only question is skipped
    page = client.get(following.url).content.decode()
    assert "Why are you &lt;b&gt;Not&lt;/b&gt; confident?" in page


def test_a_pilot_wave_asks_its_probing_question(tmp_path: Path) -> None:
    unit = wave_of(tmp_path, "pilot").units.first()
    client = signed_in(unit)
    assert answer(client, "a", "Conf", {"Conf": "1"}).url == "/survey/sections/a/Probe/"
