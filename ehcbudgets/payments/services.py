"""Every change to direct payment agreements, their schedules, payment runs, notices and recoveries
(ARCHITECTURE convention 2). Money moves only through the ledger's services. ADR 9 explains the rules chosen.

The services check the role as well as the pages do, so no route (page, API, command) can skip a rule.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ehcbudgets.accounts.permissions import Perm, check_perm, check_staff_of, has_perm
from ehcbudgets.audit.services import audit_record
from ehcbudgets.budgets import rules as budget_rules
from ehcbudgets.budgets.models import BudgetStatus, DecisionKind
from ehcbudgets.budgets.selectors import PAID_TO_FAMILY
from ehcbudgets.core.dates import format_date, is_working_day, today
from ehcbudgets.core.money import format_money, sum_in_pence, to_money
from ehcbudgets.councils.models import Council, PaymentFrequency
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.ledger import services as ledger
from ehcbudgets.ledger.models import AccountKind, TransactionKind
from ehcbudgets.letters.models import LetterKind
from ehcbudgets.letters.services import letter_issue
from ehcbudgets.people.models import Contact, Relationship
from ehcbudgets.plans.models import FundingStream

from . import exports, rules
from .models import (
    Agreement,
    AgreementChange,
    AgreementLine,
    AgreementStatus,
    BankDetails,
    ChangeKind,
    ConsentChannel,
    PaymentFile,
    PaymentMethod,
    PaymentRun,
    PaymentStatus,
    PersonalAssistant,
    Reconsideration,
    ReconsiderationStatus,
    Recovery,
    RecoveryMethod,
    RecoveryReceipt,
    RecoveryStatus,
    RunStatus,
    ScheduledPayment,
    StopGround,
    SuspensionReason,
)

STREAMS = (FundingStream.EDUCATION, FundingStream.HEALTH, FundingStream.SOCIAL_CARE)
LIVE = (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED)
BACS_NAME = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- "
ZERO = Decimal("0.00")


def _audit(actor, action, obj, summary, *, child=None, council=None, **extra):
    child = child if child is not None else getattr(obj, "child", None)
    council = council if council is not None else getattr(obj, "council", None)
    audit_record(actor=actor, action=action, obj=obj, child=child, council=council, summary=summary, **extra)


def _sum(queryset, field: str = "amount") -> Decimal:
    """The sum of a money field of a queryset, in whole pence."""
    return sum_in_pence(queryset.aggregate(total=Sum(field))["total"])


def _lock(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().select_related("child", "recipient", "budget").get(pk=agreement.pk)


def _policy(agreement_or_council, on: date | None = None):
    council = getattr(agreement_or_council, "council", agreement_or_council)
    return policy_in_force(council=council, on=on or today())


def is_recipient_user(actor, agreement: Agreement) -> bool:
    """Whether the signed-in family member is the agreement's recipient (their contact record is linked to them)."""
    return bool(getattr(actor, "pk", None)) and agreement.recipient.user_id == actor.pk


def _letter(actor, agreement: Agreement, *, kind, subject, template, context, related, recipient=None):
    recipient = recipient or agreement.recipient
    return letter_issue(
        actor=actor,
        child=agreement.child,
        kind=kind,
        subject=subject,
        template_name=template,
        context={"agreement": agreement, "lines": list(agreement.lines.all()), **context},
        recipient_name=recipient.full_name,
        recipient_address=recipient.address,
        related=related,
    )


# Agreements (DOMAIN R10, R11, R15, R16, R26, R35) ----------------------------------------------------------------


def _digits(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch not in " -")


def _payment_details(fields: dict) -> dict:
    """Check where the money goes: a prepaid card account reference, or a dedicated bank account in the
    recipient's name with a 6-digit sort code and 8-digit account number (DOMAIN R35)."""
    method = fields.get("payment_method") or ""
    errors, clean = {}, {"payment_method": method}
    if method == PaymentMethod.PREPAID_CARD:
        reference = (fields.get("card_account_reference") or "").strip()
        if not reference:
            errors["card_account_reference"] = "Enter the prepaid card account reference"
        clean.update(card_account_reference=reference, account_name="", sort_code="", account_number="")
    elif method == PaymentMethod.BANK_ACCOUNT:
        name = " ".join((fields.get("account_name") or "").upper().split())
        sort_code, number = _digits(fields.get("sort_code")), _digits(fields.get("account_number"))
        if not name:
            errors["account_name"] = "Enter the name on the account"
        elif len(name) > 18 or any(ch not in BACS_NAME for ch in name):
            errors["account_name"] = (
                "Name on the account must be 18 characters or fewer, using only letters, numbers, spaces and . & / -"
            )
        if not sort_code:
            errors["sort_code"] = "Enter a sort code"
        elif not (sort_code.isdigit() and len(sort_code) == 6):
            errors["sort_code"] = "Enter a valid sort code like 309430"
        if not number:
            errors["account_number"] = "Enter an account number"
        elif not (number.isdigit() and 6 <= len(number) <= 8):
            errors["account_number"] = "Enter a valid account number like 00733445"
        else:
            number = number.zfill(8)
        clean.update(card_account_reference="", account_name=name, sort_code=sort_code, account_number=number)
    else:
        errors["payment_method"] = "Select where the payments go"
    if errors:
        raise ValidationError(errors)
    return clean


def _recipient_problems(budget, recipient: Contact, lines) -> list[str]:
    facts = budget_rules.RecipientFacts(
        relationship=recipient.relationship,
        has_capacity_to_consent=recipient.has_capacity_to_consent,
        drug_alcohol_order=recipient.drug_alcohol_order,
        nominated_in_writing_on=recipient.nominated_in_writing_on,
        nominee_consent_on=recipient.nominee_consent_on,
        child_is_young_person=budget.child.is_young_person(today()),
        only_social_care=all(line.funding_stream == FundingStream.SOCIAL_CARE for line in lines),
    )
    return budget_rules.recipient_problems(facts)


def agreeable_lines(budget) -> list:
    """The lines of an agreed budget that are paid to the family (direct payment or third party) and whose direct
    payment was not refused."""
    refused = set(budget.decisions.filter(kind=DecisionKind.REFUSE_DIRECT_PAYMENT).values_list("line_id", flat=True))
    return [
        line
        for line in budget.lines.select_related("offer_item", "provision_item").order_by("pk")
        if line.management_mode in PAID_TO_FAMILY and line.pk not in refused
    ]


def line_share(line, start: date, end: date) -> Decimal:
    """A line's amount for the part of its dates that falls within the agreement's dates, pro rata by days."""
    first, last = max(line.start_date, start), min(line.end_date, end)
    if last < first:
        return ZERO
    line_days = (line.end_date - line.start_date).days + 1
    return to_money(line.amount * Decimal((last - first).days + 1) / Decimal(line_days))


def _terms(*, budget, recipient, managed_by, fields: dict) -> tuple[dict, list]:
    """Check an agreement's terms against its budget and work out each line's share of the agreement's dates:
    an eligible recipient (DOMAIN R10, R11, R26), a third party where lines are managed by one, a frequency
    (the council's default unless agreed otherwise, R35), dates within the budget's, where the money goes."""
    lines = agreeable_lines(budget)
    if not lines:
        raise ValidationError("The budget has no lines held as a direct payment")
    errors = {}
    if recipient is None or recipient.child_id != budget.child_id:
        errors["recipient"] = "Choose who receives the payments, from the people linked to this child"
    else:
        problems = _recipient_problems(budget, recipient, lines)
        if problems:
            errors["recipient"] = problems
    needs_third_party = any(line.management_mode == "third_party" for line in lines)
    if managed_by is not None and (
        managed_by.child_id != budget.child_id or managed_by.relationship != Relationship.THIRD_PARTY
    ):
        errors["managed_by"] = "Choose a third-party organisation linked to this child"
    elif needs_third_party and managed_by is None:
        errors["managed_by"] = "Some lines are managed by a third party: choose the organisation"
    frequency = fields.get("frequency") or _policy(budget).default_payment_frequency
    if frequency not in PaymentFrequency.values:
        errors["frequency"] = "Select how often the payments are made"
    start_date = fields.get("start_date")
    end_date = fields.get("end_date") or budget.period_end
    if start_date is None:
        errors["start_date"] = "Enter the date the payments start"
    elif not (budget.period_start <= start_date <= budget.period_end):
        errors["start_date"] = (
            f"The start date must be within the budget's dates, {format_date(budget.period_start)} to "
            f"{format_date(budget.period_end)}"
        )
    elif not (start_date <= end_date <= budget.period_end):
        errors["end_date"] = (
            f"The end date must be between the start date and the end of the budget, {format_date(budget.period_end)}"
        )
    try:
        details = _payment_details(fields)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        details = {}
    if errors:
        raise ValidationError(errors)
    shares = [(line, line_share(line, start_date, end_date)) for line in lines]
    shares = [(line, amount) for line, amount in shares if amount > 0]
    if not shares:
        raise ValidationError({"start_date": "No direct payment line runs within these dates"})
    clean = {
        "frequency": frequency,
        "start_date": start_date,
        "end_date": end_date,
        "conditions": (fields.get("conditions") or "").strip(),
        "excluded_payees": "\n".join(
            p.strip() for p in (fields.get("excluded_payees") or "").splitlines() if p.strip()
        ),
        "amount": sum((a for _, a in shares), ZERO),
        **details,
    }
    return clean, shares


def _write_lines(agreement: Agreement, shares: list) -> None:
    AgreementLine.objects.filter(agreement=agreement).delete()
    AgreementLine.objects.bulk_create(
        AgreementLine(
            council_id=agreement.council_id,
            agreement=agreement,
            budget_line=line,
            description=line.offer_item.name,
            funding_stream=line.funding_stream,
            amount=share,
        )
        for line, share in shares
    )


@transaction.atomic
def agreement_create(
    *, actor, budget, recipient: Contact | None = None, managed_by: Contact | None = None, **fields
) -> Agreement:
    """Set up the direct payment agreement for an agreed budget's direct payment lines: recipient, amount,
    frequency, dates, where the money goes and conditions, including payees the recipient must not pay (DOMAIN R10,
    R11, R15, R16, R35). Nothing is paid until it is sent and the recipient consents."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, budget.council_id)
    unknown = set(fields) - AGREEMENT_EDITABLE
    if unknown:
        raise ValidationError(f"Unknown terms: {', '.join(sorted(unknown))}")
    if budget.status != BudgetStatus.APPROVED:
        raise ValidationError("Direct payments can be set up only for an agreed budget")
    if Agreement.objects.filter(budget=budget).exclude(status=AgreementStatus.STOPPED).exists():
        raise ValidationError("This budget already has a direct payment agreement")
    case = getattr(budget, "direct_payment_case", None)
    recipient = recipient or (case.recipient if case else None)
    clean, shares = _terms(budget=budget, recipient=recipient, managed_by=managed_by, fields=fields)
    agreement = Agreement.objects.create(
        council_id=budget.council_id,
        child=budget.child,
        budget=budget,
        recipient=recipient,
        managed_by=managed_by,
        created_by=actor,
        **clean,
    )
    _write_lines(agreement, shares)
    _audit(
        actor,
        "agreement.created",
        agreement,
        f"Direct payment agreement of {format_money(agreement.amount)} set up for {recipient.full_name}",
        after={k: str(v) for k, v in clean.items() if k not in ("sort_code", "account_number")},
    )
    return agreement


AGREEMENT_EDITABLE = {
    "frequency",
    "start_date",
    "end_date",
    "payment_method",
    "card_account_reference",
    "account_name",
    "sort_code",
    "account_number",
    "conditions",
    "excluded_payees",
}


@transaction.atomic
def agreement_update(*, actor, agreement: Agreement, **fields) -> Agreement:
    """Change an agreement's terms before it is sent; once sent, the terms change only by a notice."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError("The agreement has been sent: change it with a notice instead")
    unknown = set(fields) - AGREEMENT_EDITABLE
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    current = {name: getattr(agreement, name) for name in AGREEMENT_EDITABLE}
    clean, shares = _terms(
        budget=agreement.budget,
        recipient=agreement.recipient,
        managed_by=agreement.managed_by,
        fields={**current, **fields},
    )
    for name, value in clean.items():
        setattr(agreement, name, value)
    agreement.save()
    _write_lines(agreement, shares)
    _audit(
        actor,
        "agreement.updated",
        agreement,
        "Direct payment agreement terms changed before sending",
        after={k: str(v) for k, v in clean.items() if k not in ("sort_code", "account_number")},
    )
    return agreement


def agreement_yearly_amount(agreement: Agreement) -> Decimal:
    """The agreement's amount for a year of 365 days, for limits the council sets per year (DOMAIN R34)."""
    days = (agreement.end_date - agreement.start_date).days + 1
    return to_money(agreement.amount * 365 / Decimal(days))


@transaction.atomic
def personal_assistant_record(
    *,
    actor,
    agreement: Agreement,
    full_name: str,
    date_of_birth: date,
    starts_on: date,
    dbs_checked_on: date | None = None,
    insurance_expires_on: date | None = None,
    close_relative_in_household: bool = False,
    exception_reason: str = "",
    exception_approved_by=None,
) -> PersonalAssistant:
    """Record a personal assistant the recipient employs, with the DBS check and the employer's liability insurance
    (DOMAIN R34). A close relative living in the household, or one younger than the council's minimum age, needs an
    exception approved by a manager with the reason (DOMAIN R26, R34)."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    if agreement.status == AgreementStatus.STOPPED:
        raise ValidationError("The direct payments have stopped")
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = "Enter the personal assistant's full name"
    if date_of_birth is None:
        errors["date_of_birth"] = "Enter the personal assistant's date of birth"
    if starts_on is None:
        errors["starts_on"] = "Enter the date they start"
    if dbs_checked_on and starts_on and dbs_checked_on > starts_on:
        errors["dbs_checked_on"] = "The DBS check must be done before they start"
    if insurance_expires_on and starts_on and insurance_expires_on <= starts_on:
        errors["insurance_expires_on"] = "The employer's liability insurance must run past the start date"
    if errors:
        raise ValidationError(errors)
    approver = exception_approved_by
    reason = (exception_reason or "").strip()
    if approver is not None and (not has_perm(approver, Perm.DP_DECIDE) or approver.council_id != agreement.council_id):
        raise ValidationError({"exception_approved_by": "An exception is approved by a team manager of the council"})
    has_exception = approver is not None and bool(reason)
    if rules.household_relative_needs_exception(close_relative_in_household=close_relative_in_household) and not (
        has_exception
    ):
        raise ValidationError(
            {
                "exception_reason": "Paying a close relative who lives in the household needs an approved exception: "
                "give the reason and the manager who approved it"
            }
        )
    policy = _policy(agreement)
    ages = {
        "date_of_birth": date_of_birth,
        "starts_on": starts_on,
        "min_age": policy.pa_min_age,
        "exception_min_age": policy.pa_exception_min_age,
        "has_exception": has_exception,
    }
    problems = rules.personal_assistant_problems(
        **ages, yearly_amount=agreement_yearly_amount(agreement), min_budget=policy.pa_min_budget
    )
    # The age problems belong to the date of birth on the form; the budget's to the page as a whole.
    age_problems = rules.personal_assistant_problems(**ages, yearly_amount=ZERO, min_budget=None)
    if problems:
        raise ValidationError(
            {
                **({"date_of_birth": age_problems} if age_problems else {}),
                **(
                    {NON_FIELD_ERRORS: [p for p in problems if p not in age_problems]}
                    if len(problems) > len(age_problems)
                    else {}
                ),
            }
        )
    assistant = PersonalAssistant.objects.create(
        council_id=agreement.council_id,
        agreement=agreement,
        full_name=full_name.strip(),
        date_of_birth=date_of_birth,
        starts_on=starts_on,
        dbs_checked_on=dbs_checked_on,
        insurance_expires_on=insurance_expires_on,
        close_relative_in_household=close_relative_in_household,
        exception_approved_by=approver if has_exception else None,
        exception_reason=reason if has_exception else "",
        recorded_by=actor,
    )
    _audit(
        actor,
        "personal_assistant.recorded",
        assistant,
        f"Personal assistant {assistant.full_name} recorded" + (" by exception" if has_exception else ""),
        child=agreement.child,
        after={"starts_on": starts_on.isoformat(), "exception": has_exception},
    )
    return assistant


def schedule_preview(agreement: Agreement) -> list[dict]:
    """The payments the agreement's terms make, without storing them: for the notice and the check page."""
    parts = _split_streams(agreement)
    return [
        {"due_on": period.due_on, "period_end": period.end, "amount": sum(streams.values(), ZERO)}
        for period, streams in parts
    ]


def _stream_totals(agreement: Agreement) -> dict[str, Decimal]:
    totals = defaultdict(lambda: ZERO)
    for line in agreement.lines.all():
        totals[line.funding_stream] += line.amount
    return dict(totals)


def _split_streams(agreement: Agreement, policy=None) -> list[tuple[rules.Period, dict[str, Decimal]]]:
    """Each payment of the schedule with its amount from each funding stream; every stream adds up exactly."""
    policy = policy or _policy(agreement, agreement.start_date)
    periods = rules.schedule_periods(
        frequency=agreement.frequency,
        start=agreement.start_date,
        end=agreement.end_date,
        cycle_starts=policy.payment_cycle_starts,
        terms_per_year=policy.terms_per_year,
    )
    weights = [p.weight for p in periods]
    per_stream = {
        stream: rules.split_largest_remainder(total, weights) for stream, total in _stream_totals(agreement).items()
    }
    return [(period, {s: parts[i] for s, parts in per_stream.items()}) for i, period in enumerate(periods)]


def _payment(agreement: Agreement, *, due_on, period_start, period_end, streams: dict) -> ScheduledPayment:
    values = {s: streams.get(s, ZERO) for s in STREAMS}
    return ScheduledPayment(
        council_id=agreement.council_id,
        agreement=agreement,
        due_on=due_on,
        period_start=period_start,
        period_end=period_end,
        amount=sum(values.values(), ZERO),
        **values,
    )


@transaction.atomic
def agreement_send(*, actor, agreement: Agreement) -> Agreement:
    """Send the agreement to the recipient as a notice listing the agreed provision, amount, frequency, schedule
    and conditions; it waits for their consent (DOMAIN R15, R16)."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError("The agreement has already been sent")
    agreement.status = AgreementStatus.AWAITING_CONSENT
    agreement.terms_version += 1
    agreement.notice_sent_on = today()
    agreement.save(update_fields=["status", "terms_version", "notice_sent_on", "updated_at"])
    agreement.notice_letter = _letter(
        actor,
        agreement,
        kind=LetterKind.DP_AGREEMENT,
        subject="Your direct payment agreement",
        template="letters/dp_agreement.html",
        context={
            "schedule": schedule_preview(agreement),
            "assistants": list(agreement.personal_assistants.all()),
            "excluded": agreement.excluded_payees.splitlines(),
        },
        related=agreement,
    )
    agreement.save(update_fields=["notice_letter"])
    _audit(actor, "agreement.sent", agreement, "Direct payment agreement sent for consent")
    return agreement


@transaction.atomic
def agreement_consent(
    *, actor, agreement: Agreement, channel: str = ConsentChannel.ONLINE, consented_on: date | None = None
) -> Agreement:
    """Record the recipient's consent to the terms they were sent: given online by the recipient, or recorded by
    an officer from a signed copy, email or call (DOMAIN R15). The schedule is made then; nothing is paid before."""
    agreement = _lock(agreement)
    if actor.is_family:
        check_perm(actor, Perm.DP_CONSENT)
        if not is_recipient_user(actor, agreement):
            raise PermissionDenied("Only the person who receives the payments can consent to them.")
        channel, consented_on = ConsentChannel.ONLINE, today()
    else:
        check_perm(actor, Perm.DP_MANAGE)
        check_staff_of(actor, agreement.council_id)
        if channel == ConsentChannel.ONLINE or channel not in ConsentChannel.values:
            raise ValidationError({"channel": "Select how the recipient gave their consent"})
        consented_on = consented_on or today()
    if agreement.status != AgreementStatus.AWAITING_CONSENT or agreement.notice_sent_on is None:
        raise ValidationError("There is no agreement waiting for consent: it must be sent first")
    if consented_on < agreement.notice_sent_on or consented_on > today():
        raise ValidationError(
            {"consented_on": f"The date of consent must be between {format_date(agreement.notice_sent_on)} and today"}
        )
    agreement.status = AgreementStatus.ACTIVE
    agreement.consented_on, agreement.consent_channel = consented_on, channel
    agreement.consent_recorded_by = actor
    agreement.consent_terms_version = agreement.terms_version
    agreement.save(
        update_fields=[
            "status",
            "consented_on",
            "consent_channel",
            "consent_recorded_by",
            "consent_terms_version",
            "updated_at",
        ]
    )
    if not agreement.payments.exists():
        ScheduledPayment.objects.bulk_create(
            _payment(agreement, due_on=p.due_on, period_start=p.start, period_end=p.end, streams=streams)
            for p, streams in _split_streams(agreement)
        )
    _audit(
        actor,
        "agreement.consented",
        agreement,
        f"{agreement.recipient.full_name} consented to the direct payment agreement "
        f"({dict(ConsentChannel.choices)[channel].lower()})",
        after={"consented_on": consented_on.isoformat(), "channel": channel, "terms": agreement.terms_version},
    )
    return agreement


# Payment runs (DOMAIN R35, R18) ----------------------------------------------------------------------------------


def _payable(council, pay_up_to: date):
    """Payments due up to a date that no run has taken, of agreements that are active and consented."""
    return (
        ScheduledPayment.objects.filter(
            council=council,
            status=PaymentStatus.SCHEDULED,
            run__isnull=True,
            due_on__lte=pay_up_to,
            agreement__status=AgreementStatus.ACTIVE,
            agreement__consented_on__isnull=False,
        )
        .select_related("agreement")
        .order_by("agreement_id", "due_on", "pk")
    )


def _outstanding(recovery: Recovery) -> Decimal:
    received = _sum(recovery.receipts.all())
    return recovery.amount - received


def agreements_close_stopped(*, council, on: date) -> int:
    """Mark stopped the agreements whose stop has taken effect by a date."""
    return Agreement.objects.filter(
        council=council, status__in=LIVE, stop_effective_on__isnull=False, stop_effective_on__lte=on
    ).update(status=AgreementStatus.STOPPED)


@transaction.atomic
def payment_run_prepare(*, actor, council: Council, pay_up_to: date) -> PaymentRun:
    """Gather every payment due up to a date, once, for a second finance officer to approve. Runs of one council
    are prepared one at a time (the council's row is locked), so two at the same moment never take the same payment;
    a run for a date already run finds nothing more to pay (DOMAIN R35)."""
    check_perm(actor, Perm.PAYMENTS_RUN)
    check_staff_of(actor, council.pk)
    Council.objects.select_for_update().get(pk=council.pk)
    if pay_up_to is None:
        raise ValidationError({"pay_up_to": "Enter the date to pay up to"})
    if pay_up_to > today() + timedelta(days=31):
        raise ValidationError({"pay_up_to": "A run can pay up to 31 days ahead at most"})
    agreements_close_stopped(council=council, on=today())
    payments = list(_payable(council, pay_up_to).select_for_update(of=("self",)))
    if not payments:
        raise ValidationError(
            {"pay_up_to": f"Nothing is due up to {format_date(pay_up_to)}: every payment due is paid or in a run"}
        )
    run = PaymentRun.objects.create(council=council, pay_up_to=pay_up_to, prepared_by=actor)
    offsets = _plan_offsets(payments)
    for payment in payments:
        payment.run, payment.offset = run, offsets.get(payment.pk, ZERO)
    ScheduledPayment.objects.bulk_update(payments, ["run", "offset"])
    _retotal(run)
    _audit(
        actor,
        "payment_run.prepared",
        run,
        f"Payment run to {format_date(pay_up_to)} prepared: {run.payment_count} payments, {format_money(run.total)}",
        council=council,
        after={"payments": run.payment_count, "total": str(run.total)},
    )
    return run


def _plan_offsets(payments: list[ScheduledPayment]) -> dict[int, Decimal]:
    """How much of each payment goes to open recoveries by offset, oldest recovery and earliest payment first."""
    offsets: dict[int, Decimal] = {}
    by_agreement = defaultdict(list)
    for payment in payments:
        by_agreement[payment.agreement_id].append(payment)
    recoveries = Recovery.objects.filter(
        agreement_id__in=list(by_agreement), method=RecoveryMethod.OFFSET, status=RecoveryStatus.OPEN
    ).order_by("notice_on", "pk")
    for recovery in recoveries:
        left = _outstanding(recovery) - sum(
            (
                p.offset
                for p in ScheduledPayment.objects.filter(
                    agreement_id=recovery.agreement_id, run__status=RunStatus.PREPARED, offset__gt=0
                )
            ),
            ZERO,
        )
        for payment in by_agreement[recovery.agreement_id]:
            if left <= 0:
                break
            if payment.due_on < recovery.due_on:  # the notice says offsets start on or after the due date
                continue
            room = payment.amount - offsets.get(payment.pk, ZERO)
            take = min(room, left)
            if take > 0:
                offsets[payment.pk] = offsets.get(payment.pk, ZERO) + take
                left -= take
    return offsets


def _replan_prepared_offsets(agreement: Agreement) -> None:
    """Work the offsets of the agreement's payments in prepared runs out again (after a recovery is withdrawn)."""
    held = list(
        agreement.payments.filter(status=PaymentStatus.SCHEDULED, run__status=RunStatus.PREPARED).order_by("due_on")
    )
    if not held:
        return
    for payment in held:
        payment.offset = ZERO
    ScheduledPayment.objects.bulk_update(held, ["offset"])
    offsets = _plan_offsets(held)
    for payment in held:
        payment.offset = offsets.get(payment.pk, ZERO)
    ScheduledPayment.objects.bulk_update(held, ["offset"])
    for run in {payment.run for payment in held}:
        _retotal(run)


def _retotal(run: PaymentRun) -> None:
    rows = list(run.payments.all())
    run.payment_count = len(rows)
    run.total = sum((p.amount - p.offset for p in rows), ZERO)
    run.save(update_fields=["payment_count", "total"])


def _post_payments(actor, council, payments: list[ScheduledPayment], on: date) -> None:
    """The ledger entries of a run's payments, posted together: each out of its streams' funds, into the recipient's
    account, less any offset that goes to recoveries, under its key `payment:<id>` (ADR 9). The accounts are read
    (or made) once for the run, and the entries posted in batches, not a few statements a payment."""
    funds = {
        stream: ledger.fund_account(council=council, funding_stream=stream)
        for stream in STREAMS
        if any(getattr(p, stream) for p in payments)
    }
    recoveries = ledger.recoveries_account(council=council) if any(p.offset for p in payments) else None
    recipients = ledger.holder_accounts(
        council=council,
        wanted={p.agreement.holder: _recipient_account_spec(p.agreement) for p in payments},
    )
    entries = []
    for payment in payments:
        legs = [(funds[s], -getattr(payment, s)) for s in STREAMS if getattr(payment, s)]
        net = payment.amount - payment.offset
        if net:
            legs.append((recipients[payment.agreement.holder], net))
        if payment.offset:
            legs.append((recoveries, payment.offset))
        entries.append(
            ledger.Entry(
                kind=TransactionKind.PAYMENT,
                occurred_on=on,
                description=(
                    f"Direct payment for {format_date(payment.period_start)} to {format_date(payment.period_end)}"
                ),
                legs=legs,
                key=f"payment:{payment.pk}",
            )
        )
    for payment, txn in zip(payments, ledger.post_many(council=council, entries=entries, actor=actor), strict=True):
        payment.ledger_transaction = txn


def _recipient_account_spec(agreement: Agreement) -> tuple[str, str]:
    return AccountKind.RECIPIENT, f"Direct payment account: agreement {agreement.pk}"


def recipient_account(agreement: Agreement):
    """The ledger account that holds what the recipient has been paid and not yet spent."""
    kind, name = _recipient_account_spec(agreement)
    return ledger.holder_account(council=agreement.council, holder=agreement.holder, kind=kind, name=name)


@transaction.atomic
def payment_run_approve(*, actor, run: PaymentRun) -> PaymentRun:
    """Approve and release a prepared run: a different finance officer from the one who prepared it. Each payment
    is posted to the ledger once, the first payment sets the first review date (DOMAIN R18), offsets are received
    against recoveries, and the bank, CSV and prepaid card files are made. Any failure leaves none of it."""
    check_perm(actor, Perm.PAYMENTS_RUN)
    check_staff_of(actor, run.council_id)
    run = PaymentRun.objects.select_for_update().select_related("council").get(pk=run.pk)
    if run.prepared_by_id == actor.pk:
        raise PermissionDenied("You prepared this run, so another finance officer must approve it.")
    if run.status != RunStatus.PREPARED:
        raise ValidationError(f"This run is {run.get_status_display().lower()}: it cannot be approved")
    on = today()
    payments = list(
        run.payments.select_for_update(of=("self",))
        .select_related("agreement__council", "agreement__child")
        .order_by("pk")
    )
    # A payment whose agreement was suspended or stopped since the run was prepared goes back to the schedule.
    dropped = [p for p in payments if p.agreement.status != AgreementStatus.ACTIVE]
    for payment in dropped:
        payment.run, payment.offset = None, ZERO
    if dropped:
        ScheduledPayment.objects.bulk_update(dropped, ["run", "offset"])
    payments = [p for p in payments if p.agreement.status == AgreementStatus.ACTIVE]
    if not payments:
        raise ValidationError("Every payment in this run has been suspended or stopped since it was prepared")
    _post_payments(actor, run.council, payments, on)
    for payment in payments:
        payment.status, payment.paid_on = PaymentStatus.PAID, on
    ScheduledPayment.objects.bulk_update(payments, ["ledger_transaction", "status", "paid_on"], batch_size=500)
    for payment in payments:
        if payment.offset:
            _receive_offset(actor, payment, on)
    # The first payment of an agreement sets its first review date (the same day for every agreement in the run).
    first_paid = {p.agreement_id for p in payments if p.agreement.first_paid_on is None}
    Agreement.objects.filter(pk__in=first_paid, first_paid_on__isnull=True).update(
        first_paid_on=on, first_review_due=rules.first_review_due(on), updated_at=timezone.now()
    )
    _retotal(run)
    bank = BankDetails.objects.filter(council_id=run.council_id).first()
    for fmt, filename, content in exports.build_files(run=run, payments=payments, bank=bank, processing_date=on):
        PaymentFile.objects.create(council_id=run.council_id, run=run, format=fmt, filename=filename, content=content)
    run.status, run.approved_by, run.released_at = RunStatus.RELEASED, actor, timezone.now()
    run.save(update_fields=["status", "approved_by", "released_at"])
    _audit(
        actor,
        "payment_run.released",
        run,
        f"Payment run approved and released: {run.payment_count} payments, {format_money(run.total)}",
        council=run.council,
        after={"payments": run.payment_count, "total": str(run.total), "dropped": len(dropped)},
    )
    return run


def _receive_offset(actor, payment: ScheduledPayment, on: date) -> None:
    """Record the offset taken from a payment against the agreement's open recoveries, oldest first."""
    left = payment.offset
    recoveries = Recovery.objects.select_for_update().filter(
        agreement_id=payment.agreement_id, method=RecoveryMethod.OFFSET, status=RecoveryStatus.OPEN
    )
    for recovery in recoveries.order_by("notice_on", "pk"):
        take = min(left, _outstanding(recovery))
        if take <= 0:
            continue
        RecoveryReceipt.objects.create(
            council_id=recovery.council_id,
            recovery=recovery,
            amount=take,
            received_on=on,
            scheduled_payment=payment,
            ledger_transaction=payment.ledger_transaction,
            recorded_by=actor,
        )
        left -= take
        if _outstanding(recovery) == 0:
            recovery.status = RecoveryStatus.RECOVERED
            recovery.save(update_fields=["status"])
        if left <= 0:
            break


@transaction.atomic
def payment_run_cancel(*, actor, run: PaymentRun) -> PaymentRun:
    """Cancel a prepared run: its payments go back to the schedule for the next run."""
    check_perm(actor, Perm.PAYMENTS_RUN)
    check_staff_of(actor, run.council_id)
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.PREPARED:
        raise ValidationError("Only a run waiting for approval can be cancelled")
    ScheduledPayment.objects.filter(run=run).update(run=None, offset=ZERO)
    run.status, run.cancelled_by = RunStatus.CANCELLED, actor
    run.save(update_fields=["status", "cancelled_by"])
    _retotal(run)
    _audit(actor, "payment_run.cancelled", run, "Payment run cancelled", council=run.council)
    return run


# Reduce, stop, suspend, resume, change recipient (DOMAIN R20 to R22, R35) -----------------------------------------


def _earliest_effective(agreement: Agreement, sent_on: date) -> date:
    policy = _policy(agreement, sent_on)
    return rules.notice_effective_from(
        sent_on=sent_on,
        notice_days=policy.reduction_notice_days,
        deemed_received_working_days=policy.notice_deemed_received_working_days,
    )


def _effective_on(agreement: Agreement, requested: date | None) -> date:
    """The date a reduction or stop takes effect: the one asked for, which may not be before the notice runs out."""
    earliest = _earliest_effective(agreement, today())
    if requested is None:
        return earliest
    if not is_working_day(requested):
        later = requested
        while not is_working_day(later):
            later += timedelta(days=1)
        raise ValidationError(
            {"effective_on": f"A change takes effect on a working day: choose {format_date(later)} or another"}
        )
    if requested < earliest:
        raise ValidationError(
            {
                "effective_on": f"The change cannot take effect before {format_date(earliest)}: the family must "
                f"have the council's notice period from when the notice reaches them"
            }
        )
    return requested


def _check_reasons(reasons: str, field: str = "reasons") -> str:
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({field: "Explain the reasons in words the family will understand"})
    return reasons


def _open_future(agreement: Agreement, from_date: date):
    """Scheduled payments from a date that no run has taken yet."""
    return agreement.payments.filter(status=PaymentStatus.SCHEDULED, run__isnull=True, due_on__gte=from_date)


def _refuse_if_in_prepared_run(agreement: Agreement, from_date: date) -> None:
    if agreement.payments.filter(
        status=PaymentStatus.SCHEDULED, run__status=RunStatus.PREPARED, due_on__gte=from_date
    ).exists():
        raise ValidationError(
            "A payment run waiting for approval includes a payment this changes: ask finance to approve or cancel it"
        )


def _resplit(agreement: Agreement, *, from_date: date, new_total: Decimal, reason: str) -> None:
    """Share what is left of a new total over the payments not yet taken from a date, in the proportions of the
    payments they replace, stream by stream, exactly (ADR 9)."""
    future = list(_open_future(agreement, from_date).order_by("due_on"))
    fixed = agreement.payments.exclude(status=PaymentStatus.CANCELLED).exclude(pk__in=[p.pk for p in future])
    fixed_total = _sum(fixed)
    remaining = new_total - fixed_total
    if remaining < 0:
        raise ValidationError(
            {
                "new_amount": f"{format_money(fixed_total)} has already been paid or is due before then: "
                "the new amount cannot be less"
            }
        )
    if not future:
        if remaining:
            raise ValidationError({"new_amount": "No payments are left to change"})
        return
    old_streams = {s: sum((getattr(p, s) for p in future), ZERO) for s in STREAMS}
    old_total = sum(old_streams.values(), ZERO)
    if old_total <= 0:
        raise ValidationError({"new_amount": "No payments are left to change"})
    live = [s for s in STREAMS if old_streams[s] > 0]
    shares = rules.split_largest_remainder(remaining, [Fraction(old_streams[s]) for s in live])
    stream_totals = dict(zip(live, shares, strict=True))
    per_payment = {}
    for s in live:
        weights = [Fraction(getattr(p, s)) for p in future]
        per_payment[s] = rules.split_largest_remainder(stream_totals[s], weights)
    for p in future:
        p.status, p.cancelled_reason = PaymentStatus.CANCELLED, reason
    ScheduledPayment.objects.bulk_update(future, ["status", "cancelled_reason"])
    ScheduledPayment.objects.bulk_create(
        _payment(
            agreement,
            due_on=p.due_on,
            period_start=p.period_start,
            period_end=p.period_end,
            streams={s: per_payment[s][i] for s in live},
        )
        for i, p in enumerate(future)
    )


def _change(actor, agreement, kind, reasons, effective_on, **fields) -> AgreementChange:
    return AgreementChange.objects.create(
        council_id=agreement.council_id,
        agreement=agreement,
        kind=kind,
        reasons=reasons,
        notice_on=today(),
        effective_on=effective_on,
        decided_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )


CHANGE_LETTERS = {
    ChangeKind.REDUCE: (LetterKind.DP_REDUCTION, "Notice to reduce your direct payments"),
    ChangeKind.INCREASE: (LetterKind.DP_INCREASE, "Your direct payments are going up"),
    ChangeKind.ADD_CONDITIONS: (LetterKind.DP_CONDITIONS, "New conditions for your direct payments"),
    ChangeKind.STOP: (LetterKind.DP_STOP, "Notice to stop your direct payments"),
    ChangeKind.SUSPEND: (LetterKind.DP_SUSPENSION, "Your direct payments are suspended"),
    ChangeKind.RESUME: (LetterKind.DP_RESUMPTION, "Your direct payments start again"),
    ChangeKind.CHANGE_RECIPIENT: (LetterKind.DP_RECIPIENT_CHANGE, "Your direct payment agreement"),
    ChangeKind.WITHDRAW_CONSENT: (LetterKind.DP_CONSENT_WITHDRAWN, "Your direct payments are stopping"),
}


def _change_letter(actor, change: AgreementChange, recipient=None, **context) -> None:
    kind, subject = CHANGE_LETTERS[ChangeKind(change.kind)]
    change.letter = _letter(
        actor,
        change.agreement,
        kind=kind,
        subject=subject,
        template="letters/dp_change.html",
        context={"change": change, "reconsider": change.kind in (ChangeKind.REDUCE, ChangeKind.STOP), **context},
        related=change,
        recipient=recipient,
    )
    change.save(update_fields=["letter"])


def _require_live(agreement: Agreement) -> None:
    if agreement.status not in LIVE or agreement.stop_effective_on is not None:
        raise ValidationError("The direct payments are not running: they have stopped or are stopping")


def _change_amount(actor, agreement, kind, new_amount, reasons, effective_on) -> AgreementChange:
    """Share a new total over the payments not yet taken from a date, and send the notice with the new schedule."""
    _refuse_if_in_prepared_run(agreement, effective_on)
    old = agreement.amount
    verb, replaced = ("reduced", "a reduction") if kind == ChangeKind.REDUCE else ("increased", "an increase")
    _resplit(agreement, from_date=effective_on, new_total=new_amount, reason=f"Replaced by {replaced}")
    agreement.amount = new_amount
    agreement.save(update_fields=["amount", "updated_at"])
    change = _change(actor, agreement, kind, reasons, effective_on, old_amount=old, new_amount=new_amount)
    _change_letter(actor, change, schedule=_future_schedule(agreement, effective_on))
    _audit(
        actor,
        f"agreement.{verb}",
        change,
        f"Direct payments {verb} from {format_money(old)} to {format_money(new_amount)} from "
        f"{format_date(effective_on)}",
        child=agreement.child,
        after={"old_amount": str(old), "new_amount": str(new_amount), "effective_on": effective_on.isoformat()},
    )
    return change


@transaction.atomic
def agreement_reduce(
    *, actor, agreement: Agreement, new_amount: Decimal, reasons: str, effective_on: date | None = None
) -> AgreementChange:
    """Reduce the payments with written notice and reasons; the reduction takes effect no sooner than the council's
    notice period after the notice reaches the family, even while a reconsideration is open (DOMAIN R21)."""
    check_perm(actor, Perm.DP_DECIDE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    _require_live(agreement)
    reasons = _check_reasons(reasons)
    if new_amount is None or new_amount < 0:
        raise ValidationError({"new_amount": "Enter the new amount"})
    if new_amount >= agreement.amount:
        raise ValidationError(
            {"new_amount": f"The new amount must be less than the current amount, {format_money(agreement.amount)}"}
        )
    effective_on = _effective_on(agreement, effective_on)
    if effective_on > agreement.end_date:
        raise ValidationError({"effective_on": "The agreement ends before the reduction could take effect"})
    return _change_amount(actor, agreement, ChangeKind.REDUCE, new_amount, reasons, effective_on)


@transaction.atomic
def agreement_increase(
    *, actor, agreement: Agreement, new_amount: Decimal, reasons: str, effective_on: date | None = None
) -> AgreementChange:
    """Increase the payments, so they are enough for the agreed provision (DOMAIN R17, R20): from a working day no
    earlier than today, shared over the payments not yet taken, with a letter giving the new schedule."""
    check_perm(actor, Perm.DP_DECIDE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    _require_live(agreement)
    reasons = _check_reasons(reasons)
    if new_amount is None or new_amount <= agreement.amount:
        raise ValidationError(
            {"new_amount": f"The new amount must be more than the current amount, {format_money(agreement.amount)}"}
        )
    if new_amount > ledger.MAX_AMOUNT:
        raise ValidationError({"new_amount": f"The new amount must be no more than {format_money(ledger.MAX_AMOUNT)}"})
    if effective_on is None:
        effective_on = today()
        while not is_working_day(effective_on):
            effective_on += timedelta(days=1)
    if effective_on < today() or not is_working_day(effective_on):
        raise ValidationError({"effective_on": "An increase takes effect on a working day, today or later"})
    if effective_on > agreement.end_date:
        raise ValidationError({"effective_on": "The agreement ends before the increase could take effect"})
    return _change_amount(actor, agreement, ChangeKind.INCREASE, new_amount, reasons, effective_on)


@transaction.atomic
def agreement_add_conditions(
    *, actor, agreement: Agreement, conditions: str, reasons: str, effective_on: date | None = None
) -> AgreementChange:
    """Add conditions to the agreement with written notice and reasons; they apply once the notice period has run
    from when the notice reaches the family (DOMAIN R16, R20)."""
    check_perm(actor, Perm.DP_DECIDE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    _require_live(agreement)
    conditions = (conditions or "").strip()
    if not conditions:
        raise ValidationError({"conditions": "Enter the conditions to add"})
    reasons = _check_reasons(reasons)
    effective_on = _effective_on(agreement, effective_on)
    if effective_on > agreement.end_date:
        raise ValidationError({"effective_on": "The agreement ends before the conditions could apply"})
    # Written with its date: until then the conditions before it are the ones that apply.
    agreement.conditions = f"{agreement.conditions.strip()}\n{conditions} (from {format_date(effective_on)})".strip()
    agreement.save(update_fields=["conditions", "updated_at"])
    change = _change(actor, agreement, ChangeKind.ADD_CONDITIONS, reasons, effective_on)
    _change_letter(actor, change, new_conditions=conditions)
    _audit(
        actor,
        "agreement.conditions_added",
        change,
        f"Conditions added to the direct payments from {format_date(effective_on)}",
        child=agreement.child,
        after={"conditions": conditions, "effective_on": effective_on.isoformat()},
    )
    return change


def _future_schedule(agreement: Agreement, from_date: date):
    return list(
        agreement.payments.exclude(status=PaymentStatus.CANCELLED).filter(due_on__gte=from_date).order_by("due_on")
    )


def _cancel_from(agreement: Agreement, from_date: date, reason: str) -> int:
    return _open_future(agreement, from_date).update(status=PaymentStatus.CANCELLED, cancelled_reason=reason)


@transaction.atomic
def agreement_stop(
    *, actor, agreement: Agreement, ground: str, reasons: str, effective_on: date | None = None
) -> AgreementChange:
    """Stop the payments on one of the grounds the law gives, with written notice, reasons and the right to one
    reconsideration; never at once (DOMAIN R22; LGSCO Surrey 21 005 214)."""
    check_perm(actor, Perm.DP_DECIDE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    _require_live(agreement)
    if ground not in StopGround.values or ground == StopGround.CONSENT_WITHDRAWN:
        raise ValidationError(
            {"ground": "Select the ground for stopping (a recipient's withdrawal of consent is recorded as such)"}
        )
    reasons = _check_reasons(reasons)
    effective_on = _effective_on(agreement, effective_on)
    _refuse_if_in_prepared_run(agreement, effective_on)
    _cancel_from(agreement, effective_on, "Direct payments stopped")
    agreement.stop_effective_on = effective_on
    agreement.save(update_fields=["stop_effective_on", "updated_at"])
    change = _change(actor, agreement, ChangeKind.STOP, reasons, effective_on, ground=ground)
    _change_letter(actor, change)
    _audit(
        actor,
        "agreement.stopping",
        change,
        f"Direct payments to stop from {format_date(effective_on)}: {change.get_ground_display()}",
        child=agreement.child,
        after={"ground": ground, "effective_on": effective_on.isoformat()},
    )
    return change


@transaction.atomic
def agreement_withdraw_consent(*, actor, agreement: Agreement, reasons: str = "") -> AgreementChange:
    """The recipient withdraws consent, the one ground a recipient can start: no payment is made from today, and
    the council writes to confirm and to say how the support will be arranged instead (DOMAIN R22)."""
    agreement = _lock(agreement)
    if actor.is_family:
        check_perm(actor, Perm.DP_CONSENT)
        if not is_recipient_user(actor, agreement):
            raise PermissionDenied("Only the person who receives the payments can withdraw consent.")
    else:
        check_perm(actor, Perm.DP_MANAGE)
        check_staff_of(actor, agreement.council_id)
    if agreement.status not in (*LIVE, AgreementStatus.AWAITING_CONSENT) or agreement.stop_effective_on:
        raise ValidationError("The direct payments have already stopped or are stopping")
    on = today()
    reasons = (reasons or "").strip() or "The recipient withdrew their consent to receive direct payments."
    in_prepared = agreement.payments.filter(status=PaymentStatus.SCHEDULED, run__status=RunStatus.PREPARED)
    runs = {p.run for p in in_prepared.select_related("run")}
    in_prepared.update(run=None, offset=ZERO)
    for run in runs:
        _retotal(run)
    _cancel_from(agreement, date.min, "Consent withdrawn")
    agreement.stop_effective_on = on
    agreement.status = AgreementStatus.STOPPED
    agreement.save(update_fields=["stop_effective_on", "status", "updated_at"])
    change = _change(actor, agreement, ChangeKind.WITHDRAW_CONSENT, reasons, on, ground=StopGround.CONSENT_WITHDRAWN)
    _change_letter(actor, change)
    _audit(
        actor,
        "agreement.consent_withdrawn",
        change,
        "The recipient withdrew consent: direct payments stopped",
        child=agreement.child,
    )
    return change


@transaction.atomic
def agreement_suspend(
    *,
    actor,
    agreement: Agreement,
    reason: str,
    reasons: str,
    away_from: date,
    expected_until: date | None = None,
) -> AgreementChange:
    """Suspend the payments, for example while the child is in hospital or abroad for longer than the council's
    policy allows; nothing is paid while suspended (DOMAIN R35)."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    if agreement.status != AgreementStatus.ACTIVE or agreement.stop_effective_on:
        raise ValidationError("Only running direct payments can be suspended")
    if reason not in SuspensionReason.values:
        raise ValidationError({"suspension_reason": "Select why the payments are suspended"})
    reasons = _check_reasons(reasons)
    if away_from is None:
        raise ValidationError({"away_from": "Enter the date the absence started"})
    if expected_until is not None and expected_until <= away_from:
        raise ValidationError({"expected_until": "The expected end must be after the start"})
    weeks = _policy(agreement).suspension_after_weeks
    if not rules.suspension_allowed(
        reason=reason, away_from=away_from, expected_until=expected_until, after_weeks=weeks
    ):
        raise ValidationError(
            {
                "expected_until": "Payments are suspended for a stay in hospital or abroad only when it lasts "
                f"more than {weeks} weeks: give the expected end"
            }
        )
    _refuse_if_in_prepared_run(agreement, date.min)
    agreement.status = AgreementStatus.SUSPENDED
    agreement.save(update_fields=["status", "updated_at"])
    change = _change(
        actor,
        agreement,
        ChangeKind.SUSPEND,
        reasons,
        max(today(), away_from),
        suspension_reason=reason,
        expected_until=expected_until,
    )
    _change_letter(actor, change)
    _audit(
        actor,
        "agreement.suspended",
        change,
        f"Direct payments suspended: {change.get_suspension_reason_display().lower()}",
        child=agreement.child,
    )
    return change


@transaction.atomic
def agreement_resume(*, actor, agreement: Agreement, reasons: str, resume_on: date | None = None) -> AgreementChange:
    """Start suspended payments again; payments that fell due while suspended are not paid (DOMAIN R35)."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    if agreement.status != AgreementStatus.SUSPENDED:
        raise ValidationError("The direct payments are not suspended")
    reasons = _check_reasons(reasons)
    resume_on = resume_on or today()
    if resume_on < today():
        raise ValidationError({"resume_on": "The payments can start again today or later"})
    suspension = agreement.changes.filter(kind=ChangeKind.SUSPEND).order_by("-pk").first()
    skipped = agreement.payments.filter(
        status=PaymentStatus.SCHEDULED,
        run__isnull=True,
        due_on__lt=resume_on,
        due_on__gte=suspension.effective_on if suspension else resume_on,
    )
    skipped_total = _sum(skipped)
    skipped.update(status=PaymentStatus.CANCELLED, cancelled_reason="Not paid while suspended")
    agreement.status = AgreementStatus.ACTIVE
    agreement.save(update_fields=["status", "updated_at"])
    change = _change(actor, agreement, ChangeKind.RESUME, reasons, resume_on)
    _change_letter(actor, change, skipped_total=skipped_total)
    _audit(
        actor,
        "agreement.resumed",
        change,
        f"Direct payments start again from {format_date(resume_on)}",
        child=agreement.child,
        after={"not_paid": str(skipped_total)},
    )
    return change


@transaction.atomic
def agreement_change_recipient(
    *, actor, agreement: Agreement, new_recipient: Contact, reasons: str, **payment_fields
) -> AgreementChange:
    """Pay someone else: the new recipient must be eligible (DOMAIN R10, R11, R26), the money goes to an account in
    their name, and nothing is paid until they consent to the terms sent to them (DOMAIN R15, R20)."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    _require_live(agreement)
    if agreement.status == AgreementStatus.SUSPENDED:
        raise ValidationError("The payments are suspended: start them again before changing who receives them")
    reasons = _check_reasons(reasons)
    if new_recipient is None or new_recipient.child_id != agreement.child_id:
        raise ValidationError({"new_recipient": "Choose the new recipient from the people linked to this child"})
    if new_recipient.pk == agreement.recipient_id:
        raise ValidationError({"new_recipient": "Choose someone other than the current recipient"})
    problems = _recipient_problems(agreement.budget, new_recipient, list(agreement.lines.all()))
    if problems:
        raise ValidationError({"new_recipient": problems})
    details = _payment_details(payment_fields)
    _refuse_if_in_prepared_run(agreement, date.min)
    old = agreement.recipient
    for name, value in details.items():
        setattr(agreement, name, value)
    agreement.recipient = new_recipient
    agreement.status = AgreementStatus.AWAITING_CONSENT
    agreement.terms_version += 1
    agreement.notice_sent_on = today()
    agreement.consented_on = None
    agreement.consent_channel = ""
    agreement.save()
    change = _change(
        actor, agreement, ChangeKind.CHANGE_RECIPIENT, reasons, today(), old_recipient=old, new_recipient=new_recipient
    )
    _change_letter(actor, change, recipient=new_recipient, schedule=_future_schedule(agreement, today()))
    agreement.notice_letter = change.letter
    agreement.save(update_fields=["notice_letter"])
    _audit(
        actor,
        "agreement.recipient_changed",
        change,
        f"Direct payments to go to {new_recipient.full_name} once they consent",
        child=agreement.child,
        after={"old": old.pk, "new": new_recipient.pk},
    )
    return change


# Recovery (DOMAIN R23) -------------------------------------------------------------------------------------------


def paid_total(agreement: Agreement) -> Decimal:
    """What has been paid to the recipient so far, net of offsets."""
    paid = agreement.payments.filter(status=PaymentStatus.PAID)
    return _sum(paid) - _sum(paid, "offset")


@transaction.atomic
def recovery_raise(
    *,
    actor,
    agreement: Agreement,
    amount: Decimal,
    reasons: str,
    method: str,
    payer: Contact | None = None,
    due_on: date | None = None,
) -> Recovery:
    """Ask for money back, with a notice stating the reasons, the amount, who pays and by when (the council's number
    of days, 14 by default); by invoice or by paying less from future payments; reconsideration on request
    (DOMAIN R23)."""
    check_perm(actor, Perm.DP_DECIDE)
    check_staff_of(actor, agreement.council_id)
    agreement = _lock(agreement)
    reasons = _check_reasons(reasons)
    payer = payer or agreement.recipient
    if payer.child_id != agreement.child_id:
        raise ValidationError({"payer": "Choose who pays from the people linked to this child"})
    if method not in RecoveryMethod.values:
        raise ValidationError({"method": "Select how the money is to be recovered"})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Enter the amount to recover"})
    # Against what was paid before any offset: money already taken by offset is counted once, as a recovery.
    already = _sum(agreement.recoveries.exclude(status=RecoveryStatus.WITHDRAWN))
    paid = _sum(agreement.payments.filter(status=PaymentStatus.PAID)) - already
    if amount > paid:
        raise ValidationError(
            {"amount": f"The amount cannot be more than has been paid and not already recovered, {format_money(paid)}"}
        )
    if method == RecoveryMethod.OFFSET:
        if agreement.status not in LIVE:
            raise ValidationError({"method": "The payments have stopped: recover by invoice"})
        claimed = sum(
            (
                _outstanding(r)
                for r in agreement.recoveries.filter(method=RecoveryMethod.OFFSET, status=RecoveryStatus.OPEN)
            ),
            ZERO,
        )
        future = _sum(_open_future(agreement, today())) - claimed
        if amount > future:
            raise ValidationError(
                {"amount": f"Future payments come to {format_money(future)}: recover the rest by invoice"}
            )
    policy = _policy(agreement)
    earliest = rules.recovery_due(
        sent_on=today(),
        due_days=policy.recovery_due_days,
        deemed_received_working_days=policy.notice_deemed_received_working_days,
    )
    if due_on is None:
        due_on = earliest
    elif due_on < earliest:
        raise ValidationError({"due_on": f"The repayment cannot be due before {format_date(earliest)}"})
    recovery = Recovery.objects.create(
        council_id=agreement.council_id,
        agreement=agreement,
        amount=amount,
        reasons=reasons,
        payer=payer,
        method=method,
        notice_on=today(),
        due_on=due_on,
        decided_by=actor,
    )
    recovery.letter = _letter(
        actor,
        agreement,
        kind=LetterKind.DP_RECOVERY,
        subject="Notice to repay direct payments",
        template="letters/dp_recovery.html",
        context={"recovery": recovery},
        related=recovery,
        recipient=payer,
    )
    recovery.save(update_fields=["letter"])
    _audit(
        actor,
        "recovery.raised",
        recovery,
        f"Recovery of {format_money(amount)} from {payer.full_name}, due {format_date(due_on)}",
        child=agreement.child,
        after={"amount": str(amount), "method": method, "due_on": due_on.isoformat()},
    )
    return recovery


@transaction.atomic
def recovery_receipt_record(*, actor, recovery: Recovery, amount: Decimal, received_on: date) -> RecoveryReceipt:
    """Record money repaid against an invoice; it leaves the recipient's account in the ledger (DOMAIN R23)."""
    check_perm(actor, Perm.PAYMENTS_RUN)
    check_staff_of(actor, recovery.council_id)
    recovery = Recovery.objects.select_for_update().select_related("agreement__council").get(pk=recovery.pk)
    if recovery.status != RecoveryStatus.OPEN:
        raise ValidationError("This recovery is not outstanding")
    if recovery.method != RecoveryMethod.INVOICE:
        raise ValidationError("This recovery is taken from future payments, not repaid by invoice")
    outstanding = _outstanding(recovery)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Enter the amount received"})
    if amount > outstanding:
        raise ValidationError({"amount": f"The amount cannot be more than is outstanding, {format_money(outstanding)}"})
    if received_on is None or received_on > today() or received_on < recovery.notice_on:
        raise ValidationError({"received_on": "The date received must be between the notice and today"})
    agreement = recovery.agreement
    txn = ledger.post(
        council=agreement.council,
        kind=TransactionKind.RECOVERY,
        occurred_on=received_on,
        description=f"Repaid towards the recovery of {format_money(recovery.amount)}",
        legs=[(ledger.recoveries_account(council=agreement.council), amount), (recipient_account(agreement), -amount)],
        actor=actor,
    )
    receipt = RecoveryReceipt.objects.create(
        council_id=recovery.council_id,
        recovery=recovery,
        amount=amount,
        received_on=received_on,
        ledger_transaction=txn,
        recorded_by=actor,
    )
    if amount == outstanding:
        recovery.status = RecoveryStatus.RECOVERED
        recovery.save(update_fields=["status"])
    _audit(
        actor,
        "recovery.received",
        receipt,
        f"{format_money(amount)} received towards a recovery",
        child=agreement.child,
        council=agreement.council,
    )
    return receipt


# Reconsideration (DOMAIN R21 to R23) -----------------------------------------------------------------------------


@transaction.atomic
def reconsideration_request(
    *, actor, grounds: str, change: AgreementChange | None = None, recovery: Recovery | None = None
) -> Reconsideration:
    """Ask the council to reconsider a reduction, a stop or a recovery, once (DOMAIN R21 to R23). The recipient asks
    online, or an officer records a request made by letter, email or phone."""
    subject = change or recovery
    if subject is None or (change is not None and recovery is not None):
        raise ValidationError("Ask for a reconsideration of one reduction, stop or recovery")
    agreement = subject.agreement
    if actor.is_family:
        check_perm(actor, Perm.DP_CONSENT)
        if not is_recipient_user(actor, agreement) and not (
            recovery is not None and recovery.payer.user_id == actor.pk
        ):
            raise PermissionDenied("Only the person the notice was sent to can ask for a reconsideration.")
    else:
        check_perm(actor, Perm.DP_MANAGE)
        check_staff_of(actor, agreement.council_id)
    if change is not None:
        change = AgreementChange.objects.select_for_update().get(pk=change.pk)
        if change.kind not in (ChangeKind.REDUCE, ChangeKind.STOP) or change.withdrawn:
            raise ValidationError("Only a reduction or a stop can be reconsidered")
        exists = Reconsideration.objects.filter(change=change).exists()
    else:
        recovery = Recovery.objects.select_for_update().get(pk=recovery.pk)
        if recovery.status == RecoveryStatus.WITHDRAWN:
            raise ValidationError("This recovery has been withdrawn")
        exists = Reconsideration.objects.filter(recovery=recovery).exists()
    if exists:
        raise ValidationError("A reconsideration has already been asked for: the law allows one")
    grounds = _check_reasons(grounds, "grounds")
    item = Reconsideration.objects.create(
        council_id=agreement.council_id, change=change, recovery=recovery, requested_on=today(), grounds=grounds
    )
    _audit(actor, "reconsideration.requested", item, "Reconsideration asked for", child=agreement.child)
    return item


@transaction.atomic
def reconsideration_decide(*, actor, reconsideration: Reconsideration, outcome: str, reasons: str) -> Reconsideration:
    """Decide a reconsideration and write to the family with reasons: a different manager from the one who made the
    decision. Changing the decision undoes it: a reduction is restored, a stop lifted, a recovery withdrawn (and any
    money received repaid through the ledger) (DOMAIN R21 to R23)."""
    check_perm(actor, Perm.DECISION_REVIEW)
    check_staff_of(actor, reconsideration.council_id)
    item = Reconsideration.objects.select_for_update().get(pk=reconsideration.pk)
    subject = item.change or item.recovery
    if subject.decided_by_id == actor.pk:
        raise PermissionDenied("You made this decision, so another manager must reconsider it.")
    if item.status != ReconsiderationStatus.OPEN:
        raise ValidationError("This reconsideration has been decided")
    if outcome not in (ReconsiderationStatus.UPHELD, ReconsiderationStatus.CHANGED):
        raise ValidationError({"outcome": "Select whether the decision stands or changes"})
    reasons = _check_reasons(reasons)
    agreement = _lock(subject.agreement)
    if outcome == ReconsiderationStatus.CHANGED:
        _undo(actor, agreement, item)
    item.status, item.outcome_reasons, item.decided_by, item.decided_on = outcome, reasons, actor, today()
    item.save(update_fields=["status", "outcome_reasons", "decided_by", "decided_on"])
    item.letter = _letter(
        actor,
        agreement,
        kind=LetterKind.DP_RECONSIDERATION,
        subject="The outcome of your request for a reconsideration",
        template="letters/dp_reconsideration.html",
        context={"item": item, "change": item.change, "recovery": item.recovery},
        related=item,
        recipient=item.recovery.payer if item.recovery else None,
    )
    item.save(update_fields=["letter"])
    _audit(
        actor,
        "reconsideration.decided",
        item,
        f"Reconsideration: {item.get_status_display().lower()}",
        child=agreement.child,
        after={"outcome": outcome},
    )
    return item


def _undo(actor, agreement: Agreement, item: Reconsideration) -> None:
    if item.recovery is not None:
        recovery = item.recovery
        for receipt in recovery.receipts.all():  # by invoice or offset alike, the money goes back to the account
            ledger.post(
                council=agreement.council,
                kind=TransactionKind.RECOVERY,
                occurred_on=today(),
                description="Recovered money repaid after a reconsideration",
                legs=[
                    (ledger.recoveries_account(council=agreement.council), -receipt.amount),
                    (recipient_account(agreement), receipt.amount),
                ],
                actor=actor,
            )
        recovery.status = RecoveryStatus.WITHDRAWN
        recovery.save(update_fields=["status"])
        _replan_prepared_offsets(agreement)
        return
    change = item.change
    if change.kind == ChangeKind.REDUCE:
        _refuse_if_in_prepared_run(agreement, today())
        from_date = max(change.effective_on, today())
        _resplit(agreement, from_date=from_date, new_total=change.old_amount, reason="Reduction withdrawn")
        agreement.amount = change.old_amount
        agreement.save(update_fields=["amount", "updated_at"])
    elif change.kind == ChangeKind.STOP:
        cancelled = agreement.payments.filter(
            status=PaymentStatus.CANCELLED, cancelled_reason="Direct payments stopped", due_on__gte=change.effective_on
        )
        restored = [
            _payment(
                agreement,
                due_on=p.due_on,
                period_start=p.period_start,
                period_end=p.period_end,
                streams={s: getattr(p, s) for s in STREAMS},
            )
            for p in cancelled
        ]
        cancelled.update(cancelled_reason="Stop withdrawn; paid again")
        ScheduledPayment.objects.bulk_create(restored)
        agreement.stop_effective_on = None
        if agreement.status == AgreementStatus.STOPPED:
            agreement.status = AgreementStatus.ACTIVE
        agreement.save(update_fields=["stop_effective_on", "status", "updated_at"])
    change.withdrawn = True
    change.save(update_fields=["withdrawn"])


# The council's bank details --------------------------------------------------------------------------------------

BANK_FIELDS = (
    "service_user_number",
    "service_user_name",
    "sort_code",
    "account_number",
    "prepaid_provider",
    "prepaid_funding_reference",
)


@transaction.atomic
def bank_details_set(*, actor, council: Council, **fields) -> BankDetails:
    """Record the bank account direct payments are paid from and the council's BACS service user number."""
    check_perm(actor, Perm.OFFER_MANAGE)
    check_staff_of(actor, council.pk)
    unknown = set(fields) - set(BANK_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown bank details: {', '.join(sorted(unknown))}")
    clean = {name: (fields.get(name) or "").strip() for name in BANK_FIELDS}
    clean["sort_code"] = _digits(clean["sort_code"])
    clean["account_number"] = _digits(clean["account_number"])
    clean["service_user_name"] = " ".join(clean["service_user_name"].upper().split())
    errors = {}
    if not (clean["service_user_number"].isdigit() and len(clean["service_user_number"]) == 6):
        errors["service_user_number"] = "Enter the BACS service user number: 6 digits"
    if not clean["service_user_name"] or any(ch not in BACS_NAME for ch in clean["service_user_name"]):
        errors["service_user_name"] = "Enter the service user name, using only letters, numbers, spaces and . & / -"
    elif len(clean["service_user_name"]) > 18:
        errors["service_user_name"] = "Service user name must be 18 characters or fewer"
    if not (clean["sort_code"].isdigit() and len(clean["sort_code"]) == 6):
        errors["sort_code"] = "Enter a valid sort code like 309430"
    if not (clean["account_number"].isdigit() and len(clean["account_number"]) == 8):
        errors["account_number"] = "Enter a valid account number like 00733445"
    if errors:
        raise ValidationError(errors)
    details = BankDetails.objects.select_for_update().filter(council=council).first()
    before = {name: getattr(details, name) for name in BANK_FIELDS} if details else None
    if details is None:
        details = BankDetails.objects.create(council=council, **clean)
    else:
        for name, value in clean.items():
            setattr(details, name, value)
        details.save()
    _audit(
        actor,
        "bank_details.set",
        details,
        "Bank details for direct payments recorded",
        council=council,
        before=before,
        after=clean,
    )
    return details
