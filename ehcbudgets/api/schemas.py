"""What the API reads and writes. Dates are ISO 8601, quantities and money are decimal strings, enums take the stored
values.

Input schemas only check shape and type; the rules (a date of birth in the past, a quantity above 0, a plan for
someone under 25) belong to the services, which answer with field errors the API passes on.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from ehcbudgets.accounts.models import Role
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.people.models import Relationship
from ehcbudgets.plans.models import (
    DeliveredAt,
    Frequency,
    FundingStream,
    PlanStatus,
    ReviewDecision,
    Section,
    Unit,
)
from ehcbudgets.plans.selectors import outcomes_of, provision_for, review_dates

# The plan statuses plus "none" (no plan yet), as the case list's filter offers; one enum, so a bad value is one error.
PlanStatusFilter = StrEnum("PlanStatusFilter", {"NONE": "none", **{status.name: status.value for status in PlanStatus}})


_MONEY_TEXT = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$")


def _money_out(value) -> str:
    return f"{Decimal(value):.2f}"


def _money_in(value) -> Decimal:
    # A string only: a JSON number is a binary float, and money is never a float (ARCHITECTURE convention 5).
    if not isinstance(value, str) or not _MONEY_TEXT.fullmatch(value.strip()):
        raise PydanticCustomError("money", "Enter an amount in pounds and pence as a string, like 1234.50")
    return Decimal(value.strip()).quantize(Decimal("0.01"))


#: Money out: a decimal string with two places, "1234.50" (ADR 6).
Money = Annotated[
    str, BeforeValidator(_money_out), WithJsonSchema({"type": "string", "format": "decimal", "examples": ["1234.50"]})
]
#: Money in: a string of pounds with up to two places of pence, "1234.50" or "1234"; never a JSON number.
MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_money_in),
    WithJsonSchema({"type": "string", "pattern": _MONEY_TEXT.pattern, "examples": ["1234.50"]}),
]


def _no_default_in_schema(schema: dict) -> None:
    schema.pop("default", None)


def leave_out(**kwargs):
    """A PATCH field that may be left out (and is then left alone) but may not be sent as null."""
    return Field(None, json_schema_extra=_no_default_in_schema, **kwargs)


def _nul_free(value) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_nul_free(k) and _nul_free(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return all(_nul_free(v) for v in value)
    return True


class In(Schema):
    # Services compare and store the plain values ("F", "per_week"), not enum members.
    model_config = ConfigDict(use_enum_values=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul_characters(cls, value):
        """No text may hold a NUL character (U+0000): PostgreSQL cannot store it, so it is a field error (422), never
        a server error, on every database."""
        if not _nul_free(value):
            raise PydanticCustomError("nul_character", "Remove the NUL character (U+0000): text cannot contain it")
        return value


class Patch(In):
    def changes(self) -> dict:
        """Only the fields the client sent."""
        return self.model_dump(exclude_unset=True)


# People


class CouncilRef(Schema):
    id: int
    code: str
    name: str


class IcbRef(Schema):
    id: int
    code: str
    name: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    role: Role
    council: CouncilRef | None
    icb: IcbRef | None
    permissions: list[str] = Field(description="What the role may do (docs/permissions.md).")

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return [perm.value for perm in Perm if has_perm(obj, perm)]


class ChildOut(Schema):
    id: int
    first_name: str
    last_name: str
    full_name: str
    date_of_birth: date
    council_reference: str
    upn: str
    council: CouncilRef
    created_at: datetime
    updated_at: datetime


class ChildIn(In):
    first_name: str
    last_name: str
    date_of_birth: date
    council_reference: str
    upn: str = ""


class ChildPatch(Patch):
    first_name: str = leave_out()
    last_name: str = leave_out()
    date_of_birth: date = leave_out()
    council_reference: str = leave_out()
    upn: str = leave_out()


class ContactOut(Schema):
    id: int
    child_id: int
    full_name: str
    relationship: Relationship
    email: str
    phone: str
    address: str
    has_capacity_to_consent: bool | None
    capacity_assessed_on: date | None
    capacity_note: str
    drug_alcohol_order: bool
    nominated_in_writing_on: date | None
    nominee_consent_on: date | None
    created_at: datetime
    updated_at: datetime


class ContactIn(In):
    full_name: str
    relationship: Relationship
    email: str = ""
    phone: str = ""
    address: str = ""
    has_capacity_to_consent: bool | None = None
    capacity_assessed_on: date | None = None
    capacity_note: str = ""
    drug_alcohol_order: bool = Field(False, description="Yes or no only: never send offence details (DOMAIN R11).")
    nominated_in_writing_on: date | None = None
    nominee_consent_on: date | None = None


class ContactPatch(Patch):
    full_name: str = leave_out()
    relationship: Relationship = leave_out()
    email: str = leave_out()
    phone: str = leave_out()
    address: str = leave_out()
    has_capacity_to_consent: bool | None = None
    capacity_assessed_on: date | None = None
    capacity_note: str = leave_out()
    drug_alcohol_order: bool = leave_out()
    nominated_in_writing_on: date | None = None
    nominee_consent_on: date | None = None


# Plans


class OutcomeOut(Schema):
    id: int
    plan_id: int
    text: str
    by_when: date | None
    created_at: datetime


class OutcomeIn(In):
    text: str
    by_when: date | None = None


class OutcomePatch(Patch):
    text: str = leave_out()
    by_when: date | None = None


class ProvisionOut(Schema):
    id: int
    plan_id: int
    section: Section
    description: str
    quantity: str = Field(description="A decimal with two places, as a string: 2.50.")
    unit: Unit
    frequency: Frequency
    delivered_at: DeliveredAt
    funding_stream: FundingStream
    outcomes: list[int] = Field(description="The ids of the section E outcomes this provision serves.")
    amount_text: str = Field(description="In plain English: 2 hours per week.")
    created_at: datetime

    @staticmethod
    def resolve_quantity(obj) -> str:
        return f"{obj.quantity:.2f}"

    @staticmethod
    def resolve_outcomes(obj) -> list[int]:
        return [outcome.pk for outcome in obj.outcomes.all()]


class ProvisionIn(In):
    section: Section
    description: str
    quantity: Decimal = Field(description="How much, above 0, with up to two decimal places; a number or a string.")
    unit: Unit
    frequency: Frequency
    delivered_at: DeliveredAt
    funding_stream: FundingStream | None = Field(None, description="Left out: the section's usual funder.")
    outcomes: list[int] = Field([], description="Ids of outcomes of the same plan.")


class ProvisionPatch(Patch):
    section: Section = leave_out()
    description: str = leave_out()
    quantity: Decimal = leave_out()
    unit: Unit = leave_out()
    frequency: Frequency = leave_out()
    delivered_at: DeliveredAt = leave_out()
    funding_stream: FundingStream = leave_out()
    outcomes: list[int] = leave_out(description="When sent, replaces the outcomes the provision serves.")


class ReviewDatesOut(Schema):
    annual_review_due: date | None
    under_five_review_due: date | None
    pending_decision_due: date | None
    next_due: date | None


class PlanOut(Schema):
    id: int
    child_id: int
    status: PlanStatus
    issued_on: date | None
    ceased_on: date | None
    ceased_reason: str
    is_editable: bool = Field(description="Whether outcomes and provision can change in this status.")
    created_at: datetime
    updated_at: datetime


class PlanDetailOut(PlanOut):
    """A plan with its outcomes, the provision the user may see and its review dates, all read through selectors."""

    outcomes: list[OutcomeOut]
    provision: list[ProvisionOut]
    review_dates: ReviewDatesOut

    @staticmethod
    def resolve_outcomes(obj) -> list:
        return list(outcomes_of(plan=obj))

    @staticmethod
    def resolve_provision(obj, context) -> list:
        # The selector hides what the user may not see (an ICB officer sees health provision only).
        return list(provision_for(user=context["request"].user, plan=obj))

    @staticmethod
    def resolve_review_dates(obj):
        return review_dates(plan=obj)


class PlanCreateIn(In):
    status: PlanStatus = Field(PlanStatus.NEEDS_ASSESSMENT, description="needs_assessment or draft.")


class PlanStatusIn(In):
    status: PlanStatus
    on: date | None = Field(None, description="When the move happened; left out, today.")
    reason: str = Field("", description="Needed when the plan ceases.")


class ReviewOut(Schema):
    id: int
    plan_id: int
    meeting_date: date
    notes: str
    decision: ReviewDecision | None
    decision_issued_on: date | None
    decision_due: date
    decision_late: bool

    @staticmethod
    def resolve_decision(obj) -> str | None:
        return obj.decision or None


class ReviewIn(In):
    meeting_date: date
    notes: str = ""


class ReviewDecisionIn(In):
    decision: ReviewDecision
    decided_on: date | None = Field(None, description="Left out, today.")
    reason: str = Field("", description="Why the plan ceases, when the decision is cease.")
