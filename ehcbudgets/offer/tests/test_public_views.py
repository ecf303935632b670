"""Each council's public pages (DOMAIN R3): open to anyone, only that council's offer, the rate in force today,
block contracts named (R4), placements never in a budget (R9) and what direct payments cannot buy (R33)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from ehcbudgets.accounts.models import Role
from ehcbudgets.core.dates import today
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory
from ehcbudgets.offer.models import Category, SpendingRestriction
from ehcbudgets.offer.selectors import offer_items_priced, rate_in_force
from ehcbudgets.offer.tests.factories import OfferItemFactory, RateFactory
from ehcbudgets.plans.models import Unit

pytestmark = pytest.mark.django_db

PAGES = ["public:council", "public:can_pay_for", "public:cannot_pay_for"]


def _can(client, council):
    return client.get(reverse("public:can_pay_for", args=[council.code]))


def _cannot(client, council):
    return client.get(reverse("public:cannot_pay_for", args=[council.code]))


def _text(response) -> str:
    return response.content.decode()


# who may read them ---------------------------------------------------------------------------------------------------


def test_the_list_of_councils_links_to_each_councils_pages_without_signing_in(client, council, other_council):
    response = client.get(reverse("public:councils"))
    assert response.status_code == 200
    for each in (council, other_council):
        assert reverse("public:council", args=[each.code]) in _text(response)
        assert each.name in _text(response)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_open_without_signing_in(client, council, name):
    response = client.get(reverse(name, args=[council.code]))
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("name", PAGES)
def test_an_unknown_council_code_is_not_found(client, council, name):
    assert client.get(reverse(name, args=["nowhere"])).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_the_header_names_the_council_whose_pages_they_are(client, council, name):
    response = client.get(reverse(name, args=[council.code]))
    assert response.context["organisation_name"] == council.name
    assert f'class="govuk-generic-header__homepage-link">{escape(council.name)}</a>' in _text(response)


def test_the_header_names_the_pages_council_even_for_staff_of_another_council(
    client, council, other_council, make_user
):
    client.force_login(make_user(Role.CASE_OFFICER, council=other_council))
    response = client.get(reverse("public:council", args=[council.code]))
    assert response.status_code == 200
    assert response.context["organisation_name"] == council.name


def test_the_start_page_links_to_the_councils_pages(client):
    response = client.get(reverse("core:home"))
    assert reverse("public:councils") in _text(response)
    assert "Find out about personal budgets in your council" in _text(response)


# the council's page --------------------------------------------------------------------------------------------------


def test_the_council_page_explains_a_personal_budget_and_the_four_ways_to_hold_it(client, council):
    text = _text(client.get(reverse("public:council", args=[council.code])))
    assert f"Personal budgets in {escape(council.name)}" in text
    assert "It is not extra money" in text
    for way in ("a direct payment", "arranged by the council or the NHS", "through a third party", "a mix of these"):
        assert way in text


def test_the_council_page_says_who_can_ask_and_when(client, council):
    text = _text(client.get(reverse("public:council", args=[council.code])))
    assert "over compulsory school age" in text
    for when in ("being drafted", "reviewed", "re-assessed"):
        assert when in text


def test_the_council_page_gives_the_decision_target_of_the_policy_in_force_today(client, council):
    CouncilPolicyFactory(council=council, effective_from=today() - timedelta(days=1), decision_target_working_days=15)
    CouncilPolicyFactory(council=council, effective_from=today() + timedelta(days=1), decision_target_working_days=5)
    text = _text(client.get(reverse("public:council", args=[council.code])))
    assert "within 15 working days" in text
    assert "within 5 working days" not in text


def test_the_council_page_gives_the_default_decision_target_when_no_policy_is_recorded(client, council):
    assert "within 10 working days" in _text(client.get(reverse("public:council", args=[council.code])))


def test_the_council_page_shows_the_policy_text_and_where_to_get_advice(client, council):
    council.advice_text = "Brightwater SENDIASS: 0300 000 0101"
    council.save()
    CouncilPolicyFactory(
        council=council, effective_from=today(), budget_policy_text="We decide quickly & explain every refusal."
    )
    text = _text(client.get(reverse("public:council", args=[council.code])))
    assert escape("We decide quickly & explain every refusal.") in text
    assert "Brightwater SENDIASS: 0300 000 0101" in text


def test_the_council_page_links_to_what_a_budget_can_and_cannot_pay_for(client, council):
    text = _text(client.get(reverse("public:council", args=[council.code])))
    assert reverse("public:can_pay_for", args=[council.code]) in text
    assert reverse("public:cannot_pay_for", args=[council.code]) in text


# what it can pay for -------------------------------------------------------------------------------------------------


def test_r6_the_rate_shown_is_the_new_one_on_the_day_it_takes_effect(client, council):
    item = OfferItemFactory(council=council, name="Teaching assistant support", unit=Unit.HOUR)
    RateFactory(item=item, amount=Decimal("24.80"), effective_from=today() - timedelta(days=365))
    RateFactory(item=item, amount=Decimal("25.60"), effective_from=today())
    text = _text(_can(client, council))
    assert "£25.60 an hour" in text
    assert "£24.80" not in text


def test_r6_the_old_rate_is_shown_the_day_before_a_new_one_takes_effect(client, council):
    item = OfferItemFactory(council=council, unit=Unit.HOUR)
    RateFactory(item=item, amount=Decimal("24.80"), effective_from=today())
    RateFactory(item=item, amount=Decimal("25.60"), effective_from=today() + timedelta(days=1))
    text = _text(_can(client, council))
    assert "£24.80 an hour" in text
    assert "£25.60" not in text


def test_rates_are_in_money_format_with_their_unit(client, council):
    aid = OfferItemFactory(council=council, category=Category.EQUIPMENT, name="Communication aid", unit=Unit.ITEM)
    RateFactory(item=aid, amount=Decimal("1450"), effective_from=today())
    breaks = OfferItemFactory(council=council, category=Category.SHORT_BREAK, name="Short breaks", unit=Unit.DAY)
    RateFactory(item=breaks, amount=Decimal("218"), effective_from=today())
    text = _text(_can(client, council))
    assert "£1,450.00 each" in text
    assert "£218.00 a day" in text


def test_an_item_without_a_rate_in_force_says_so(client, council):
    item = OfferItemFactory(council=council, name="New mentoring scheme")
    RateFactory(item=item, effective_from=today() + timedelta(days=30))
    assert "No rate published yet" in _text(_can(client, council))


def test_items_are_grouped_by_category(client, council):
    OfferItemFactory(council=council, category=Category.THERAPY, name="Occupational therapy")
    OfferItemFactory(council=council, category=Category.SHORT_BREAK, name="Overnight short breaks")
    response = _can(client, council)
    labels = [category["label"] for category in response.context["categories"]]
    assert labels == [Category.THERAPY.label, Category.SHORT_BREAK.label]  # the order of the categories' list
    text = _text(response)
    assert text.index("Occupational therapy") < text.index('id="short-break"') < text.index("Overnight short")


def test_the_ways_an_item_can_be_held_are_in_words(client, council):
    OfferItemFactory(council=council, name="Any way")
    OfferItemFactory(council=council, allows_third_party=False)
    text = _text(_can(client, council))
    assert (
        "As a direct payment to you; arranged by the council or the NHS; or managed for you by another person or "
        "organisation (a third party)." in text
    )
    assert "As a direct payment to you, or arranged by the council or the NHS." in text


def test_r4_a_block_contract_item_names_its_contract_and_says_why_it_is_not_a_direct_payment(client, council):
    OfferItemFactory(council=council, block=True, contract_reference="NHS-SLT-2024-017", name="Speech therapy")
    text = _text(_can(client, council))
    assert "Arranged by the council through contract NHS-SLT-2024-017; it cannot be a direct payment, because" in text
    assert "Only arranged by the council or the NHS." in text


def test_an_item_outside_the_local_offer_says_it_needs_the_sen_panel(client, council):
    OfferItemFactory(council=council, in_local_offer=False, name="Equine-assisted therapy")
    OfferItemFactory(council=council, name="Occupational therapy")
    response = _can(client, council)
    rows = [row for category in response.context["categories"] for row in category["rows"]]
    notes = {row["item"].name: " ".join(row["notes"]) for row in rows}
    assert "needs agreement from the SEN panel" in notes["Equine-assisted therapy"]
    assert notes["Occupational therapy"] == ""


def test_r9_placements_are_not_listed_as_something_a_budget_can_pay_for(client, council):
    OfferItemFactory(council=council, placement=True, name="Place at an independent specialist school")
    assert "Place at an independent specialist school" not in _text(_can(client, council))


def test_items_no_longer_offered_are_not_shown(client, council):
    OfferItemFactory(council=council, name="Withdrawn scheme", active=False)
    assert "Withdrawn scheme" not in _text(_can(client, council))


def test_another_councils_items_are_never_shown(client, council, other_council):
    OfferItemFactory(council=council, name="Our therapy")
    theirs = OfferItemFactory(council=other_council, name="Their therapy")
    RateFactory(item=theirs, amount=Decimal("99.99"), effective_from=today())
    OfferItemFactory(council=other_council, placement=True, name="Their special school")
    SpendingRestriction.objects.create(council=other_council, text="Their own restriction")
    can, cannot = _text(_can(client, council)), _text(_cannot(client, council))
    assert "Our therapy" in can
    for theirs_text in ("Their therapy", "£99.99", "Their special school", "Their own restriction"):
        assert theirs_text not in can
        assert theirs_text not in cannot


# what it cannot pay for ----------------------------------------------------------------------------------------------


def test_r9_the_cannot_page_says_placements_are_never_paid_and_names_the_councils_placements(client, council):
    OfferItemFactory(council=council, placement=True, name="Place at an independent specialist school")
    text = _text(_cannot(client, council))
    assert "cannot pay for a place at a school, college, early years setting or post-16 institution" in text
    assert "never paid as a direct payment" in text
    assert "Place at an independent specialist school" in text


def test_r33_the_cannot_page_lists_the_councils_restrictions_with_their_reasons(client, council):
    SpendingRestriction.objects.create(council=council, text="Alcohol", position=1)
    SpendingRestriction.objects.create(
        council=council, text="Rent or mortgage", reason="Everyday living costs are not in the plan.", position=0
    )
    text = _text(_cannot(client, council))
    assert "Everyday living costs are not in the plan." in text
    assert text.index("Rent or mortgage") < text.index("Alcohol")


def test_r33_a_restriction_the_council_switched_off_is_not_shown(client, council):
    SpendingRestriction.objects.create(council=council, text="Gambling", active=False)
    assert "Gambling" not in _text(_cannot(client, council))


@pytest.mark.parametrize("offset", [-1, 0, 1], ids=["day-before", "day-of", "day-after"])
def test_r6_the_pages_rates_follow_the_rule_of_rate_in_force(council, offset):
    items = [OfferItemFactory(council=council) for _ in range(3)]
    on = today() + timedelta(days=offset)
    RateFactory(item=items[0], amount=Decimal("10.00"), effective_from=today() - timedelta(days=1))
    RateFactory(item=items[0], amount=Decimal("11.00"), effective_from=today())
    RateFactory(item=items[1], amount=Decimal("20.00"), effective_from=today())
    priced = {item.pk: item for item in offer_items_priced(council=council, on=on)}
    for item in items:
        expected = rate_in_force(item=item, on=on)
        got = priced[item.pk]
        assert (got.rate_amount, got.rate_from) == (
            (expected.amount, expected.effective_from) if expected else (None, None)
        )
