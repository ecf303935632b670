"""The council administrator's pages: only OFFER_MANAGE, only their own council; bad input shows the GOV.UK error
summary and saves nothing; a rate is added, never overwritten; a new policy record carries the values over."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from ehcbudgets.accounts.models import Role
from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.dates import today
from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory
from ehcbudgets.offer.forms import PolicyForm
from ehcbudgets.offer.models import Category, OfferItem, Rate, SpendingRestriction
from ehcbudgets.offer.services import POLICY_FIELDS
from ehcbudgets.offer.tests.factories import OfferItemFactory, RateFactory
from ehcbudgets.offer.views import POLICY_ROWS

pytestmark = pytest.mark.django_db

PROBLEM = "There is a problem"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.EHC_REQUIRE_STAFF_2FA = False


@pytest.fixture
def admin(make_user, council):
    return make_user(Role.COUNCIL_ADMIN, council=council, full_name="Ada Admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def item(council):
    return OfferItemFactory(council=council, code="TA", name="Teaching assistant support")


def _date(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def _text(response) -> str:
    return response.content.decode()


def _item_post(**overrides) -> dict:
    data = {
        "code": "PA",
        "name": "Personal assistant support",
        "description": "Help at home from a personal assistant you employ.",
        "category": Category.PERSONAL_ASSISTANT,
        "funding_stream": "social_care",
        "funder": "",
        "unit": "hour",
        "modes": ["direct_payment", "organised_arrangement", "third_party"],
        "block_contract": "no",
        "contract_reference": "",
        "in_local_offer": "yes",
    }
    data.update(overrides)
    return data


def _shows_error(response, message: str) -> None:
    assert response.status_code == 200
    text = _text(response)
    assert PROBLEM in text
    assert escape(message) in text
    assert "<title>Error: " in text


# who may use them ----------------------------------------------------------------------------------------------------

ADMIN_PAGES = [
    ("council:home", {}),
    ("council:offer", {}),
    ("council:offer_item_create", {}),
    ("council:offer_item", {"offer_item_pk": None}),
    ("council:offer_item_edit", {"offer_item_pk": None}),
    ("council:rate_create", {"offer_item_pk": None}),
    ("council:restrictions", {}),
    ("council:restriction_create", {}),
    ("council:restriction_switch", {"restriction_pk": None}),
    ("council:policy", {}),
    ("council:policy_create", {}),
]


def _url(name, kwargs, item, restriction):
    filled = {k: item.pk if k == "offer_item_pk" else restriction.pk for k in kwargs}
    return reverse(name, kwargs=filled)


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES, ids=[n for n, _ in ADMIN_PAGES])
def test_a_case_officer_is_refused_every_council_settings_page(officer_client, council, item, name, kwargs):
    restriction = SpendingRestriction.objects.create(council=council, text="Alcohol")
    assert officer_client.get(_url(name, kwargs, item, restriction)).status_code == 403
    assert officer_client.post(_url(name, kwargs, item, restriction), {}).status_code == 403


def test_a_case_officer_cannot_add_a_rate_by_posting(officer_client, item):
    response = officer_client.post(
        reverse("council:rate_create", args=[item.pk]), {"amount": "30.00", **_date("effective_from", today())}
    )
    assert response.status_code == 403
    assert not Rate.objects.exists()


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES, ids=[n for n, _ in ADMIN_PAGES])
def test_the_council_administrator_sees_every_page(admin_client, council, item, name, kwargs):
    restriction = SpendingRestriction.objects.create(council=council, text="Alcohol")
    assert admin_client.get(_url(name, kwargs, item, restriction)).status_code == 200


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("council:offer"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_the_navigation_offers_council_settings_to_the_administrator_only(admin_client, client, officer):
    assert "Council settings" in _text(admin_client.get(reverse("council:offer")))
    client.force_login(officer)
    assert "Council settings" not in _text(client.get(reverse("cases:list")))


def test_another_councils_item_and_restriction_are_not_found(admin_client, other_council):
    theirs = OfferItemFactory(council=other_council)
    restriction = SpendingRestriction.objects.create(council=other_council, text="Alcohol")
    for url in (
        reverse("council:offer_item", args=[theirs.pk]),
        reverse("council:offer_item_edit", args=[theirs.pk]),
        reverse("council:rate_create", args=[theirs.pk]),
        reverse("council:restriction_switch", args=[restriction.pk]),
    ):
        assert admin_client.get(url).status_code == 404
    response = admin_client.post(reverse("council:restriction_switch", args=[restriction.pk]), {"active": "off"})
    assert response.status_code == 404
    assert SpendingRestriction.objects.get(pk=restriction.pk).active is True


# the catalogue -------------------------------------------------------------------------------------------------------


def test_the_catalogue_lists_the_councils_items_with_the_rate_in_force_today(admin_client, other_council, item):
    RateFactory(item=item, amount=Decimal("24.80"), effective_from=today() - timedelta(days=1))
    RateFactory(item=item, amount=Decimal("25.60"), effective_from=today())
    RateFactory(item=item, amount=Decimal("26.40"), effective_from=today() + timedelta(days=1))
    OfferItemFactory(council=other_council, name="Their therapy")
    text = _text(admin_client.get(reverse("council:offer")))
    assert "Teaching assistant support" in text
    assert "£25.60 an hour" in text
    assert "£24.80" not in text and "£26.40" not in text
    assert "Their therapy" not in text


def test_the_catalogue_includes_items_no_longer_offered(admin_client, council):
    OfferItemFactory(council=council, name="Withdrawn scheme", active=False)
    text = _text(admin_client.get(reverse("council:offer")))
    assert "Withdrawn scheme" in text
    assert "Not offered" in text


def test_an_item_is_added_and_the_page_goes_to_it(admin_client, council, audit):
    response = admin_client.post(reverse("council:offer_item_create"), _item_post(code="pa"))
    item = OfferItem.objects.get(council=council, code="PA")
    assert response.status_code == 302
    assert response["Location"] == reverse("council:offer_item", args=[item.pk])
    assert item.funder == "council_social_care"
    assert item.allowed_modes == ["direct_payment", "organised_arrangement", "third_party"]
    assert audit.one().action == "offer_item.created"


def test_a_duplicate_code_shows_the_error_and_saves_nothing(admin_client, council, item):
    before = AuditEvent.objects.count()
    response = admin_client.post(reverse("council:offer_item_create"), _item_post(code="TA"))
    _shows_error(response, "The code TA is already used in the local offer")
    assert OfferItem.objects.filter(council=council).count() == 1
    assert AuditEvent.objects.count() == before


def test_r9_a_placement_as_a_direct_payment_shows_the_error_against_the_question_and_saves_nothing(
    admin_client, council
):
    response = admin_client.post(
        reverse("council:offer_item_create"), _item_post(category=Category.PLACEMENT, unit="day")
    )
    _shows_error(response, "A place at a school, college or setting can never be a direct payment")
    assert '<a href="#id_modes' in _text(response)  # the summary links to the question that asks it
    assert not OfferItem.objects.filter(council=council).exists()


def test_r4_a_block_contract_without_a_reference_shows_the_error_and_saves_nothing(admin_client, council):
    response = admin_client.post(
        reverse("council:offer_item_create"), _item_post(block_contract="yes", modes=["organised_arrangement"])
    )
    _shows_error(response, "Enter the contract's reference")
    assert not OfferItem.objects.filter(council=council).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": ""}, "Enter the code"),
        ({"code": "A"}, "The code must be 2 to 20 capital letters, numbers or hyphens"),
        ({"code": "TA 2"}, "The code must be 2 to 20 capital letters, numbers or hyphens"),
        ({"name": ""}, "Enter the name"),
        ({"category": ""}, "Select the category"),
        ({"modes": []}, "Select at least one way it can be held"),
    ],
)
def test_missing_or_wrong_answers_show_the_error_and_save_nothing(admin_client, council, overrides, message):
    response = admin_client.post(reverse("council:offer_item_create"), _item_post(**overrides))
    _shows_error(response, message)
    assert not OfferItem.objects.filter(council=council).exists()


def test_the_item_page_has_change_links_and_the_rates_newest_first(admin_client, item):
    RateFactory(item=item, amount=Decimal("24.80"), effective_from=date(2025, 4, 1))
    RateFactory(item=item, amount=Decimal("25.60"), effective_from=date(2026, 4, 1))
    text = _text(admin_client.get(reverse("council:offer_item", args=[item.pk])))
    assert reverse("council:offer_item_edit", args=[item.pk]) + "#id_name" in text
    assert text.index("1 April 2026") < text.index("1 April 2025")
    assert "Rates are never changed" in text


def test_an_item_is_changed_from_the_change_page(admin_client, item, audit):
    get = admin_client.get(reverse("council:offer_item_edit", args=[item.pk]))
    assert get.context["form"].initial["modes"] == item.allowed_modes
    data = _item_post(code="TA", name="Teaching assistant support in class", category=Category.TEACHING_SUPPORT)
    data["active"] = "yes"
    response = admin_client.post(reverse("council:offer_item_edit", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "Teaching assistant support in class"
    assert audit.one().action == "offer_item.updated"


def test_saving_the_change_page_unchanged_writes_nothing(admin_client, item, audit):
    initial = admin_client.get(reverse("council:offer_item_edit", args=[item.pk])).context["form"].initial
    data = {k: v for k, v in initial.items() if v is not None}
    response = admin_client.post(reverse("council:offer_item_edit", args=[item.pk]), data)
    assert response.status_code == 302
    assert audit.new == []


def test_an_item_can_be_withdrawn_and_leaves_the_public_page(admin_client, client, council, item):
    data = {**admin_client.get(reverse("council:offer_item_edit", args=[item.pk])).context["form"].initial}
    data["active"] = "no"
    admin_client.post(reverse("council:offer_item_edit", args=[item.pk]), data)
    assert OfferItem.objects.get(pk=item.pk).active is False
    client.logout()
    assert item.name not in _text(client.get(reverse("public:can_pay_for", args=[council.code])))


# rates ---------------------------------------------------------------------------------------------------------------


def test_a_rate_is_added_and_the_earlier_one_is_kept(admin_client, item, audit):
    old = RateFactory(item=item, amount=Decimal("24.80"), effective_from=today() - timedelta(days=30))
    response = admin_client.post(
        reverse("council:rate_create", args=[item.pk]), {"amount": "£1,025.50", **_date("effective_from", today())}
    )
    assert response.status_code == 302
    rates = list(Rate.objects.filter(item=item).order_by("effective_from").values_list("amount", "effective_from"))
    assert rates == [(Decimal("24.80"), old.effective_from), (Decimal("1025.50"), today())]
    event = audit.one()
    assert event.action == "rate.added"
    assert "£1,025.50 an hour" in event.summary


def test_a_rate_from_a_date_that_already_has_one_is_refused_and_the_old_rate_stays(admin_client, item):
    RateFactory(item=item, amount=Decimal("24.80"), effective_from=today())
    response = admin_client.post(
        reverse("council:rate_create", args=[item.pk]), {"amount": "30.00", **_date("effective_from", today())}
    )
    _shows_error(response, "rates are never changed")
    assert list(Rate.objects.filter(item=item).values_list("amount", flat=True)) == [Decimal("24.80")]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Rate must be more than £0"),
        ("0.00", "Rate must be more than £0"),
        ("-5", "Rate must be more than £0"),
        ("abc", "Enter the rate in pounds and pence, like 25.60"),
        ("25.605", "Enter the rate in pounds and pence, like 25.60"),
        ("NaN", "Enter the rate in pounds and pence, like 25.60"),
        ("", "Enter the rate"),
        ("1000000", "Rate must be less than £1,000,000"),
    ],
)
def test_a_wrong_rate_shows_the_error_and_saves_nothing(admin_client, item, amount, message):
    response = admin_client.post(
        reverse("council:rate_create", args=[item.pk]), {"amount": amount, **_date("effective_from", today())}
    )
    _shows_error(response, message)
    assert not Rate.objects.exists()


def test_a_rate_needs_a_real_date(admin_client, item):
    response = admin_client.post(
        reverse("council:rate_create", args=[item.pk]),
        {"amount": "25.60", "effective_from_0": "31", "effective_from_1": "2", "effective_from_2": "2027"},
    )
    _shows_error(response, "Date the rate takes effect must be a real date")
    assert not Rate.objects.exists()


def test_the_rate_form_types_money_as_text_with_a_decimal_keypad(admin_client, item):
    text = _text(admin_client.get(reverse("council:rate_create", args=[item.pk])))
    assert 'inputmode="decimal"' in text
    assert 'type="number"' not in text


# spending restrictions -----------------------------------------------------------------------------------------------


def test_the_restrictions_page_lists_all_of_the_councils_including_those_switched_off(
    admin_client, council, other_council
):
    SpendingRestriction.objects.create(council=council, text="Alcohol")
    SpendingRestriction.objects.create(council=council, text="Gambling", active=False)
    SpendingRestriction.objects.create(council=other_council, text="Their own restriction")
    text = _text(admin_client.get(reverse("council:restrictions")))
    assert "Alcohol" in text and "Gambling" in text and "Switched off" in text
    assert "Their own restriction" not in text


def test_a_restriction_is_added(admin_client, council, audit):
    response = admin_client.post(
        reverse("council:restriction_create"), {"text": "Holidays", "reason": "Not in the plan.", "keywords": ""}
    )
    assert response.status_code == 302
    assert SpendingRestriction.objects.filter(council=council, text="Holidays", reason="Not in the plan.").exists()
    assert audit.one().action == "restriction.added"


def test_a_duplicate_or_empty_restriction_shows_the_error_and_saves_nothing(admin_client, council):
    SpendingRestriction.objects.create(council=council, text="Alcohol")
    _shows_error(admin_client.post(reverse("council:restriction_create"), {"text": "ALCOHOL"}), "already in the list")
    _shows_error(
        admin_client.post(reverse("council:restriction_create"), {"text": ""}),
        "Enter what direct payments cannot be spent on",
    )
    assert SpendingRestriction.objects.filter(council=council).count() == 1


def test_a_restriction_is_switched_off_after_confirming(admin_client, client, council, audit):
    restriction = SpendingRestriction.objects.create(council=council, text="Alcohol")
    confirm = admin_client.get(reverse("council:restriction_switch", args=[restriction.pk]))
    assert "Switch off" in _text(confirm)
    assert SpendingRestriction.objects.get(pk=restriction.pk).active is True  # looking changes nothing
    response = admin_client.post(reverse("council:restriction_switch", args=[restriction.pk]), {"active": "off"})
    assert response.status_code == 302
    assert SpendingRestriction.objects.get(pk=restriction.pk).active is False
    assert audit.one().action == "restriction.switched_off"
    client.logout()
    assert "Alcohol" not in _text(client.get(reverse("public:cannot_pay_for", args=[council.code])))


def test_a_post_without_a_clear_answer_switches_nothing(admin_client, council, audit):
    restriction = SpendingRestriction.objects.create(council=council, text="Alcohol")
    response = admin_client.post(reverse("council:restriction_switch", args=[restriction.pk]), {})
    assert response.status_code == 200
    assert SpendingRestriction.objects.get(pk=restriction.pk).active is True
    assert audit.new == []


# policy --------------------------------------------------------------------------------------------------------------


def test_the_policy_form_asks_every_policy_value_and_the_page_shows_each(admin_client):
    assert set(PolicyForm.base_fields) == POLICY_FIELDS | {"effective_from"}
    assert {name for name, _, _ in POLICY_ROWS} == POLICY_FIELDS


def test_the_policy_page_shows_the_policy_in_force_and_every_record(admin_client, council):
    CouncilPolicyFactory(council=council, effective_from=today() - timedelta(days=400), decision_target_working_days=15)
    CouncilPolicyFactory(council=council, effective_from=today() - timedelta(days=10), decision_target_working_days=12)
    CouncilPolicyFactory(council=council, effective_from=today() + timedelta(days=10), decision_target_working_days=8)
    response = admin_client.get(reverse("council:policy"))
    assert response.context["policy"].decision_target_working_days == 12
    statuses = [entry["status"] for entry in response.context["history"]]
    assert statuses == ["future", "in_force", "replaced"]
    text = _text(response)
    assert "12 working days" in text
    assert "Time to decide a personal budget request: 12 working days to 8 working days" in text


def test_the_policy_page_says_when_no_policy_is_recorded(admin_client):
    assert "so the service's defaults apply" in _text(admin_client.get(reverse("council:policy")))


def _policy_post(admin_client, **changes) -> dict:
    initial = admin_client.get(reverse("council:policy_create")).context["form"].initial
    data = {}
    for name, value in initial.items():
        data.update(_date(name, value) if isinstance(value, date) else {name: "" if value is None else str(value)})
    data.update(changes)
    return data


def test_a_new_policy_record_starts_from_the_policy_in_force_and_carries_its_values_over(admin_client, council, audit):
    old = CouncilPolicyFactory(
        council=council,
        effective_from=today() - timedelta(days=30),
        evidence_deadline_days=14,
        pa_min_budget=Decimal("5000.00"),
        term_time_weeks=Decimal("38.5"),
        budget_policy_text="Our policy.",
    )
    starts = _date("effective_from", today() + timedelta(days=7))
    response = admin_client.post(
        reverse("council:policy_create"), {**_policy_post(admin_client, decision_target_working_days="15"), **starts}
    )
    assert response.status_code == 302, response.context["form"].errors
    new = CouncilPolicy.objects.get(council=council, effective_from=today() + timedelta(days=7))
    assert new.decision_target_working_days == 15
    assert (new.evidence_deadline_days, new.pa_min_budget, new.term_time_weeks, new.budget_policy_text) == (
        14,
        Decimal("5000.00"),
        Decimal("38.5"),
        "Our policy.",
    )
    old.refresh_from_db()
    assert old.decision_target_working_days == 10  # the earlier record is never changed
    assert audit.one().action == "policy.added"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"decision_target_working_days": "ten"}, "The number of working days must be a whole number, like 10"),
        ({"decision_target_working_days": "0"}, "The number of working days must be between 1 and 60"),
        ({"under_five_review_months": "7"}, "The number of months must be between 3 and 6"),
        ({"term_time_weeks": "38.55"}, "The number of weeks must be a number, like 39 or 38.5"),
        ({"pa_min_budget": "lots"}, "Enter the smallest yearly direct payment in pounds and pence, like 25.60"),
        ({"pa_min_age": "17", "pa_exception_min_age": "18"}, "The youngest age by exception must be the same as"),
        ({"decision_target_working_days": ""}, "Enter the number of working days"),
    ],
)
def test_a_wrong_policy_value_shows_the_error_and_saves_nothing(admin_client, council, changes, message):
    starts = _date("effective_from", today() + timedelta(days=7))
    response = admin_client.post(reverse("council:policy_create"), {**_policy_post(admin_client, **changes), **starts})
    _shows_error(response, message)
    assert not CouncilPolicy.objects.filter(council=council).exists()


def test_a_policy_cannot_be_added_from_a_past_date(admin_client, council):
    starts = _date("effective_from", today() - timedelta(days=1))
    response = admin_client.post(reverse("council:policy_create"), {**_policy_post(admin_client), **starts})
    _shows_error(response, "The date the policy takes effect must be today or in the future")
    assert not CouncilPolicy.objects.filter(council=council).exists()


def test_a_second_policy_from_the_same_date_is_refused(admin_client, council):
    CouncilPolicyFactory(council=council, effective_from=today() + timedelta(days=7), retention_years=9)
    starts = _date("effective_from", today() + timedelta(days=7))
    response = admin_client.post(reverse("council:policy_create"), {**_policy_post(admin_client), **starts})
    _shows_error(response, "There is already a policy from that date")
    assert CouncilPolicy.objects.get(council=council).retention_years == 9
