"""Budgets follow the plan and the rate card: a change there recalculates the budgets it touches (DOMAIN R17)."""

from django.core.exceptions import ValidationError
from django.dispatch import receiver

from ehcbudgets.offer.signals import rate_added
from ehcbudgets.plans.signals import provision_changed, provision_removing

from .models import Budget, BudgetLine, BudgetStatus
from .services import budget_recalculate

LIVE = (BudgetStatus.DRAFT, BudgetStatus.AWAITING_APPROVAL, BudgetStatus.AWAITING_PANEL, BudgetStatus.APPROVED)


@receiver(provision_changed, dispatch_uid="budgets.provision_changed")
def recalculate_after_provision_change(sender, plan, item, actor, **kwargs):
    """A changed plan line re-prices the budgets that cost it (R17)."""
    for budget in Budget.objects.filter(plan=plan, status__in=LIVE, lines__provision_item=item).distinct():
        budget_recalculate(actor=actor, budget=budget, reason="the plan's provision changed")


@receiver(provision_removing, dispatch_uid="budgets.provision_removing")
def release_lines_before_provision_removed(sender, plan, item, actor, **kwargs):
    """A budget being prepared drops the line; provision costed in any decided or pending budget stays, so that
    budget's record keeps its lines and totals (change the provision's quantity instead, or start a new budget)."""
    lines = BudgetLine.objects.filter(provision_item=item).select_related("budget")
    if lines.exclude(budget__status=BudgetStatus.DRAFT).exists():
        raise ValidationError(
            "This provision is costed in a personal budget on record (agreed, refused, replaced or waiting for a "
            "decision), so it cannot be removed: change its quantity, or end it at the next review"
        )
    drafts = {line.budget for line in lines}
    lines.delete()
    for budget in drafts:
        budget_recalculate(actor=actor, budget=budget, reason="provision was removed from the plan")


@receiver(rate_added, dispatch_uid="budgets.rate_added")
def recalculate_after_new_rate(sender, rate, actor, **kwargs):
    """A new rate re-prices live budgets whose lines start on or after it takes effect (R6, R17)."""
    budgets = Budget.objects.filter(
        status__in=LIVE, lines__offer_item=rate.item, lines__start_date__gte=rate.effective_from
    ).distinct()
    for budget in budgets:
        budget_recalculate(actor=actor, budget=budget, reason=f"a new rate for {rate.item.name}")
