"""Quotes: checked when marked, attributed coarsely, and kept from clients where the LA did not consent."""

from __future__ import annotations

import polars as pl
import pytest

from omnibus.coding.attribution import MIN_GROUP, UnitProfile, attributions


def test_attribution_coarsens_where_few_responders_share_it():
    responding = (
        [UnitProfile("unitary", "South West", "London & South")] * MIN_GROUP
        + [UnitProfile("unitary", "North East", "North")] * (MIN_GROUP - 1)
        + [UnitProfile("unitary", "Yorkshire and The Humber", "North")]
        + [UnitProfile("county", "East of England", "East & Midlands")]
    )
    quoted = {
        "a": UnitProfile("unitary", "South West", "London & South"),
        "b": UnitProfile("unitary", "North East", "North"),
        "c": UnitProfile("county", "East of England", "East & Midlands"),
    }
    assert attributions(quoted, responding) == {
        "a": "Unitary, South West",
        "b": "Unitary, North",  # two in the North East, three unitaries in the North
        "c": "A local authority",  # the only county that responded
    }


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
    assert [f["kind"] for f in quote.flags] == ["la", "person", "phone"]
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
        )
        assert q.theme == "Workforce"
