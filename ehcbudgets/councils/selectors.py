"""Reads of councils and their policy."""

from datetime import date

from django.shortcuts import get_object_or_404

from .models import Council, CouncilPolicy


def policy_in_force(*, council: Council, on: date) -> CouncilPolicy:
    """The council's policy in force on a date; the defaults of DOMAIN.md where none was recorded yet."""
    policy = CouncilPolicy.objects.filter(council=council, effective_from__lte=on).order_by("-effective_from").first()
    return policy or CouncilPolicy(council=council, effective_from=on)


def councils_all():
    """Every council using the service, by name: their public pages are open to anyone (DOMAIN R3)."""
    return Council.objects.order_by("name")


def council_by_code(*, code: str) -> Council:
    """A council by the code in its public pages' address; an unknown code answers 404."""
    return get_object_or_404(Council, code=code)


def policies_of(*, council: Council):
    """Every dated policy record of a council, newest first."""
    return CouncilPolicy.objects.filter(council=council).order_by("-effective_from")
