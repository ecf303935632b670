"""Reads of audit events, always scoped to a council."""

from .models import AuditEvent


def child_timeline(*, child, limit: int = 50):
    """The audit events about a child and everything that hangs off it, newest first."""
    return AuditEvent.objects.filter(council_id=child.council_id, child=child).select_related("actor")[:limit]
