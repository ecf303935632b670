"""THE permission-matrix test: every page, every role, own records and other councils' records.

It walks the URL resolver, so a new page is covered the day it is added: a page that declares no permission
(`require(Perm.X)`, `public` or `signed_in`) fails here, and so does a page missing from ROUTE_ACCESS below, which
says in one place what each page should need. The API (`/api/v1/`) and the platform admin have their own tests.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from ehcbudgets.accounts.management.commands import permissions_doc
from ehcbudgets.accounts.management.commands.permissions_doc import DOC_PATH, render_permissions_doc
from ehcbudgets.accounts.models import COUNCIL_STAFF_ROLES, FAMILY_ROLES, Role
from ehcbudgets.accounts.permissions import MATRIX, Perm
from ehcbudgets.accounts.tests.factories import ApiTokenFactory, user_for_role
from ehcbudgets.budgets.tests.factories import (
    BudgetFactory,
    BudgetLineFactory,
    BudgetRequestFactory,
    DecisionFactory,
    DecisionReviewRequestFactory,
    PanelReferralFactory,
)
from ehcbudgets.core.dates import today
from ehcbudgets.councils.tests.factories import CouncilFactory
from ehcbudgets.ledger.models import Transaction
from ehcbudgets.letters.tests.factories import LetterFactory
from ehcbudgets.monitoring.models import DpReview, Finding, FindingNote, Sweep
from ehcbudgets.offer.models import SpendingRestriction
from ehcbudgets.offer.tests.factories import OfferItemFactory
from ehcbudgets.payments.tests.factories import (
    AgreementChangeFactory,
    AgreementFactory,
    PaymentRunFactory,
    ReconsiderationFactory,
    RecoveryFactory,
)
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.plans.models import PlanStatus
from ehcbudgets.plans.tests.factories import OutcomeFactory, PlanFactory, PlanReviewFactory, ProvisionItemFactory
from ehcbudgets.spending.models import (
    Commitment,
    EvidenceRequest,
    LinkRule,
    MonitoringReturn,
    Receipt,
    SavingsPot,
    SpendingRecord,
    StatementImport,
)

SKIPPED_PREFIXES = ("api/v1/", "platform-admin/")
PUBLIC = "public"
SIGNED_IN = "signed in"

#: What each page should need. A new page must be added here, which makes its permission a deliberate choice.
ROUTE_ACCESS = {
    "core:home": PUBLIC,
    "core:accessibility": PUBLIC,
    "core:privacy": PUBLIC,
    "core:health": PUBLIC,
    "accounts:sign_in": PUBLIC,
    "accounts:signed_out": PUBLIC,
    "accounts:sign_out": SIGNED_IN,
    "accounts:two_factor": SIGNED_IN,
    "accounts:api_tokens": Perm.API_TOKENS,
    "accounts:api_token_revoke": Perm.API_TOKENS,
    "cases:list": Perm.CASES_VIEW,
    "cases:child": Perm.CASES_VIEW,
    "cases:child_history": Perm.AUDIT_VIEW,
    "cases:child_create": Perm.CHILD_EDIT,
    "cases:child_edit": Perm.CHILD_EDIT,
    "cases:contact_create": Perm.CONTACT_EDIT,
    "cases:contact_edit": Perm.CONTACT_EDIT,
    "cases:plan_create": Perm.PLAN_EDIT,
    "cases:plan_status": Perm.PLAN_STATUS,
    "cases:outcome_create": Perm.PLAN_EDIT,
    "cases:outcome_edit": Perm.PLAN_EDIT,
    "cases:provision_create": Perm.PLAN_EDIT,
    "cases:provision_edit": Perm.PLAN_EDIT,
    "cases:provision_delete": Perm.PLAN_EDIT,
    "cases:review_create": Perm.PLAN_REVIEW,
    "cases:review_decide": Perm.PLAN_REVIEW,
    "cases:letter": Perm.LETTERS_VIEW,
    "cases:letter_pdf": Perm.LETTERS_VIEW,
    "family:children": Perm.FAMILY_VIEW,
    "family:child": Perm.FAMILY_VIEW,
    "family:letter": Perm.LETTERS_VIEW,
    "family:letter_pdf": Perm.LETTERS_VIEW,
    "budgets:request_create": Perm.BUDGET_PREPARE,
    "budgets:request": Perm.BUDGET_VIEW,
    "budgets:budget_start": Perm.BUDGET_PREPARE,
    "budgets:budget": Perm.BUDGET_VIEW,
    "budgets:line_edit": Perm.BUDGET_PREPARE,
    "budgets:line_refuse_dp": Perm.BUDGET_DECIDE,
    "budgets:dp_case": Perm.BUDGET_PREPARE,
    "budgets:submit": Perm.BUDGET_PREPARE,
    "budgets:approve": Perm.BUDGET_DECIDE,
    "budgets:refuse": Perm.BUDGET_DECIDE,
    "budgets:panel": Perm.PANEL_DECIDE,
    "budgets:section_j": Perm.BUDGET_PREPARE,
    "budgets:review_request": Perm.BUDGET_PREPARE,
    "budgets:review": Perm.DECISION_REVIEW,
    "family_budgets:budget": Perm.FAMILY_VIEW,
    "family_budgets:ask": Perm.BUDGET_ASK,
    "family_budgets:check": Perm.BUDGET_ASK,
    "family_budgets:sent": Perm.BUDGET_ASK,
    "family_budgets:review": Perm.FAMILY_VIEW,
    "public:councils": PUBLIC,
    "public:council": PUBLIC,
    "public:can_pay_for": PUBLIC,
    "public:cannot_pay_for": PUBLIC,
    "council:home": Perm.OFFER_MANAGE,
    "council:offer": Perm.OFFER_MANAGE,
    "council:offer_item_create": Perm.OFFER_MANAGE,
    "council:offer_item": Perm.OFFER_MANAGE,
    "council:offer_item_edit": Perm.OFFER_MANAGE,
    "council:rate_create": Perm.OFFER_MANAGE,
    "council:restrictions": Perm.OFFER_MANAGE,
    "council:restriction_create": Perm.OFFER_MANAGE,
    "council:restriction_switch": Perm.OFFER_MANAGE,
    "council:policy": Perm.OFFER_MANAGE,
    "council:policy_create": Perm.OFFER_MANAGE,
    "payments:agreement_create": Perm.DP_MANAGE,
    "payments:agreement": Perm.DP_VIEW,
    "payments:edit": Perm.DP_MANAGE,
    "payments:send": Perm.DP_MANAGE,
    "payments:consent": Perm.DP_MANAGE,
    "payments:assistant_add": Perm.DP_MANAGE,
    "payments:suspend": Perm.DP_MANAGE,
    "payments:resume": Perm.DP_MANAGE,
    "payments:change_recipient": Perm.DP_MANAGE,
    "payments:withdrawal": Perm.DP_MANAGE,
    "payments:reduce": Perm.DP_DECIDE,
    "payments:stop": Perm.DP_DECIDE,
    "payments:recover": Perm.DP_DECIDE,
    "payments:reconsideration_record": Perm.DP_MANAGE,
    "payments:reconsideration_decide": Perm.DECISION_REVIEW,
    "family_payments:agreement": Perm.FAMILY_VIEW,
    "family_payments:consent": Perm.DP_CONSENT,
    "family_payments:withdraw": Perm.DP_CONSENT,
    "family_payments:reconsider": Perm.DP_CONSENT,
    "finance:runs": Perm.PAYMENTS_RUN,
    "finance:run": Perm.PAYMENTS_RUN,
    "finance:run_file": Perm.PAYMENTS_RUN,
    "finance:recoveries": Perm.PAYMENTS_RUN,
    "finance:recovery_receipt": Perm.PAYMENTS_RUN,
    "finance:ledger": Perm.LEDGER_VIEW,
    "council_payments:bank_details": Perm.OFFER_MANAGE,
    "family_spending:overview": Perm.FAMILY_VIEW,
    "family_spending:records": Perm.FAMILY_VIEW,
    "family_spending:rules": Perm.FAMILY_VIEW,
    "family_spending:owed": Perm.FAMILY_VIEW,
    "family_spending:spend_check": Perm.FAMILY_VIEW,
    "family_spending:returns": Perm.FAMILY_VIEW,
    "family_spending:record": Perm.FAMILY_VIEW,
    "family_spending:receipt": Perm.FAMILY_VIEW,
    "family_spending:record_add": Perm.SPENDING_RECORD,
    "family_spending:statement_upload": Perm.SPENDING_RECORD,
    "family_spending:rule_add": Perm.SPENDING_RECORD,
    "family_spending:commitment_add": Perm.SPENDING_RECORD,
    "family_spending:savings_add": Perm.SPENDING_RECORD,
    "family_spending:receipt_add": Perm.SPENDING_RECORD,
    "family_spending:record_withdraw": Perm.SPENDING_RECORD,
    "family_spending:statement": Perm.SPENDING_RECORD,
    "family_spending:statement_discard": Perm.SPENDING_RECORD,
    "family_spending:rule_remove": Perm.SPENDING_RECORD,
    "family_spending:commitment_settle": Perm.SPENDING_RECORD,
    "family_spending:savings_remove": Perm.SPENDING_RECORD,
    "family_spending:return_send": Perm.SPENDING_RECORD,
    "family_spending:evidence_answer": Perm.SPENDING_RECORD,
    "spending:agreement": Perm.DP_VIEW,
    "spending:receipt": Perm.DP_VIEW,
    "spending:record_withdraw": Perm.DP_MANAGE,
    "spending:return": Perm.DP_VIEW,
    "spending:return_accept": Perm.DP_MANAGE,
    "spending:return_query": Perm.DP_MANAGE,
    "spending:returns": Perm.DP_VIEW,
    "council_spending:rules": Perm.OFFER_MANAGE,
    "council_spending:rule_add": Perm.OFFER_MANAGE,
    "council_spending:rule_remove": Perm.OFFER_MANAGE,
    "monitoring:queue": Perm.WORK_QUEUE,
    "monitoring:findings": Perm.DP_VIEW,
    "monitoring:reviews": Perm.DP_VIEW,
    "monitoring:sweeps": Perm.DP_VIEW,
    "monitoring:sweep": Perm.DP_VIEW,
    "monitoring:finding": Perm.DP_VIEW,
    "monitoring:finding_raise": Perm.DP_MANAGE,
    "monitoring:finding_resolve": Perm.DP_MANAGE,
    "monitoring:finding_escalate": Perm.DP_DECIDE,
    "monitoring:evidence": Perm.DP_VIEW,
    "monitoring:review": Perm.DP_VIEW,
    "monitoring:review_record": Perm.DP_MANAGE,
    "monitoring:review_decline": Perm.DP_MANAGE,
    "family_monitoring:overview": Perm.FAMILY_VIEW,
    "family_monitoring:finding": Perm.FAMILY_VIEW,
    "family_monitoring:evidence": Perm.FAMILY_VIEW,
    "family_monitoring:review_request": Perm.DP_CONSENT,
}

#: Pages that only accept POST (signing out, revoking a token): the test posts to them.
POST_ONLY = {"accounts:sign_out", "accounts:api_token_revoke"}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    view: object

    @property
    def kwarg_names(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)

    def url(self, objects: dict) -> str:
        missing = [k for k in self.kwarg_names if k not in objects]
        assert not missing, f"{self.name}: the test does not know how to fill {missing}; add them to _world()"
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(objects[m.group(1)]), self.route)

    @property
    def method(self) -> str:
        return "post" if self.name in POST_ONLY else "get"


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            assert isinstance(entry.pattern, RoutePattern), f"{route}: use path(), the test reads <converter:name>"
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or route)
            yield Route(name=name, route=route, view=entry.callback)


ROUTES = sorted(_walk(get_resolver().url_patterns), key=lambda r: r.name)
ROUTES_WITH_OBJECTS = [r for r in ROUTES if r.kwarg_names]
ROLES = list(Role)


def _access(view):
    if getattr(view, "is_public", False):
        return PUBLIC
    if getattr(view, "signed_in_only", False):
        return SIGNED_IN
    return getattr(view, "required_perm", None)


def _may(role: Role, access) -> bool:
    return access in (PUBLIC, SIGNED_IN) or access in MATRIX[role]


# the declarations ----------------------------------------------------------------------------------------------------


def test_the_walk_finds_the_pages():
    names = {r.name for r in ROUTES}
    assert {"core:home", "cases:child", "family:child", "accounts:api_tokens"} <= names
    assert not any(r.route.startswith(SKIPPED_PREFIXES) for r in ROUTES)


def test_every_page_declares_who_may_see_it():
    undeclared = [
        r.name for r in ROUTES if not (_access(r.view) in (PUBLIC, SIGNED_IN) or isinstance(_access(r.view), Perm))
    ]
    assert undeclared == [], "decorate these views with require(Perm.X), public or signed_in"


def test_every_page_is_listed_in_this_test():
    assert sorted(r.name for r in ROUTES) == sorted(ROUTE_ACCESS), "add new pages to ROUTE_ACCESS (and remove old ones)"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_the_page_declares_the_expected_permission(route):
    assert _access(route.view) == ROUTE_ACCESS.get(route.name)


def test_every_role_has_a_row_in_the_matrix():
    assert set(MATRIX) == set(Role)


def test_no_family_role_holds_a_permission_to_see_cases():
    assert not any(Perm.CASES_VIEW in MATRIX[role] for role in FAMILY_ROLES)


def test_no_council_role_holds_the_family_view():
    assert not any(Perm.FAMILY_VIEW in MATRIX[role] for role in (*COUNCIL_STAFF_ROLES, Role.ICB_OFFICER))


def test_docs_permissions_md_is_generated_from_the_matrix():
    assert DOC_PATH.read_text(encoding="utf-8") == render_permissions_doc(), (
        "docs/permissions.md is out of date: run python manage.py permissions_doc --write"
    )


def test_the_permissions_doc_command_prints_the_document(capsys):
    call_command("permissions_doc")
    assert capsys.readouterr().out == render_permissions_doc()


def test_the_permissions_doc_command_check_fails_when_the_file_is_out_of_date(tmp_path, monkeypatch):
    stale = tmp_path / "permissions.md"
    stale.write_text("# Who may do what\n\nAn old table.\n", encoding="utf-8")
    monkeypatch.setattr(permissions_doc, "DOC_PATH", stale)
    with pytest.raises(CommandError, match="out of date"):
        call_command("permissions_doc", "--check")


def test_the_permissions_doc_command_writes_the_file(tmp_path, monkeypatch):
    target = tmp_path / "permissions.md"
    monkeypatch.setattr(permissions_doc, "DOC_PATH", target)
    call_command("permissions_doc", "--write")
    assert target.read_text(encoding="utf-8") == render_permissions_doc()
    call_command("permissions_doc", "--check")


def test_the_generated_document_has_a_row_per_permission_and_a_column_per_role():
    rows = [line for line in render_permissions_doc().splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == len(Perm)
    assert all(row.count("|") == len(Role) + 2 for row in rows)
    case_view = next(row for row in rows if "`cases.view`" in row)
    assert [cell.strip() for cell in case_view.split("|")[2:-1]] == [
        "Yes" if Perm.CASES_VIEW in MATRIX[role] else "No" for role in Role
    ]


# the pages -----------------------------------------------------------------------------------------------------------


def _spending_world(council, agreement, contact) -> dict:
    """A record with a receipt, a statement, rules, money owed and set aside, a submitted return and a question."""
    txn = Transaction.objects.create(council=council, kind="spending", occurred_on=today(), description="Paid")
    record = SpendingRecord.objects.create(
        council=council,
        agreement=agreement,
        spent_on=today(),
        amount=5,
        payee="Pat",
        category="wages",
        ledger_transaction=txn,
    )
    receipt = Receipt(council=council, record=record, content_type="application/pdf", size=9, original_name="r.pdf")
    receipt.file.save("receipt", ContentFile(b"%PDF-1.4\n"), save=True)
    statement = StatementImport.objects.create(
        council=council, agreement=agreement, filename="s.csv", file_format="csv"
    )
    rule = LinkRule.objects.create(council=council, agreement=agreement, words="pat", category="wages", split=[])
    council_rule = LinkRule.objects.create(council=council, words="pat", category="wages", split=[["X", "100"]])
    commitment = Commitment.objects.create(
        council=council, agreement=agreement, description="Invoice", amount=10, due_on=today()
    )
    pot = SavingsPot.objects.create(council=council, agreement=agreement, name="Summer", amount=10)
    monitoring_return = MonitoringReturn.objects.create(
        council=council, agreement=agreement, period_start=today(), period_end=today(), status="submitted"
    )
    evidence = EvidenceRequest.objects.create(
        council=council,
        agreement=agreement,
        what="Receipts please",
        asked_on=today(),
        due_on=today(),
        asked_by=user_for_role(Role.CASE_OFFICER, council=council),
    )
    return {
        "record_pk": record.pk,
        "receipt_pk": receipt.pk,
        "statement_pk": statement.pk,
        "rule_pk": rule.pk,
        "council_rule_pk": council_rule.pk,
        "commitment_pk": commitment.pk,
        "pot_pk": pot.pk,
        "return_pk": monitoring_return.pk,
        "evidence_pk": evidence.pk,
        "period_start": agreement.start_date.isoformat(),
        **_monitoring_world(council, agreement),
    }


def _monitoring_world(council, agreement) -> dict:
    """A finding with the family's answer and its evidence, a review due, and a finished check of the rules."""
    finding = Finding.objects.create(
        council=council, agreement=agreement, rule="surplus", key="surplus", explanation="Surplus", found_on=today()
    )
    note = FindingNote(
        council=council,
        finding=finding,
        author=user_for_role(Role.CASE_OFFICER, council=council),
        from_family=True,
        text="Receipt",
        content_type="application/pdf",
        original_name="e.pdf",
        size=9,
    )
    note.file.save("evidence", ContentFile(b"%PDF-1.4\n"), save=True)
    review = DpReview.objects.create(
        council=council, agreement=agreement, trigger="recipient_request", trigger_key="k", due_on=today()
    )
    sweep = Sweep.objects.create(council=council, kind="full", on=today(), status="finished")
    return {"finding_pk": finding.pk, "note_pk": note.pk, "dp_review_pk": review.pk, "sweep_pk": sweep.pk}


def _world(council, user=None) -> dict:
    """A child of the council with a contact, a plan under review with an outcome, health provision and a review,
    a letter, and an API token; a family user is linked to the child through the contact. Returns the URL arguments."""
    child = ChildFactory(council=council)
    contact = ContactFactory(child=child, user=user if user is not None and user.is_family else None)
    plan = PlanFactory(child=child, status=PlanStatus.UNDER_REVIEW, issued_on=today() - timedelta(days=300))
    outcome = OutcomeFactory(plan=plan)
    item = ProvisionItemFactory(plan=plan, health=True, outcomes=[outcome])
    review = PlanReviewFactory(plan=plan)
    letter = LetterFactory(child=child)
    offer_item = OfferItemFactory(council=council)
    restriction = SpendingRestriction.objects.create(council=council, text="Alcohol")
    budget_request = BudgetRequestFactory(plan=plan, requested_by=contact)
    budget = BudgetFactory(request=budget_request)
    line = BudgetLineFactory(budget=budget, provision_item=item)
    referral = PanelReferralFactory(budget=budget)
    decision = DecisionFactory(budget=budget)
    review_request = DecisionReviewRequestFactory(decision=decision)
    agreement = AgreementFactory(budget=BudgetFactory(request=budget_request, status="approved"), recipient=contact)
    change = AgreementChangeFactory(agreement=agreement)
    reconsideration = ReconsiderationFactory(change=change)
    recovery = RecoveryFactory(agreement=agreement)
    run = PaymentRunFactory(council=council)
    spending = _spending_world(council, agreement, contact)
    token = ApiTokenFactory(user=user if user is not None else user_for_role(Role.CASE_OFFICER, council=council))
    return {
        "pk": child.pk,
        "contact_pk": contact.pk,
        "plan_pk": plan.pk,
        "outcome_pk": outcome.pk,
        "item_pk": item.pk,
        "review_pk": review.pk,
        "letter_pk": letter.pk,
        "request_pk": budget_request.pk,
        "budget_pk": budget.pk,
        "provision_pk": item.pk,
        "line_pk": line.pk,
        "referral_pk": referral.pk,
        "decision_pk": decision.pk,
        "review_request_pk": review_request.pk,
        "token_pk": token.pk,
        "code": council.code,
        "offer_item_pk": offer_item.pk,
        "restriction_pk": restriction.pk,
        "agreement_pk": agreement.pk,
        "kind": "change",
        "subject_pk": change.pk,
        "reconsideration_pk": reconsideration.pk,
        "recovery_pk": recovery.pk,
        "run_pk": run.pk,
        "file_format": "csv",
        **spending,
    }


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.EHC_REQUIRE_STAFF_2FA = False


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    """Each role's sign-in and world, a signed-out world, a neighbour's and another council's, built once for the
    module (the pages only read them) inside a transaction rolled back at its end. Each test runs in its own
    savepoint within it, so whatever a page changes (a revoked token, a session) is undone before the next test."""
    with django_db_blocker.unblock(), transaction.atomic():
        council = CouncilFactory(name="Brightwater Borough Council", code="brightwater")
        users = {role: user_for_role(role, council=council) for role in ROLES}
        yield SimpleNamespace(
            users=users,
            own={role: _world(council, users[role]) for role in ROLES},
            anonymous=_world(council),
            neighbour=_world(council),  # another child of the same council
            elsewhere=_world(CouncilFactory()),  # its own ICB, its own families
        )
        transaction.set_rollback(True)


def _request(client, route: Route, objects: dict):
    return getattr(client, route.method)(route.url(objects))


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_role_on_page_with_its_own_records(client, worlds, role, route):
    client.force_login(worlds.users[role])
    response = _request(client, route, worlds.own[role])
    if _may(role, ROUTE_ACCESS[route.name]):
        assert response.status_code in (200, 302), response.status_code
        assert not _is_sign_in_redirect(response)
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_anonymous_on_page(client, worlds, route):
    objects = worlds.anonymous
    response = _request(client, route, objects)
    if ROUTE_ACCESS[route.name] == PUBLIC:
        assert response.status_code in (200, 302)
        assert not _is_sign_in_redirect(response)
    else:
        assert _is_sign_in_redirect(response), response.status_code
        assert parse_qs(urlsplit(response["Location"]).query)["next"] == [route.url(objects)]


#: A council's public pages are open to everyone, whichever council they sign in to (DOMAIN R3).
OUT_OF_SCOPE_CASES = [
    pytest.param(role, route, id=f"{role}-{route.name}")
    for role in ROLES
    for route in ROUTES_WITH_OBJECTS
    if _may(role, ROUTE_ACCESS[route.name]) and ROUTE_ACCESS[route.name] != PUBLIC
]

#: Arguments naming a record of the council as a whole rather than of one child (its code, its local offer).
COUNCIL_WIDE_ARGUMENTS = {
    "code",
    "offer_item_pk",
    "restriction_pk",
    "run_pk",
    "file_format",
    "recovery_pk",
    "council_rule_pk",
    "sweep_pk",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "route"), OUT_OF_SCOPE_CASES)
def test_another_councils_records_are_not_found(client, worlds, role, route):
    client.force_login(worlds.users[role])
    assert _request(client, route, worlds.elsewhere).status_code == 404


NESTED_CASES = [
    pytest.param(role, route, id=f"{role}-{route.name}")
    for role in ROLES
    for route in ROUTES_WITH_OBJECTS
    if set(route.kwarg_names) - {"pk", "token_pk", *COUNCIL_WIDE_ARGUMENTS} and _may(role, ROUTE_ACCESS[route.name])
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "route"), NESTED_CASES)
def test_another_childs_records_under_this_childs_address_are_not_found(client, worlds, role, route):
    client.force_login(worlds.users[role])
    mine = worlds.own[role]
    assert _request(client, route, {**worlds.neighbour, "pk": mine["pk"]}).status_code == 404
