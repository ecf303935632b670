"""Council staff pages for monitoring: the work queue, the council's findings and reviews, the checks of the rules
(sweeps) with their progress, one finding with what can be done with it, and one review with its record form
(DOMAIN R16 to R23, R26, R28, R29, R31 to R33; ADR 11).

Agreements are read through payments.selectors, scoped to the user's council and the children they may see: another
council's or another child's finding or review answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.core.files import private_file_response
from ehcbudgets.core.forms import add_service_errors
from ehcbudgets.core.money import format_money
from ehcbudgets.core.views import form_page, paginate
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.plans.models import Outcome

from . import rules, selectors, services
from .forms import (
    FindingEscalateForm,
    FindingRaiseForm,
    FindingResolveForm,
    ReviewDeclineForm,
    ReviewRecordForm,
    SweepForm,
)
from .models import OPEN_FINDING_STATUSES, FindingNote, FindingRule, FindingStatus, ReviewOutcome, ReviewStatus

PER_PAGE = 25


def _agreement_of(request, pk, agreement_pk):
    return payment_selectors.agreement_get(user=request.user, child_pk=pk, pk=agreement_pk)


def finding_url(finding) -> str:
    return reverse("monitoring:finding", args=[finding.agreement.child_id, finding.agreement_id, finding.pk])


def review_url(review) -> str:
    return reverse("monitoring:review", args=[review.agreement.child_id, review.agreement_id, review.pk])


# The work queue -----------------------------------------------------------------------------------------------------


@require(Perm.WORK_QUEUE)
def work_queue(request):
    """Everything waiting for the user, with counts, filters and sorting, each with a link straight to the work."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in selectors.KINDS else ""
    sort = request.GET.get("sort", "oldest")
    sort = sort if sort in selectors.SORTS else "oldest"
    overdue_only = request.GET.get("overdue") == "yes"
    queue = selectors.work_queue(user=request.user, kind=kind, overdue_only=overdue_only, sort=sort)
    context = {
        **queue,
        "kind": kind,
        "sort": sort,
        "overdue_only": overdue_only,
        "kinds": [(key, value) for key, value in queue["counts"].items() if value["all"] or key == kind],
        "sorts": [("oldest", "Overdue and oldest first"), ("newest", "Newest first"), ("child", "Child's name")],
        "can_sweep": has_perm(request.user, Perm.MONITORING_RUN),
        "last_sweep": selectors.sweeps_of(council=request.user.council).first(),
    }
    return render(request, "monitoring/work_queue.html", context)


# Findings -----------------------------------------------------------------------------------------------------------


@require(Perm.DP_VIEW)
def findings(request):
    """The council's findings, filtered by state and rule, the oldest first."""
    status = request.GET.get("status", "open")
    status = status if status in ("open", "all", *FindingStatus.values) else "open"
    rule = request.GET.get("rule", "")
    rule = rule if rule in FindingRule.values else ""
    found = selectors.findings_filtered(user=request.user, status="" if status == "all" else status, rule=rule)
    context = {
        **paginate(request, found, PER_PAGE),
        "status": status,
        "rule": rule,
        "statuses": [("open", "Open"), *FindingStatus.choices, ("all", "All")],
        "rules": FindingRule.choices,
    }
    return render(request, "monitoring/findings.html", context)


def _finding_of(request, pk, agreement_pk, finding_pk):
    agreement = _agreement_of(request, pk, agreement_pk)
    return selectors.finding_get(agreement=agreement, pk=finding_pk)


@require(Perm.DP_VIEW)
def finding(request, pk, agreement_pk, finding_pk):
    """One finding: the rule's explanation, what it is about, the conversation with the family, and the actions."""
    item = _finding_of(request, pk, agreement_pk, finding_pk)
    user = request.user
    context = {
        "finding": item,
        "agreement": item.agreement,
        "child": item.agreement.child,
        "notes": list(item.notes.select_related("author")),
        "can_manage": has_perm(user, Perm.DP_MANAGE) and item.is_open,
        "can_escalate": has_perm(user, Perm.DP_DECIDE) and item.is_open and item.agreement.first_paid_on,
    }
    return render(request, "monitoring/finding.html", context)


def _finding_form(request, pk, agreement_pk, finding_pk, *, form, title, save, success_message, intro=""):
    item = _finding_of(request, pk, agreement_pk, finding_pk)
    return form_page(
        request,
        form=form,
        title=title,
        caption=f"{item.agreement.child.full_name}: {item.get_rule_display().lower()}",
        intro=intro or item.explanation,
        back_url=finding_url(item),
        save=lambda data: save(item, data),
        success_url=finding_url(item),
        success_message=success_message,
    )


@require(Perm.DP_MANAGE)
def finding_raise(request, pk, agreement_pk, finding_pk):
    """Raise a finding with the family, who answer on their page by the council's evidence deadline (R31)."""
    days = policy_in_force(council=request.user.council, on=today()).evidence_deadline_days
    due = format_date(services.evidence_due(today(), days))
    return _finding_form(
        request,
        pk,
        agreement_pk,
        finding_pk,
        form=FindingRaiseForm(request.POST or None),
        title="Raise the finding with the family",
        save=lambda item, data: services.finding_raise(actor=request.user, finding=item, message=data["message"]),
        success_message=f"Raised with the family. They have until {due} to answer.",
    )


@require(Perm.DP_MANAGE)
def finding_resolve(request, pk, agreement_pk, finding_pk):
    """Resolve a finding with a reason the family reads."""
    return _finding_form(
        request,
        pk,
        agreement_pk,
        finding_pk,
        form=FindingResolveForm(request.POST or None),
        title="Resolve the finding",
        save=lambda item, data: services.finding_resolve(actor=request.user, finding=item, reason=data["reason"]),
        success_message="Finding resolved",
    )


@require(Perm.DP_DECIDE)
def finding_escalate(request, pk, agreement_pk, finding_pk):
    """Escalate to a recovery: the family gets the notice of R23 before anything is recovered (DOMAIN R23)."""
    item = _finding_of(request, pk, agreement_pk, finding_pk)
    initial = {"amount": f"{item.amount:.2f}"} if item.amount else {}
    return _finding_form(
        request,
        pk,
        agreement_pk,
        finding_pk,
        form=FindingEscalateForm(request.POST or None, initial=initial),
        title="Recover money",
        intro=f"{item.explanation} The family gets a written notice with the reasons, the amount, who pays and by "
        "when, and may ask for the decision to be reconsidered.",
        save=lambda item, data: services.finding_escalate(
            actor=request.user, finding=item, amount=data["amount"], reasons=data["reasons"], method=data["method"]
        ),
        success_message="Notice to recover the money sent",
    )


@require(Perm.DP_VIEW)
def evidence(request, pk, agreement_pk, finding_pk, note_pk):
    """Evidence the family sent, to staff who may see the agreement (404 otherwise)."""
    item = _finding_of(request, pk, agreement_pk, finding_pk)
    return private_file_response(
        get_object_or_404(FindingNote, pk=note_pk, finding=item, council_id=item.council_id), default_name="evidence"
    )


# Checks of the rules (sweeps) ---------------------------------------------------------------------------------------


@require(Perm.DP_VIEW)
def sweeps(request):
    """The checks of the monitoring rules, newest first, with a form to start one."""
    council = request.user.council
    can_run = has_perm(request.user, Perm.MONITORING_RUN)
    form = SweepForm(request.POST or None) if can_run else None
    if request.method == "POST":
        if not can_run:
            raise Http404
        if form.is_valid():
            try:
                sweep = services.sweep_start(actor=request.user, council=council, kind=form.cleaned_data["kind"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Check started")
                return redirect("monitoring:sweep", sweep.pk)
    context = {**paginate(request, selectors.sweeps_of(council=council), PER_PAGE), "form": form}
    return render(request, "monitoring/sweeps.html", context)


@require(Perm.DP_VIEW)
def sweep(request, sweep_pk):
    """One check: its progress while it runs (the page refreshes itself, no JavaScript needed), then its summary."""
    item = selectors.sweep_get(council=request.user.council, pk=sweep_pk)
    summary = [(FindingRule(rule).label, count) for rule, count in sorted(item.summary.items())]
    return render(request, "monitoring/sweep.html", {"sweep": item, "summary": summary})


# Reviews ------------------------------------------------------------------------------------------------------------


@require(Perm.DP_VIEW)
def reviews(request):
    """The council's reviews of direct payments: due within 4 weeks or overdue, overdue only, or done."""
    state = request.GET.get("state", "due")
    state = state if state in ("due", "overdue", "recorded") else "due"
    context = {
        **paginate(request, selectors.reviews_filtered(user=request.user, state=state), PER_PAGE),
        "state": state,
        "states": [("due", "Due"), ("overdue", "Overdue"), ("recorded", "Done")],
        "today": today(),
    }
    return render(request, "monitoring/reviews.html", context)


def _review_of(request, pk, agreement_pk, dp_review_pk):
    agreement = _agreement_of(request, pk, agreement_pk)
    return selectors.review_get(agreement=agreement, pk=dp_review_pk)


@require(Perm.DP_VIEW)
def review(request, pk, agreement_pk, dp_review_pk):
    """One review: why and when it is due, and, once recorded, its answers, progress and outcome."""
    item = _review_of(request, pk, agreement_pk, dp_review_pk)
    agreement = item.agreement
    context = {
        "review": item,
        "agreement": agreement,
        "child": agreement.child,
        "progress": list(item.progress.select_related("outcome")),
        "can_record": has_perm(request.user, Perm.DP_MANAGE)
        and item.status == ReviewStatus.DUE
        and services.reviewable(agreement),
        "overdue": item.status == ReviewStatus.DUE and rules.review_overdue(due_on=item.due_on, on=today()),
        "findings": list(selectors.findings_of(agreement=agreement).filter(status__in=OPEN_FINDING_STATUSES)),
    }
    return render(request, "monitoring/review.html", context)


@require(Perm.DP_MANAGE)
def review_record(request, pk, agreement_pk, dp_review_pk):
    """Record the review and its outcome; an outcome that changes the payments sends its notice in the same step."""
    item = _review_of(request, pk, agreement_pk, dp_review_pk)
    agreement = item.agreement
    outcomes = list(Outcome.objects.filter(plan_id=agreement.budget.plan_id, council_id=agreement.council_id))
    form = ReviewRecordForm(request.POST or None, outcomes=outcomes)

    def save(data):
        recorded = services.review_record(
            actor=request.user,
            review=item,
            answers=form.answers(),
            progress=form.progress(),
            outcome=data["outcome"],
            outcome_reasons=data["outcome_reasons"],
            new_amount=data.get("new_amount"),
            effective_on=data.get("effective_on"),
            ground=data.get("ground") or "",
            conditions=data.get("conditions") or "",
        )
        if recorded.outcome == ReviewOutcome.CHANGE_RECIPIENT:
            messages.info(request, "Now set up the new recipient: they must agree to the terms before any payment")
        return recorded

    def next_url(recorded):
        if recorded.outcome == ReviewOutcome.CHANGE_RECIPIENT:
            return reverse("payments:change_recipient", args=[agreement.child_id, agreement.pk])
        return review_url(recorded)

    return form_page(
        request,
        form=form,
        title="Record the review",
        caption=f"{agreement.child.full_name}: {item.get_trigger_display().lower()}",
        intro=f"The payments are {format_money(agreement.amount)} from {format_date(agreement.start_date)} to "
        f"{format_date(agreement.end_date)}. A manager records an outcome that changes or stops them; its notice and "
        "letter are sent when you record the review.",
        back_url=review_url(item),
        save=save,
        success_url=next_url,
        success_message="Review recorded and the letter sent",
    )


@require(Perm.DP_MANAGE)
def review_decline(request, pk, agreement_pk, dp_review_pk):
    """Consider a recipient's request for a review and decide not to hold one now, with reasons in a letter (R18)."""
    item = _review_of(request, pk, agreement_pk, dp_review_pk)
    return form_page(
        request,
        form=ReviewDeclineForm(request.POST or None),
        title="Decide not to review now",
        caption=item.agreement.child.full_name,
        intro=f"The recipient asked: {item.request_reasons}",
        back_url=review_url(item),
        save=lambda data: services.review_decline(actor=request.user, review=item, reasons=data["reasons"]),
        success_url=review_url(item),
        success_message="Decision sent to the family",
    )
