"""Personal budgets and the local offer through the API: the whole chain from a request to Section J, who may do
each step, and the rules the services enforce answered as problem+json."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets import services as budgets
from ehcbudgets.budgets.models import Budget, BudgetRequest, BudgetStatus, Decision, ReviewRequestStatus
from ehcbudgets.core.dates import today
from ehcbudgets.letters.models import Letter
from ehcbudgets.offer import services as offer
from ehcbudgets.people import services as people
from ehcbudgets.people.models import Relationship

from .conftest import Api, error_fields, problem_of, raw_token_for

EVIDENCE = {
    "will_secure_provision": "Has arranged support with a registered provider before.",
    "best_interests": "Knows Ada's needs best and involved her in choosing the support.",
    "no_harm_to_services": "Bought individually: no block contract is affected.",
    "efficient_use": "Costs no more than the council arranging the same support.",
}
SETTING_AGREEMENT = {
    "setting_agreement_name": "Sam Okafor",
    "setting_agreement_role": "Headteacher",
    "setting_agreement_on": (today() - timedelta(days=3)).isoformat(),
}


# Fixtures


@pytest.fixture
def manager(make_user, council_a):
    return make_user(Role.TEAM_MANAGER, council=council_a)


@pytest.fixture
def second_manager(make_user, council_a):
    return make_user(Role.TEAM_MANAGER, council=council_a, email="manager.two@example.test")


@pytest.fixture
def manager_b(make_user, council_b):
    return make_user(Role.TEAM_MANAGER, council=council_b)


@pytest.fixture
def catalogue(admin, council_a, priced_item):
    """Council A's local offer: teaching support (any way of holding it), speech therapy bought through a block
    contract, and a placement; each priced since 2020, teaching support with a new rate next month."""

    item = priced_item

    no_family_payments = {"allows_direct_payment": False, "allows_third_party": False}
    items = {
        "ta": item("TA", "Teaching assistant support in class", "teaching_support", "education", "hour", "25.00"),
        "slt": item(
            "SLT",
            "Speech and language therapy",
            "therapy",
            "health",
            "hour",
            "70.00",
            block_contract=True,
            contract_reference="NHS-SLT-2024-017",
            **no_family_payments,
        ),
        "place": item(
            "PLACE", "Place at a specialist school", "placement", "education", "day", "300.00", **no_family_payments
        ),
    }
    offer.rate_add(actor=admin, item=items["ta"], amount=Decimal("26.00"), effective_from=today() + timedelta(days=30))
    return items


@pytest.fixture
def parent_contact(officer, child, parent):
    """The parent's contact, recorded as having capacity to consent, so they may receive direct payments (R10)."""
    contact = child.contacts.get(user=parent)
    return people.contact_update(
        actor=officer, contact=contact, has_capacity_to_consent=True, capacity_assessed_on=today()
    )


@pytest.fixture
def budget_request(officer, child, plan, parent_contact):
    return budgets.budget_request_record(
        actor=officer, child=child, requester=parent_contact, channel="letter", what_for="Support in class"
    )


@pytest.fixture
def budget(officer, budget_request, catalogue, education_item, health_item):
    """A budget being costed from the plan: teaching support and speech therapy, both arranged by the council."""
    return budgets.budget_start(actor=officer, request=budget_request, period_start=today())


@pytest.fixture
def awaiting(officer, budget):
    """The budget sent for approval at exactly its costed total."""
    budget.refresh_from_db()
    return budgets.budget_submit(actor=officer, budget=budget, final_amount=budget.costed_total)


@pytest.fixture
def refusal(manager, awaiting):
    return budgets.budget_refuse(
        actor=manager, budget=awaiting, reason_code="other", reasons="The plan is being amended first."
    )


def _line_for(budget, provision_item):
    return budget.lines.get(provision_item=provision_item)


# The local offer


def test_the_catalogue_lists_the_councils_items_with_the_rate_in_force_today(api, catalogue):
    body = api.get("/offer/items").json()

    assert body["count"] == 3
    ta = next(item for item in body["items"] if item["code"] == "TA")
    assert ta["current_rate"]["amount"] == "25.00"
    assert ta["current_rate"]["effective_from"] == "2020-01-01"
    assert ta["allowed_modes"] == ["direct_payment", "organised_arrangement", "third_party"]
    slt = next(item for item in body["items"] if item["code"] == "SLT")
    assert (slt["block_contract"], slt["contract_reference"]) == (True, "NHS-SLT-2024-017")
    assert slt["allowed_modes"] == ["organised_arrangement"]


def test_an_items_rates_are_listed_newest_first_as_money_strings(api, catalogue):
    body = api.get(f"/offer/items/{catalogue['ta'].pk}/rates").json()

    assert [rate["amount"] for rate in body["items"]] == ["26.00", "25.00"]


def test_the_catalogue_is_paginated(api, catalogue):
    first = api.get("/offer/items", page_size=2).json()
    second = api.get("/offer/items", page_size=2, page=2).json()

    assert (first["count"], len(first["items"]), first["page"], first["page_size"]) == (3, 2, 1, 2)
    assert len(second["items"]) == 1
    assert {i["id"] for i in first["items"] + second["items"]} == {item.pk for item in catalogue.values()}
    assert error_fields(api.get("/offer/items", page_size=101)) == {"page_size"}


def test_another_councils_catalogue_is_not_found(api_as, officer_b, catalogue):
    other = api_as(officer_b)

    assert other.get("/offer/items").json()["count"] == 0
    problem_of(other.get(f"/offer/items/{catalogue['ta'].pk}/rates"), 404)


def test_roles_without_budget_or_offer_permission_cannot_read_the_catalogue(api_as, icb_officer, parent, catalogue):
    problem_of(api_as(icb_officer).get("/offer/items"), 403)
    problem_of(api_as(parent).get("/offer/items"), 403)


def test_a_council_admin_reads_the_catalogue(api_as, admin, catalogue):
    assert api_as(admin).get("/offer/items").json()["count"] == 3


# The whole chain


def test_request_to_section_j_over_the_api(
    api, api_as, manager, child, plan, catalogue, parent_contact, education_item, health_item
):
    received = today() - timedelta(days=2)
    response = api.post(
        f"/children/{child.pk}/budget-requests",
        {
            "requester": parent_contact.pk,
            "channel": "letter",
            "received_on": received.isoformat(),
            "what_for": "Support in class and therapy",
        },
    )
    assert response.status_code == 201, response.content
    request_body = response.json()
    assert (request_body["status"], request_body["window"], request_body["channel"]) == ("open", "draft_plan", "letter")
    assert request_body["requester_id"] == parent_contact.pk
    assert request_body["received_on"] == received.isoformat()

    response = api.post(
        f"/budget-requests/{request_body['id']}/budgets",
        {"period_start": today().isoformat(), "indicative_amount": "15000.00"},
    )
    assert response.status_code == 201, response.content
    budget = response.json()
    assert budget["status"] == "draft"
    assert budget["indicative_amount"] == "15000.00"
    assert budget["final_amount"] is None
    # 15 hours a week x £25.00 x 39 term-time weeks, and 1.5 hours x £70.00 x 39 weeks.
    amounts = {line["provision_item_id"]: line["amount"] for line in budget["lines"]}
    assert amounts == {education_item.pk: "14625.00", health_item.pk: "4095.00"}
    assert budget["costed_total"] == "18720.00"
    assert budget["totals"]["by_stream"] == {"education": "14625.00", "health": "4095.00"}
    assert budget["totals"]["by_funder"] == {"council_sen": "14625.00", "icb": "4095.00"}
    assert budget["totals"]["integrated"] is True

    response = api.put(
        f"/budgets/{budget['id']}/lines/{education_item.pk}",
        {"management_mode": "direct_payment", **SETTING_AGREEMENT},
    )
    assert response.status_code == 200, response.content
    line = response.json()
    assert (line["management_mode"], line["amount"], line["rate"]) == ("direct_payment", "14625.00", "25.00")
    assert line["setting_agreement_role"] == "Headteacher"

    blockers = api.get(f"/budgets/{budget['id']}").json()["approval_blockers"]
    assert any("the council's four findings" in blocker for blocker in blockers)

    response = api.put(f"/budgets/{budget['id']}/direct-payment-case", {"recipient": parent_contact.pk, **EVIDENCE})
    assert response.status_code == 200, response.content
    assert response.json()["recipient_name"] == "Morgan Ashdown"

    response = api.post(f"/budgets/{budget['id']}/submit", {"final_amount": "18720.00"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "awaiting_approval"
    assert response.json()["approval_blockers"] == []

    response = api_as(manager).post(f"/budgets/{budget['id']}/approve")
    assert response.status_code == 200, response.content
    approved = response.json()
    assert (approved["status"], approved["final_amount"]) == ("approved", "18720.00")
    assert [d["kind"] for d in approved["decisions"]] == ["approve"]
    assert approved["decisions"][0]["letter_id"] is not None

    response = api.post(f"/budgets/{budget['id']}/section-j")
    assert response.status_code == 200, response.content
    section_j = Letter.objects.get(pk=response.json()["section_j_id"])
    assert (section_j.kind, section_j.child_id) == ("section_j", child.pk)
    assert "18,720.00" in section_j.body_html
    assert BudgetRequest.objects.get(pk=request_body["id"]).status == "decided"


def test_a_request_and_its_budgets_and_decisions_can_be_read_back(api, budget_request, budget):
    body = api.get(f"/budget-requests/{budget_request.pk}").json()

    assert body["id"] == budget_request.pk
    assert [b["id"] for b in body["budgets"]] == [budget.pk]
    assert body["decisions"] == []


def test_a_childs_requests_and_budgets_are_listed_and_paginated(api, child, budget_request, budget):
    requests = api.get(f"/children/{child.pk}/budget-requests", page_size=1).json()
    listed = api.get(f"/children/{child.pk}/budgets").json()

    assert (requests["count"], requests["page_size"]) == (1, 1)
    assert requests["items"][0]["id"] == budget_request.pk
    assert [b["id"] for b in listed["items"]] == [budget.pk]
    assert listed["items"][0]["costed_total"] == "18720.00"
    assert error_fields(api.get(f"/children/{child.pk}/budget-requests", page_size=500)) == {"page_size"}


def test_a_request_for_a_child_without_a_plan_is_refused_at_once_with_a_letter(api, other_child, officer):
    parent_of_bram = people.contact_create(
        actor=officer, child=other_child, full_name="Jo Brackwell", relationship=Relationship.PARENT
    )

    response = api.post(
        f"/children/{other_child.pk}/budget-requests", {"requester": parent_of_bram.pk, "channel": "phone"}
    )

    assert response.status_code == 201
    body = api.get(f"/budget-requests/{response.json()['id']}").json()
    assert body["status"] == "refused"
    assert [(d["kind"], d["reason_code"]) for d in body["decisions"]] == [("request_not_eligible", "no_plan")]
    assert body["decisions"][0]["letter_id"] is not None


def test_staff_must_name_the_requester_and_the_channel(api, child, plan):
    assert error_fields(api.post(f"/children/{child.pk}/budget-requests", {})) == {"requester", "channel"}
    assert not BudgetRequest.objects.exists()


def test_a_requester_who_is_not_the_childs_contact_is_a_field_error(api, child, plan, other_child, officer):
    stranger = people.contact_create(
        actor=officer, child=other_child, full_name="Jo Brackwell", relationship=Relationship.PARENT
    )

    response = api.post(f"/children/{child.pk}/budget-requests", {"requester": stranger.pk, "channel": "email"})

    assert error_fields(response) == {"requester"}


def test_a_second_open_request_is_refused(api, child, budget_request, parent_contact):
    response = api.post(f"/children/{child.pk}/budget-requests", {"requester": parent_contact.pk, "channel": "email"})

    assert error_fields(response) == {"requester"}


def test_a_second_budget_for_the_same_request_is_refused_without_a_field(api, budget_request, budget):
    response = api.post(f"/budget-requests/{budget_request.pk}/budgets", {"period_start": today().isoformat()})

    assert error_fields(response) == {None}


# Money in and out


def test_money_sent_as_a_json_number_is_refused(api, budget_request, catalogue):
    response = api.post(
        f"/budget-requests/{budget_request.pk}/budgets",
        {"period_start": today().isoformat(), "indicative_amount": 15000.5},
    )

    assert error_fields(response) == {"indicative_amount"}
    assert not Budget.objects.exists()


@pytest.mark.parametrize("amount", ["12.345", "-1.00", "£12", "1,000.00", "", "1e3"])
def test_money_that_is_not_pounds_and_pence_is_refused(api, budget, amount):
    assert error_fields(api.post(f"/budgets/{budget.pk}/submit", {"final_amount": amount})) == {"final_amount"}


def test_unknown_body_fields_are_refused(api, budget):
    response = api.post(f"/budgets/{budget.pk}/submit", {"final_amount": "18720.00", "status": "approved"})

    assert error_fields(response) == {"status"}
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.DRAFT


# The rules the services enforce


def test_a_final_amount_a_penny_under_the_costed_lines_is_insufficient(api, budget):
    response = api.post(f"/budgets/{budget.pk}/submit", {"final_amount": "18719.99"})

    assert error_fields(response) == {"final_amount"}
    assert "18,720.00" in response.json()["errors"][0]["message"]
    budget.refresh_from_db()
    assert (budget.status, budget.final_amount) == (BudgetStatus.DRAFT, None)


def test_a_final_amount_exactly_the_costed_lines_is_sent_for_approval(api, budget):
    response = api.post(f"/budgets/{budget.pk}/submit", {"final_amount": "18720"})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["final_amount"]) == ("awaiting_approval", "18720.00")


def test_a_placement_held_as_a_direct_payment_is_refused_naming_the_mode(api, budget, catalogue, education_item):
    response = api.put(
        f"/budgets/{budget.pk}/lines/{education_item.pk}",
        {"offer_item": catalogue["place"].pk, "management_mode": "direct_payment"},
    )

    assert error_fields(response) == {"management_mode"}
    assert "never be paid by direct payment" in response.json()["errors"][0]["message"]
    assert _line_for(budget, education_item).offer_item == catalogue["ta"]


def test_block_contract_provision_held_as_a_direct_payment_is_refused_naming_the_mode(api, budget, health_item):
    response = api.put(f"/budgets/{budget.pk}/lines/{health_item.pk}", {"management_mode": "direct_payment"})

    assert error_fields(response) == {"management_mode"}
    assert "NHS-SLT-2024-017" in response.json()["errors"][0]["message"]
    assert _line_for(budget, health_item).management_mode == "organised_arrangement"


def test_an_item_from_another_councils_offer_is_a_field_error(api, budget, education_item, make_user, council_b):
    theirs = offer.offer_item_create(
        actor=make_user(Role.COUNCIL_ADMIN, council=council_b),
        council=council_b,
        code="TA",
        name="Teaching assistant",
        category="teaching_support",
        funding_stream="education",
        unit="hour",
    )

    response = api.put(f"/budgets/{budget.pk}/lines/{education_item.pk}", {"offer_item": theirs.pk})

    assert error_fields(response) == {"offer_item"}


def test_provision_from_another_plan_is_not_found(api, budget, plan_b):
    other_provision = plan_b.provision_items.first()

    problem_of(
        api.put(f"/budgets/{budget.pk}/lines/{other_provision.pk}", {"management_mode": "organised_arrangement"}), 404
    )


def test_a_line_can_be_removed_and_the_total_follows(api, budget, education_item, health_item):
    response = api.delete(f"/budgets/{budget.pk}/lines/{health_item.pk}")

    assert response.status_code == 204
    body = api.get(f"/budgets/{budget.pk}").json()
    assert [item["provision_item_id"] for item in body["lines"]] == [education_item.pk]
    assert body["costed_total"] == "14625.00"
    assert body["totals"]["integrated"] is False


def test_a_line_the_budget_does_not_have_is_not_found(api, budget, education_item, health_item):
    api.delete(f"/budgets/{budget.pk}/lines/{health_item.pk}")

    problem_of(api.delete(f"/budgets/{budget.pk}/lines/{health_item.pk}"), 404)


def test_what_blocks_approval_comes_back_as_errors_without_a_field(api, budget, education_item):
    api.put(f"/budgets/{budget.pk}/lines/{education_item.pk}", {"management_mode": "direct_payment"})

    response = api.post(f"/budgets/{budget.pk}/submit", {"final_amount": "18720.00"})

    assert error_fields(response) == {None}
    messages = [error["message"] for error in response.json()["errors"]]
    assert any("the setting's written agreement" in message for message in messages)
    assert any("the council's four findings" in message for message in messages)


def test_a_direct_payment_recipient_must_be_linked_to_the_child(api, budget, other_child, officer):
    stranger = people.contact_create(
        actor=officer, child=other_child, full_name="Jo Brackwell", relationship=Relationship.PARENT
    )

    response = api.put(f"/budgets/{budget.pk}/direct-payment-case", {"recipient": stranger.pk, **EVIDENCE})

    assert error_fields(response) == {"recipient"}


# Who decides


def test_the_officer_who_prepared_a_budget_cannot_approve_it(api, awaiting):
    problem_of(api.post(f"/budgets/{awaiting.pk}/approve"), 403)

    awaiting.refresh_from_db()
    assert awaiting.status == BudgetStatus.AWAITING_APPROVAL


def test_a_manager_who_prepared_a_budget_cannot_approve_it(api_as, manager, budget_request, catalogue, plan):
    prepared = budgets.budget_start(actor=manager, request=budget_request, period_start=today())
    prepared.refresh_from_db()
    budgets.budget_submit(actor=manager, budget=prepared, final_amount=prepared.costed_total)

    body = problem_of(api_as(manager).post(f"/budgets/{prepared.pk}/approve"), 403)

    assert "another manager" in body["detail"]
    prepared.refresh_from_db()
    assert (prepared.status, prepared.approved_by) == (BudgetStatus.AWAITING_APPROVAL, None)


def test_refusing_a_budget_without_reasons_is_refused(api_as, manager, awaiting):
    response = api_as(manager).post(f"/budgets/{awaiting.pk}/refuse", {"reason_code": "other", "reasons": "  "})

    assert error_fields(response) == {"reasons"}
    awaiting.refresh_from_db()
    assert awaiting.status == BudgetStatus.AWAITING_APPROVAL
    assert not Decision.objects.filter(budget=awaiting).exists()


def test_refusing_a_budget_needs_a_reason_code_and_reasons(api_as, manager, awaiting):
    assert error_fields(api_as(manager).post(f"/budgets/{awaiting.pk}/refuse", {})) == {"reason_code", "reasons"}


def test_refusing_a_direct_payment_for_a_line_arranges_it_instead(
    api, api_as, manager, budget, education_item, parent_contact
):
    api.put(
        f"/budgets/{budget.pk}/lines/{education_item.pk}", {"management_mode": "direct_payment", **SETTING_AGREEMENT}
    )
    line = _line_for(budget, education_item)

    response = api_as(manager).post(
        f"/budgets/{budget.pk}/lines/{education_item.pk}/refuse-direct-payment",
        {"reason_code": "r12_d", "reasons": "Arranging it through the school costs less."},
    )

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["line_id"]) == ("refuse_direct_payment", line.pk)
    line.refresh_from_db()
    assert line.management_mode == "organised_arrangement"


def test_a_line_the_council_arranges_has_no_direct_payment_to_refuse(api_as, manager, budget, health_item):
    response = api_as(manager).post(
        f"/budgets/{budget.pk}/lines/{health_item.pk}/refuse-direct-payment",
        {"reason_code": "block_contract", "reasons": "Bought through the block contract."},
    )

    assert error_fields(response) == {None}
    assert not Decision.objects.exists()


def test_a_line_outside_the_local_offer_goes_to_the_panel_which_decides(
    api, api_as, admin, council_a, budget, manager, panel_member, education_item
):
    outside = offer.offer_item_create(
        actor=admin,
        council=council_a,
        code="EQUINE",
        name="Equine-assisted learning",
        category="activity",
        funding_stream="education",
        unit="hour",
        in_local_offer=False,
    )
    offer.rate_add(actor=admin, item=outside, amount=Decimal("40.00"), effective_from=date(2020, 1, 1))
    api.put(f"/budgets/{budget.pk}/lines/{education_item.pk}", {"offer_item": outside.pk})
    total = api.get(f"/budgets/{budget.pk}").json()["costed_total"]

    submitted = api.post(f"/budgets/{budget.pk}/submit", {"final_amount": total}).json()
    assert submitted["status"] == "awaiting_panel"
    referral = submitted["panel_referrals"][0]
    problem_of(api.post(f"/panel-referrals/{referral['id']}/decision", {"outcome": "agreed", "reasons": "x"}), 403)
    assert error_fields(api_as(panel_member).post(f"/panel-referrals/{referral['id']}/decision", {})) == {"outcome"}

    response = api_as(panel_member).post(
        f"/panel-referrals/{referral['id']}/decision",
        {"outcome": "agreed", "reasons": "It serves the reading outcome and costs less than the alternatives."},
    )

    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "agreed"
    assert api_as(manager).post(f"/budgets/{budget.pk}/approve").json()["status"] == "approved"


# Reviews of decisions


def test_a_family_asks_for_a_review_of_a_refusal_and_another_manager_changes_it(
    api_as, parent, manager, second_manager, refusal
):
    response = api_as(parent).post(
        f"/decisions/{refusal.pk}/review-requests", {"grounds": "Ada's needs have not changed."}
    )
    assert response.status_code == 201, response.content
    review = response.json()
    assert (review["status"], review["requested_on"]) == ("open", today().isoformat())
    assert (
        api_as(parent).get(f"/budgets/{refusal.budget_id}").json()["decisions"][0]["review_request"]["id"]
        == (review["id"])
    )

    decider = problem_of(
        api_as(manager).post(f"/review-requests/{review['id']}/decision", {"upheld": True, "reasons": "Stands."}),
        403,
    )
    assert "another manager" in decider["detail"]

    response = api_as(second_manager).post(
        f"/review-requests/{review['id']}/decision",
        {"upheld": False, "reasons": "The amendment does not affect this provision."},
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["letter_id"] is not None) == ("changed", True)
    refusal.budget.refresh_from_db()
    assert refusal.budget.status == BudgetStatus.DRAFT


def test_staff_record_a_review_request_on_a_date_after_the_decision(api, refusal):
    response = api.post(
        f"/decisions/{refusal.pk}/review-requests",
        {"grounds": "Letter from the family.", "requested_on": (today() - timedelta(days=400)).isoformat()},
    )

    assert error_fields(response) == {"requested_on"}


def test_a_review_request_without_grounds_is_refused(api, refusal):
    assert error_fields(api.post(f"/decisions/{refusal.pk}/review-requests", {})) == {"grounds"}


def test_a_review_decision_without_reasons_is_refused(api, api_as, second_manager, refusal):
    review = api.post(f"/decisions/{refusal.pk}/review-requests", {"grounds": "By phone."}).json()

    response = api_as(second_manager).post(f"/review-requests/{review['id']}/decision", {"upheld": True})

    assert error_fields(response) == {"reasons"}
    assert refusal.review_requests.get().status == ReviewRequestStatus.OPEN


def test_an_approval_cannot_be_reviewed(api, api_as, manager, awaiting):
    api_as(manager).post(f"/budgets/{awaiting.pk}/approve")
    approval = Decision.objects.get(budget=awaiting)

    assert error_fields(api.post(f"/decisions/{approval.pk}/review-requests", {"grounds": "More"})) == {None}


# Families


def test_a_family_sees_their_childs_budget_without_the_councils_workings(api, api_as, parent, budget, parent_contact):
    api.put(f"/budgets/{budget.pk}/direct-payment-case", {"recipient": parent_contact.pk, **EVIDENCE})

    response = api_as(parent).get(f"/budgets/{budget.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["costed_total"] == "18720.00"
    assert len(body["lines"]) == 2
    assert body["totals"]["by_mode"] == {"organised_arrangement": "18720.00"}
    assert (body["approval_blockers"], body["direct_payment_case"], body["panel_referrals"]) == (None, None, None)
    assert EVIDENCE["best_interests"].encode() not in response.content


def test_staff_see_the_direct_payment_findings(api, budget, parent_contact):
    api.put(f"/budgets/{budget.pk}/direct-payment-case", {"recipient": parent_contact.pk, **EVIDENCE})

    case = api.get(f"/budgets/{budget.pk}").json()["direct_payment_case"]

    assert case["best_interests"] == EVIDENCE["best_interests"]
    assert case["recipient_id"] == parent_contact.pk


def test_a_third_party_organisation_reads_the_budget_with_its_token_but_cannot_approve(
    make_user, officer, child, budget
):
    organisation = make_user(Role.THIRD_PARTY, email="support@brokerage.example.test")
    contact = people.contact_create(
        actor=officer, child=child, full_name="Ashdown Brokerage", relationship=Relationship.THIRD_PARTY
    )
    people.contact_link_user(actor=officer, contact=contact, user=organisation)
    with_token = Api(raw_token_for(organisation))

    body = with_token.get(f"/budgets/{budget.pk}").json()

    assert [line["amount"] for line in body["lines"]] == ["14625.00", "4095.00"]
    assert body["approval_blockers"] is None
    problem_of(with_token.post(f"/budgets/{budget.pk}/approve"), 403)


def test_a_family_cannot_approve_or_change_a_budget(api_as, parent, awaiting, education_item):
    family = api_as(parent)

    problem_of(family.post(f"/budgets/{awaiting.pk}/approve"), 403)
    problem_of(family.post(f"/budgets/{awaiting.pk}/refuse", {"reason_code": "other", "reasons": "x"}), 403)
    problem_of(
        family.put(f"/budgets/{awaiting.pk}/lines/{education_item.pk}", {"management_mode": "organised_arrangement"}),
        403,
    )
    awaiting.refresh_from_db()
    assert awaiting.status == BudgetStatus.AWAITING_APPROVAL


def test_a_parent_asks_online_for_themselves(api_as, parent, child, plan, parent_contact):
    response = api_as(parent).post(f"/children/{child.pk}/budget-requests", {"what_for": "Help with reading"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["requester_id"], body["channel"], body["received_on"]) == (
        parent_contact.pk,
        "online",
        today().isoformat(),
    )
    assert api_as(parent).get(f"/children/{child.pk}/budget-requests").json()["count"] == 1


def test_a_parent_does_not_choose_the_channel_or_date_of_their_request(api_as, parent, child, plan):
    response = api_as(parent).post(
        f"/children/{child.pk}/budget-requests", {"channel": "letter", "received_on": "2020-01-01"}
    )

    assert error_fields(response) == {"channel", "received_on"}
    assert not BudgetRequest.objects.exists()


def test_a_parent_cannot_ask_as_another_contact(api_as, parent, child, plan, officer):
    carer = people.contact_create(actor=officer, child=child, full_name="Pat Ashdown", relationship=Relationship.CARER)

    problem_of(api_as(parent).post(f"/children/{child.pk}/budget-requests", {"requester": carer.pk}), 403)


def test_a_family_cannot_see_or_ask_for_another_child(api_as, parent, other_child, plan):
    family = api_as(parent)

    problem_of(family.post(f"/children/{other_child.pk}/budget-requests", {"what_for": "x"}), 404)
    problem_of(family.get(f"/children/{other_child.pk}/budgets"), 404)


def test_a_nominee_may_see_but_not_ask(api_as, make_user, child, plan, officer):
    nominee = make_user(Role.NOMINEE, email="nominee@example.test")
    contact = people.contact_create(actor=officer, child=child, full_name="Nia Nominee", relationship="nominee")
    people.contact_link_user(actor=officer, contact=contact, user=nominee)

    problem_of(api_as(nominee).post(f"/children/{child.pk}/budget-requests", {"what_for": "x"}), 403)
    assert api_as(nominee).get(f"/children/{child.pk}/budget-requests").status_code == 200


# Scope


def test_another_councils_budget_is_not_found(api_as, officer_b, manager_b, budget, budget_request):
    other = api_as(officer_b)

    problem_of(other.get(f"/budgets/{budget.pk}"), 404)
    problem_of(other.get(f"/budget-requests/{budget_request.pk}"), 404)
    problem_of(other.get(f"/children/{budget.child_id}/budget-requests"), 404)
    problem_of(other.post(f"/budgets/{budget.pk}/submit", {"final_amount": "18720.00"}), 404)
    problem_of(api_as(manager_b).post(f"/budgets/{budget.pk}/approve"), 404)


def test_another_councils_decision_and_review_request_are_not_found(api, api_as, officer_b, manager_b, refusal):
    review = api.post(f"/decisions/{refusal.pk}/review-requests", {"grounds": "By phone."}).json()

    problem_of(api_as(officer_b).post(f"/decisions/{refusal.pk}/review-requests", {"grounds": "x"}), 404)
    problem_of(
        api_as(manager_b).post(f"/review-requests/{review['id']}/decision", {"upheld": True, "reasons": "x"}), 404
    )


def test_a_role_without_the_permission_is_refused_before_the_lookup(api_as, icb_officer, manager_b):
    # A refused role learns nothing about what exists: the same 403 for a budget that does not exist.
    problem_of(api_as(icb_officer).get("/budgets/999999"), 403)
    problem_of(api_as(icb_officer).post("/budget-requests/999999/budgets", {"period_start": "2026-01-01"}), 403)
    problem_of(api_as(manager_b).post("/panel-referrals/999999/decision", {"outcome": "agreed", "reasons": "x"}), 403)


def test_anonymous_callers_are_unauthenticated(anonymous, budget):
    problem_of(anonymous.get(f"/budgets/{budget.pk}"), 401)
