"""The demo's monitoring: the morning's full check of the rules run once, so the work queue, the findings and the
reviews due have something to show, and one finding raised with a family."""

from django.db import transaction

from ehcbudgets.accounts.models import Role, User

from . import services
from .models import Finding, FindingStatus, SweepKind


@transaction.atomic
def build_monitoring(*, council) -> None:
    """Run a full check now (not in the background, so the demo is ready when it loads) and raise the oldest
    finding about the parent's agreement with the family."""
    sweep = services.sweep_start(actor=None, council=council, kind=SweepKind.FULL)
    services.sweep_run(sweep_id=sweep.pk)  # the queued task finds it done and does nothing
    officer = User.objects.get(council=council, role=Role.CASE_OFFICER)
    finding = (
        Finding.objects.filter(council=council, status=FindingStatus.OPEN, agreement__recipient__user__isnull=False)
        .order_by("found_on", "pk")
        .first()
    )
    if finding is not None:
        services.finding_raise(
            actor=officer,
            finding=finding,
            message="Could you tell us about this, and send a receipt or invoice if you have one?",
        )
