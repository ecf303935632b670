"""Letters, the public local offer and the council administrator's changes to the offer and policy through the API:
who may read or change what, the PDF download's headers, and the services' rules answered as problem+json."""

from datetime import timedelta
from decimal import Decimal

import pytest

from ehcbudgets.accounts.models import Role
from ehcbudgets.core.dates import today
from ehcbudgets.letters.tests.factories import TINY_PDF, LetterFactory
from ehcbudgets.offer import services as offer
from ehcbudgets.offer.models import OfferItem, Rate

from .conftest import Api, error_fields, problem_of

# Fixtures


@pytest.fixture
def admin_b(make_user, council_b):
    return make_user(Role.COUNCIL_ADMIN, council=council_b)


@pytest.fixture
def letter(child):
    return LetterFactory(child=child, subject="Your personal budget decision")


@pytest.fixture
def other_letter(other_child):
    """A letter about a child of the same council the parent is not linked to."""
    return LetterFactory(child=other_child)


@pytest.fixture
def catalogue(admin, council_a, priced_item):
    """Council A's offer: teaching support with a new rate from today and another next month, speech therapy
    through a block contract, an item outside the local offer, a placement, and an item no longer offered."""

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
        "riding": item("RIDE", "Riding for the disabled", "activity", "social_care", "session", "40.00"),
        "place": item(
            "PLACE", "Place at a specialist school", "placement", "education", "day", "300.00", **no_family_payments
        ),
        "old": item("OLD", "Old typing course", "tuition", "education", "hour", "10.00", active=False),
    }
    offer.offer_item_update(actor=admin, item=items["riding"], in_local_offer=False)
    offer.rate_add(actor=admin, item=items["ta"], amount=Decimal("25.60"), effective_from=today())
    offer.rate_add(actor=admin, item=items["ta"], amount=Decimal("26.00"), effective_from=today() + timedelta(days=30))
    offer.restriction_add(actor=admin, council=council_a, text="Alcohol", reason="Never part of the plan.")
    return items


ITEM = {
    "code": "ot-1",
    "name": "Occupational therapy",
    "category": "therapy",
    "funding_stream": "health",
    "unit": "hour",
}


# Letters


def test_a_family_lists_reads_and_downloads_their_own_childs_letter(api_as, parent, child, letter):
    family = api_as(parent)

    listed = family.get(f"/children/{child.pk}/letters").json()
    assert listed["count"] == 1
    assert listed["items"][0]["subject"] == "Your personal budget decision"
    assert "body_html" not in listed["items"][0]

    body = family.get(f"/letters/{letter.pk}").json()
    assert (body["id"], body["child_id"], body["kind"]) == (letter.pk, child.pk, "other")
    assert "the body of the letter" in body["body_html"]

    response = family.get(f"/letters/{letter.pk}/pdf")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-") and content == TINY_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="your-personal-budget-decision.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_council_staff_read_their_councils_letters(api, letter, other_letter):
    assert api.get(f"/letters/{other_letter.pk}").json()["id"] == other_letter.pk
    assert api.get(f"/letters/{letter.pk}/pdf").status_code == 200


def test_another_familys_letter_is_not_found(api_as, parent, other_child, letter, other_letter):
    family = api_as(parent)

    problem_of(family.get(f"/letters/{other_letter.pk}"), 404)
    problem_of(family.get(f"/letters/{other_letter.pk}/pdf"), 404)
    problem_of(family.get(f"/children/{other_child.pk}/letters"), 404)
    problem_of(family.get("/letters/999999"), 404)


def test_another_councils_staff_cannot_find_the_letter(api_as, officer_b, letter):
    problem_of(api_as(officer_b).get(f"/letters/{letter.pk}/pdf"), 404)


def test_an_icb_officer_is_refused_before_any_lookup(api_as, icb_officer, child, letter):
    icb = api_as(icb_officer)

    problem_of(icb.get(f"/children/{child.pk}/letters"), 403)
    problem_of(icb.get(f"/letters/{letter.pk}"), 403)
    problem_of(icb.get(f"/letters/{letter.pk}/pdf"), 403)
    problem_of(icb.get("/letters/999999/pdf"), 403)


def test_letters_need_a_token_or_a_session(anonymous, letter):
    problem_of(anonymous.get(f"/letters/{letter.pk}/pdf"), 401)


# The public local offer


def test_anyone_lists_the_councils_without_a_token(anonymous, council_a, council_b):
    body = anonymous.get("/public/councils").json()

    assert [council["code"] for council in body["items"]] == ["brightwater", "kestrel-vale"]
    assert body["count"] == 2


def test_anyone_reads_a_councils_offer_with_todays_rates(anonymous, catalogue):
    response = anonymous.get("/public/councils/brightwater/offer")

    assert response.status_code == 200
    body = response.json()
    assert body["council"] == {"code": "brightwater", "name": "Brightwater Borough Council"}
    assert body["on"] == today().isoformat()
    items = {item["code"]: item for item in body["items"]}
    # The day a new rate takes effect, it is the one shown; next month's is not shown yet.
    assert (items["TA"]["rate"], items["TA"]["rate_from"]) == ("25.60", today().isoformat())
    assert items["TA"]["rate_text"] == "£25.60 an hour"
    assert items["TA"]["allowed_modes"] == ["direct_payment", "organised_arrangement", "third_party"]
    assert items["TA"]["notes"] == []
    assert items["SLT"]["allowed_modes"] == ["organised_arrangement"]
    assert "NHS-SLT-2024-017" in items["SLT"]["notes"][0]
    assert "SEN panel" in items["RIDE"]["notes"][0]
    # Placements are never paid for by a personal budget (R9), and items no longer offered are not shown.
    assert set(items) == {"TA", "SLT", "RIDE"}
    assert [place["code"] for place in body["placements"]] == ["PLACE"]
    assert body["restrictions"] == [{"text": "Alcohol", "reason": "Never part of the plan."}]
    assert "id" not in items["TA"]


def test_the_public_offer_ignores_a_bad_token(catalogue):
    assert Api("ehc_not-a-real-token").get("/public/councils/brightwater/offer").status_code == 200


def test_an_unknown_council_is_not_found(anonymous, council_a):
    problem_of(anonymous.get("/public/councils/nowhere/offer"), 404)


# The council administrator's local offer


def test_a_case_officer_cannot_add_an_item(api, council_a):
    problem_of(api.post("/offer/items", ITEM), 403)
    assert not OfferItem.objects.exists()


def test_an_admin_adds_an_item_changes_it_and_prices_it(api_as, admin, council_a):
    admin_api = api_as(admin)

    response = admin_api.post("/offer/items", ITEM)
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["code"], item["funder"], item["current_rate"]) == ("OT-1", "icb", None)

    changed = admin_api.patch(f"/offer/items/{item['id']}", {"description": "Help with everyday tasks"})
    assert changed.json()["description"] == "Help with everyday tasks"

    rate = admin_api.post(f"/offer/items/{item['id']}/rates", {"amount": "48.5", "effective_from": "2024-04-01"})
    assert rate.status_code == 201, rate.content
    assert (rate.json()["amount"], rate.json()["item_id"]) == ("48.50", item["id"])
    assert admin_api.get("/offer/items").json()["items"][0]["current_rate"]["amount"] == "48.50"

    again = admin_api.post(f"/offer/items/{item['id']}/rates", {"amount": "50.00", "effective_from": "2024-04-01"})
    assert error_fields(again) == {"effective_from"}
    assert Rate.objects.count() == 1


def test_the_services_rules_are_field_errors(api_as, admin, council_a):
    admin_api = api_as(admin)

    placement = {**ITEM, "code": "PL", "category": "placement"}
    assert error_fields(admin_api.post("/offer/items", placement)) == {"allows_direct_payment"}
    assert error_fields(admin_api.post("/offer/items", {**ITEM, "block_contract": True})) >= {"contract_reference"}
    item = admin_api.post("/offer/items", ITEM).json()
    assert error_fields(admin_api.post("/offer/items", ITEM)) == {"code"}
    number = admin_api.post(f"/offer/items/{item['id']}/rates", {"amount": 48.5, "effective_from": "2024-04-01"})
    assert error_fields(number) == {"amount"}
    assert error_fields(admin_api.post("/offer/items", {**ITEM, "colour": "blue"})) == {"colour"}


def test_another_councils_item_is_not_found(api_as, admin_b, catalogue):
    other = api_as(admin_b)

    problem_of(other.patch(f"/offer/items/{catalogue['ta'].pk}", {"name": "Mine now"}), 404)
    problem_of(
        other.post(f"/offer/items/{catalogue['ta'].pk}/rates", {"amount": "1", "effective_from": "2030-01-01"}), 404
    )


# The council's policy


def test_an_admin_adds_a_dated_policy_and_reads_the_history(api_as, admin, council_a):
    admin_api = api_as(admin)

    defaults = admin_api.get("/council/policy").json()
    assert defaults["in_force"]["id"] is None
    assert defaults["in_force"]["decision_target_working_days"] == 10
    assert defaults["history"] == []

    sent = {"effective_from": "2024-04-01", "decision_target_working_days": 15, "pa_min_budget": "5000"}
    response = admin_api.post("/council/policy", sent)
    assert response.status_code == 201, response.content
    policy = response.json()
    assert (policy["decision_target_working_days"], policy["pa_min_budget"]) == (15, "5000.00")
    assert (policy["retention_years"], policy["weeks_per_year"]) == (7, "52.0")

    later = admin_api.post("/council/policy", {"effective_from": today().isoformat(), "retention_years": 10}).json()
    assert (later["retention_years"], later["decision_target_working_days"]) == (10, 15)

    body = admin_api.get("/council/policy").json()
    assert body["in_force"]["id"] == later["id"]
    assert [record["effective_from"] for record in body["history"]] == [today().isoformat(), "2024-04-01"]

    again = admin_api.post("/council/policy", {"effective_from": "2024-04-01"})
    assert error_fields(again) == {"effective_from"}
    assert error_fields(admin_api.post("/council/policy", {"effective_from": "2025-01-01", "retention_years": 99})) == {
        "retention_years"
    }


def test_only_the_administrator_reads_or_changes_the_policy(api, council_a):
    problem_of(api.get("/council/policy"), 403)
    problem_of(api.post("/council/policy", {"effective_from": "2024-04-01"}), 403)
