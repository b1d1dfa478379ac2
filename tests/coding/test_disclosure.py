"""The disclosure check: quotes naming LAs, places, people, email addresses and telephone numbers are flagged."""

from __future__ import annotations

import pytest

from omnibus.coding.disclosure import blocking, check_quote

NAMES = [
    "Bristol, City of",
    "Kingston upon Hull, City of",
    "Barking and Dagenham",
    "North East Lincolnshire",
    "Lincolnshire",
    "Devon",
    "Reading",
]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in check_quote(text, NAMES)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unlike Devon we kept our edge of care team", [("unit", "Devon")]),
        ("Bristol has shown what a strong front door does", [("unit", "Bristol")]),
        ("We share a panel with Hull", [("unit", "Hull")]),
        ("Joint work with Dagenham colleagues", [("unit", "Dagenham")]),
        ("Our partners in North East Lincolnshire", [("unit", "North East Lincolnshire")]),
        ("Our new unit in Norwich opened in May", [("place", "Norwich")]),
        ("Staff moved to the Riverside Family Centre", [("place", "Riverside Family Centre")]),
        ("Cllr Jones chairs the board", [("person", "Cllr Jones")]),
        ("Our director, Sarah, leads the academy", [("person", "Sarah")]),
        ("Ask Dr. Patel about the pilot", [("person", "Dr. Patel")]),
        ("Contact lead.officer@example.com for details", [("email", "lead.officer@example.com")]),
        ("Call 01632 960 123 to refer", [("phone", "01632 960 123")]),
        ("Or ring +44 7700 900123 out of hours", [("phone", "+44 7700 900123")]),
        ("Our hub at AB1 2CD is open", [("postcode", "AB1 2CD")]),
    ],
)
def test_identifying_words_are_flagged(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Recruiting and retaining experienced social workers",
        "Better outcomes for children in care and care leavers",
        "We will mark progress against the plan in May",
        "Reduce caseloads to 18 per worker by 2019",
    ],
)
def test_ordinary_answers_pass(text):
    assert kinds(text) == []


def test_contact_details_cannot_be_set_aside_but_names_can():
    flags = [f.as_dict() for f in check_quote("Ask Sarah on 01632 960123 about Devon", NAMES)]
    assert [f["kind"] for f in flags] == ["person", "phone", "unit"]
    left = blocking(flags, dismissed=["Sarah", "01632 960123"])
    assert [f["kind"] for f in left] == ["phone", "unit"]
