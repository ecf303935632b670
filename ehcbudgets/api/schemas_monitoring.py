"""What the monitoring routes read and write: findings the monitoring rules raise and how each moves (raised with the
family, answered with evidence, resolved, escalated to a recovery), checks of the rules (sweeps) and their progress,
reviews of direct payments with their answers, progress towards each outcome and their outcome, and the work queue
(DOMAIN R16 to R23, R26, R28, R29, R31 to R33; ADR 11).

Money is a decimal string with two places ("1234.50"), dates are ISO 8601, enums take the stored values. Input
schemas check shape and type only: the monitoring services decide, and their field errors name the fields below (a
review's answers as answers.appropriate, answers.appropriate_note and so on).
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator

from ehcbudgets.api.schemas import In, Money, MoneyIn
from ehcbudgets.core.dates import today
from ehcbudgets.monitoring import rules
from ehcbudgets.monitoring.models import (
    FindingRule,
    FindingStatus,
    Progress,
    ReviewOutcome,
    ReviewStatus,
    ReviewTrigger,
    SweepKind,
    SweepStatus,
)
from ehcbudgets.monitoring.selectors import KINDS, SORTS
from ehcbudgets.payments.models import RecoveryMethod, StopGround

#: A finding list's filter: open is every finding not yet closed (open, raised or answered); the others one status.
FindingListStatus = StrEnum("FindingListStatus", {status.name: status.value for status in FindingStatus})
#: The council's reviews: due (within 4 weeks, or overdue), overdue only, or recorded (and the others closed).
ReviewListState = StrEnum("ReviewListState", {"DUE": "due", "OVERDUE": "overdue", "RECORDED": "recorded"})
#: The kinds of work in the work queue.
WorkKind = StrEnum("WorkKind", {key.upper(): key for key in KINDS})
#: How the work queue is sorted: oldest (overdue first, then the longest waiting), newest, child, kind.
WorkSort = StrEnum("WorkSort", {key.upper(): key for key in SORTS})


def _blank_is_none(value):
    return value or None


#: A query filter that may be sent empty (?kind=), which means no filter, as on the page's form.
OptionalWorkKind = Annotated[WorkKind | None, BeforeValidator(_blank_is_none)]
OptionalFindingRule = Annotated[FindingRule | None, BeforeValidator(_blank_is_none)]
OptionalFindingListStatus = Annotated[FindingListStatus | None, BeforeValidator(_blank_is_none)]


# Findings: what is sent


class FindingRaiseIn(In):
    message: str = Field(
        "",
        max_length=5000,
        description="What the family should tell the council or send, in words they will understand (required).",
    )


class FindingResolveIn(In):
    reason: str = Field(
        "", max_length=5000, description="Why the finding is resolved, in words the family reads (required)."
    )


class FindingEscalateIn(In):
    amount: MoneyIn | None = Field(
        None, description="The amount to recover: no more than paid and not already recovered (required)."
    )
    reasons: str = Field("", max_length=5000, description="In words the family will understand (required).")
    method: RecoveryMethod | None = Field(
        None, description="invoice, or offset (paying less from future payments) (required)."
    )
    due_on: date | None = Field(None, description="Left out, the council's usual number of days after the notice.")


# Findings: what is read


class FindingNoteOut(Schema):
    id: int
    from_family: bool = Field(description="The family's answer; otherwise the council's message.")
    text: str
    has_file: bool = Field(description="Evidence came with it: download it from .../notes/{note_id}/file.")
    content_type: str | None = Field(description="Found from the file's content when it was uploaded.")
    size: int | None
    original_name: str | None
    created_at: datetime

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_content_type(obj) -> str | None:
        return obj.content_type if obj.file else None

    @staticmethod
    def resolve_size(obj) -> int | None:
        return obj.size if obj.file else None

    @staticmethod
    def resolve_original_name(obj) -> str | None:
        return obj.original_name if obj.file else None


class FindingOut(Schema):
    id: int
    agreement_id: int
    child_id: int
    child_name: str
    rule: FindingRule
    rule_label: str = Field(description="What the rule looks for, in plain English.")
    status: FindingStatus
    is_open: bool = Field(description="Open, raised or answered: not yet resolved or escalated.")
    explanation: str = Field(description="What was found, in plain English, as the family and the officer read it.")
    amount: Money | None = Field(description="The sum it is about, when there is one.")
    record_id: int | None = Field(description="The spending record it is about, if any.")
    statement_line_id: int | None = Field(description="The statement line it is about, if any.")
    personal_assistant_id: int | None = Field(description="The personal assistant it is about, if any.")
    found_on: date
    sweep_id: int | None = Field(description="The check of the rules that found it.")
    raised_on: date | None
    answer_due_on: date | None = Field(description="Once raised: the council's evidence deadline, on a working day.")
    answered_on: date | None
    closed_on: date | None
    resolution: str = Field(description="Why it was resolved, in words the family reads.")
    recovery_id: int | None = Field(description="The recovery it was escalated to (see the agreement's recoveries).")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_child_id(obj) -> int:
        return obj.agreement.child_id

    @staticmethod
    def resolve_child_name(obj) -> str:
        return obj.agreement.child.full_name

    @staticmethod
    def resolve_rule_label(obj) -> str:
        return obj.get_rule_display()


class FindingDetailOut(FindingOut):
    """A finding with every message about it: the council's question and the family's answers, with evidence."""

    notes: list[FindingNoteOut]

    @staticmethod
    def resolve_notes(obj) -> list:
        return list(obj.notes.order_by("created_at", "pk"))


# Checks of the rules (sweeps)


class SweepIn(In):
    kind: SweepKind = Field(
        SweepKind.INCREMENTAL,
        description="incremental: only what changed since the last finished check (everything, the first time); "
        "full: everything again.",
    )


class SweepOut(Schema):
    id: int
    kind: SweepKind
    status: SweepStatus
    on: date = Field(description="The day the rules were checked for.")
    since: datetime | None = Field(description="An incremental check looks at changes since then.")
    requested_by_id: int | None = Field(description="Null for the daily schedule.")
    requested_by_name: str | None
    total: int = Field(description="The agreements to check.")
    checked: int = Field(description="The agreements checked so far.")
    percent: int = Field(description="How far it has got, 0 to 100; 100 once finished.")
    raised: int = Field(description="New findings raised.")
    reviews_added: int = Field(description="Reviews of direct payments now due, added by the check.")
    summary: dict[str, int] = Field(description="New findings raised for each rule, by the rule's value.")
    error: str = Field(description="Why a failed check failed.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_requested_by_name(obj) -> str | None:
        return obj.requested_by.full_name if obj.requested_by_id else None


# Reviews of direct payments: what is sent


def _question(text: str):
    return Field(None, description=f"{text} (required).")


def _why_not():
    return Field("", max_length=5000, description="Required when the answer is no: say why, in a few words.")


class DpReviewAnswersIn(In):
    """The questions of DOMAIN R19: each needs an answer, and a no needs a note."""

    appropriate: bool | None = _question("Are direct payments still an appropriate way to secure the provision?")
    appropriate_note: str = _why_not()
    used_effectively: bool | None = _question("Have the payments been used effectively for the agreed provision?")
    used_effectively_note: str = _why_not()
    enough: bool | None = _question("Are the payments enough to secure the agreed provision?")
    enough_note: str = _why_not()
    tests_met: bool | None = _question("Do the tests for direct payments (DOMAIN R12) still hold?")
    tests_met_note: str = _why_not()
    conditions_kept: bool | None = _question("Have the conditions of the agreement been kept?")
    conditions_kept_note: str = _why_not()
    family_wants_to_continue: bool | None = Field(None, description="Does the family want to carry on?")
    family_needs_help: bool | None = Field(None, description="Does the family need help managing the payments?")
    family_words: str = Field("", max_length=5000, description="How the money has been spent, in the family's words.")


class OutcomeProgressIn(In):
    outcome_id: int = Field(description="The id of an outcome (section E) of the child's plan.")
    progress: Progress
    note: str = Field("", max_length=2000)


class DpReviewRequestIn(In):
    reasons: str = Field("", max_length=5000, description="Why the recipient would like a review (required).")


class DpReviewDeclineIn(In):
    reasons: str = Field(
        "", max_length=5000, description="Why there will be no review now, in words the family will understand."
    )


class DpReviewRecordIn(In):
    answers: DpReviewAnswersIn = Field(default_factory=DpReviewAnswersIn)
    progress: list[OutcomeProgressIn] = Field(
        [], description="The progress towards every outcome of the plan's section E, once each (required)."
    )
    outcome: ReviewOutcome | None = Field(
        None,
        description="What happens next (required). Payments found not enough must be increased or stopped (or go to "
        "someone else); when the tests no longer hold they must stop or go to someone else. increase, reduce, stop "
        "and add_conditions are a manager's to record, and start their notice at once. change_recipient is recorded "
        "here; set up the new recipient with POST .../recipient.",
    )
    outcome_reasons: str = Field(
        "", max_length=5000, description="The outcome explained in words the family will understand (required)."
    )
    new_amount: MoneyIn | None = Field(None, description="For increase or reduce: the agreement's new total.")
    effective_on: date | None = Field(
        None,
        description="For increase, reduce, stop and add_conditions: when it takes effect; left out, the earliest day "
        "allowed (today for an increase).",
    )
    ground: StopGround | None = Field(None, description="For stop: the ground for stopping.")
    conditions: str = Field("", max_length=5000, description="For add_conditions: the conditions to add.")


# Reviews of direct payments: what is read


class DpReviewOut(Schema):
    id: int
    agreement_id: int
    child_id: int
    child_name: str
    trigger: ReviewTrigger = Field(description="Why it is due.")
    due_on: date
    status: ReviewStatus
    overdue: bool = Field(description="Due and not recorded by its due day.")
    request_reasons: str = Field(description="The recipient's words, when they asked for it.")
    outcome: ReviewOutcome | None
    recorded_on: date | None = Field(description="When it was recorded, or the request declined.")
    declined_reasons: str
    covered_by_id: int | None = Field(description="The review that covered this one.")
    change_id: int | None = Field(description="The notice its outcome started (see the agreement's changes).")
    letter_id: int | None = Field(description="The letter that gave its outcome to the family.")
    created_at: datetime

    @staticmethod
    def resolve_child_id(obj) -> int:
        return obj.agreement.child_id

    @staticmethod
    def resolve_child_name(obj) -> str:
        return obj.agreement.child.full_name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.status == ReviewStatus.DUE and rules.review_overdue(due_on=obj.due_on, on=today())

    @staticmethod
    def resolve_outcome(obj) -> str | None:
        return obj.outcome or None


class DpReviewAnswersOut(Schema):
    appropriate: bool | None
    appropriate_note: str
    used_effectively: bool | None
    used_effectively_note: str
    enough: bool | None
    enough_note: str
    tests_met: bool | None
    tests_met_note: str
    conditions_kept: bool | None
    conditions_kept_note: str
    family_wants_to_continue: bool | None
    family_needs_help: bool | None
    family_words: str


class OutcomeProgressOut(Schema):
    outcome_id: int
    outcome: str = Field(description="The outcome's words, from the plan.")
    progress: Progress
    note: str

    @staticmethod
    def resolve_outcome(obj) -> str:
        return obj.outcome.text


class DpReviewDetailOut(DpReviewOut):
    """A review with its answers to the questions of DOMAIN R19 (null until recorded), the progress towards each
    outcome, and its outcome with the reasons."""

    trigger_key: str = Field(description="What started it: a date, an event, a request.")
    answers: DpReviewAnswersOut
    progress: list[OutcomeProgressOut]
    outcome_reasons: str
    recorded_by_id: int | None

    @staticmethod
    def resolve_answers(obj):
        return obj

    @staticmethod
    def resolve_progress(obj) -> list:
        return list(obj.progress.select_related("outcome").order_by("outcome_id"))


# The work queue


class WorkCountOut(Schema):
    kind: WorkKind
    label: str
    all: int
    overdue: int


class WorkItemOut(Schema):
    kind: WorkKind
    kind_label: str
    child: str = Field(description="The child's name; empty for a payment run.")
    what: str
    date: date
    date_label: str = Field(description="What the date is: Due, Since, Sent, Prepared and so on.")
    overdue: bool
    age_days: int = Field(description="Days since the date (negative when it is still to come).")
    url: str = Field(description="The page where the work is done.")


class WorkQueueOut(Schema):
    counts: list[WorkCountOut] = Field(description="Every kind, with how many are waiting and how many overdue.")
    total: int = Field(description="Everything waiting, whatever the filter.")
    overdue: int = Field(description="Everything overdue, whatever the filter.")
    items: list[WorkItemOut] = Field(description="This page of the work the filter shows, sorted as asked.")
    count: int = Field(description="How many items the filter shows on all the pages together.")
    page: int
    page_size: int
