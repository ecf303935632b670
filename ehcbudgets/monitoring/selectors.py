"""Reading monitoring: findings, sweeps and reviews, always scoped to the user's council and the children they may
see; the work queue; and who is due a reminder today."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from ehcbudgets.accounts.models import User
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.budgets.models import Budget, BudgetRequest, BudgetStatus, RequestStatus
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.payments.models import Agreement, AgreementChange, ChangeKind, PaymentRun, RunStatus
from ehcbudgets.people.selectors import children_visible_to
from ehcbudgets.spending.models import EvidenceRequest, MonitoringReturn, ReturnStatus

from . import rules, sweeps
from .models import OPEN_FINDING_STATUSES, DpReview, Finding, FindingStatus, ReviewOutcome, ReviewStatus, Sweep

#: Reviews show in the queue this many days before they are due.
REVIEW_SOON_DAYS = 28
#: Families are reminded of a return or evidence due within this many days.
FAMILY_SOON_DAYS = 7


def findings_visible_to(user) -> QuerySet[Finding]:
    """Findings about agreements of children the user may see (staff: their council; families: their own)."""
    return Finding.objects.filter(agreement__child__in=children_visible_to(user)).select_related(
        "agreement__child", "agreement__recipient"
    )


def findings_of(*, agreement: Agreement) -> QuerySet[Finding]:
    """One agreement's findings, open ones first, then the newest."""
    return Finding.objects.filter(agreement=agreement, council_id=agreement.council_id).order_by("-found_on", "-pk")


def finding_get(*, agreement: Agreement, pk: int) -> Finding:
    """One finding of an agreement the caller has already read through its scoped selector, or 404."""
    finding = get_object_or_404(
        Finding.objects.select_related("recovery", "record", "statement_line", "personal_assistant"),
        pk=pk,
        agreement=agreement,
        council_id=agreement.council_id,
    )
    finding.agreement = agreement
    return finding


def sweeps_of(*, council) -> QuerySet[Sweep]:
    return Sweep.objects.filter(council=council).select_related("requested_by").order_by("-created_at", "-pk")


def sweep_get(*, council, pk: int) -> Sweep:
    return get_object_or_404(Sweep.objects.select_related("requested_by"), pk=pk, council=council)


def reviews_of(*, agreement: Agreement) -> QuerySet[DpReview]:
    return DpReview.objects.filter(agreement=agreement, council_id=agreement.council_id).order_by("-due_on", "-pk")


def review_get(*, agreement: Agreement, pk: int) -> DpReview:
    review = get_object_or_404(
        DpReview.objects.select_related("change", "letter", "recorded_by", "covered_by"),
        pk=pk,
        agreement=agreement,
        council_id=agreement.council_id,
    )
    review.agreement = agreement
    return review


# The work queue -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    """One piece of work waiting: what it is, for whom, since or by when, and where to do it."""

    kind: str
    kind_label: str
    child: str
    what: str
    date: date
    date_label: str
    overdue: bool
    age_days: int
    url: str


KINDS = {
    "review": "Reviews due",
    "recipient": "Recipient changes to make",
    "finding": "Findings open",
    "request": "Requests past their decision target",
    "approval": "Decisions awaiting approval",
    "return": "Returns to check",
    "run": "Payment runs awaiting approval",
}


def _agreement_args(agreement) -> list[int]:
    return [agreement.child_id, agreement.pk]


def work_items(*, user, on: date | None = None) -> list[WorkItem]:
    """The work waiting for a member of staff, of the kinds their role can act on, scoped to the children they may see
    (DOMAIN R18, R20, R31, R35): reviews due within 4 weeks or overdue, new recipients a review decided on and not yet
    set up, open findings by age, budget requests past their decision target (for those who decide budgets, only
    while no budget for them awaits approval: that is listed instead), budgets awaiting approval, returns awaiting
    checking, payment runs awaiting approval."""
    on = on or today()
    if not getattr(user, "is_council_staff", False) or not has_perm(user, Perm.WORK_QUEUE):
        return []
    council_id = user.council_id
    children = children_visible_to(user)
    policy = policy_in_force(council=user.council, on=on)
    items: list[WorkItem] = []
    if has_perm(user, Perm.DP_MANAGE):
        for review in DpReview.objects.filter(
            council_id=council_id,
            status=ReviewStatus.DUE,
            agreement__status__in=sweeps.LIVE,
            agreement__stop_effective_on__isnull=True,
            agreement__child__in=children,
            due_on__lte=on + timedelta(days=REVIEW_SOON_DAYS),
        ).select_related("agreement__child"):
            agreement = review.agreement
            items.append(
                WorkItem(
                    "review",
                    KINDS["review"],
                    agreement.child.full_name,
                    review.get_trigger_display(),
                    review.due_on,
                    "Due",
                    rules.review_overdue(due_on=review.due_on, on=on),
                    (on - review.due_on).days,
                    reverse("monitoring:review", args=[*_agreement_args(agreement), review.pk]),
                )
            )
        wait = policy.evidence_deadline_days
        for review in recipient_changes_pending(council_id=council_id, children=children):
            agreement = review.agreement
            items.append(
                WorkItem(
                    "recipient",
                    KINDS["recipient"],
                    agreement.child.full_name,
                    "The review found the payments need a new recipient",
                    review.recorded_on,
                    "Review recorded",
                    (on - review.recorded_on).days > wait,
                    (on - review.recorded_on).days,
                    reverse("payments:change_recipient", args=_agreement_args(agreement)),
                )
            )
        for finding in Finding.objects.filter(
            council_id=council_id, status__in=OPEN_FINDING_STATUSES, agreement__child__in=children
        ).select_related("agreement__child"):
            agreement = finding.agreement
            since = finding.answered_on or finding.raised_on or finding.found_on
            if finding.status == FindingStatus.RAISED:
                overdue = bool(finding.answer_due_on and finding.answer_due_on < on)
            else:
                overdue = (on - since).days > wait
            items.append(
                WorkItem(
                    "finding",
                    KINDS["finding"],
                    agreement.child.full_name,
                    f"{finding.get_rule_display()} ({finding.get_status_display().lower()})",
                    since,
                    "Since",
                    overdue,
                    (on - since).days,
                    reverse("monitoring:finding", args=[*_agreement_args(agreement), finding.pk]),
                )
            )
        for item in MonitoringReturn.objects.filter(
            council_id=council_id, status=ReturnStatus.SUBMITTED, agreement__child__in=children
        ).select_related("agreement__child"):
            agreement = item.agreement
            sent = item.submitted_on or timezone.localdate(item.created_at)
            items.append(
                WorkItem(
                    "return",
                    KINDS["return"],
                    agreement.child.full_name,
                    f"Return for {format_date(item.period_start)} to {format_date(item.period_end)}",
                    sent,
                    "Sent",
                    (on - sent).days > wait,
                    (on - sent).days,
                    reverse("spending:return", args=[*_agreement_args(agreement), item.pk]),
                )
            )
    if has_perm(user, Perm.BUDGET_PREPARE):
        late = BudgetRequest.objects.filter(
            council_id=council_id, status=RequestStatus.OPEN, child__in=children, decision_due_on__lt=on
        )
        if has_perm(user, Perm.BUDGET_DECIDE):  # listed once, as the approval it waits for
            late = late.exclude(budgets__status=BudgetStatus.AWAITING_APPROVAL)
        for request in late.select_related("child"):
            items.append(
                WorkItem(
                    "request",
                    KINDS["request"],
                    request.child.full_name,
                    f"Budget request received {format_date(request.received_on)}",
                    request.decision_due_on,
                    "Decision was due",
                    True,
                    (on - request.decision_due_on).days,
                    reverse("budgets:request", args=[request.child_id, request.pk]),
                )
            )
    if has_perm(user, Perm.BUDGET_DECIDE):
        for budget in Budget.objects.filter(
            council_id=council_id, status=BudgetStatus.AWAITING_APPROVAL, child__in=children
        ).select_related("child", "request"):
            submitted = timezone.localdate(budget.submitted_at) if budget.submitted_at else on
            items.append(
                WorkItem(
                    "approval",
                    KINDS["approval"],
                    budget.child.full_name,
                    "Personal budget to approve or refuse",
                    submitted,
                    "Sent for approval",
                    budget.request.decision_due_on < on,
                    (on - submitted).days,
                    reverse("budgets:budget", args=[budget.child_id, budget.pk]),
                )
            )
    if has_perm(user, Perm.PAYMENTS_RUN):
        for run in PaymentRun.objects.filter(council_id=council_id, status=RunStatus.PREPARED):
            prepared = timezone.localdate(run.prepared_at)
            items.append(
                WorkItem(
                    "run",
                    KINDS["run"],
                    "",
                    f"Payment run to {format_date(run.pay_up_to)}: {run.payment_count} payments",
                    prepared,
                    "Prepared",
                    run.pay_up_to < on,
                    (on - prepared).days,
                    reverse("finance:run", args=[run.pk]),
                )
            )
    return items


def recipient_changes_pending(*, council_id, children) -> QuerySet[DpReview]:
    """Reviews that decided the payments need a new recipient (DOMAIN R20) where no change of recipient has been made
    since: the review is recorded at once and the officer sets the new recipient up next, so the queue keeps it until
    they do, the payments stop, or a later review decides otherwise."""
    changed_since = AgreementChange.objects.filter(
        agreement=OuterRef("agreement"),
        kind=ChangeKind.CHANGE_RECIPIENT,
        withdrawn=False,
        notice_on__gte=OuterRef("recorded_on"),
    )
    reviewed_since = DpReview.objects.filter(
        agreement=OuterRef("agreement"),
        status=ReviewStatus.RECORDED,
        recorded_on__gte=OuterRef("recorded_on"),
        pk__gt=OuterRef("pk"),
    )
    return (
        DpReview.objects.filter(
            council_id=council_id,
            status=ReviewStatus.RECORDED,
            outcome=ReviewOutcome.CHANGE_RECIPIENT,
            change__isnull=True,
            agreement__status__in=sweeps.LIVE,
            agreement__stop_effective_on__isnull=True,
            agreement__child__in=children,
        )
        .exclude(Exists(changed_since))
        .exclude(Exists(reviewed_since))
        .select_related("agreement__child")
    )


SORTS = {
    "oldest": lambda item: (not item.overdue, -item.age_days, item.child),
    "newest": lambda item: (item.age_days, item.child),
    "child": lambda item: (item.child, item.date),
    "kind": lambda item: (list(KINDS).index(item.kind), -item.age_days),
}


def work_queue(*, user, kind: str = "", overdue_only: bool = False, sort: str = "oldest", on=None) -> dict:
    """The work queue with its counts per kind (overdue and all), filtered and sorted as asked."""
    items = work_items(user=user, on=on)
    counts = {
        key: {
            "label": label,
            "all": sum(1 for i in items if i.kind == key),
            "overdue": sum(1 for i in items if i.kind == key and i.overdue),
        }
        for key, label in KINDS.items()
    }
    shown = [i for i in items if (not kind or i.kind == kind) and (not overdue_only or i.overdue)]
    shown.sort(key=SORTS.get(sort, SORTS["oldest"]))
    return {"items": shown, "counts": counts, "total": len(items), "overdue": sum(1 for i in items if i.overdue)}


# Reminders ----------------------------------------------------------------------------------------------------------


def _family_lines(agreements: list[Agreement], on: date, reads: dict, policies: dict) -> list[str]:
    """What a family has due within a week or overdue on their agreements (DOMAIN R31): returns not yet sent, evidence
    asked for, findings raised with them, from `reads` (read in bulk for every family) and each council's dated
    `policies` (read once per council)."""
    soon = on + timedelta(days=FAMILY_SOON_DAYS)
    lines = []
    for agreement in agreements:
        if agreement.council_id not in policies:
            policies[agreement.council_id] = sweeps.council_policies(agreement.council)
        council_policies = policies[agreement.council_id]
        due_days = sweeps.policy_on(council_policies, agreement.council, on).return_due_days
        for start, end in sweeps.return_periods_of(agreement, council_policies):
            due = rules.return_due_on(period_end=end, due_days=due_days)
            if end < on and (agreement.pk, start) not in reads["sent"] and due <= soon:
                state = "was due" if due < on else "is due"
                lines.append(
                    f"{agreement.child.first_name}'s monitoring return for {format_date(start)} to "
                    f"{format_date(end)} {state} on {format_date(due)}"
                )
    for agreement in agreements:
        for request in reads["asked"].get(agreement.pk, ()):
            lines.append(
                f"The council asked about {agreement.child.first_name}'s direct payments: please answer by "
                f"{format_date(request.due_on)}"
            )
    for agreement in agreements:
        for finding in reads["raised"].get(agreement.pk, ()):
            lines.append(
                f"The council asked about {finding.get_rule_display().lower()} on {agreement.child.first_name}'s "
                f"direct payments: please answer by {format_date(finding.answer_due_on)}"
            )
    return lines


#: Agreements read at once for the day's family reminders (a bound on the query's parameters).
FAMILY_READ_BATCH = 500


def _family_reads(ids: list[int], on: date) -> dict:
    """Returns sent, evidence asked for and findings raised, for all the agreements in a few batched queries (never a
    query each)."""
    soon = on + timedelta(days=FAMILY_SOON_DAYS)
    reads = {"sent": set(), "asked": {}, "raised": {}}
    for start in range(0, len(ids), FAMILY_READ_BATCH):
        batch = ids[start : start + FAMILY_READ_BATCH]
        for request in EvidenceRequest.objects.filter(
            agreement_id__in=batch, answered_on__isnull=True, due_on__lte=soon
        ).order_by("due_on", "pk"):
            reads["asked"].setdefault(request.agreement_id, []).append(request)
        for finding in Finding.objects.filter(agreement_id__in=batch, status=FindingStatus.RAISED).order_by(
            "answer_due_on", "pk"
        ):
            reads["raised"].setdefault(finding.agreement_id, []).append(finding)
        reads["sent"].update(
            MonitoringReturn.objects.filter(agreement_id__in=batch)
            .exclude(status=ReturnStatus.DRAFT)
            .values_list("agreement_id", "period_start")
        )
    return reads


def reminders_due(*, council, on: date) -> list[tuple[User, str, list[str]]]:
    """Who should be reminded today and of what: each member of staff with overdue work in their queue, and each
    family with a return, evidence or a question due within a week or overdue."""
    due = []
    for user in User.objects.filter(council=council, is_active=True).exclude(role=""):
        if user.is_council_staff and has_perm(user, Perm.WORK_QUEUE):
            overdue = [i for i in work_items(user=user, on=on) if i.overdue]
            if overdue:
                lines = [f"{i.kind_label}: {i.what}" + (f" ({i.child})" if i.child else "") for i in overdue]
                due.append((user, f"{len(overdue)} overdue in your work queue", lines))
    keepers = {
        user_id
        for agreement in sweeps.live_agreements(council).select_related("recipient", "managed_by")
        if (user_id := _keeper(agreement).user_id)
    }
    # A family holding payments from more than one council gets one email with all of them (at most one a day), from
    # whichever council's reminders run first that day; the later runs find them already reminded.
    family = {}
    for agreement in (
        Agreement.objects.filter(status__in=sweeps.LIVE)
        .filter(Q(managed_by__user_id__in=keepers) | Q(managed_by__isnull=True, recipient__user_id__in=keepers))
        .select_related("child", "council", "recipient", "managed_by")
        .order_by("council_id", "pk")
    ):
        family.setdefault(_keeper(agreement).user_id, []).append(agreement)
    reads = _family_reads([a.pk for agreements in family.values() for a in agreements], on)
    policies = {}
    for user in User.objects.filter(pk__in=family, is_active=True).order_by("pk"):
        lines = _family_lines(family[user.pk], on, reads, policies)
        if lines:
            due.append((user, "Things to send for your direct payments", lines))
    return due


def _keeper(agreement: Agreement):
    """Who keeps the records of an agreement: the person managing it for the recipient, or the recipient."""
    return agreement.managed_by if agreement.managed_by_id else agreement.recipient


def family_findings(*, agreement: Agreement) -> QuerySet[Finding]:
    """Every finding about the family's agreement, with its explanation: they are never surprised by one."""
    return findings_of(agreement=agreement).prefetch_related("notes")


def findings_filtered(*, user, status: str = "", rule: str = "") -> QuerySet[Finding]:
    """The council's findings the user may see, filtered, the oldest open first."""
    found = findings_visible_to(user).filter(council_id=user.council_id)
    if status == "open":
        found = found.filter(status__in=OPEN_FINDING_STATUSES)
    elif status:
        found = found.filter(status=status)
    if rule:
        found = found.filter(rule=rule)
    return found.order_by("found_on", "pk")


def reviews_filtered(*, user, state: str = "", on: date | None = None) -> QuerySet[DpReview]:
    """The council's reviews the user may see: due (within 4 weeks or overdue), overdue, or recorded."""
    on = on or today()
    reviews = DpReview.objects.filter(
        council_id=user.council_id, agreement__child__in=children_visible_to(user)
    ).select_related("agreement__child")
    if state != "recorded":  # a review is due only while the payments run (ADR 11)
        reviews = reviews.filter(agreement__status__in=sweeps.LIVE, agreement__stop_effective_on__isnull=True)
    if state == "overdue":
        return reviews.filter(status=ReviewStatus.DUE, due_on__lt=on).order_by("due_on", "pk")
    if state == "recorded":
        return reviews.filter(~Q(status=ReviewStatus.DUE)).order_by("-recorded_on", "-pk")
    return reviews.filter(status=ReviewStatus.DUE, due_on__lte=on + timedelta(days=REVIEW_SOON_DAYS)).order_by(
        "due_on", "pk"
    )
