"""Reads of budget requests, budgets and decisions, scoped through the child the user may see."""

import re
from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ehcbudgets.core.dates import today
from ehcbudgets.offer.models import ManagementMode, OfferItem
from ehcbudgets.people.selectors import children_visible_to

from . import rules
from .models import (
    Budget,
    BudgetLine,
    BudgetRequest,
    Decision,
    DecisionReviewRequest,
    PanelOutcome,
    PanelReferral,
)

PAID_TO_FAMILY = (ManagementMode.DIRECT_PAYMENT, ManagementMode.THIRD_PARTY)


def requests_visible_to(user) -> QuerySet[BudgetRequest]:
    return BudgetRequest.objects.filter(child__in=children_visible_to(user)).select_related("child", "plan")


def request_get(*, user, pk) -> BudgetRequest:
    return get_object_or_404(requests_visible_to(user), pk=pk)


def budgets_visible_to(user) -> QuerySet[Budget]:
    return Budget.objects.filter(child__in=children_visible_to(user)).select_related("child", "plan", "request")


def budget_get(*, user, pk) -> Budget:
    return get_object_or_404(budgets_visible_to(user), pk=pk)


def lines_of(*, budget: Budget) -> QuerySet[BudgetLine]:
    return (
        BudgetLine.objects.filter(council_id=budget.council_id, budget=budget)
        .select_related("provision_item", "offer_item", "rate")
        .prefetch_related("provision_item__outcomes")
        .order_by("provision_item__section", "pk")
    )


def budget_requests_of(*, child) -> QuerySet[BudgetRequest]:
    """A child's requests, newest first, with their budgets (the child is already in the user's scope)."""
    return (
        BudgetRequest.objects.filter(council_id=child.council_id, child=child)
        .prefetch_related("budgets")
        .order_by("-received_on", "-pk")
    )


def decisions_of(*, child) -> QuerySet[Decision]:
    return Decision.objects.filter(council_id=child.council_id, request__child=child).select_related("line", "letter")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}


def suggest_offer_item(*, provision_item, candidates: list[OfferItem]) -> OfferItem | None:
    """The catalogue item that best prices a provision item: same funding stream and unit, most words in common,
    items inside the local offer first. None when nothing matches the stream and unit."""
    matching = [
        i for i in candidates if i.funding_stream == provision_item.funding_stream and i.unit == provision_item.unit
    ]
    if not matching:
        return None
    wanted = _words(provision_item.description)
    return max(matching, key=lambda i: (len(wanted & _words(f"{i.name} {i.description}")), i.in_local_offer, -i.pk))


def totals(*, budget: Budget) -> dict:
    """Totals derived from the lines: overall, by funding stream, by funder and by management mode (DOMAIN R8, R27)."""
    by_stream, by_funder, by_mode = defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)
    for line in lines_of(budget=budget):
        by_stream[line.funding_stream] += line.amount
        by_funder[line.funder] += line.amount
        by_mode[line.management_mode] += line.amount
    return {
        "total": sum(by_stream.values(), Decimal("0.00")),
        "by_stream": dict(by_stream),
        "by_funder": dict(by_funder),
        "by_mode": dict(by_mode),
        "integrated": rules.is_integrated(set(by_stream)),
    }


def approval_blockers(*, budget: Budget) -> list[str]:
    """Everything that makes approval impossible, in words for the page (DOMAIN R5, R9, R10 to R13)."""
    blockers = []
    lines = list(lines_of(budget=budget))
    if not lines:
        blockers.append("Add at least one line to the budget")
    if budget.final_amount is None:
        blockers.append("Enter the final amount of the budget")
    elif not rules.budget_is_sufficient(final_amount=budget.final_amount, costed_total=budget.costed_total):
        blockers.append("The final amount is less than the costed lines, so the budget is insufficient")
    referrals = list(budget.panel_referrals.all())
    if any(line.needs_panel for line in lines) and not any(r.outcome == PanelOutcome.AGREED for r in referrals):
        blockers.append("Lines outside the local offer need the SEN panel's agreement")
    for line in lines:
        problem = rules.mode_problem(
            mode=line.management_mode,
            category=line.offer_item.category,
            allowed_modes=line.offer_item.allowed_modes,
            block_contract=line.offer_item.block_contract,
            contract_reference=line.offer_item.contract_reference,
        )
        if problem:
            blockers.append(f"{line.offer_item.name}: {problem}")
        if rules.needs_setting_agreement(
            mode=line.management_mode,
            funding_stream=line.funding_stream,
            delivered_at=line.provision_item.delivered_at,
        ) and not (line.setting_agreement_name and line.setting_agreement_role and line.setting_agreement_on):
            blockers.append(f"{line.offer_item.name}: record the setting's written agreement (name, role, date)")
    paid = [line for line in lines if line.management_mode in PAID_TO_FAMILY]
    if paid:
        case = getattr(budget, "direct_payment_case", None)
        if case is None:
            blockers.append("Record who would receive the direct payments and the council's four findings")
        else:
            recipient = case.recipient
            facts = rules.RecipientFacts(
                relationship=recipient.relationship,
                has_capacity_to_consent=recipient.has_capacity_to_consent,
                drug_alcohol_order=recipient.drug_alcohol_order,
                nominated_in_writing_on=recipient.nominated_in_writing_on,
                nominee_consent_on=recipient.nominee_consent_on,
                child_is_young_person=budget.child.is_young_person(today()),
                only_social_care=all(line.funding_stream == "social_care" for line in paid),
            )
            blockers += [f"Recipient: {p}" for p in rules.recipient_problems(facts)]
            blockers += [f"Record evidence that {t}" for t in rules.r12_missing(case.__dict__)]
    return blockers


def decision_get(*, user, pk) -> Decision:
    """One decision on a request or budget of a child the user may see, or 404."""
    return get_object_or_404(
        Decision.objects.filter(request__in=requests_visible_to(user)).select_related("request__child", "line"), pk=pk
    )


def panel_referral_get(*, user, pk) -> PanelReferral:
    """One SEN panel referral of a budget the user may see, or 404."""
    return get_object_or_404(PanelReferral.objects.filter(budget__in=budgets_visible_to(user)), pk=pk)


def review_request_get(*, user, pk) -> DecisionReviewRequest:
    """One request to review a decision about a child the user may see, or 404."""
    return get_object_or_404(
        DecisionReviewRequest.objects.filter(decision__request__in=requests_visible_to(user)), pk=pk
    )
