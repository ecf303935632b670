"""Audit events: who did what to which record, when, with the values before and after. Append only."""

from django.conf import settings
from django.db import models


class AuditEventImmutable(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEventImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditEventImmutable("Audit events cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events cannot be changed.")


class AuditEvent(models.Model):
    """One change made through a service. Written in the same transaction as the change itself."""

    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=250, help_text="The actor as they were named at the time.")
    action = models.CharField(max_length=80, db_index=True)
    summary = models.CharField(max_length=300)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=40)
    child = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["council", "-created_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditEventImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events cannot be deleted.")

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """The fields that changed, with their values before and after."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
