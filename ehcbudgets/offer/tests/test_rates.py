"""The dated rate card: adding a rate, never overwriting one, and the rate in force on a date (DOMAIN R6)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ehcbudgets.offer.models import Rate
from ehcbudgets.offer.selectors import rate_in_force
from ehcbudgets.offer.services import rate_add
from ehcbudgets.offer.tests.factories import OfferItemFactory, RateFactory

pytestmark = pytest.mark.django_db

OLD_FROM = date(2026, 4, 1)
NEW_FROM = date(2027, 4, 1)


@pytest.fixture
def item(council):
    return OfferItemFactory(council=council, code="SALT-1")


# rate_add -----------------------------------------------------------------------------------------------------------


def test_r6_a_rate_is_added_in_the_items_council(council_admin, item):
    rate = rate_add(actor=council_admin, item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    rate.refresh_from_db()
    assert (rate.council_id, rate.item, rate.amount, rate.effective_from) == (
        item.council_id,
        item,
        Decimal("25.00"),
        OLD_FROM,
    )


def test_r6_a_second_rate_from_the_same_date_is_refused(council_admin, item):
    rate_add(actor=council_admin, item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    with pytest.raises(ValidationError) as error:
        rate_add(actor=council_admin, item=item, amount=Decimal("30.00"), effective_from=OLD_FROM)
    assert "effective_from" in error.value.message_dict


def test_r6_a_refused_second_rate_leaves_the_first_unchanged(council_admin, item):
    first = rate_add(actor=council_admin, item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    with pytest.raises(ValidationError):
        rate_add(actor=council_admin, item=item, amount=Decimal("30.00"), effective_from=OLD_FROM)
    first.refresh_from_db()
    assert (first.amount, Rate.objects.filter(item=item).count()) == (Decimal("25.00"), 1)


def test_r6_a_rate_from_a_new_date_leaves_the_earlier_rate_as_it_was(council_admin, item):
    first = rate_add(actor=council_admin, item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    rate_add(actor=council_admin, item=item, amount=Decimal("27.50"), effective_from=NEW_FROM)
    first.refresh_from_db()
    assert (first.amount, Rate.objects.filter(item=item).count()) == (Decimal("25.00"), 2)


def test_the_same_date_may_have_a_rate_for_each_of_two_items(council_admin, council, item):
    other = OfferItemFactory(council=council, code="OT-1")
    rate_add(actor=council_admin, item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    rate = rate_add(actor=council_admin, item=other, amount=Decimal("30.00"), effective_from=OLD_FROM)
    assert rate.pk is not None


def test_a_rate_of_zero_is_refused(council_admin, item):
    with pytest.raises(ValidationError) as error:
        rate_add(actor=council_admin, item=item, amount=Decimal("0.00"), effective_from=OLD_FROM)
    assert "amount" in error.value.message_dict


def test_a_rate_of_one_penny_is_accepted(council_admin, item):
    rate = rate_add(actor=council_admin, item=item, amount=Decimal("0.01"), effective_from=OLD_FROM)
    rate.refresh_from_db()
    assert rate.amount == Decimal("0.01")


def test_a_negative_rate_is_refused(council_admin, item):
    with pytest.raises(ValidationError):
        rate_add(actor=council_admin, item=item, amount=Decimal("-0.01"), effective_from=OLD_FROM)


def test_a_rate_with_fractions_of_a_penny_is_refused(council_admin, item):
    with pytest.raises(ValidationError) as error:
        rate_add(actor=council_admin, item=item, amount=Decimal("25.005"), effective_from=OLD_FROM)
    assert "amount" in error.value.message_dict


def test_adding_a_rate_writes_one_audit_event(council_admin, council, item, audit):
    rate = rate_add(actor=council_admin, item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    event = audit.one()
    assert (event.action, event.council, event.object_id, event.after) == (
        "rate.added",
        council,
        str(rate.pk),
        {"amount": "25.00", "effective_from": "2026-04-01"},
    )


def test_a_refused_rate_writes_no_audit_event(council_admin, item, audit):
    with pytest.raises(ValidationError):
        rate_add(actor=council_admin, item=item, amount=Decimal("0.00"), effective_from=OLD_FROM)
    assert audit.new == []


def test_r6_the_database_refuses_two_rates_for_an_item_from_the_same_date(item):
    RateFactory(item=item, effective_from=OLD_FROM)
    with pytest.raises(IntegrityError), transaction.atomic():
        RateFactory(item=item, effective_from=OLD_FROM, amount=Decimal("30.00"))


def test_the_database_refuses_a_rate_of_zero(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        RateFactory(item=item, amount=Decimal("0.00"))


# rate_in_force (DOMAIN R6) ------------------------------------------------------------------------------------------


@pytest.fixture
def two_rates(item):
    RateFactory(item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    RateFactory(item=item, amount=Decimal("27.50"), effective_from=NEW_FROM)


def test_r6_the_old_rate_is_in_force_the_day_before_the_new_rates_date(item, two_rates):
    assert rate_in_force(item=item, on=date(2027, 3, 31)).amount == Decimal("25.00")


def test_r6_the_new_rate_is_in_force_on_its_date(item, two_rates):
    assert rate_in_force(item=item, on=NEW_FROM).amount == Decimal("27.50")


def test_r6_the_new_rate_is_in_force_the_day_after_its_date(item, two_rates):
    assert rate_in_force(item=item, on=date(2027, 4, 2)).amount == Decimal("27.50")


def test_r6_the_first_rate_is_in_force_on_its_own_date(item, two_rates):
    assert rate_in_force(item=item, on=OLD_FROM).amount == Decimal("25.00")


def test_r6_there_is_no_rate_in_force_the_day_before_the_first_rate(item, two_rates):
    assert rate_in_force(item=item, on=date(2026, 3, 31)) is None


def test_an_item_with_no_rates_has_none_in_force(item):
    assert rate_in_force(item=item, on=NEW_FROM) is None


def test_another_items_rate_is_never_used(council, item):
    RateFactory(item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    RateFactory(item=OfferItemFactory(council=council, code="OT-1"), amount=Decimal("99.00"), effective_from=NEW_FROM)
    assert rate_in_force(item=item, on=NEW_FROM).amount == Decimal("25.00")


def test_another_councils_item_with_the_same_code_is_never_used(other_council, item):
    RateFactory(item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    theirs = OfferItemFactory(council=other_council, code=item.code)
    RateFactory(item=theirs, amount=Decimal("99.00"), effective_from=NEW_FROM)
    assert rate_in_force(item=item, on=NEW_FROM).amount == Decimal("25.00")


def test_a_rate_row_recorded_under_another_council_is_never_used(other_council, item):
    """Every read filters by council too (ARCHITECTURE scale plan): a mis-tenanted row is invisible."""
    RateFactory(item=item, amount=Decimal("25.00"), effective_from=OLD_FROM)
    RateFactory(item=item, council=other_council, amount=Decimal("99.00"), effective_from=NEW_FROM)
    assert rate_in_force(item=item, on=NEW_FROM).amount == Decimal("25.00")
