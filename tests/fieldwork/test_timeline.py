"""A unit's timeline: invited, reminded, started, sections completed, submitted and calls, in time order."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from omnibus.collect.models import PageEvent
from omnibus.fieldwork.calls import log_call
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import CallNote, Message, SectionState
from omnibus.fieldwork.outbox import queue_campaign
from omnibus.fieldwork.timeline import unit_timeline


def at(day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(2017, 10, day, hour))


def test_every_kind_of_event_in_time_order(small_wave) -> None:  # noqa: ANN001
    wave = small_wave("w3", at(2, 9), at(20, 17))
    unit = wave.units.get(unit__key="841")
    add_contact(unit, "test", "Sam Example", "sam@example.com")
    for name, day in (("invitation", 2), ("reminder", 9)):
        queue_campaign(wave, load_template(name), "everyone")
        Message.objects.filter(wave_unit=unit, campaign__template_name=name).update(
            status=Message.SENT, sent_at=at(day)
        )
    PageEvent.objects.create(wave_unit=unit, section="csc", page="ConfUnd", event="shown", at=at(4))
    for section, day in (("csc", 5), ("eyc", 11), ("send", 12), ("thanks", 12)):
        hour = 15 if section == "thanks" else 10
        SectionState.objects.create(
            wave_unit=unit, section=section, status=SectionState.COMPLETED, completed_at=at(day, hour)
        )
    log_call(unit, "test", "promised_date", at(13).date(), "", None)
    CallNote.objects.filter(wave_unit=unit).update(at=at(10))
    events = [(e.at, e.what, e.detail) for e in unit_timeline(unit)]
    assert events == [
        (at(2), "Invited", "sam@example.com (sent)"),
        (at(4), "Started", ""),
        (at(5), "Section completed", "Children's Social Care"),
        (at(9), "Reminded", "sam@example.com (sent)"),
        (at(10), "Called", "Promised a date (by test), promised for 13 October 2017"),
        (at(11), "Section completed", "Early Years and Child Care"),
        (at(12), "Section completed", "Special Educational Needs & Disability"),
        (at(12, 15), "Submitted", ""),
    ]


def test_a_unit_that_did_nothing_has_only_its_messages(small_wave) -> None:  # noqa: ANN001
    wave = small_wave("w3", at(2, 9), at(20, 17))
    unit = wave.units.get(unit__key="841")
    assert unit_timeline(unit) == []
    add_contact(unit, "test", "Sam Example", "sam@example.com")
    queue_campaign(wave, load_template("invitation"), "everyone")
    assert [(e.what, e.detail) for e in unit_timeline(unit)] == [("Invited", "sam@example.com (queued)")]
