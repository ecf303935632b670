"""The permission matrix, written once: which role may do what. docs/permissions.md is generated from it.

Scope is separate from permission: a permitted user still sees only their council's records (staff), their
partner councils' health records (ICB officers), or the children they are linked to (families). Selectors apply
the scope; an object outside it answers 404.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from .models import Role


class Perm(StrEnum):
    CASES_VIEW = "cases.view"
    CONTACTS_VIEW = "contacts.view"
    CHILD_EDIT = "child.edit"
    CONTACT_EDIT = "contact.edit"
    PLAN_EDIT = "plan.edit"
    PLAN_STATUS = "plan.status"
    PLAN_REVIEW = "plan.review"
    AUDIT_VIEW = "audit.view"
    LETTERS_VIEW = "letters.view"
    FAMILY_VIEW = "family.view"
    API_TOKENS = "api.tokens"
    BUDGET_ASK = "budget.ask"
    BUDGET_VIEW = "budget.view"
    BUDGET_PREPARE = "budget.prepare"
    BUDGET_DECIDE = "budget.decide"
    PANEL_DECIDE = "panel.decide"
    DECISION_REVIEW = "decision.review"
    OFFER_MANAGE = "offer.manage"
    DP_VIEW = "dp.view"
    DP_MANAGE = "dp.manage"
    DP_DECIDE = "dp.decide"
    DP_CONSENT = "dp.consent"
    PAYMENTS_RUN = "payments.run"
    LEDGER_VIEW = "ledger.view"
    SPENDING_RECORD = "spending.record"
    WORK_QUEUE = "work.queue"
    MONITORING_RUN = "monitoring.run"


PERM_DESCRIPTIONS = {
    Perm.CASES_VIEW: "See the case list and a child's record (within their scope)",
    Perm.CONTACTS_VIEW: "See a child's family contacts (capacity, nominations, the R11 answer)",
    Perm.CHILD_EDIT: "Create and change a child's details",
    Perm.CONTACT_EDIT: "Add and change family contacts",
    Perm.PLAN_EDIT: "Create a plan, and add or change its outcomes and provision",
    Perm.PLAN_STATUS: "Move a plan from one status to another",
    Perm.PLAN_REVIEW: "Record annual reviews of a plan and their decisions",
    Perm.AUDIT_VIEW: "See a record's audit timeline",
    Perm.LETTERS_VIEW: "See and download the letters sent about a child (within their scope)",
    Perm.FAMILY_VIEW: "See their own children and plans in plain English",
    Perm.API_TOKENS: "Create and revoke their own API tokens",
    Perm.BUDGET_ASK: "Ask for a personal budget online, for their child or (a young person) for themselves",
    Perm.BUDGET_VIEW: "See budget requests, budgets, their lines and decisions",
    Perm.BUDGET_PREPARE: "Record requests, cost a budget from the plan, record direct payment findings, refer to panel",
    Perm.BUDGET_DECIDE: "Approve or refuse a budget or a direct payment (never one they prepared)",
    Perm.PANEL_DECIDE: "Record the SEN panel's decision on items outside the local offer",
    Perm.DECISION_REVIEW: "Consider a family's request to review a refusal, and send the outcome",
    Perm.OFFER_MANAGE: "Change the local offer, the rate card, spending restrictions and the council's policy",
    Perm.DP_VIEW: "See direct payment agreements, their schedules, payments, notices and recoveries",
    Perm.DP_MANAGE: "Set up a direct payment agreement, send it, record consent, personal assistants, suspensions "
    "and a change of recipient",
    Perm.DP_DECIDE: "Decide to reduce or stop direct payments, or to recover money, with notice and reasons",
    Perm.DP_CONSENT: "Consent to the direct payment agreement they receive, withdraw consent, ask for a "
    "reconsideration",
    Perm.PAYMENTS_RUN: "Prepare, approve (never their own), cancel and export payment runs; record money repaid",
    Perm.LEDGER_VIEW: "See the direct payments ledger and its balances",
    Perm.SPENDING_RECORD: "Record what the direct payments were spent on, import statements, add receipts and "
    "send monitoring returns (the recipient, or the third party managing the account)",
    Perm.WORK_QUEUE: "See the council's work queue: reviews, findings, requests, decisions, returns and payment runs "
    "waiting, and get a daily reminder of overdue work",
    Perm.MONITORING_RUN: "Start a check of the monitoring rules over the council's direct payments",
}

_OFFICER_WORK = {
    Perm.CASES_VIEW,
    Perm.CONTACTS_VIEW,
    Perm.CHILD_EDIT,
    Perm.CONTACT_EDIT,
    Perm.PLAN_EDIT,
    Perm.PLAN_STATUS,
    Perm.PLAN_REVIEW,
    Perm.BUDGET_VIEW,
    Perm.BUDGET_PREPARE,
    Perm.LETTERS_VIEW,
    Perm.DP_VIEW,
    Perm.DP_MANAGE,
    Perm.WORK_QUEUE,
    Perm.MONITORING_RUN,
}

MATRIX: dict[Role, frozenset[Perm]] = {
    Role.PARENT_CARER: frozenset(
        {Perm.FAMILY_VIEW, Perm.LETTERS_VIEW, Perm.BUDGET_ASK, Perm.DP_CONSENT, Perm.SPENDING_RECORD}
    ),
    Role.YOUNG_PERSON: frozenset(
        {Perm.FAMILY_VIEW, Perm.LETTERS_VIEW, Perm.BUDGET_ASK, Perm.DP_CONSENT, Perm.SPENDING_RECORD}
    ),
    Role.NOMINEE: frozenset({Perm.FAMILY_VIEW, Perm.LETTERS_VIEW, Perm.DP_CONSENT, Perm.SPENDING_RECORD}),
    Role.THIRD_PARTY: frozenset({Perm.FAMILY_VIEW, Perm.LETTERS_VIEW, Perm.API_TOKENS, Perm.SPENDING_RECORD}),
    Role.CASE_OFFICER: frozenset(_OFFICER_WORK | {Perm.AUDIT_VIEW, Perm.API_TOKENS}),
    Role.TEAM_MANAGER: frozenset(
        _OFFICER_WORK
        | {
            Perm.AUDIT_VIEW,
            Perm.API_TOKENS,
            Perm.BUDGET_DECIDE,
            Perm.DECISION_REVIEW,
            Perm.DP_DECIDE,
            Perm.LEDGER_VIEW,
        }
    ),
    Role.FINANCE_OFFICER: frozenset(
        {
            Perm.CASES_VIEW,
            Perm.CONTACTS_VIEW,
            Perm.LETTERS_VIEW,
            Perm.BUDGET_VIEW,
            Perm.AUDIT_VIEW,
            Perm.API_TOKENS,
            Perm.DP_VIEW,
            Perm.PAYMENTS_RUN,
            Perm.LEDGER_VIEW,
            Perm.WORK_QUEUE,
        }
    ),
    Role.PANEL_MEMBER: frozenset(
        {Perm.CASES_VIEW, Perm.CONTACTS_VIEW, Perm.LETTERS_VIEW, Perm.BUDGET_VIEW, Perm.PANEL_DECIDE}
    ),
    Role.COUNCIL_ADMIN: frozenset(
        {
            Perm.CASES_VIEW,
            Perm.CONTACTS_VIEW,
            Perm.LETTERS_VIEW,
            Perm.BUDGET_VIEW,
            Perm.OFFER_MANAGE,
            Perm.DP_VIEW,
            Perm.AUDIT_VIEW,
            Perm.API_TOKENS,
        }
    ),
    # Not LETTERS_VIEW: letters carry the whole budget and the family's details, beyond the health provision.
    Role.ICB_OFFICER: frozenset({Perm.CASES_VIEW, Perm.API_TOKENS}),
}


def check_perm(user, perm: Perm) -> None:
    """Refuse (PermissionDenied) a user whose role does not grant a permission: the services' own check."""
    if not has_perm(user, perm):
        raise PermissionDenied("Your role does not allow this.")


def check_staff_of(user, council_id) -> None:
    """Refuse anyone but the staff of one council (PermissionDenied)."""
    if not user.is_council_staff or user.council_id != council_id:
        raise PermissionDenied("Only the council's own staff can do this.")


def has_perm(user, perm: Perm) -> bool:
    """Whether a signed-in user's role grants a permission."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return False
    return perm in MATRIX.get(Role(user.role), frozenset())
