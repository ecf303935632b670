"""Adding items to a council's local offer: funders (DOMAIN R27), placements (R9), block contracts (R4), codes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ehcbudgets.offer.models import Category, Funder, OfferItem
from ehcbudgets.offer.services import offer_item_create
from ehcbudgets.offer.tests.factories import OfferItemFactory
from ehcbudgets.plans.models import FundingStream, Unit

pytestmark = pytest.mark.django_db


def _create(council_admin, council, **fields) -> OfferItem:
    values = {
        "code": "SALT-1",
        "name": "Speech and language therapy",
        "category": Category.THERAPY,
        "funding_stream": FundingStream.EDUCATION,
        "unit": Unit.HOUR,
        **fields,
    }
    return offer_item_create(actor=council_admin, council=council, **values)


def _refused_on(council_admin, council, **fields) -> set[str]:
    with pytest.raises(ValidationError) as error:
        _create(council_admin, council, **fields)
    return set(error.value.message_dict)


# Funders (DOMAIN R27) -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stream", "funder"),
    [
        (FundingStream.EDUCATION, Funder.COUNCIL_SEN),
        (FundingStream.SOCIAL_CARE, Funder.COUNCIL_SOCIAL_CARE),
        (FundingStream.HEALTH, Funder.ICB),
    ],
)
def test_r27_the_funder_defaults_from_the_funding_stream(council_admin, council, stream, funder):
    item = _create(council_admin, council, funding_stream=stream)
    item.refresh_from_db()
    assert item.funder == funder


def test_r27_a_funder_given_is_kept_rather_than_defaulted(council_admin, council):
    item = _create(council_admin, council, funding_stream=FundingStream.HEALTH, funder=Funder.COUNCIL_SOCIAL_CARE)
    item.refresh_from_db()
    assert item.funder == Funder.COUNCIL_SOCIAL_CARE


# Placements (DOMAIN R9) ---------------------------------------------------------------------------------------------


def test_r9_a_placement_that_allows_direct_payment_is_refused_on_that_field(council_admin, council):
    errors = _refused_on(council_admin, council, category=Category.PLACEMENT, allows_third_party=False)
    assert "allows_direct_payment" in errors


def test_r9_a_placement_that_allows_a_third_party_is_refused(council_admin, council):
    errors = _refused_on(council_admin, council, category=Category.PLACEMENT, allows_direct_payment=False)
    assert "allows_direct_payment" in errors


def test_r9_a_placement_arranged_by_the_council_only_is_accepted(council_admin, council):
    item = _create(
        council_admin, council, category=Category.PLACEMENT, allows_direct_payment=False, allows_third_party=False
    )
    assert item.allowed_modes == ["organised_arrangement"]


def test_r9_a_refused_placement_is_not_saved(council_admin, council):
    _refused_on(council_admin, council, category=Category.PLACEMENT)
    assert OfferItem.objects.count() == 0


# Block contracts (DOMAIN R4) ----------------------------------------------------------------------------------------

BLOCK = {"block_contract": True, "allows_direct_payment": False, "allows_third_party": False}


def test_r4_a_block_contract_without_a_contract_reference_is_refused(council_admin, council):
    assert "contract_reference" in _refused_on(council_admin, council, **BLOCK)


def test_r4_a_block_contract_reference_of_only_spaces_is_refused(council_admin, council):
    assert "contract_reference" in _refused_on(council_admin, council, **BLOCK, contract_reference="   ")


def test_r4_a_block_contract_that_allows_direct_payment_is_refused(council_admin, council):
    errors = _refused_on(council_admin, council, **{**BLOCK, "allows_direct_payment": True}, contract_reference="NHS-1")
    assert "block_contract" in errors


def test_r4_a_block_contract_that_allows_a_third_party_is_refused(council_admin, council):
    errors = _refused_on(council_admin, council, **{**BLOCK, "allows_third_party": True}, contract_reference="NHS-1")
    assert "block_contract" in errors


def test_r4_a_named_block_contract_arranged_by_the_council_is_accepted(council_admin, council):
    item = _create(council_admin, council, **BLOCK, contract_reference="  NHS-SALT-2026  ")
    item.refresh_from_db()
    assert (item.block_contract, item.contract_reference) == (True, "NHS-SALT-2026")


# Modes and codes ----------------------------------------------------------------------------------------------------


def test_an_item_that_allows_no_way_of_holding_the_budget_is_refused(council_admin, council):
    errors = _refused_on(
        council_admin, council, allows_direct_payment=False, allows_organised=False, allows_third_party=False
    )
    assert "allows_organised" in errors


def test_an_item_that_allows_only_one_way_of_holding_the_budget_is_accepted(council_admin, council):
    item = _create(council_admin, council, allows_direct_payment=False, allows_organised=False, allows_third_party=True)
    assert item.allowed_modes == ["third_party"]


def test_the_code_is_upper_cased_and_trimmed(council_admin, council):
    item = _create(council_admin, council, code="  salt-1 ")
    item.refresh_from_db()
    assert item.code == "SALT-1"


def test_a_code_already_used_in_the_council_is_refused(council_admin, council):
    _create(council_admin, council, code="SALT-1")
    assert "code" in _refused_on(council_admin, council, code="SALT-1", name="Another therapy")


def test_a_code_that_differs_only_in_case_from_one_in_use_is_refused(council_admin, council):
    _create(council_admin, council, code="SALT-1")
    assert "code" in _refused_on(council_admin, council, code="salt-1", name="Another therapy")


def test_a_code_used_in_another_council_is_accepted(council_admin, council, other_council):
    OfferItemFactory(council=other_council, code="SALT-1")
    item = _create(council_admin, council, code="SALT-1")
    assert (item.council, item.code) == (council, "SALT-1")


def test_a_code_with_characters_other_than_letters_digits_and_hyphens_is_refused(council_admin, council):
    assert "code" in _refused_on(council_admin, council, code="SALT 1")


def test_an_unknown_field_is_refused(council_admin, council):
    with pytest.raises(ValidationError):
        _create(council_admin, council, price="25.00")


# Audit --------------------------------------------------------------------------------------------------------------


def test_adding_an_item_writes_one_audit_event(council_admin, council, audit):
    item = _create(council_admin, council)
    event = audit.one()
    assert (event.action, event.council, event.object_id) == ("offer_item.created", council, str(item.pk))


def test_a_refused_item_writes_no_audit_event(council_admin, council, audit):
    _refused_on(council_admin, council, category=Category.PLACEMENT)
    assert audit.new == []


# The database refuses what the service refuses, when a row is written around it ---------------------------------


def test_the_factory_baseline_item_is_accepted_by_the_database(council):
    """The constraint tests below each change one thing from this baseline."""
    assert OfferItemFactory(council=council).pk is not None


def test_r9_the_database_refuses_a_placement_that_allows_direct_payment(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferItemFactory(council=council, placement=True, allows_direct_payment=True)


def test_r9_the_database_refuses_a_placement_that_allows_a_third_party(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferItemFactory(council=council, placement=True, allows_third_party=True)


def test_r9_the_database_accepts_a_placement_arranged_by_the_council(council):
    assert OfferItemFactory(council=council, placement=True).pk is not None


def test_r4_the_database_refuses_a_block_contract_with_no_contract_reference(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferItemFactory(council=council, block=True, contract_reference="")


def test_r4_the_database_refuses_a_block_contract_that_allows_direct_payment(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferItemFactory(council=council, block=True, allows_direct_payment=True)


def test_r4_the_database_accepts_a_named_block_contract_arranged_by_the_council(council):
    assert OfferItemFactory(council=council, block=True).pk is not None


def test_the_database_refuses_an_item_that_allows_no_mode(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferItemFactory(council=council, allows_direct_payment=False, allows_organised=False, allows_third_party=False)


def test_the_database_refuses_a_duplicate_code_in_the_same_council(council):
    OfferItemFactory(council=council, code="SALT-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferItemFactory(council=council, code="SALT-1")
