"""What the direct payment routes read and write: agreements with their schedules, notices, recoveries and
reconsiderations; payment runs and their files; recoveries to be repaid; the ledger. Money is a decimal string with
two places ("1234.50"), dates are ISO 8601, enums take the stored values.

Families see their child's agreements as the family page shows them: never a draft (the council's work until it is
sent), a schedule without the payments replaced or not paid, and no personal assistant records (null for them).
Account numbers are shown by their last four digits only, as on the pages.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from ninja import Field, Schema

from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.api.schemas import In, Money, MoneyIn, Patch, leave_out
from ehcbudgets.councils.models import PaymentFrequency
from ehcbudgets.ledger.models import AccountKind, TransactionKind
from ehcbudgets.payments import selectors, services
from ehcbudgets.payments.models import (
    AgreementStatus,
    ChangeKind,
    ConsentChannel,
    FileFormat,
    PaymentMethod,
    PaymentStatus,
    ReconsiderationStatus,
    RecoveryMethod,
    RecoveryStatus,
    RunStatus,
    StopGround,
    SuspensionReason,
)
from ehcbudgets.plans.models import FundingStream

ZERO = Decimal("0.00")

#: The two outcomes of a reconsideration (its status once decided).
ReconsiderationOutcome = StrEnum(
    "ReconsiderationOutcome",
    {"UPHELD": ReconsiderationStatus.UPHELD.value, "CHANGED": ReconsiderationStatus.CHANGED.value},
)
#: The recoveries finance can list: those still to be repaid.
RecoveryListStatus = StrEnum("RecoveryListStatus", {"OPEN": RecoveryStatus.OPEN.value})


def _is_staff(context) -> bool:
    """Whether the caller is council staff who see direct payments (Perm.DP_VIEW): never a family."""
    return has_perm(context["request"].user, Perm.DP_VIEW)


def _or_none(value):
    return value or None


# Agreements: what is sent


class PaymentDetailsIn(In):
    payment_method: PaymentMethod | None = Field(None, description="Where the payments go (required).")
    card_account_reference: str = Field("", description="For a prepaid card: the card account's reference.")
    account_name: str = Field("", description="For a bank account: the name on it, up to 18 characters.")
    sort_code: str = Field("", description="For a bank account: 6 digits; spaces and hyphens are ignored.")
    account_number: str = Field("", description="For a bank account: 6 to 8 digits.")


class AgreementIn(PaymentDetailsIn):
    recipient: int | None = Field(
        None,
        description="The id of the child's contact who receives the payments; left out, the recipient named in the "
        "budget's direct payment findings.",
    )
    managed_by: int | None = Field(
        None, description="The id of a third-party organisation linked to the child that manages the account."
    )
    frequency: PaymentFrequency | None = Field(None, description="Left out, the council's usual frequency.")
    start_date: date | None = Field(None, description="When the payments start, within the budget's dates (required).")
    end_date: date | None = Field(None, description="Left out, the end of the budget.")
    conditions: str = Field("", description="Conditions the council adds to the agreement (DOMAIN R16).")
    excluded_payees: list[str] = Field([], description="People or organisations the recipient must not pay.")


class AgreementPatch(Patch):
    """Only while the agreement is a draft; fields left out keep their values. The recipient changes by notice."""

    frequency: PaymentFrequency = leave_out()
    start_date: date = leave_out()
    end_date: date = leave_out()
    payment_method: PaymentMethod = leave_out()
    card_account_reference: str = leave_out()
    account_name: str = leave_out()
    sort_code: str = leave_out()
    account_number: str = leave_out()
    conditions: str = leave_out()
    excluded_payees: list[str] = leave_out(description="When sent, replaces the list.")


class ConsentIn(In):
    channel: ConsentChannel | None = Field(
        None, description="Staff only (required): how the recipient consented; never online. Families leave it out."
    )
    consented_on: date | None = Field(None, description="Staff only: the date of consent; left out, today.")


class PersonalAssistantIn(In):
    full_name: str = ""
    date_of_birth: date | None = None
    starts_on: date | None = None
    dbs_checked_on: date | None = Field(None, description="The date of the enhanced DBS check.")
    insurance_expires_on: date | None = Field(None, description="When the employer's liability insurance runs out.")
    close_relative_in_household: bool = False
    exception_approved_by: int | None = Field(
        None, description="The id of the council's team manager who approved an exception (DOMAIN R26, R34)."
    )
    exception_reason: str = ""


class SuspendIn(In):
    suspension_reason: SuspensionReason | None = None
    reasons: str = Field("", description="In words the family will understand.")
    away_from: date | None = Field(None, description="When the absence started (required).")
    expected_until: date | None = None


class ResumeIn(In):
    reasons: str = ""
    resume_on: date | None = Field(None, description="Today or later; left out, today.")


class ChangeRecipientIn(PaymentDetailsIn):
    new_recipient: int | None = Field(None, description="The id of the child's contact who receives them from now on.")
    reasons: str = ""


class WithdrawConsentIn(In):
    reasons: str = Field("", description="Optional: anything the recipient wants to say.")


class ReduceIn(In):
    new_amount: MoneyIn | None = Field(None, description="The agreement's new total, less than the current one.")
    reasons: str = ""
    effective_on: date | None = Field(None, description="Left out, the earliest date the notice period allows.")


class StopIn(In):
    ground: StopGround | None = Field(None, description="Never consent_withdrawn: record a withdrawal as such.")
    reasons: str = ""
    effective_on: date | None = Field(None, description="Left out, the earliest date the notice period allows.")


class RecoveryIn(In):
    amount: MoneyIn | None = None
    method: RecoveryMethod | None = None
    payer: int | None = Field(None, description="The id of the child's contact who repays; left out, the recipient.")
    due_on: date | None = Field(None, description="Left out, the council's usual number of days after the notice.")
    reasons: str = ""


class ReconsiderationIn(In):
    grounds: str = Field("", description="Why the decision should change.")


class ReconsiderationDecisionIn(In):
    outcome: ReconsiderationOutcome | None = Field(None, description="upheld: it stands; changed: it is undone.")
    reasons: str = ""


# Agreements: what is read


class StreamsOut(Schema):
    education: Money
    health: Money
    social_care: Money


class PaymentOut(Schema):
    id: int
    agreement_id: int
    due_on: date = Field(description="Paid on or after this date, in advance.")
    period_start: date
    period_end: date
    amount: Money
    by_stream: StreamsOut = Field(description="The amount from each funding stream; they add up to the amount.")
    offset: Money = Field(description="Recovered by paying less this time (DOMAIN R23).")
    net_amount: Money = Field(description="What reaches the recipient: the amount less the offset.")
    status: PaymentStatus
    cancelled_reason: str
    run_id: int | None
    paid_on: date | None

    @staticmethod
    def resolve_by_stream(obj) -> dict:
        return {"education": obj.education, "health": obj.health, "social_care": obj.social_care}


class ProposedPaymentOut(Schema):
    due_on: date
    period_end: date
    amount: Money


class AgreementLineOut(Schema):
    id: int
    budget_line_id: int
    description: str
    funding_stream: FundingStream
    amount: Money = Field(description="The line's share for the agreement's dates.")


class PersonalAssistantOut(Schema):
    id: int
    full_name: str
    date_of_birth: date
    starts_on: date
    dbs_checked_on: date | None
    insurance_expires_on: date | None
    close_relative_in_household: bool
    exception_approved_by_id: int | None
    exception_reason: str
    ended_on: date | None
    created_at: datetime


class ReconsiderationOut(Schema):
    id: int
    change_id: int | None = Field(description="The reduction or stop reconsidered, or null.")
    recovery_id: int | None = Field(description="The recovery reconsidered, or null.")
    requested_on: date
    grounds: str
    status: ReconsiderationStatus
    outcome_reasons: str
    decided_on: date | None
    letter_id: int | None = Field(description="The letter that gave the outcome.")


def _reconsideration_id(obj) -> int | None:
    item = getattr(obj, "reconsideration", None)
    return item.pk if item else None


class AgreementChangeOut(Schema):
    id: int
    agreement_id: int
    kind: ChangeKind
    reasons: str
    ground: StopGround | None
    suspension_reason: SuspensionReason | None
    expected_until: date | None
    old_amount: Money | None
    new_amount: Money | None
    old_recipient_id: int | None
    new_recipient_id: int | None
    notice_on: date
    effective_on: date
    letter_id: int | None = Field(description="The notice sent.")
    withdrawn: bool = Field(description="Undone after a reconsideration.")
    reconsideration_id: int | None

    @staticmethod
    def resolve_ground(obj) -> str | None:
        return _or_none(obj.ground)

    @staticmethod
    def resolve_suspension_reason(obj) -> str | None:
        return _or_none(obj.suspension_reason)

    @staticmethod
    def resolve_reconsideration_id(obj) -> int | None:
        return _reconsideration_id(obj)


class RecoveryOut(Schema):
    id: int
    agreement_id: int
    child_id: int
    amount: Money
    outstanding: Money = Field(description="What is still to be repaid.")
    reasons: str
    payer_id: int
    payer_name: str
    method: RecoveryMethod
    notice_on: date
    due_on: date
    status: RecoveryStatus
    letter_id: int | None = Field(description="The notice sent.")
    reconsideration_id: int | None

    @staticmethod
    def resolve_child_id(obj) -> int:
        return obj.agreement.child_id

    @staticmethod
    def resolve_outstanding(obj) -> Decimal:
        return obj.amount - sum((receipt.amount for receipt in obj.receipts.all()), ZERO)

    @staticmethod
    def resolve_payer_name(obj) -> str:
        return obj.payer.full_name

    @staticmethod
    def resolve_reconsideration_id(obj) -> int | None:
        return _reconsideration_id(obj)


class ReceiptOut(Schema):
    id: int
    recovery_id: int
    amount: Money
    received_on: date
    scheduled_payment_id: int | None = Field(description="The payment it was offset against, or null (an invoice).")
    ledger_transaction_id: int


class AgreementOut(Schema):
    id: int
    child_id: int
    budget_id: int
    status: AgreementStatus
    recipient_id: int
    recipient_name: str
    managed_by_id: int | None = Field(description="A third-party organisation that manages the account, if any.")
    amount: Money = Field(description="The total to be paid from the start date to the end date.")
    frequency: PaymentFrequency
    start_date: date
    end_date: date
    notice_sent_on: date | None
    consented_on: date | None
    stop_effective_on: date | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_recipient_name(obj) -> str:
        return obj.recipient.full_name


class AgreementDetailOut(AgreementOut):
    """An agreement with its terms, lines, schedule, next payment, the recipient's balance from the ledger, its
    notices, recoveries and reconsiderations; for council staff also its personal assistants (null for families).
    Families do not see payments replaced or not paid."""

    managed_by_name: str | None
    payment_method: PaymentMethod
    card_account_reference: str
    account_name: str
    sort_code: str
    account_number_ending: str = Field(description="The last four digits of the account number, as on the pages.")
    conditions: str
    excluded_payees: list[str]
    notice_letter_id: int | None = Field(description="The agreement as sent, for consent.")
    consent_channel: ConsentChannel | None
    terms_version: int = Field(description="Goes up each time terms are sent for consent.")
    consent_terms_version: int = Field(description="The terms the recipient consented to.")
    first_paid_on: date | None
    first_review_due: date | None = Field(description="3 months after the first payment (DOMAIN R18).")
    lines: list[AgreementLineOut]
    schedule: list[PaymentOut] = Field(description="Made when the recipient consents; in date order.")
    proposed_schedule: list[ProposedPaymentOut] | None = Field(
        description="Before consent, the payments the terms would make; null once there is a schedule."
    )
    next_payment: PaymentOut | None
    balance: Money = Field(description="What the recipient holds of the payments, from the ledger.")
    personal_assistants: list[PersonalAssistantOut] | None = Field(description="Staff only.")
    changes: list[AgreementChangeOut] = Field(description="Notices that changed the payments, newest first.")
    recoveries: list[RecoveryOut]
    reconsiderations: list[ReconsiderationOut]

    @staticmethod
    def resolve_managed_by_name(obj) -> str | None:
        return obj.managed_by.full_name if obj.managed_by_id else None

    @staticmethod
    def resolve_account_number_ending(obj) -> str:
        return obj.account_number[-4:]

    @staticmethod
    def resolve_excluded_payees(obj) -> list[str]:
        return obj.excluded_payees.splitlines()

    @staticmethod
    def resolve_consent_channel(obj) -> str | None:
        return _or_none(obj.consent_channel)

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_schedule(obj, context) -> list:
        payments = selectors.schedule(agreement=obj)
        return list(payments if _is_staff(context) else payments.exclude(status=PaymentStatus.CANCELLED))

    @staticmethod
    def resolve_proposed_schedule(obj) -> list | None:
        waiting = obj.status in (AgreementStatus.DRAFT, AgreementStatus.AWAITING_CONSENT)
        return services.schedule_preview(obj) if waiting and not obj.payments.exists() else None

    @staticmethod
    def resolve_next_payment(obj):
        return selectors.next_payment(agreement=obj)

    @staticmethod
    def resolve_balance(obj) -> Decimal:
        return selectors.recipient_balance(agreement=obj)

    @staticmethod
    def resolve_personal_assistants(obj, context) -> list | None:
        return list(obj.personal_assistants.all()) if _is_staff(context) else None

    @staticmethod
    def resolve_changes(obj) -> list:
        return list(obj.changes.select_related("reconsideration").order_by("-pk"))

    @staticmethod
    def resolve_recoveries(obj) -> list:
        return list(obj.recoveries.select_related("payer", "agreement", "reconsideration").order_by("-pk"))

    @staticmethod
    def resolve_reconsiderations(obj) -> list:
        subjects = [*obj.changes.select_related("reconsideration"), *obj.recoveries.select_related("reconsideration")]
        found = [subject.reconsideration for subject in subjects if hasattr(subject, "reconsideration")]
        return sorted(found, key=lambda item: item.pk, reverse=True)


# Payment runs


class PrepareRunIn(In):
    pay_up_to: date | None = Field(None, description="Every payment due on or before this date is paid (required).")


class PaymentFileOut(Schema):
    format: FileFormat
    filename: str
    created_at: datetime


class PaymentRunOut(Schema):
    id: int
    pay_up_to: date
    status: RunStatus
    payment_count: int
    total: Money = Field(description="What the run pays out: the payments less any recovery offsets.")
    prepared_by_id: int
    prepared_by_name: str
    prepared_at: datetime
    approved_by_id: int | None = Field(description="Never the officer who prepared the run.")
    approved_by_name: str | None
    released_at: datetime | None
    cancelled_by_id: int | None

    @staticmethod
    def resolve_prepared_by_name(obj) -> str:
        return obj.prepared_by.full_name

    @staticmethod
    def resolve_approved_by_name(obj) -> str | None:
        return obj.approved_by.full_name if obj.approved_by_id else None


class RunPaymentOut(PaymentOut):
    child_id: int
    child_name: str
    recipient_name: str
    payment_method: PaymentMethod

    @staticmethod
    def resolve_child_id(obj) -> int:
        return obj.agreement.child_id

    @staticmethod
    def resolve_child_name(obj) -> str:
        return obj.agreement.child.full_name

    @staticmethod
    def resolve_recipient_name(obj) -> str:
        return obj.agreement.recipient.full_name

    @staticmethod
    def resolve_payment_method(obj) -> str:
        return obj.agreement.payment_method


class PaymentRunDetailOut(PaymentRunOut):
    """A run with its payments and, once released, its files (download each from .../files/{file_format})."""

    payments: list[RunPaymentOut]
    files: list[PaymentFileOut]

    @staticmethod
    def resolve_payments(obj) -> list:
        return list(obj.payments.select_related("agreement__child", "agreement__recipient").order_by("pk"))

    @staticmethod
    def resolve_files(obj) -> list:
        return list(obj.files.all())


# Recoveries and the ledger (finance)


class ReceiptIn(In):
    amount: MoneyIn | None = Field(None, description="No more than is outstanding (required).")
    received_on: date | None = Field(None, description="Between the notice and today (required).")


class LedgerAccountOut(Schema):
    key: str
    name: str
    kind: AccountKind
    funding_stream: FundingStream | None
    balance: Money = Field(description="Debits positive, credits negative: a fund paid out is negative.")


class HeldOut(Schema):
    kind: AccountKind
    label: str
    total: Money = Field(description="All the council's accounts of this kind together.")


class TransactionOut(Schema):
    id: int
    kind: TransactionKind
    occurred_on: date
    description: str


class LedgerOut(Schema):
    funds: list[LedgerAccountOut] = Field(description="The council's fund for each funding stream, and recoveries.")
    held: list[HeldOut] = Field(description="What recipients hold, what they spent, and refunds, each in total.")
    total: Money = Field(description="The sum of every entry: always 0.00 when the ledger is whole.")
    transactions: list[TransactionOut] = Field(description="The 25 latest, newest first.")
