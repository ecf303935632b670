"""Helpers shared by the service functions of every app."""

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
        setattr(obj, name, value)
    return before, snapshot(obj)
