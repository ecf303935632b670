"""The permission matrix, written once: which role may do what. docs/permissions.md is generated from it.

Scope is separate from permission: a permitted user still sees only their council's records (staff), their
partner councils' health records (ICB officers), or the children they are linked to (families). Selectors apply
the scope; an object outside it answers 404.
"""

from enum import StrEnum

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
    FAMILY_VIEW = "family.view"
    API_TOKENS = "api.tokens"


PERM_DESCRIPTIONS = {
    Perm.CASES_VIEW: "See the case list and a child's record (within their scope)",
    Perm.CONTACTS_VIEW: "See a child's family contacts (capacity, nominations, the R11 answer)",
    Perm.CHILD_EDIT: "Create and change a child's details",
    Perm.CONTACT_EDIT: "Add and change family contacts",
    Perm.PLAN_EDIT: "Create a plan, and add or change its outcomes and provision",
    Perm.PLAN_STATUS: "Move a plan from one status to another",
    Perm.PLAN_REVIEW: "Record annual reviews of a plan and their decisions",
    Perm.AUDIT_VIEW: "See a record's audit timeline",
    Perm.FAMILY_VIEW: "See their own children and plans in plain English",
    Perm.API_TOKENS: "Create and revoke their own API tokens",
}

_OFFICER_WORK = {
    Perm.CASES_VIEW,
    Perm.CONTACTS_VIEW,
    Perm.CHILD_EDIT,
    Perm.CONTACT_EDIT,
    Perm.PLAN_EDIT,
    Perm.PLAN_STATUS,
    Perm.PLAN_REVIEW,
}

MATRIX: dict[Role, frozenset[Perm]] = {
    Role.PARENT_CARER: frozenset({Perm.FAMILY_VIEW}),
    Role.YOUNG_PERSON: frozenset({Perm.FAMILY_VIEW}),
    Role.NOMINEE: frozenset({Perm.FAMILY_VIEW}),
    Role.THIRD_PARTY: frozenset({Perm.FAMILY_VIEW, Perm.API_TOKENS}),
    Role.CASE_OFFICER: frozenset(_OFFICER_WORK | {Perm.AUDIT_VIEW, Perm.API_TOKENS}),
    Role.TEAM_MANAGER: frozenset(_OFFICER_WORK | {Perm.AUDIT_VIEW, Perm.API_TOKENS}),
    Role.FINANCE_OFFICER: frozenset({Perm.CASES_VIEW, Perm.CONTACTS_VIEW, Perm.AUDIT_VIEW, Perm.API_TOKENS}),
    Role.PANEL_MEMBER: frozenset({Perm.CASES_VIEW, Perm.CONTACTS_VIEW}),
    Role.COUNCIL_ADMIN: frozenset({Perm.CASES_VIEW, Perm.CONTACTS_VIEW, Perm.AUDIT_VIEW, Perm.API_TOKENS}),
    Role.ICB_OFFICER: frozenset({Perm.CASES_VIEW, Perm.API_TOKENS}),
}


def has_perm(user, perm: Perm) -> bool:
    """Whether a signed-in user's role grants a permission."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return False
    return perm in MATRIX.get(Role(user.role), frozenset())
