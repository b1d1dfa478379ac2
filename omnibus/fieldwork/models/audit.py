"""The audit trail: who viewed, changed, sent, exported, imported or erased what, and when. Append-only."""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event."""


class AuditQuerySet(models.QuerySet):
    """Audit events can be added and read, never updated or deleted in bulk."""

    def update(self, **kwargs):  # noqa: ANN003, ANN201 - the QuerySet signature
        raise AppendOnlyError("audit events are never changed")

    def delete(self):  # noqa: ANN201
        raise AppendOnlyError("audit events are never deleted")


class AuditEvent(models.Model):
    """One thing someone did. `actor` is always filled in (a username, "cli:NAME" or "system").

    The details name objects by type and id, never a person's name or email, so that erasing a
    wave's contacts leaves no personal data behind in the trail.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        CHANGED = "changed", "Changed"
        SENT = "sent", "Sent"
        EXPORTED = "exported", "Exported"
        IMPORTED = "imported", "Imported"
        ERASED = "erased", "Erased"

    # The names the rest of the code uses.
    VIEWED = Action.VIEWED
    CHANGED = Action.CHANGED
    SENT = Action.SENT
    EXPORTED = Action.EXPORTED
    IMPORTED = Action.IMPORTED
    ERASED = Action.ERASED

    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150)
    # Kept beside the text: the text survives the user's deletion, the link finds their events.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=10, choices=Action)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    wave = models.ForeignKey("fieldwork.Wave", on_delete=models.SET_NULL, null=True, related_name="audit_events")
    detail = models.TextField(blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.object_type} {self.object_id}".rstrip()

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        """Insert only: an event once written is never rewritten."""
        if self.pk is not None:
            raise AppendOnlyError("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise AppendOnlyError("audit events are never deleted")
