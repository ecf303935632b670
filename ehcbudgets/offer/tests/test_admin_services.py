"""The services behind the council administrator's pages: changing an offer item (DOMAIN R4, R9; a change that
changes nothing writes nothing), and adding or switching off what direct payments cannot buy (R33)."""

import pytest
from django.core.exceptions import ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.offer.models import Category, Funder, OfferItem, SpendingRestriction
from ehcbudgets.offer.services import offer_item_update, restriction_add, restriction_set_active
from ehcbudgets.offer.tests.factories import OfferItemFactory
from ehcbudgets.plans.models import FundingStream

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user, council):
    return make_user(Role.COUNCIL_ADMIN, council=council)


@pytest.fixture
def item(council):
    return OfferItemFactory(council=council, code="OT", name="Occupational therapy")


# offer_item_update ---------------------------------------------------------------------------------------------------


def test_an_item_is_changed_and_the_change_audited(admin, item, audit):
    offer_item_update(actor=admin, item=item, name="Occupational therapy at home", allows_third_party=False)
    item.refresh_from_db()
    assert (item.name, item.allows_third_party) == ("Occupational therapy at home", False)
    event = audit.one()
    assert event.action == "offer_item.updated"
    assert (event.before["name"], event.after["name"]) == ("Occupational therapy", "Occupational therapy at home")


def test_a_change_that_changes_nothing_saves_nothing_and_writes_no_event(admin, item, audit):
    offer_item_update(actor=admin, item=item, name=item.name, code=item.code.lower(), allows_direct_payment=True)
    assert audit.new == []


def test_the_code_is_tidied_to_capitals(admin, item):
    offer_item_update(actor=admin, item=item, code=" ot-2 ")
    item.refresh_from_db()
    assert item.code == "OT-2"


def test_a_code_used_by_another_item_of_the_council_is_refused(admin, council, item, audit):
    OfferItemFactory(council=council, code="PA")
    with pytest.raises(ValidationError) as caught:
        offer_item_update(actor=admin, item=item, code="PA")
    assert "already used" in caught.value.message_dict["code"][0]
    item.refresh_from_db()
    assert item.code == "OT"
    assert audit.new == []


def test_a_code_used_in_another_council_is_fine(admin, other_council, item):
    OfferItemFactory(council=other_council, code="PA")
    offer_item_update(actor=admin, item=item, code="PA")
    assert OfferItem.objects.get(pk=item.pk).code == "PA"


def test_r9_an_item_cannot_become_a_placement_that_allows_a_direct_payment(admin, item, audit):
    with pytest.raises(ValidationError) as caught:
        offer_item_update(actor=admin, item=item, category=Category.PLACEMENT)
    assert "allows_direct_payment" in caught.value.message_dict
    assert OfferItem.objects.get(pk=item.pk).category == Category.THERAPY
    assert audit.new == []


def test_r4_a_block_contract_needs_its_reference_and_only_the_council_arranging_it(admin, item):
    with pytest.raises(ValidationError) as caught:
        offer_item_update(actor=admin, item=item, block_contract=True)
    assert {"contract_reference", "block_contract"} <= set(caught.value.message_dict)
    offer_item_update(
        actor=admin,
        item=item,
        block_contract=True,
        contract_reference="NHS-OT-2026",
        allows_direct_payment=False,
        allows_third_party=False,
    )
    assert OfferItem.objects.get(pk=item.pk).allowed_modes == ["organised_arrangement"]


def test_an_empty_funder_becomes_the_usual_funder_of_the_funding_stream(admin, item):
    offer_item_update(actor=admin, item=item, funding_stream=FundingStream.HEALTH, funder="")
    assert OfferItem.objects.get(pk=item.pk).funder == Funder.ICB


def test_fields_the_service_does_not_own_are_refused(admin, item):
    with pytest.raises(ValidationError):
        offer_item_update(actor=admin, item=item, council_id=999)


# restriction_add and restriction_set_active --------------------------------------------------------------------------


def test_r33_a_restriction_is_added_at_the_end_of_the_list_and_audited(admin, council, audit):
    SpendingRestriction.objects.create(council=council, text="Alcohol", position=4)
    restriction = restriction_add(
        actor=admin, council=council, text=" Gambling ", reason="Not support.", keywords="bet, casino ,, bingo"
    )
    assert (restriction.text, restriction.position, restriction.keywords) == ("Gambling", 5, "bet,casino,bingo")
    assert audit.one().action == "restriction.added"


def test_r33_a_restriction_already_in_the_list_is_refused(admin, council, audit):
    SpendingRestriction.objects.create(council=council, text="Alcohol")
    with pytest.raises(ValidationError) as caught:
        restriction_add(actor=admin, council=council, text="alcohol")
    assert "already in the list" in caught.value.message_dict["text"][0]
    assert SpendingRestriction.objects.filter(council=council).count() == 1
    assert audit.new == []


def test_r33_the_same_restriction_in_another_council_is_fine(admin, council, other_council):
    SpendingRestriction.objects.create(council=other_council, text="Alcohol")
    restriction_add(actor=admin, council=council, text="Alcohol")
    assert SpendingRestriction.objects.filter(council=council, text="Alcohol").exists()


def test_r33_an_empty_restriction_is_refused(admin, council):
    with pytest.raises(ValidationError):
        restriction_add(actor=admin, council=council, text="   ")


def test_r33_a_restriction_is_switched_off_and_on_again_with_an_event_each_time(admin, council, audit):
    restriction = SpendingRestriction.objects.create(council=council, text="Alcohol")
    restriction_set_active(actor=admin, restriction=restriction, active=False)
    assert SpendingRestriction.objects.get(pk=restriction.pk).active is False
    restriction_set_active(actor=admin, restriction=restriction, active=True)
    assert SpendingRestriction.objects.get(pk=restriction.pk).active is True
    assert [e.action for e in audit.new] == ["restriction.switched_off", "restriction.switched_on"]


def test_r33_switching_off_a_restriction_already_off_writes_nothing(admin, council, audit):
    restriction = SpendingRestriction.objects.create(council=council, text="Alcohol", active=False)
    restriction_set_active(actor=admin, restriction=restriction, active=False)
    assert audit.new == []
