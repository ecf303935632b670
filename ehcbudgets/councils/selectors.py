"""Reads of councils and their policy."""

from datetime import date

from .models import Council, CouncilPolicy


def policy_in_force(*, council: Council, on: date) -> CouncilPolicy:
    """The council's policy in force on a date; the defaults of DOMAIN.md where none was recorded yet."""
    policy = CouncilPolicy.objects.filter(council=council, effective_from__lte=on).order_by("-effective_from").first()
    return policy or CouncilPolicy(council=council, effective_from=on)
