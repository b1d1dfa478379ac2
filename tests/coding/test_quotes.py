"""Quotes: checked when marked, attributed coarsely, and kept from clients where the LA did not consent."""

from __future__ import annotations

import polars as pl
import pytest

from omnibus.coding.attribution import attributions
from omnibus.frame.schema import Attribution, UnitNoun, load_population
from tests.schools import ATTRIBUTED


def _la(type_: str, region: str, region_group: str) -> dict[str, str]:
    return {"type": type_, "region": region, "region_group": region_group}


def test_attribution_coarsens_where_few_responders_share_it():
    schema = load_population("england-la")
    least = schema.attribution.min_group
    responding = (
        [_la("unitary", "South West", "London & South")] * least
        + [_la("unitary", "North East", "North")] * (least - 1)
        + [_la("unitary", "Yorkshire and The Humber", "North")]
        + [_la("county", "East of England", "East & Midlands")]
        + [_la("metropolitan district", "North West", "North")] * least
    )
    quoted = {
        "a": _la("unitary", "South West", "London & South"),
        "b": _la("unitary", "North East", "North"),
        "c": _la("county", "East of England", "East & Midlands"),
        "d": _la("metropolitan district", "North West", "North"),
        "e": _la("unitary", "", "North"),  # no region in the frame: that rung is skipped
    }
    assert attributions(quoted, responding, schema.attribution, schema.unit) == {
        "a": "Unitary, South West",
        "b": "Unitary, North",  # two in the North East, three unitaries in the North
        "c": "A local authority",  # the only county that responded
        "d": "Metropolitan district, North West",  # the frame's value, its first letter capitalised
        "e": "Unitary, North",
    }


def test_a_population_without_a_ladder_attributes_every_quote_by_its_unit_noun():
    forums = UnitNoun("parent carer forum", "parent carer forums")
    responding = [{"region": "North East"}] * 5
    quoted = {"a": {"region": "North East"}}
    assert attributions(quoted, responding, Attribution(), forums) == {"a": "A parent carer forum"}
    assert attributions(quoted, responding, Attribution(), UnitNoun("organisation")) == {"a": "An organisation"}


def test_quotes_of_another_population_follow_its_ladder_and_noun(schools):
    from omnibus.coding.quotes import attributed_by, mark_quote, report_quotes
    from omnibus.dataset.build import build_dataset
    from omnibus.fieldwork.models import WaveUnit

    for key in ATTRIBUTED:
        unit = WaveUnit.objects.get(wave=schools, unit__key=key)
        mark_quote(unit, "SocImprov", "Recruiting experienced staff is the hardest part", None, None)
    flagged = mark_quote(unit, "SocImprov", "We rely on Juniper Special School for outreach", None, None)
    assert flagged.flags[0]["message"] == "names a school (Juniper Special School)"
    got = {q.unit: q.attribution for q in report_quotes(schools, build_dataset(schools), client=False)}
    assert got == ATTRIBUTED
    assert attributed_by(schools) == "by phase of education and area"


@pytest.fixture
def consent_question(wave):
    from omnibus.dataset.build import build_dataset
    from omnibus.dataset.exporting import consent_variable
    from omnibus.fieldwork.questionnaires import questionnaire_of

    dataset = build_dataset(wave)
    found = consent_variable(dataset)
    assert found is not None, "the Wave 3 questionnaire asks for consent to link"
    return found, dataset, questionnaire_of(wave.questionnaire)


def test_flagged_quotes_are_held_back_until_dealt_with(wave, answers, frame):
    from omnibus.coding.models import Quote
    from omnibus.coding.quotes import QuoteError, dismiss_flag, edit_quote, mark_quote, usable
    from omnibus.fieldwork.models import WaveUnit

    unit = WaveUnit.objects.get(pk=answers[0].wave_unit)
    quote = mark_quote(unit, "SocImprov", f"As {unit.name} we ask Sarah on 01632 960123", None, None)
    assert [f["kind"] for f in quote.flags] == ["unit", "person", "phone"]
    assert not usable(quote)
    with pytest.raises(QuoteError, match="edit it out"):
        dismiss_flag(quote, "01632 960123")
    dismiss_flag(quote, "Sarah")
    edit_quote(quote, "As an LA we ask Sarah")
    quote.refresh_from_db()
    assert usable(quote) and quote.dismissed == ["Sarah"]
    assert Quote.objects.count() == 1


def test_client_sees_only_quotes_of_consenting_units_and_never_their_names(wave, answers, frame, consent_question):
    from omnibus.coding.quotes import mark_quote, report_quotes
    from omnibus.dataset.build import build_dataset
    from omnibus.fieldwork.models import WaveUnit

    (variable, agree), dataset, _ = consent_question
    data = dataset.data
    agreed = set(data.filter(pl.col(variable) == agree).get_column("unit").to_list())
    by_key = {r.unit: r for r in answers}
    yes = next(k for k in by_key if k in agreed)
    no = next(k for k in by_key if k not in agreed)
    for key in (yes, no):
        unit = WaveUnit.objects.get(pk=by_key[key].wave_unit)
        mark_quote(unit, "SocImprov", "Recruiting and retaining experienced social workers", frame.themes.first(), None)
    dataset = build_dataset(wave)
    researcher = report_quotes(wave, dataset, client=False)
    client = report_quotes(wave, dataset, client=True)
    assert {q.unit for q in researcher} == {yes, no}
    assert [q.unit for q in client] == [yes]
    names = set(WaveUnit.objects.filter(wave=wave).values_list("name", flat=True))
    for q in researcher:
        assert (
            q.attribution not in names
            and "," in q.attribution
            or q.attribution in {"Unitary", "County", "Metropolitan district", "London borough", "A local authority"}
            or q.attribution.startswith(("Unitary, ", "County, ", "Metropolitan district, ", "London borough, "))
        )
        assert q.theme == "Workforce"


def test_quote_pages_speak_of_the_population(schools, researcher):
    from omnibus.coding.codings import open_responses
    from omnibus.coding.quotes import mark_quote
    from omnibus.fieldwork.models import WaveUnit

    unit = WaveUnit.objects.get(wave=schools, unit__key="100001")
    mark_quote(unit, "SocImprov", "Recruiting experienced staff is the hardest part", None, None)
    page = researcher.get(f"/office/coding/{schools.slug}/quotes/").content.decode()
    assert "Primary, North" in page and "quotes of schools that agreed" in page and ">School</th>" in page
    assert "authorit" not in page.lower()
    answered = open_responses(schools, "SocImprov")[0].wave_unit
    marking = researcher.get(f"/office/coding/{schools.slug}/SocImprov/answer/{answered}/quote/").content.decode()
    assert "attributed by phase of education and area, never by name" in marking and "names of schools" in marking
