"""The usual list of what a direct payment cannot buy, installed for a council (DOMAIN R33)."""

import pytest
from django.core.exceptions import PermissionDenied

from ehcbudgets.accounts.models import Role
from ehcbudgets.offer.models import SpendingRestriction
from ehcbudgets.offer.selectors import restrictions
from ehcbudgets.offer.services import restrictions_install_defaults

pytestmark = pytest.mark.django_db

# DOMAIN R33's typical list, written out here so that a change to the defaults has to change both.
R33_LIST = [
    "Anything not in the agreed provision",
    "Alcohol",
    "Tobacco and vaping",
    "Gambling",
    "Anything illegal",
    "Food, drink and household bills",
    "Rent or mortgage",
    "School, college or setting placement fees",
    "Services bought from the council or the NHS",
    "Employing someone who lives in your household, without the council's agreement",
]


def _texts(council) -> list[str]:
    return list(SpendingRestriction.objects.filter(council=council).values_list("text", flat=True))


def test_r33_installing_the_defaults_gives_the_council_the_usual_list_in_order(council_admin, council):
    restrictions_install_defaults(actor=council_admin, council=council)
    assert _texts(council) == R33_LIST


def test_r33_the_installed_restrictions_are_active_and_shown_to_the_council(council_admin, council):
    restrictions_install_defaults(actor=council_admin, council=council)
    assert [r.text for r in restrictions(council=council)] == R33_LIST


def test_installing_the_defaults_a_second_time_adds_nothing(council_admin, council):
    restrictions_install_defaults(actor=council_admin, council=council)
    restrictions_install_defaults(actor=council_admin, council=council)
    assert SpendingRestriction.objects.filter(council=council).count() == len(R33_LIST)


def test_installing_the_defaults_a_second_time_returns_the_councils_existing_list(council_admin, council):
    first = restrictions_install_defaults(actor=council_admin, council=council)
    again = restrictions_install_defaults(actor=council_admin, council=council)
    assert {r.pk for r in again} == {r.pk for r in first}


def test_a_council_that_has_its_own_list_keeps_it(council_admin, council):
    SpendingRestriction.objects.create(council=council, text="Holidays abroad")
    restrictions_install_defaults(actor=council_admin, council=council)
    assert _texts(council) == ["Holidays abroad"]


def test_another_councils_list_does_not_stop_the_defaults_being_installed(
    council_admin, council, other_council, make_user
):
    restrictions_install_defaults(actor=make_user(Role.COUNCIL_ADMIN, council=other_council), council=other_council)
    restrictions_install_defaults(actor=council_admin, council=council)
    assert _texts(council) == R33_LIST


def test_installing_the_defaults_writes_one_audit_event_per_restriction(council_admin, council, audit):
    restrictions_install_defaults(actor=council_admin, council=council)
    events = audit.new
    assert ([e.action for e in events], {e.council for e in events}) == (
        ["restriction.added"] * len(R33_LIST),
        {council},
    )


def test_installing_the_defaults_a_second_time_writes_no_audit_event(council_admin, council, audit):
    restrictions_install_defaults(actor=council_admin, council=council)
    audit.mark()
    restrictions_install_defaults(actor=council_admin, council=council)
    assert audit.new == []


def test_an_inactive_restriction_is_not_shown(council_admin, council):
    restrictions_install_defaults(actor=council_admin, council=council)
    SpendingRestriction.objects.filter(council=council, text="Gambling").update(active=False)
    assert "Gambling" not in [r.text for r in restrictions(council=council)]


def test_only_the_councils_own_administrator_changes_its_offer(make_user, council, other_council):
    for actor in (make_user(Role.CASE_OFFICER, council=council), make_user(Role.COUNCIL_ADMIN, council=other_council)):
        with pytest.raises(PermissionDenied):
            restrictions_install_defaults(actor=actor, council=council)
    assert _texts(council) == []
