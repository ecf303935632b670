"""Council staff pages for personal budgets: requests, costing, decisions, panel, reviews and Section J."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.core.money import format_money
from ehcbudgets.core.views import confirm_page, form_page
from ehcbudgets.offer.selectors import offer_items
from ehcbudgets.people.selectors import child_get, contacts_of

from . import selectors, services
from .forms import (
    BudgetStartForm,
    DirectPaymentCaseForm,
    LineForm,
    PanelForm,
    RefusalForm,
    RequestForm,
    ReviewDecisionForm,
    ReviewRequestForm,
    SubmitForm,
)
from .models import Budget, BudgetLine, BudgetRequest, BudgetStatus, Decision, DecisionReviewRequest, PanelReferral


def _budget_url(budget) -> str:
    return reverse("budgets:budget", args=[budget.child_id, budget.pk])


def _request_of(request, pk, request_pk):
    child = child_get(user=request.user, pk=pk)
    return child, get_object_or_404(BudgetRequest, pk=request_pk, child=child, council_id=child.council_id)


def _budget_of(request, pk, budget_pk):
    child = child_get(user=request.user, pk=pk)
    budget = get_object_or_404(
        Budget.objects.select_related("request", "plan", "prepared_by", "approved_by", "section_j"),
        pk=budget_pk,
        child=child,
        council_id=child.council_id,
    )
    return child, budget


@require(Perm.BUDGET_PREPARE)
def request_create(request, pk):
    """An officer records a request made by letter, email, phone or in person (DOMAIN R1, R2)."""
    child = child_get(user=request.user, pk=pk)
    form = RequestForm(request.POST or None, contacts=contacts_of(child=child), initial={"received_on": today()})
    return form_page(
        request,
        form=form,
        title="Record a request for a personal budget",
        caption=child.full_name,
        back_url=reverse("cases:child", args=[child.pk]) + "#budget",
        save=lambda data: services.budget_request_record(actor=request.user, child=child, **data),
        success_url=lambda req: reverse("budgets:request", args=[child.pk, req.pk]),
        success_message="Request recorded",
    )


@require(Perm.BUDGET_VIEW)
def request_detail(request, pk, request_pk):
    child, budget_request = _request_of(request, pk, request_pk)
    context = {
        "child": child,
        "req": budget_request,
        "today": today(),
        "budgets": budget_request.budgets.all(),
        "decisions": budget_request.decisions.select_related("letter", "line__offer_item").prefetch_related(
            "review_requests"
        ),
        "can_prepare": has_perm(request.user, Perm.BUDGET_PREPARE),
        "can_review": has_perm(request.user, Perm.DECISION_REVIEW),
    }
    return render(request, "budgets/request_detail.html", context)


@require(Perm.BUDGET_PREPARE)
def budget_start(request, pk, request_pk):
    child, budget_request = _request_of(request, pk, request_pk)
    form = BudgetStartForm(request.POST or None, initial={"period_start": today()})
    return form_page(
        request,
        form=form,
        title="Start costing the budget",
        caption=child.full_name,
        back_url=reverse("budgets:request", args=[child.pk, budget_request.pk]),
        intro="Lines are made from the plan's provision with the rate in force on the period's start. You can change "
        "each line's item, dates and how it is held.",
        save=lambda data: services.budget_start(actor=request.user, request=budget_request, **data),
        success_url=_budget_url,
        success_message="Budget costed from the plan",
    )


@require(Perm.BUDGET_VIEW)
def budget_detail(request, pk, budget_pk):
    """The budget: lines with how each is worked out, totals, what blocks approval, and the actions."""
    child, budget = _budget_of(request, pk, budget_pk)
    user = request.user
    lines = list(selectors.lines_of(budget=budget))
    costed = {line.provision_item_id for line in lines}
    uncosted = [p for p in budget.plan.provision_items.all() if p.pk not in costed]
    context = {
        "child": child,
        "budget": budget,
        "lines": lines,
        "uncosted": uncosted,
        "totals": selectors.totals(budget=budget),
        "blockers": selectors.approval_blockers(budget=budget),
        "case": getattr(budget, "direct_payment_case", None),
        "referrals": budget.panel_referrals.all(),
        "decisions": budget.decisions.select_related("letter", "line__offer_item"),
        "alerts": budget.alerts.filter(resolved_on__isnull=True),
        "editable": budget.status == BudgetStatus.DRAFT,
        "can_prepare": has_perm(user, Perm.BUDGET_PREPARE),
        "can_decide": has_perm(user, Perm.BUDGET_DECIDE)
        and user.pk not in (budget.prepared_by_id, budget.submitted_by_id),
        "prepared_it": user.pk in (budget.prepared_by_id, budget.submitted_by_id),
        "can_panel": has_perm(user, Perm.PANEL_DECIDE),
        "agreements": list(budget.dp_agreements.all()) if has_perm(user, Perm.DP_VIEW) else [],
    }
    context["can_set_up_dp"] = (
        has_perm(user, Perm.DP_MANAGE)
        and not any(a.status != "stopped" for a in context["agreements"])
        and any(line.management_mode in selectors.PAID_TO_FAMILY for line in lines)
    )
    return render(request, "budgets/budget_detail.html", context)


@require(Perm.BUDGET_PREPARE)
def line_edit(request, pk, budget_pk, provision_pk):
    child, budget = _budget_of(request, pk, budget_pk)
    provision = get_object_or_404(budget.plan.provision_items, pk=provision_pk)
    line = BudgetLine.objects.filter(budget=budget, provision_item=provision).first()
    items = offer_items(council=budget.council).filter(funding_stream=provision.funding_stream)
    initial = {"start_date": budget.period_start, "end_date": budget.period_end}
    if line:
        initial.update({f: getattr(line, f) for f in services.LINE_FIELDS})
    form = LineForm(request.POST or None, items=items, initial=initial)
    return form_page(
        request,
        form=form,
        title="Cost this provision",
        caption=child.full_name,
        back_url=_budget_url(budget),
        intro=f"Section {provision.section}: {provision.description} ({provision.amount_text}, "
        f"{provision.get_delivered_at_display().lower()}).",
        save=lambda data: services.budget_line_set(
            actor=request.user, budget=budget, provision_item=provision, line=line, **data
        ),
        success_url=_budget_url(budget),
        success_message="Line saved",
    )


@require(Perm.BUDGET_PREPARE)
def direct_payment_case(request, pk, budget_pk):
    child, budget = _budget_of(request, pk, budget_pk)
    case = getattr(budget, "direct_payment_case", None)
    initial = {}
    if case:
        initial = {
            f: getattr(case, f)
            for f in ("recipient", "will_secure_provision", "best_interests", "no_harm_to_services", "efficient_use")
        }
    form = DirectPaymentCaseForm(request.POST or None, contacts=contacts_of(child=child), initial=initial)
    return form_page(
        request,
        form=form,
        title="Direct payments: recipient and findings",
        caption=child.full_name,
        back_url=_budget_url(budget),
        intro="The council may pay direct payments only when it has recorded, with evidence, all four findings below "
        "(Special Educational Needs (Personal Budgets) Regulations 2014, regulation 6).",
        save=lambda data: services.direct_payment_case_record(actor=request.user, budget=budget, **data),
        success_url=_budget_url(budget),
        success_message="Direct payment findings saved",
    )


@require(Perm.BUDGET_PREPARE)
def budget_submit(request, pk, budget_pk):
    child, budget = _budget_of(request, pk, budget_pk)
    form = SubmitForm(request.POST or None, initial={"final_amount": budget.final_amount or budget.costed_total})
    return form_page(
        request,
        form=form,
        title="Send the budget for approval",
        caption=child.full_name,
        back_url=_budget_url(budget),
        intro=f"The costed lines come to {format_money(budget.costed_total)}. A different manager will approve it.",
        save=lambda data: services.budget_submit(actor=request.user, budget=budget, **data),
        success_url=_budget_url(budget),
        success_message="Budget sent for approval",
    )


@require(Perm.BUDGET_DECIDE)
def budget_approve(request, pk, budget_pk):
    child, budget = _budget_of(request, pk, budget_pk)
    context = {
        "child": child,
        "budget": budget,
        "blockers": selectors.approval_blockers(budget=budget),
        "totals": selectors.totals(budget=budget),
        "prepared_it": request.user.pk in (budget.prepared_by_id, budget.submitted_by_id),
    }
    return confirm_page(
        request,
        action=lambda: services.budget_approve(actor=request.user, budget=budget),
        template="budgets/approve.html",
        context=context,
        success_message="Budget agreed and the decision letter sent",
        success_url=_budget_url(budget),
    )


@require(Perm.BUDGET_DECIDE)
def budget_refuse(request, pk, budget_pk):
    child, budget = _budget_of(request, pk, budget_pk)
    form = RefusalForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title="Refuse the budget",
        caption=child.full_name,
        back_url=_budget_url(budget),
        intro="The family will get a letter with your reasons and their right to ask for a review.",
        save=lambda data: services.budget_refuse(actor=request.user, budget=budget, **data),
        success_url=_budget_url(budget),
        success_message="Budget refused and the letter sent",
    )


@require(Perm.BUDGET_DECIDE)
def direct_payment_refuse(request, pk, budget_pk, line_pk):
    child, budget = _budget_of(request, pk, budget_pk)
    line = get_object_or_404(BudgetLine, pk=line_pk, budget=budget)
    form = RefusalForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title=f"Refuse a direct payment for {line.offer_item.name}",
        caption=child.full_name,
        back_url=_budget_url(budget),
        intro="The council will arrange this support instead. The family will get a letter with your reasons and "
        "their right to ask for a review.",
        save=lambda data: services.direct_payment_refuse(actor=request.user, line=line, **data),
        success_url=_budget_url(budget),
        success_message="Direct payment refused and the letter sent",
    )


@require(Perm.PANEL_DECIDE)
def panel_decide(request, pk, budget_pk, referral_pk):
    child, budget = _budget_of(request, pk, budget_pk)
    referral = get_object_or_404(PanelReferral, pk=referral_pk, budget=budget)
    form = PanelForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title="Record the SEN panel's decision",
        caption=child.full_name,
        back_url=_budget_url(budget),
        intro=referral.question,
        save=lambda data: services.panel_decide(actor=request.user, referral=referral, **data),
        success_url=_budget_url(budget),
        success_message="Panel decision recorded",
    )


@require(Perm.BUDGET_PREPARE)
def section_j(request, pk, budget_pk):
    child, budget = _budget_of(request, pk, budget_pk)
    return confirm_page(
        request,
        action=lambda: services.section_j_issue(actor=request.user, budget=budget),
        template="budgets/section_j.html",
        context={"child": child, "budget": budget},
        success_message="Section J written and sent",
        success_url=_budget_url(budget),
    )


@require(Perm.BUDGET_PREPARE)
def review_request_create(request, pk, decision_pk):
    """An officer records a family's request, made by letter or phone, to review a refusal (DOMAIN R14)."""
    child = child_get(user=request.user, pk=pk)
    decision = get_object_or_404(Decision, pk=decision_pk, request__child=child, council_id=child.council_id)
    form = ReviewRequestForm(request.POST or None, submit_label="Record the request")
    return form_page(
        request,
        form=form,
        title="Record a request to review the decision",
        caption=child.full_name,
        back_url=reverse("cases:child", args=[child.pk]) + "#budget",
        save=lambda data: services.decision_review_request(actor=request.user, decision=decision, **data),
        success_url=lambda review: reverse("budgets:review", args=[child.pk, review.pk]),
        success_message="Review request recorded",
    )


@require(Perm.DECISION_REVIEW)
def review_decide(request, pk, review_request_pk):
    child = child_get(user=request.user, pk=pk)
    review = get_object_or_404(
        DecisionReviewRequest.objects.select_related("decision"),
        pk=review_request_pk,
        decision__request__child=child,
        council_id=child.council_id,
    )
    form = ReviewDecisionForm(request.POST or None)
    decision = review.decision
    return form_page(
        request,
        form=form,
        title="Review the decision",
        caption=child.full_name,
        back_url=reverse("cases:child", args=[child.pk]) + "#budget",
        intro=f"{decision.get_kind_display()} on {format_date(decision.decided_on)}: {decision.reasons} "
        f"The family says: {review.grounds}",
        save=lambda data: services.decision_review_decide(
            actor=request.user, review=review, upheld=data["outcome"] == "upheld", reasons=data["reasons"]
        ),
        success_url=reverse("cases:child", args=[child.pk]) + "#budget",
        success_message="Review outcome sent",
    )
