"""Two councils with their ICBs, a user per kind of caller, and a child with a plan in each council.

Records are made through the services, as the pages make them, so the API reads what production would hold.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from ehcbudgets.accounts.models import ApiToken, Role, User
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.core.dates import today
from ehcbudgets.councils.models import ICB, Council
from ehcbudgets.offer import services as offer
from ehcbudgets.people import services as people
from ehcbudgets.people.models import Relationship
from ehcbudgets.plans import services as plans
from ehcbudgets.plans.models import PlanStatus

BASE = "/api/v1"
PROBLEM = "application/problem+json"


class Api:
    """A Django test client that speaks JSON to /api/v1/ with one user's token (or none)."""

    def __init__(self, raw_token: str | None = None, client: Client | None = None):
        headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}
        self.client = client or Client(headers=headers)

    def get(self, path: str, **params):
        return self.client.get(BASE + path, params)

    def post(self, path: str, body: dict | None = None):
        return self.client.post(BASE + path, body if body is not None else {}, content_type="application/json")

    def patch(self, path: str, body: dict):
        return self.client.patch(BASE + path, body, content_type="application/json")

    def put(self, path: str, body: dict):
        return self.client.put(BASE + path, body, content_type="application/json")

    def delete(self, path: str):
        return self.client.delete(BASE + path)


def problem_of(response, status: int) -> dict:
    """The problem+json body of a refusal, after checking its status and shape (RFC 9457)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


def error_fields(response) -> set:
    """The fields named in a 422 problem's errors."""
    body = problem_of(response, 422)
    assert all(set(error) == {"field", "message"} and error["message"] for error in body["errors"])
    return {error["field"] for error in body["errors"]}


def raw_token_for(user: User) -> str:
    """A token made directly, as the token service would for a role that may hold one."""
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, name="tests", digest=ApiToken.digest_of(raw), hint=raw[:10])
    return raw


@pytest.fixture
def icb_a(db):
    return ICB.objects.create(name="NHS Brightwater ICB", code="QBF")


@pytest.fixture
def icb_b(db):
    return ICB.objects.create(name="NHS Kestrel Vale ICB", code="QKV")


@pytest.fixture
def council_a(icb_a):
    return Council.objects.create(name="Brightwater Borough Council", code="brightwater", icb=icb_a)


@pytest.fixture
def council_b(icb_b):
    return Council.objects.create(name="Kestrel Vale Council", code="kestrel-vale", icb=icb_b)


@pytest.fixture
def make_user(db):
    def make(role: Role, *, council=None, icb=None, email: str | None = None, **extra) -> User:
        email = email or f"{role}.{council.code if council else icb.code if icb else 'family'}@example.test"
        return User.objects.create_user(
            email, "pw", full_name=f"Test {role}", role=role, council=council, icb=icb, **extra
        )

    return make


@pytest.fixture
def officer(make_user, council_a):
    return make_user(Role.CASE_OFFICER, council=council_a)


@pytest.fixture
def officer_b(make_user, council_b):
    return make_user(Role.CASE_OFFICER, council=council_b)


@pytest.fixture
def panel_member(make_user, council_a):
    return make_user(Role.PANEL_MEMBER, council=council_a)


@pytest.fixture
def icb_officer(make_user, icb_a):
    return make_user(Role.ICB_OFFICER, icb=icb_a)


@pytest.fixture
def parent(make_user):
    return make_user(Role.PARENT_CARER, email="parent@example.test")


@pytest.fixture
def api_as():
    """api_as(user): a JSON client as the user: a fresh token where their role may hold one, else their session
    (families and panel members use the API only through a signed-in browser)."""

    def make(user):
        if has_perm(user, Perm.API_TOKENS):
            return Api(raw_token_for(user))
        client = Client()
        client.force_login(user)
        return Api(client=client)

    return make


@pytest.fixture
def api(api_as, officer):
    """The case officer of council A, the caller of most tests."""
    return api_as(officer)


@pytest.fixture
def anonymous():
    return Api()


def _child(actor, council, first, last, years=8, reference=None):
    born = today() - timedelta(days=round(365.25 * years))
    return people.child_create(
        actor=actor,
        council=council,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        council_reference=reference or f"{council.code}-{first}-{last}".upper(),
    )


@pytest.fixture
def child(officer, council_a, parent):
    """Council A's child, linked to the parent's sign-in through a contact."""
    kid = _child(officer, council_a, "Ada", "Ashdown")
    contact = people.contact_create(
        actor=officer,
        child=kid,
        full_name="Morgan Ashdown",
        relationship=Relationship.PARENT,
        email="parent@example.test",
    )
    people.contact_link_user(actor=officer, contact=contact, user=parent)
    return kid


@pytest.fixture
def other_child(officer, council_a):
    """Another child of council A, not linked to the parent."""
    return _child(officer, council_a, "Bram", "Brackwell", years=12)


@pytest.fixture
def child_b(officer_b, council_b):
    return _child(officer_b, council_b, "Cleo", "Copperfield")


def _plan_with_provision(actor, kid):
    plan = plans.plan_create(actor=actor, child=kid, status=PlanStatus.DRAFT)
    outcome = plans.outcome_create(actor=actor, plan=plan, text="To read simple texts independently")
    common = {"unit": "hour", "frequency": "per_week", "delivered_at": "setting"}
    education = plans.provision_create(
        actor=actor,
        plan=plan,
        outcomes=[outcome],
        section="F",
        description="Teaching assistant support in class",
        quantity=Decimal("15"),
        **common,
    )
    health = plans.provision_create(
        actor=actor,
        plan=plan,
        outcomes=[outcome],
        section="G",
        description="Speech and language therapy",
        quantity=Decimal("1.5"),
        **common,
    )
    return plan, outcome, education, health


@pytest.fixture
def plan_parts(officer, child):
    return _plan_with_provision(officer, child)


@pytest.fixture
def plan(plan_parts):
    """Council A's child's draft plan: one outcome, section F (education) and G (health) provision."""
    return plan_parts[0]


@pytest.fixture
def outcome(plan_parts):
    return plan_parts[1]


@pytest.fixture
def education_item(plan_parts):
    return plan_parts[2]


@pytest.fixture
def health_item(plan_parts):
    return plan_parts[3]


@pytest.fixture
def plan_b(officer_b, child_b):
    return _plan_with_provision(officer_b, child_b)[0]


@pytest.fixture
def final_plan(officer, plan):
    """The plan issued as final 60 days ago, so a review can be recorded."""
    return plans.plan_set_status(actor=officer, plan=plan, status=PlanStatus.FINAL, on=today() - timedelta(days=60))


@pytest.fixture
def admin(make_user, council_a):
    """Council A's administrator, who alone changes its local offer and rates."""
    return make_user(Role.COUNCIL_ADMIN, council=council_a)


@pytest.fixture
def priced_item(admin, council_a):
    """priced_item(code, name, category, stream, unit, rate, **extra): council A's item, priced since 2020."""

    def make(code, name, category, stream, unit, rate, **extra):
        made = offer.offer_item_create(
            actor=admin,
            council=council_a,
            code=code,
            name=name,
            category=category,
            funding_stream=stream,
            unit=unit,
            **extra,
        )
        offer.rate_add(actor=admin, item=made, amount=Decimal(rate), effective_from=date(2020, 1, 1))
        return made

    return make
