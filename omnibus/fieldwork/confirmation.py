"""A respondent's emailed confirmation: a copy of the unit's answers, sent through the outbox.

The copy is made when it is asked for (by the page above, which can lay out a PDF) and kept with
the message, so a retry sends the same file. Each request is a campaign of its own with one
message, so the office's message pages list it like any other.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from omnibus.fieldwork.mail import Attachment
from omnibus.fieldwork.messages import TEMPLATE_DIR, Recipient, Template, load_template, wave_fields
from omnibus.fieldwork.models import Campaign, Message, MessageAttachment, WaveUnit
from omnibus.fieldwork.outbox import new_message, work_outbox_task

AUDIENCE = "confirmation"
# Kept apart from the campaign templates (the office's send form lists those), and sent only from here.
TEMPLATE = TEMPLATE_DIR / "respondent" / "confirmation.md"
PER_HOUR = 5  # copies one unit may ask for in an hour: enough for colleagues, too few to spam with


class TooManyCopies(Exception):
    """The unit has asked for PER_HOUR copies in the last hour already."""


def check_allowed(wave_unit: WaveUnit) -> None:
    """Raise TooManyCopies when the unit has had PER_HOUR copies in the last hour (checked before a copy is made)."""
    since = timezone.now() - timedelta(hours=1)
    recent = Message.objects.filter(wave_unit=wave_unit, campaign__audience=AUDIENCE, created_at__gte=since)
    if recent.count() >= PER_HOUR:
        raise TooManyCopies(f"{PER_HOUR} copies of these answers have been sent in the last hour")


def queue_confirmation(
    wave_unit: WaveUnit, recipient: Recipient, copy: Attachment, template: Template | None = None
) -> Message:
    """Queue one email with the copy attached; the outbox worker sends it."""
    template = template or load_template(TEMPLATE, wave_fields(wave_unit.wave))
    with transaction.atomic():
        check_allowed(wave_unit)
        campaign = Campaign.objects.create(
            wave=wave_unit.wave, template_name=template.name, template_text=template.text, audience=AUDIENCE
        )
        message = new_message(campaign, wave_unit, recipient)
        message.save()
        kind = f"{copy.maintype}/{copy.subtype}"
        MessageAttachment.objects.create(
            message=message, filename=copy.filename, content_type=kind, content=copy.content
        )
        transaction.on_commit(lambda: work_outbox_task.enqueue())
    return message
