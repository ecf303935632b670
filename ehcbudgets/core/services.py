"""Helpers shared by the service functions of every app."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from ehcbudgets.audit.services import snapshot


def validate_and_save(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's own validation (field formats, constraints) and save; raises ValidationError by field."""
    obj.full_clean(exclude=exclude)
    obj.save()


def apply_changes(obj: models.Model, changes: dict) -> tuple[dict, dict]:
    """Set fields on an instance; returns its snapshots before and after (nothing is saved here)."""
    unknown = set(changes) - {f.name for f in obj._meta.get_fields()}
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    before = snapshot(obj)
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            # 2 and 2.00 are the same quantity: store and compare them at the field's places.
            exact = value.quantize(Decimal(1).scaleb(-field.decimal_places))
            value = exact if exact == value else value
        setattr(obj, name, value)
    return before, snapshot(obj)


def unchanged(obj: models.Model, before: dict) -> bool:
    """Whether a change left every field as it was: such an update saves nothing and writes no audit event."""
    return snapshot(obj) == before


def only_fields(fields: dict, allowed: set[str]) -> dict:
    """The fields a service may set; any other name is refused rather than silently ignored."""
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"These fields cannot be set: {', '.join(sorted(unknown))}")
    return fields
