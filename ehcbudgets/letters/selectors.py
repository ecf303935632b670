"""Reads of letters. The child comes from `people.selectors.child_get`, so it is already in the user's scope."""

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Letter


def letters_for(*, child) -> QuerySet[Letter]:
    """A child's letters, newest first."""
    return Letter.objects.filter(council_id=child.council_id, child=child).order_by("-issued_at", "-pk")


def letter_get(*, child, pk) -> Letter:
    """One of the child's letters, or 404 (another child's letter is simply not found)."""
    return get_object_or_404(letters_for(child=child).select_related("council"), pk=pk)


def letters_about(*, obj: models.Model) -> QuerySet[Letter]:
    """The letters sent about a record (a budget, a decision), newest first; the record is already in scope."""
    return Letter.objects.filter(
        council_id=obj.council_id, related_object_type=obj._meta.label_lower, related_object_id=str(obj.pk)
    ).order_by("-issued_at", "-pk")
