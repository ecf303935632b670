"""Reads of plans, scoped through the child the user may see."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.people.selectors import children_visible_to

from . import rules
from .models import FundingStream, Outcome, Plan, PlanReview, PlanStatus, ProvisionItem


def plans_visible_to(user) -> QuerySet[Plan]:
    """Plans of the children the user may see."""
    return Plan.objects.filter(child__in=children_visible_to(user)).select_related("child", "council")


def plan_get(*, user, pk) -> Plan:
    """One plan the user may see, or 404."""
    return get_object_or_404(plans_visible_to(user), pk=pk)


def current_plan(*, child) -> Plan | None:
    """The child's plan that has not ceased, or else the most recent one."""
    plans = Plan.objects.filter(council_id=child.council_id, child=child)
    return plans.exclude(status=PlanStatus.CEASED).first() or plans.order_by("-created_at").first()


def provision_for(*, user, plan: Plan) -> QuerySet[ProvisionItem]:
    """A plan's provision; an ICB officer sees only the health provision."""
    items = ProvisionItem.objects.filter(council_id=plan.council_id, plan=plan).prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.order_by("created_at", "pk"))
    )
    if getattr(user, "is_icb_officer", False):
        items = items.filter(funding_stream=FundingStream.HEALTH)
    return items


def outcomes_of(*, plan: Plan) -> QuerySet[Outcome]:
    return Outcome.objects.filter(council_id=plan.council_id, plan=plan)


def reviews_of(*, plan: Plan) -> QuerySet[PlanReview]:
    return PlanReview.objects.filter(council_id=plan.council_id, plan=plan).order_by("-meeting_date")


@dataclass(frozen=True)
class ReviewDates:
    annual_review_due: date | None
    under_five_review_due: date | None
    pending_decision_due: date | None

    @property
    def next_due(self) -> date | None:
        dates = [d for d in (self.annual_review_due, self.under_five_review_due) if d]
        return min(dates) if dates else None


def review_dates(*, plan: Plan) -> ReviewDates:
    """When the plan's next review is due, and any review decision still awaited (DOMAIN R28, R29)."""
    if plan.issued_on is None or plan.status == PlanStatus.CEASED:
        return ReviewDates(None, None, None)
    reviews = list(reviews_of(plan=plan))
    last_meeting = reviews[0].meeting_date if reviews else None
    pending = next((r for r in reviews if not r.decision), None)
    annual = rules.annual_review_due(issued_on=plan.issued_on, last_review_meeting=last_meeting)
    basis = last_meeting or plan.issued_on
    months = policy_in_force(council=plan.council, on=basis).under_five_review_months
    under_five = rules.under_five_review_due(
        born=plan.child.date_of_birth, issued_on=plan.issued_on, last_review_meeting=last_meeting, months=months
    )
    return ReviewDates(annual, under_five, pending.decision_due if pending else None)
