"""The council's bank details for the BACS file: recorded by its administrator, checked for format, audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.payments import services
from ehcbudgets.payments.models import BankDetails

GOOD = {
    "service_user_number": "123456",
    "service_user_name": "Brightwater BC",
    "sort_code": "30-94-30",
    "account_number": "0073 3445",
}


def test_an_administrator_records_the_bank_details_normalised(council_admin, council, audit):
    """Sort code and account number lose their dashes and spaces; the name is upper case, as BACS needs it."""
    audit.mark()
    details = services.bank_details_set(actor=council_admin, council=council, **GOOD)
    assert (details.sort_code, details.account_number, details.service_user_name) == (
        "309430",
        "00733445",
        "BRIGHTWATER BC",
    )
    assert audit.one().action == "bank_details.set"


def test_recording_them_again_changes_the_one_record(council_admin, council):
    """A council has one set of bank details; saving again replaces it."""
    services.bank_details_set(actor=council_admin, council=council, **GOOD)
    services.bank_details_set(actor=council_admin, council=council, **{**GOOD, "sort_code": "401234"})
    assert BankDetails.objects.get(council=council).sort_code == "401234"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service_user_number", "12345"),
        ("service_user_number", "1234567"),
        ("sort_code", "30943"),
        ("sort_code", "3094301"),
        ("account_number", "0073344"),
        ("account_number", "ABCDEFGH"),
        ("service_user_name", "A NAME THAT IS NINETEEN"[:19]),
        ("service_user_name", "Brightwater (BC)"),
    ],
)
def test_bad_details_are_refused_naming_the_field_and_nothing_is_saved(council_admin, council, field, value):
    """Each field is checked for the format the bank file needs; nothing is stored when one is wrong."""
    with pytest.raises(ValidationError) as exc:
        services.bank_details_set(actor=council_admin, council=council, **{**GOOD, field: value})
    assert field in exc.value.message_dict
    assert not BankDetails.objects.exists()


def test_a_name_of_exactly_eighteen_characters_is_accepted(council_admin, council):
    """18 characters is the most BACS takes."""
    details = services.bank_details_set(
        actor=council_admin, council=council, **{**GOOD, "service_user_name": "EIGHTEEN CHARS ABC"}
    )
    assert len(details.service_user_name) == 18


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.CASE_OFFICER, Role.TEAM_MANAGER])
def test_only_the_council_administrator_records_them(make_user, council, role):
    """Finance uses the details; only the administrator sets them."""
    with pytest.raises(PermissionDenied):
        services.bank_details_set(actor=make_user(role, council=council), council=council, **GOOD)


def test_another_councils_administrator_cannot_record_them(make_user, council, other_council):
    with pytest.raises(PermissionDenied):
        services.bank_details_set(actor=make_user(Role.COUNCIL_ADMIN, council=other_council), council=council, **GOOD)
