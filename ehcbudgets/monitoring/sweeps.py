"""What a sweep reads, in bulk: which agreements to look at, everything the rules need about a batch of them (a fixed
number of queries per batch, never one per agreement), and the reviews each agreement needs (ADR 11; ARCHITECTURE:
scale plan)."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.money import sum_in_pence
from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.ledger import selectors as ledger_selectors
from ehcbudgets.offer import selectors as offer_selectors
from ehcbudgets.payments.models import (
    Agreement,
    AgreementLine,
    AgreementStatus,
    PersonalAssistant,
    ScheduledPayment,
)
from ehcbudgets.payments.services import agreement_yearly_amount, line_share
from ehcbudgets.plans import rules as plan_rules
from ehcbudgets.plans.models import FundingStream, Plan, PlanStatus
from ehcbudgets.spending import rules as spending_rules
from ehcbudgets.spending.models import (
    Commitment,
    ImportStatus,
    MonitoringReturn,
    ReturnStatus,
    SpendingCategory,
    SpendingRecord,
    StatementImport,
    StatementLine,
)
from ehcbudgets.spending.selectors import RETURN_MONTHS

from . import rules

LIVE = (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED)
SENT_RETURNS = (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED, ReturnStatus.QUERIED)
#: A plan review joins the review list this many days before it is due, so the two can be held together.
REVIEW_LOOKAHEAD_DAYS = 56
#: Events that change the provision an agreement pays for, or start a re-assessment (DOMAIN R18).
PROVISION_EVENTS = ("budget.recalculated", "provision.created", "provision.updated", "provision.removed")


#: Council-wide changes after which every agreement is checked again: the spending restrictions and the policy.
COUNCIL_RULE_EVENTS = ("restriction.added", "restriction.switched_on", "restriction.switched_off", "policy.added")


def council_rules_changed(*, council, since: datetime) -> bool:
    """Whether the council changed what the rules check against since a time: then an incremental sweep looks at
    every agreement, as a full one does."""
    if AuditEvent.objects.filter(council=council, created_at__gte=since, action__in=COUNCIL_RULE_EVENTS).exists():
        return True
    # A policy added earlier with a later date takes effect in between.
    return CouncilPolicy.objects.filter(
        council=council, effective_from__gt=timezone.localdate(since), effective_from__lte=timezone.localdate()
    ).exists()


def live_agreements(council):
    """The council's agreements being paid or suspended: the ones the rules watch."""
    return Agreement.objects.filter(council=council, status__in=LIVE)


def council_policies(council) -> list[CouncilPolicy]:
    """The council's dated policies, newest first, read once for a sweep or a day's reminders."""
    return list(CouncilPolicy.objects.filter(council=council).order_by("-effective_from"))


def policy_on(policies: list[CouncilPolicy], council, on: date) -> CouncilPolicy:
    """The policy in force on a day, from the council's policies read once (the defaults when none is recorded)."""
    found = next((p for p in policies if p.effective_from <= on), None)
    return found or CouncilPolicy(council=council, effective_from=on)  # the defaults, as policy_in_force gives them


def return_periods_of(agreement: Agreement, policies) -> list[tuple[date, date]]:
    """An agreement's return periods, at the frequency of the policy in force when it began (no query)."""
    return _return_periods(agreement, policies, agreement.council)


def _return_periods(agreement: Agreement, policies, council) -> list[tuple[date, date]]:
    policy = policy_on(policies, council, agreement.start_date)
    return spending_rules.return_periods(
        start=agreement.start_date, end=agreement.end_date, months=RETURN_MONTHS[policy.return_frequency]
    )


def changed_since(*, council, since: datetime, on: date) -> set[int]:
    """The live agreements an incremental sweep looks at: those with a change since the last sweep (terms, spending,
    statements, personal assistants, payments, commitments, returns, provision), and those a dated rule has reached
    since then (a return falling due, weeks without spending passing)."""
    live = live_agreements(council)
    since_day = timezone.localdate(since)
    ids = set(live.filter(updated_at__gte=since).values_list("pk", flat=True))
    ids |= set(
        SpendingRecord.objects.filter(council=council, created_at__gte=since).values_list("agreement_id", flat=True)
    )
    ids |= set(
        StatementImport.objects.filter(council=council, saved_at__gte=since).values_list("agreement_id", flat=True)
    )
    ids |= set(
        PersonalAssistant.objects.filter(council=council, created_at__gte=since).values_list("agreement_id", flat=True)
    )
    ids |= set(
        ScheduledPayment.objects.filter(council=council, paid_on__gte=since_day).values_list("agreement_id", flat=True)
    )
    ids |= set(
        Commitment.objects.filter(Q(created_at__gte=since) | Q(settled_on__gte=since_day), council=council).values_list(
            "agreement_id", flat=True
        )
    )
    ids |= set(
        MonitoringReturn.objects.filter(council=council, created_at__gte=since).values_list("agreement_id", flat=True)
    )
    children = AuditEvent.objects.filter(
        council=council, created_at__gte=since, action__in=PROVISION_EVENTS, child__isnull=False
    ).values_list("child_id", flat=True)
    ids |= set(live.filter(child_id__in=children).values_list("pk", flat=True))
    # Dated rules reached since the last sweep, with nothing having changed; from the day before it started, as a sweep
    # queued before midnight and started after it judged the day before (the findings' keys keep this from raising
    # anything twice).
    since_day -= timedelta(days=1)
    policy = policy_in_force(council=council, on=on)
    policies = council_policies(council)
    last_spent = dict(
        SpendingRecord.objects.filter(council=council, withdrawn=False, agreement__status__in=LIVE)
        .values("agreement_id")
        .annotate(last=Max("spent_on"))
        .values_list("agreement_id", "last")
    )
    for agreement in live.only("pk", "start_date", "end_date", "first_paid_on", "council_id"):
        for _, end in _return_periods(agreement, policies, council):
            due = rules.return_due_on(period_end=end, due_days=policy.return_due_days)
            if since_day <= due < on:
                ids.add(agreement.pk)
        basis = last_spent.get(agreement.pk) or agreement.first_paid_on
        if basis and since_day <= basis + timedelta(weeks=policy.no_spending_weeks) <= on:
            ids.add(agreement.pk)
    return ids


def hits_for(*, council, agreement_ids: list[int], on: date) -> dict[int, list]:
    """Every rule's hits for a batch of agreements, read in a fixed number of queries. Every record of an agreement
    is read again, in an incremental sweep as in a full one: the findings' keys keep a hit found before from being
    raised twice (ADR 11)."""
    policy = policy_in_force(council=council, on=on)
    policies = council_policies(council)
    agreements = list(Agreement.objects.filter(council=council, pk__in=agreement_ids).order_by("pk"))
    hits: dict[int, list] = defaultdict(list)
    if not agreements:
        return hits
    balances = ledger_selectors.balances(council=council, keys=[f"{a.holder}:recipient" for a in agreements])
    committed = {
        row["agreement_id"]: sum_in_pence(row["total"])
        for row in Commitment.objects.filter(council=council, agreement_id__in=agreement_ids, settled_on__isnull=True)
        .values("agreement_id")
        .annotate(total=Sum("amount"))
    }
    records = SpendingRecord.objects.filter(
        council=council, agreement_id__in=agreement_ids, withdrawn=False, amount__gt=0
    ).annotate(receipt_count=Count("receipts"))
    last_spent = dict(
        SpendingRecord.objects.filter(council=council, agreement_id__in=agreement_ids, withdrawn=False)
        .values("agreement_id")
        .annotate(last=Max("spent_on"))
        .values_list("agreement_id", "last")
    )
    recorded = defaultdict(set)
    for agreement_id, fitid, fingerprint in SpendingRecord.objects.filter(
        council=council, agreement_id__in=agreement_ids, withdrawn=False
    ).values_list("agreement_id", "fitid", "fingerprint"):
        recorded[agreement_id] |= {x for x in (fitid, fingerprint) if x}
    unlinked = (
        StatementLine.objects.filter(
            council=council,
            statement__agreement_id__in=agreement_ids,
            statement__status=ImportStatus.SAVED,
            record__isnull=True,
            duplicate_of__isnull=True,
            is_payment_in=False,
            amount__gt=0,
        )
        .exclude(suggested_category=SpendingCategory.FEES)
        .select_related("statement")
    )  # fees pay for the account
    sent = defaultdict(set)
    for agreement_id, start in MonitoringReturn.objects.filter(
        council=council, agreement_id__in=agreement_ids, status__in=SENT_RETURNS
    ).values_list("agreement_id", "period_start"):
        sent[agreement_id].add(start)
    assistants = PersonalAssistant.objects.filter(council=council, agreement_id__in=agreement_ids)
    lines = defaultdict(list)
    for line in AgreementLine.objects.filter(council=council, agreement_id__in=agreement_ids).select_related(
        "budget_line"
    ):
        lines[line.agreement_id].append(line)
    restrictions = list(offer_selectors.restrictions(council=council))
    by_pk = {a.pk: a for a in agreements}

    for agreement in agreements:
        periods = _return_periods(agreement, policies, council)
        current = next((start for start, end in periods if start <= on <= end), periods[-1][0] if periods else on)
        hits[agreement.pk].append(
            rules.surplus_finding(
                balance=balances[f"{agreement.holder}:recipient"],
                committed=committed.get(agreement.pk, Decimal("0.00")),
                annual_amount=agreement_yearly_amount(agreement),
                threshold_weeks=policy.surplus_threshold_weeks,
                period_start=current,
            )
        )
        for start, end in periods:
            hits[agreement.pk].append(
                rules.return_overdue_finding(
                    period_start=start,
                    period_end=end,
                    sent=start in sent[agreement.pk],
                    on=on,
                    due_days=policy.return_due_days,
                )
            )
        if agreement.status != AgreementStatus.SUSPENDED:  # no support is expected while the child is away
            hits[agreement.pk].append(
                rules.no_spending_finding(
                    last_spent_on=last_spent.get(agreement.pk),
                    first_paid_on=agreement.first_paid_on,
                    on=on,
                    weeks=policy.no_spending_weeks,
                )
            )
        if lines[agreement.pk]:
            needed = sum(
                (
                    line_share(line.budget_line, agreement.start_date, agreement.end_date)
                    for line in lines[agreement.pk]
                ),
                Decimal("0.00"),
            )
            hits[agreement.pk].append(rules.insufficient_finding(amount=agreement.amount, needed=needed))
    for record in records:
        agreement = by_pk[record.agreement_id]
        excluded = agreement.excluded_payees.splitlines()
        found = {
            "record_id": record.pk,
            "payee": record.payee,
            "description": record.description,
            "amount": record.amount,
        }
        hits[agreement.pk] += [
            rules.excluded_payee_finding(**found, excluded=excluded),
            rules.not_allowed_finding(**found, restrictions=restrictions),
            rules.receipt_missing_finding(
                record_id=record.pk,
                payee=record.payee,
                amount=record.amount,
                spent_on=record.spent_on,
                has_receipt=record.receipt_count > 0,
                required_above=policy.receipt_required_above,
            ),
        ]
    for line in unlinked:
        agreement_id = line.statement.agreement_id
        if line.fitid in recorded[agreement_id] or line.fingerprint in recorded[agreement_id]:
            continue  # the same as a line saved beside it: the money is recorded
        hits[agreement_id].append(
            rules.unlinked_finding(line_id=line.pk, payee=line.payee, amount=line.amount, posted_on=line.posted_on)
        )
    for pa in assistants:
        hits[pa.agreement_id].append(
            rules.pa_relative_finding(
                pa_id=pa.pk,
                name=pa.full_name,
                close_relative_in_household=pa.close_relative_in_household,
                has_exception=pa.exception_approved_by_id is not None,
                ended=pa.ended_on is not None and pa.ended_on <= on,
            )
        )
    return {pk: [hit for hit in found if hit is not None] for pk, found in hits.items()}


def review_triggers_for(*, council, on: date) -> dict[int, list]:
    """The reviews each live agreement needs, read in bulk: its first payment, the plan's next review (a child under
    5 sooner), each re-assessment and each change of provision since the agreement began, and an 18th birthday while
    social care payments run (DOMAIN R18, R26, R28, R29)."""
    agreements = list(live_agreements(council).filter(stop_effective_on__isnull=True).select_related("child"))
    plans = {}
    for plan in (
        Plan.objects.filter(council=council, child_id__in=[a.child_id for a in agreements], issued_on__isnull=False)
        .exclude(status=PlanStatus.CEASED)
        .annotate(last_meeting=Max("reviews__meeting_date"))
        .select_related("child")
    ):
        plans[plan.child_id] = plan
    events = defaultdict(list)
    budgets = {str(a.budget_id) for a in agreements}
    for child_id, action, after, created, object_id in AuditEvent.objects.filter(
        council=council,
        child_id__in=[a.child_id for a in agreements],
        action__in=(*PROVISION_EVENTS, "plan.status_changed"),
    ).values_list("child_id", "action", "after", "created_at", "object_id"):
        if action == "budget.recalculated" and object_id not in budgets:
            continue  # another budget of the child (a draft): not the provision these payments buy
        if action == "plan.status_changed":
            if (after or {}).get("status") == PlanStatus.UNDER_REASSESSMENT:
                events[child_id].append(("reassessment", timezone.localdate(created)))
        else:
            events[child_id].append(("provision", timezone.localdate(created)))
    policies = council_policies(council)
    social_care = set(
        AgreementLine.objects.filter(
            agreement__in=[a.pk for a in agreements], funding_stream=FundingStream.SOCIAL_CARE
        ).values_list("agreement_id", flat=True)
    )
    found = {}
    for agreement in agreements:
        plan = plans.get(agreement.child_id)
        plan_due = None
        if plan is not None:
            annual = plan_rules.annual_review_due(issued_on=plan.issued_on, last_review_meeting=plan.last_meeting)
            months = policy_on(policies, council, plan.last_meeting or plan.issued_on).under_five_review_months
            under_five = plan_rules.under_five_review_due(
                born=plan.child.date_of_birth,
                issued_on=plan.issued_on,
                last_review_meeting=plan.last_meeting,
                months=months,
            )
            plan_due = min(d for d in (annual, under_five) if d)
        began = agreement.consented_on or agreement.start_date
        if plan_due is not None:
            plan_due = max(plan_due, began)  # a plan review already late when the payments began is held now
        changes = [(kind, day) for kind, day in events[agreement.child_id] if day > began]
        found[agreement.pk] = rules.review_triggers(
            first_paid_on=agreement.first_paid_on,
            plan_review_due=plan_due,
            reassessments=[day for kind, day in changes if kind == "reassessment"],
            provision_changes=[day for kind, day in changes if kind == "provision"],
            on=on,
            lookahead_days=REVIEW_LOOKAHEAD_DAYS,
            adult=rules.adult_review_due(
                born=agreement.child.date_of_birth,
                social_care=agreement.pk in social_care,
                began=began,
                ends=agreement.end_date,
            ),
        )
    return found
