"""What the family spending routes read and write: the money picture, spending records split across the agreed
provision lines, receipts, statement previews, linking rules, money owed and set aside, "what can I spend it on?",
monitoring returns and the council's questions (DOMAIN R16, R31 to R33; ADR 10).

Money is a decimal string with two places ("1234.50"); a spending record's amount (and each part's) is negative for
a refund into the account ("-25.00"). A statement line's amount is money out positive, money in negative, as the
service stores it. Dates are ISO 8601, enums take the stored values. Input schemas check shape and type only: the
spending services decide, and their field errors name the fields below.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from ehcbudgets.api.schemas import In, Money, MoneyIn
from ehcbudgets.plans.models import FundingStream
from ehcbudgets.spending.models import ImportStatus, RecordSource, ReturnStatus, RuleScope, SpendingCategory

_SIGNED_MONEY_TEXT = re.compile(r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$")


def _signed_money_in(value) -> Decimal:
    # A string only, as for MoneyIn: money is never a binary float (ARCHITECTURE convention 5).
    if not isinstance(value, str) or not _SIGNED_MONEY_TEXT.fullmatch(value.strip()):
        raise PydanticCustomError(
            "money", "Enter an amount in pounds and pence as a string, like 25.00, or -25.00 for a refund"
        )
    return Decimal(value.strip()).quantize(Decimal("0.01"))


#: Money in that may be negative: a payment out of the account is positive, a refund into it negative.
SignedMoneyIn = Annotated[
    Decimal,
    BeforeValidator(_signed_money_in),
    WithJsonSchema({"type": "string", "pattern": _SIGNED_MONEY_TEXT.pattern, "examples": ["25.00", "-12.50"]}),
]

#: What "what can I spend it on?" answers.
Verdict = StrEnum("Verdict", {"YES": "yes", "NO": "no", "ASK": "ask"})
#: A return period's state: no return sent for it yet, or its return's status.
PeriodStatus = StrEnum("PeriodStatus", {"NOT_SENT": "not_sent", **{s.name: s.value for s in ReturnStatus}})
#: The returns an officer can list: those sent and waiting to be checked.
ReturnListStatus = StrEnum("ReturnListStatus", {"SUBMITTED": ReturnStatus.SUBMITTED.value})


# What is sent


class PartIn(In):
    line_id: int = Field(description="The id of one of the agreement's lines (see the overview's by_line).")
    amount: SignedMoneyIn = Field(description="Of the same sign as the record's amount.")


class SpendingRecordIn(In):
    spent_on: date | None = Field(None, description="Today or earlier (required).")
    amount: SignedMoneyIn | None = Field(
        None, description="Money out of the account positive, a refund into it negative (required)."
    )
    payee: str = Field("", description="Who was paid, or who gave the refund (required).")
    description: str = Field("", max_length=300)
    category: SpendingCategory | None = Field(None, description="What kind of spending it was (required).")
    parts: list[PartIn] = Field(
        [],
        description="The support it paid for, adding up to the amount exactly. Left out when the agreement has one "
        "line, which then takes the whole amount.",
    )


class WithdrawRecordIn(In):
    reason: str = Field("", max_length=300, description="Why the record is taken back (required).")


class LineChoiceIn(In):
    statement_line_id: int = Field(description="The id of a line of this statement.")
    skip: bool = Field(False, description="Do not record this line.")
    keep_both: bool = Field(
        False, description="A duplicate, or a line repeated in the file, is a genuine repeat: record it too."
    )
    category: SpendingCategory | None = Field(None, description="In place of the suggested kind of spending.")
    parts: list[PartIn] | None = Field(None, description="In place of the suggested support.")


class StatementSaveIn(In):
    choices: list[LineChoiceIn] = Field(
        [],
        description="Choices for some lines; every other line is saved with its suggestion. Duplicates, lines "
        "repeated in the file, the council's own payments in and lines of 0.00 are not recorded unless kept.",
    )


class FamilyShareIn(In):
    line_id: int = Field(description="The id of one of the agreement's lines.")
    percent: Decimal = Field(description="More than 0; the shares add up to 100.")


class FamilyRuleIn(In):
    words: str = Field("", max_length=200, description="Looked for in the payee or description, ignoring case.")
    category: SpendingCategory | None = None
    split: list[FamilyShareIn] = Field(
        [], description="The support it pays for, in percent. Left out when the agreement has one line (100%)."
    )


class CouncilShareIn(In):
    item: str = Field(description="The code of an item of the council's local offer.")
    percent: Decimal = Field(description="More than 0; the shares add up to 100.")


class CouncilRuleIn(In):
    words: str = Field("", max_length=200, description="Looked for in the payee or description, ignoring case.")
    category: SpendingCategory | None = None
    split: list[CouncilShareIn] = Field([], description="The items of the local offer it pays for, in percent.")


class CommitmentIn(In):
    description: str = Field("", max_length=200, description="What is owed (required).")
    amount: MoneyIn | None = Field(None, description="More than 0 (required).")
    due_on: date | None = Field(None, description="When it is due (required).")


class SavingsIn(In):
    name: str = Field("", max_length=100, description="What the money is set aside for (required).")
    amount: MoneyIn | None = Field(None, description="More than 0 (required).")
    for_date: date | None = Field(None, description="The date of the break or activity.")
    line: int | None = Field(None, description="The id of the agreement's line it will pay for.")


class ReturnSubmitIn(In):
    period_start: date | None = Field(None, description="The first day of one of the agreement's return periods.")
    note: str = Field("", max_length=5000, description="Anything the family wants the council to know.")


class ReturnQueryIn(In):
    query: str = Field(
        "",
        max_length=2000,
        description="What the council needs to know, in words the family will understand (required).",
    )


class EvidenceAnswerIn(In):
    answer: str = Field("", max_length=5000, description="Required. Add receipts to the records themselves.")


# What is read


class MoneyPictureOut(Schema):
    balance: Money = Field(description="What the account holds of the payments, from the ledger.")
    committed: Money = Field(description="Owed and not yet paid: invoices and wages due.")
    set_aside: Money = Field(description="Saved for planned short breaks or activities.")
    free: Money = Field(description="The balance less what is owed and set aside.")
    to_come: Money = Field(description="Payments the council will still make under the agreement.")
    spent: Money = Field(description="Spending less refunds, so far.")
    projected_end: Money = Field(description="The balance expected at the end, spending at the same rate.")
    end_date: date
    surplus: Money = Field(description="What the council may ask back (DOMAIN R32); 0.00 when none.")


class LineSpendingOut(Schema):
    line_id: int
    description: str
    funding_stream: FundingStream
    amount: Money = Field(description="The line's share of the agreement.")
    expected: Money = Field(description="What would have been spent by now, pro rata by days.")
    spent: Money
    outcomes: list[str] = Field(description="The plan's section E outcomes the line's provision serves.")


class OutcomeSpendingOut(Schema):
    outcome: str
    amount: Money
    expected: Money
    spent: Money
    lines: list[str] = Field(description="The lines that serve it; a line serving two outcomes counts for each.")


class EvidenceRequestOut(Schema):
    id: int
    agreement_id: int
    monitoring_return_id: int | None
    record_id: int | None
    what: str = Field(description="What the council asks.")
    asked_on: date
    due_on: date = Field(description="The council's evidence deadline after it was asked, on a working day.")
    answered_on: date | None
    answer: str


class SpendingOverviewOut(Schema):
    picture: MoneyPictureOut
    by_line: list[LineSpendingOut]
    by_outcome: list[OutcomeSpendingOut]
    open_questions: list[EvidenceRequestOut] = Field(description="The council's questions not yet answered.")
    can_record: bool = Field(description="Whether the caller may record spending on this agreement now.")


class SpendingPartOut(Schema):
    id: int
    line_id: int
    description: str
    amount: Money

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.line.description


class SpendingReceiptOut(Schema):
    id: int
    record_id: int
    part_id: int | None
    content_type: str = Field(description="Found from the file's content when it was uploaded.")
    size: int
    original_name: str
    uploaded_at: datetime


class SpendingRecordOut(Schema):
    id: int
    agreement_id: int
    spent_on: date
    amount: Money = Field(description="Negative for a refund.")
    is_refund: bool
    payee: str
    description: str
    category: SpendingCategory
    source: RecordSource
    withdrawn: bool = Field(description="Taken back: its ledger entry has been reversed.")
    parts: list[SpendingPartOut]
    receipts: list[SpendingReceiptOut]
    created_at: datetime

    @staticmethod
    def resolve_parts(obj) -> list:
        return list(obj.parts.all())

    @staticmethod
    def resolve_receipts(obj) -> list:
        return list(obj.receipts.all())


class SpendingRecordDetailOut(SpendingRecordOut):
    in_sent_return: bool = Field(description="In a return already sent: only the council can take it back.")

    @staticmethod
    def resolve_in_sent_return(obj) -> bool:
        return obj.agreement.returns.filter(
            status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED],
            period_start__lte=obj.spent_on,
            period_end__gte=obj.spent_on,
        ).exists()


class SuggestedPartOut(Schema):
    line_id: int
    description: str
    amount: Money


class StatementLineOut(Schema):
    id: int
    line_number: int = Field(description="The line in the file, as a text editor shows it.")
    posted_on: date
    amount: Money = Field(description="Money out positive, money in negative.")
    payee: str
    description: str
    fitid: str = Field(description="The bank's own transaction id, when the file gives one.")
    balance: Money | None
    is_payment_in: bool = Field(description="A direct payment from the council: already in the balance.")
    suggested_category: SpendingCategory | None
    suggestion: list[SuggestedPartOut] = Field(description="The support suggested, adding up to the amount.")
    reason: str = Field(description="Why this is suggested, or why the line is not recorded.")
    duplicate: bool = Field(description="Already recorded, or the same as an earlier line of this file.")
    duplicate_of_id: int | None = Field(description="The record it repeats, if already recorded.")
    repeated_in_file: bool
    passed_over: bool = Field(description="The council's own payment in, or a line of 0.00: nothing to record.")
    needs_support: bool = Field(description="No support suggested: choose it (parts), or skip the line.")
    needs_category: bool = Field(description="No kind of spending suggested: choose it, or skip the line.")
    record_id: int | None = Field(description="The record made from it once saved.")


class StatementOut(Schema):
    id: int
    agreement_id: int
    filename: str
    file_format: str = Field(description="csv or ofx.")
    layout_id: int | None
    layout_name: str | None
    status: ImportStatus
    uploaded_at: datetime
    saved_at: datetime | None
    to_save: int = Field(description="Lines saving records, with no choices.")
    duplicates: int
    payments_in: int
    lines: list[StatementLineOut]


class StatementSavedOut(Schema):
    statement: StatementOut
    records: list[SpendingRecordOut] = Field(description="The records made, one for each line saved.")


class CsvLayoutOut(Schema):
    id: int
    name: str
    date_column: str
    date_format: str = Field(description="A strptime format, like %d/%m/%Y.")
    amount_column: str = Field(description="One signed amount column, money out negative; or empty.")
    paid_out_column: str
    paid_in_column: str
    payee_column: str
    description_column: str
    id_column: str
    balance_column: str
    notes: str


class RuleShareOut(Schema):
    line_id: int | None = Field(description="The agreement's line (null on the council's own list).")
    offer_item_code: str | None = Field(description="A council rule's item of the local offer.")
    description: str
    percent: str = Field(description="A share in percent, like 100 or 33.5.")


class LinkRuleOut(Schema):
    id: int
    scope: RuleScope = Field(description="The family's own rule, or the council's.")
    words: str
    category: SpendingCategory
    split: list[RuleShareOut]
    created_at: datetime


class CommitmentOut(Schema):
    id: int
    agreement_id: int
    description: str
    amount: Money
    due_on: date
    settled_on: date | None = Field(description="When it was paid; null while owed.")
    created_at: datetime


class SavingsOut(Schema):
    id: int
    agreement_id: int
    name: str
    amount: Money
    for_date: date | None
    line_id: int | None
    line_description: str | None
    created_at: datetime

    @staticmethod
    def resolve_line_description(obj) -> str | None:
        return obj.line.description if obj.line_id else None


class LineRefOut(Schema):
    id: int
    description: str


class SpendCheckOut(Schema):
    verdict: Verdict = Field(description="yes: it fits the agreed support; no: it may not be bought; ask: ask first.")
    reason: str
    line: LineRefOut | None = Field(description="The support it fits, for a yes.")


class ReturnPeriodOut(Schema):
    period_start: date
    period_end: date
    ended: bool = Field(description="The period has ended (or the payments have stopped): its return can be sent.")
    can_send: bool
    status: PeriodStatus
    return_id: int | None
    submitted_on: date | None


class ReturnLineSummaryOut(Schema):
    line: str
    amount: Money
    spent: Money
    outcomes: list[str]


class ReturnOutcomeSummaryOut(Schema):
    outcome: str
    spent: Money


class ReturnSummaryOut(Schema):
    """The figures as the family sent them, compiled from the records and kept unchanged."""

    period: list[date]
    records: int
    with_receipts: int
    spent: Money
    refunds: Money
    paid_in: Money
    balance: Money = Field(description="The balance at the end of the period, from the ledger.")
    lines: list[ReturnLineSummaryOut]
    outcomes: list[ReturnOutcomeSummaryOut]


class MonitoringReturnOut(Schema):
    id: int
    agreement_id: int
    child_id: int
    child_name: str
    period_start: date
    period_end: date
    status: ReturnStatus
    submitted_on: date | None
    decided_on: date | None
    query: str = Field(description="The council's question, when queried.")

    @staticmethod
    def resolve_child_id(obj) -> int:
        return obj.agreement.child_id

    @staticmethod
    def resolve_child_name(obj) -> str:
        return obj.agreement.child.full_name


class MonitoringReturnDetailOut(MonitoringReturnOut):
    summary: ReturnSummaryOut | None
    family_note: str
    evidence_requests: list[EvidenceRequestOut] = Field(description="The questions asked about it, with answers.")

    @staticmethod
    def resolve_summary(obj) -> dict | None:
        return obj.summary or None

    @staticmethod
    def resolve_evidence_requests(obj) -> list:
        return list(obj.evidence_requests.order_by("asked_on", "pk"))
