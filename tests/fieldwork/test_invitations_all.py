"""Invitations and reminders to the whole census, through a real SMTP server on loopback.

Every LA has one contact (la-<key>@example.com, added with `add_contact`); the test reads what
arrived at the aiosmtpd server and checks each message against its own LA.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import SectionState, Wave
from omnibus.fieldwork.outbox import queue_campaign, work_until_idle

from .test_outbox import XLSX, Keeper, smtp  # noqa: F401 - a fixture
from .test_outbox import wave as wave  # noqa: F401 - a fixture

MENU = ("csc", "eyc", "send")


def email_of(key: str) -> str:
    return f"la-{key}@example.com"


@pytest.fixture
def census(wave: Wave) -> Wave:  # noqa: F811 - the fixture imported above
    """The wave with one contact per LA."""
    for unit in wave.units.select_related("unit"):
        add_contact(unit, "test", f"Contact at {unit.name}", email_of(unit.unit.key))
    return wave


def _to(message: EmailMessage) -> str:
    return message["To"].addresses[0].addr_spec


def _send(wave: Wave, template: str, audience: str) -> int:  # noqa: F811 - not the fixture
    """Queue and send a campaign; the number of messages queued, all of them sent."""
    queued = queue_campaign(wave, load_template(template), audience)
    assert queued.units_without_recipients == []
    done = work_until_idle(batch=200)
    assert (done.sent, done.failed) == (queued.messages, 0)
    return queued.messages


def test_an_invitation_reaches_all_152_las_each_with_its_own_code_and_link(
    census: Wave,
    smtp: Keeper,  # noqa: F811 - the fixture imported above
) -> None:
    assert _send(census, "invitation", "everyone") == 152
    arrived = {_to(m): m for m in smtp.received}
    assert len(smtp.received) == len(arrived) == 152
    for unit in census.units.select_related("unit"):
        message = arrived[email_of(unit.unit.key)]
        code = unseal(unit.code_sealed)
        body = message.get_body(("plain",)).get_content()
        assert f"/s/{code}" in body and unit.name in message["Subject"], unit.name
        others = [u for u in census.units.all()[:3] if u.pk != unit.pk]
        assert all(unseal(o.code_sealed) not in body for o in others)
        assert [p.get_content_type() for p in message.iter_attachments()] == [XLSX]


def _statuses(wave: Wave) -> dict[str, set[str]]:  # noqa: F811 - not the fixture
    """Some LAs completed, some part-way, some only opened a section, the rest never started: keys by group."""
    units = list(wave.units.select_related("unit").order_by("unit__key"))
    groups = {"complete": units[:5], "partial": units[5:10], "opened": units[10:13], "in_progress": units[13:16]}
    rows = [
        SectionState(wave_unit=u, section=s, status=SectionState.COMPLETED) for u in groups["complete"] for s in MENU
    ]
    rows += [SectionState(wave_unit=u, section="csc", status=SectionState.COMPLETED) for u in groups["partial"]]
    rows += [SectionState(wave_unit=u, section="eyc", status=SectionState.NOT_STARTED) for u in groups["opened"]]
    rows += [SectionState(wave_unit=u, section="send", status=SectionState.IN_PROGRESS) for u in groups["in_progress"]]
    SectionState.objects.bulk_create(rows)
    keys = {name: {u.unit.key for u in members} for name, members in groups.items()}
    keys["never"] = {u.unit.key for u in units[16:]}
    return keys


@pytest.mark.parametrize(
    ("audience", "groups"),
    [("unfinished", ("partial", "opened", "in_progress", "never")), ("not-started", ("opened", "never"))],
)
def test_a_reminder_reaches_exactly_the_las_in_its_audience(
    census: Wave,
    smtp: Keeper,  # noqa: F811 - the fixture imported above
    audience: str,
    groups: tuple[str, ...],
) -> None:
    keys = _statuses(census)
    expected = {email_of(k) for g in groups for k in keys[g]}
    assert _send(census, "reminder", audience) == len(expected)
    assert sorted(_to(m) for m in smtp.received) == sorted(expected)
    assert not {email_of(k) for k in keys["complete"]} & {_to(m) for m in smtp.received}
