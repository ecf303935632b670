"""Writing audit events. Every service that changes state calls audit_record inside its transaction."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction
from django.forms.models import model_to_dict

from .models import AuditEvent


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """The field values of a model instance as JSON-safe data, for the before and after of an event."""
    data = model_to_dict(obj, exclude=["id", "council", *exclude])
    return {k: _jsonable(v) for k, v in data.items()}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    summary: str,
    council=None,
    child=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Write one audit event for a change; must run inside the change's own transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records.")
    return AuditEvent.objects.create(
        council=council if council is not None else getattr(obj, "council", None),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "full_name", "") or str(actor)) if actor is not None else "System",
        action=action,
        summary=summary[:300],
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        child=child,
        before=before,
        after=after,
    )
