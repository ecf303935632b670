"""Who sees which children (ARCHITECTURE convention 3): staff their council, ICB officers their partner councils'
children with health provision, families the children they are linked to, inactive users nobody."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from ehcbudgets.accounts.models import COUNCIL_STAFF_ROLES, FAMILY_ROLES, Role
from ehcbudgets.councils.tests.factories import CouncilFactory
from ehcbudgets.people import selectors
from ehcbudgets.people.selectors import child_search
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.plans import services as plan_services
from ehcbudgets.plans.models import PlanStatus
from ehcbudgets.plans.tests.factories import PlanFactory, ProvisionItemFactory

pytestmark = pytest.mark.django_db

STAFF = sorted(COUNCIL_STAFF_ROLES)
FAMILY = sorted(FAMILY_ROLES)


def _visible(user) -> set:
    return set(selectors.children_visible_to(user))


def _with_health_provision(council, status=PlanStatus.DRAFT):
    child = ChildFactory(council=council)
    ProvisionItemFactory(plan=PlanFactory(child=child, status=status), health=True)
    return child


# council staff ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_every_child_of_their_council(make_user, council, role):
    mine = {ChildFactory(council=council), ChildFactory(council=council)}
    assert _visible(make_user(role, council=council)) == mine


@pytest.mark.parametrize("role", STAFF)
def test_staff_do_not_see_another_councils_children(make_user, council, other_council, role):
    ChildFactory(council=other_council)
    assert _visible(make_user(role, council=council)) == set()


def test_staff_do_not_see_another_council_sharing_their_icb(make_user, council):
    neighbour = CouncilFactory(icb=council.icb)
    ChildFactory(council=neighbour)
    assert _visible(make_user(Role.CASE_OFFICER, council=council)) == set()


# ICB officers --------------------------------------------------------------------------------------------------------


def test_icb_officer_sees_a_partner_councils_child_with_health_provision(make_user, council):
    child = _with_health_provision(council)
    assert _visible(make_user(Role.ICB_OFFICER, council=council)) == {child}


def test_icb_officer_sees_children_of_every_council_their_icb_partners(make_user, council):
    neighbour = CouncilFactory(icb=council.icb)
    children = {_with_health_provision(council), _with_health_provision(neighbour)}
    assert _visible(make_user(Role.ICB_OFFICER, council=council)) == children


def test_icb_officer_does_not_see_a_child_with_only_education_provision(make_user, council):
    ProvisionItemFactory(plan=PlanFactory(child=ChildFactory(council=council)))
    assert _visible(make_user(Role.ICB_OFFICER, council=council)) == set()


def test_icb_officer_does_not_see_a_child_without_a_plan(make_user, council):
    ChildFactory(council=council)
    assert _visible(make_user(Role.ICB_OFFICER, council=council)) == set()


def test_icb_officer_does_not_see_health_provision_of_another_icbs_council(make_user, council, other_council):
    _with_health_provision(other_council)
    assert _visible(make_user(Role.ICB_OFFICER, council=council)) == set()


def test_icb_officer_does_not_see_a_child_whose_plan_with_health_provision_has_ceased(make_user, council):
    _with_health_provision(council, status=PlanStatus.CEASED)
    assert _visible(make_user(Role.ICB_OFFICER, council=council)) == set()


def test_icb_officer_sees_a_child_with_health_provision_in_a_new_plan_after_an_old_one_ceased(make_user, council):
    child = ChildFactory(council=council)
    PlanFactory(child=child, status=PlanStatus.CEASED)
    ProvisionItemFactory(plan=PlanFactory(child=child, status=PlanStatus.DRAFT), health=True)
    assert _visible(make_user(Role.ICB_OFFICER, council=council)) == {child}


def test_icb_officer_does_not_see_a_child_whose_only_health_provision_is_in_a_ceased_plan(make_user, council):
    child = ChildFactory(council=council)
    ProvisionItemFactory(plan=PlanFactory(child=child, status=PlanStatus.CEASED), health=True)
    ProvisionItemFactory(plan=PlanFactory(child=child, status=PlanStatus.DRAFT))
    assert _visible(make_user(Role.ICB_OFFICER, council=council)) == set()


def test_icb_officer_sees_a_child_once_whatever_the_number_of_health_items(make_user, council):
    child = _with_health_provision(council)
    ProvisionItemFactory(plan=child.plans.get(), health=True)
    assert list(selectors.children_visible_to(make_user(Role.ICB_OFFICER, council=council))) == [child]


# families ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", FAMILY)
def test_family_members_see_the_children_they_are_linked_to(make_user, council, role):
    user = make_user(role)
    child = ContactFactory(child=ChildFactory(council=council), user=user).child
    assert _visible(user) == {child}


@pytest.mark.parametrize("role", FAMILY)
def test_family_members_do_not_see_other_children_in_the_same_council(make_user, council, role):
    user = make_user(role)
    ContactFactory(child=ChildFactory(council=council), user=user)
    ContactFactory(child=ChildFactory(council=council))  # another family
    assert len(_visible(user)) == 1


def test_a_family_member_linked_in_two_councils_sees_both_children(make_user, council, other_council):
    parent = make_user(Role.PARENT_CARER)
    children = {ContactFactory(child=ChildFactory(council=c), user=parent).child for c in (council, other_council)}
    assert _visible(parent) == children


def test_a_family_member_linked_to_nobody_sees_nobody(make_user, council):
    ChildFactory(council=council)
    assert _visible(make_user(Role.PARENT_CARER)) == set()


# nobody ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.ICB_OFFICER, Role.PARENT_CARER])
def test_an_inactive_user_sees_nothing(make_user, council, role):
    user = make_user(role, council=council, is_active=False)
    child = _with_health_provision(council)
    ContactFactory(child=child, user=user if user.is_family else None)
    assert _visible(user) == set()


def test_an_anonymous_user_sees_nothing(council):
    ChildFactory(council=council)
    assert _visible(AnonymousUser()) == set()


def test_a_user_without_a_role_sees_nothing(make_user, council):
    ChildFactory(council=council)
    user = make_user(Role.PARENT_CARER)
    user.role = ""
    assert _visible(user) == set()


# child_get, child_search, contacts --------------------------------------------------------------------------------


def test_child_get_finds_a_child_in_scope(officer, child):
    assert selectors.child_get(user=officer, pk=child.pk) == child


def test_child_get_answers_404_for_another_councils_child(officer, other_council):
    stranger = ChildFactory(council=other_council)
    with pytest.raises(Http404):
        selectors.child_get(user=officer, pk=stranger.pk)


def test_child_search_matches_any_part_of_a_name(officer, council):
    ada = ChildFactory(council=council, first_name="Ada", last_name="Ashdown")
    ChildFactory(council=council, first_name="Bram", last_name="Brackwell")
    assert list(selectors.child_search(user=officer, query="shdo")) == [ada]


def test_child_search_needs_every_word_to_match(officer, council):
    ada = ChildFactory(council=council, first_name="Ada", last_name="Ashdown")
    ChildFactory(council=council, first_name="Ada", last_name="Brackwell")
    assert list(selectors.child_search(user=officer, query="ada ashdown")) == [ada]


def test_child_search_matches_the_council_reference(officer, council):
    child = ChildFactory(council=council, council_reference="BW-1234")
    ChildFactory(council=council, council_reference="BW-9999")
    assert list(selectors.child_search(user=officer, query="1234")) == [child]


def test_child_search_matches_a_whole_upn_only(officer, council):
    child = ChildFactory(council=council, upn="R801200199001")
    assert list(selectors.child_search(user=officer, query="r801200199001")) == [child]
    assert list(selectors.child_search(user=officer, query="R8012001")) == []


def test_child_search_never_finds_another_councils_child(officer, other_council):
    ChildFactory(council=other_council, first_name="Ada")
    assert list(selectors.child_search(user=officer, query="Ada")) == []


def test_child_search_filters_by_plan_status(officer, council):
    final = PlanFactory(child=ChildFactory(council=council), final=True).child
    PlanFactory(child=ChildFactory(council=council))
    assert list(selectors.child_search(user=officer, plan_status=PlanStatus.FINAL)) == [final]


def test_child_search_finds_children_with_no_plan_yet(officer, council):
    no_plan = ChildFactory(council=council)
    PlanFactory(child=ChildFactory(council=council))
    assert list(selectors.child_search(user=officer, plan_status="none")) == [no_plan]


def test_child_search_lists_a_child_with_two_plans_once(officer, council):
    child = ChildFactory(council=council)
    PlanFactory(child=child, status=PlanStatus.CEASED)
    PlanFactory(child=child)
    assert list(selectors.child_search(user=officer)) == [child]


def test_contacts_of_lists_only_that_childs_contacts(child, council):
    mine = ContactFactory(child=child)
    ContactFactory(child=ChildFactory(council=council))
    assert list(selectors.contacts_of(child=child)) == [mine]


def test_contact_get_answers_404_for_another_childs_contact(child, council):
    other = ContactFactory(child=ChildFactory(council=council))
    with pytest.raises(Http404):
        selectors.contact_get(child=child, pk=other.pk)


def test_plan_status_filter_uses_the_current_plan_not_an_old_ceased_one(officer, child):
    old = plan_services.plan_create(actor=officer, child=child, status=PlanStatus.DRAFT)
    plan_services.plan_set_status(actor=officer, plan=old, status=PlanStatus.CEASED, reason="Moved away")
    plan_services.plan_create(actor=officer, child=child, status=PlanStatus.DRAFT)
    assert list(child_search(user=officer, plan_status=PlanStatus.DRAFT)) == [child]
    assert list(child_search(user=officer, plan_status=PlanStatus.CEASED)) == []
    assert list(child_search(user=officer, plan_status="none")) == []


def test_plan_status_filter_finds_a_child_whose_only_plan_ceased(officer, child):
    plan = plan_services.plan_create(actor=officer, child=child, status=PlanStatus.DRAFT)
    plan_services.plan_set_status(actor=officer, plan=plan, status=PlanStatus.CEASED, reason="Moved away")
    assert list(child_search(user=officer, plan_status=PlanStatus.CEASED)) == [child]
    assert list(child_search(user=officer, plan_status="none")) == []
