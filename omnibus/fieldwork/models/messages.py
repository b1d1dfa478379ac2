"""Messages to the units of a wave: a campaign (one template sent to an audience) and its outbox rows.

A `Message` row is the outbox entry for one recipient: the worker claims it, sends it and
records what happened. The recipient's name and address are copied onto the row when the
campaign is queued, so a later change to a unit's contacts never changes what was sent to whom.
The text itself is rendered at send time from the campaign's template: rendered text would hold
the unit's access code, and codes are never kept in the clear in the database.
"""

from django.db import models

from omnibus.fieldwork.models.waves import Wave, WaveUnit


class Campaign(models.Model):
    """One template sent to one audience of a wave; the template's text is kept as it was sent."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="campaigns")
    template_name = models.CharField(max_length=100)
    template_text = models.TextField()
    audience = models.CharField(max_length=100)
    attach_copy = models.BooleanField(default=False)
    # The site's address its links point at, fixed when it is queued (the worker has no request to ask).
    base_url = models.CharField(max_length=300, blank=True)
    # The confirmation form's one-time key: the database refuses a second campaign from the same form,
    # so a double click or a resubmitted page queues nothing more, whichever server takes it.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.template_name}#{self.pk}"


class Message(models.Model):
    """One email to one recipient of a unit, and where it stands: queued, sending, sent, failed or bounced."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"

    # The names the rest of the code uses.
    QUEUED = Status.QUEUED
    SENDING = Status.SENDING
    SENT = Status.SENT
    FAILED = Status.FAILED
    BOUNCED = Status.BOUNCED

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    wave_unit = models.ForeignKey(WaveUnit, on_delete=models.CASCADE, related_name="messages")
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(max_length=254)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A claim: the worker holding the row and until when; an expired lease means the worker died.
    lease_token = models.CharField(max_length=36, blank=True)
    lease_expires_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)
    # Stable across retries, so a copy re-sent after a crash can be recognised as the same message.
    message_id = models.CharField(max_length=200, unique=True)
    provider_id = models.CharField(max_length=200, blank=True)  # what the mail server or Notify answered
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True)
    bounced_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "wave_unit", "recipient_email"], name="one_message_per_recipient_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        ordering = ["campaign_id", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} to {self.recipient_email} ({self.status})"


class MessageAttachment(models.Model):
    """A file made for one message and sent with it: a respondent's copy of their answers, say.

    Kept as made, so a retry or a recovered worker sends the same file.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.filename} for {self.message_id}"
