"""The usual list of what a direct payment cannot buy, installed for a council (DOMAIN R33)."""

import pytest

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


def test_r33_installing_the_defaults_gives_the_council_the_usual_list_in_order(officer, council):
    restrictions_install_defaults(actor=officer, council=council)
    assert _texts(council) == R33_LIST


def test_r33_the_installed_restrictions_are_active_and_shown_to_the_council(officer, council):
    restrictions_install_defaults(actor=officer, council=council)
    assert [r.text for r in restrictions(council=council)] == R33_LIST


def test_installing_the_defaults_a_second_time_adds_nothing(officer, council):
    restrictions_install_defaults(actor=officer, council=council)
    restrictions_install_defaults(actor=officer, council=council)
    assert SpendingRestriction.objects.filter(council=council).count() == len(R33_LIST)


def test_installing_the_defaults_a_second_time_returns_the_councils_existing_list(officer, council):
    first = restrictions_install_defaults(actor=officer, council=council)
    again = restrictions_install_defaults(actor=officer, council=council)
    assert {r.pk for r in again} == {r.pk for r in first}


def test_a_council_that_has_its_own_list_keeps_it(officer, council):
    SpendingRestriction.objects.create(council=council, text="Holidays abroad")
    restrictions_install_defaults(actor=officer, council=council)
    assert _texts(council) == ["Holidays abroad"]


def test_another_councils_list_does_not_stop_the_defaults_being_installed(officer, council, other_council):
    restrictions_install_defaults(actor=officer, council=other_council)
    restrictions_install_defaults(actor=officer, council=council)
    assert _texts(council) == R33_LIST


def test_installing_the_defaults_writes_one_audit_event_per_restriction(officer, council, audit):
    restrictions_install_defaults(actor=officer, council=council)
    events = audit.new
    assert ([e.action for e in events], {e.council for e in events}) == (
        ["restriction.added"] * len(R33_LIST),
        {council},
    )


def test_installing_the_defaults_a_second_time_writes_no_audit_event(officer, council, audit):
    restrictions_install_defaults(actor=officer, council=council)
    audit.mark()
    restrictions_install_defaults(actor=officer, council=council)
    assert audit.new == []


def test_an_inactive_restriction_is_not_shown(officer, council):
    restrictions_install_defaults(actor=officer, council=council)
    SpendingRestriction.objects.filter(council=council, text="Gambling").update(active=False)
    assert "Gambling" not in [r.text for r in restrictions(council=council)]
