"""Council staff and family pages for children and contacts: bad input is shown and saves nothing; pages show only
what the user's scope allows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from ehcbudgets.accounts.models import Role
from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.dates import today
from ehcbudgets.people.models import Child, Contact, Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.plans.models import PlanStatus
from ehcbudgets.plans.tests.factories import PlanFactory, ProvisionItemFactory

pytestmark = pytest.mark.django_db

PROBLEM = "There is a problem"


def _date(name: str, value) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def _child_post(**overrides) -> dict:
    data = {
        "first_name": "Ada",
        "last_name": "Ashdown",
        "council_reference": "BW-1001",
        "upn": "",
        **_date("date_of_birth", today() - timedelta(days=3000)),
    }
    data.update(overrides)
    return data


def _counts() -> tuple[int, int, int]:
    return Child.objects.count(), Contact.objects.count(), AuditEvent.objects.count()


# adding and changing a child ---------------------------------------------------------------------------------------


def test_adding_a_child_saves_them_in_the_officers_council_and_shows_their_record(officer_client, council):
    response = officer_client.post(reverse("cases:child_create"), _child_post())
    child = Child.objects.get()
    assert child.council == council
    assert response["Location"] == reverse("cases:child", args=[child.pk])


def test_adding_a_child_born_tomorrow_shows_the_problem_and_saves_nothing(officer_client):
    before = _counts()
    response = officer_client.post(
        reverse("cases:child_create"), _child_post(**_date("date_of_birth", today() + timedelta(days=1)))
    )
    assert response.status_code == 200
    assert PROBLEM in response.text
    assert "Date of birth must be today or in the past" in response.text
    assert _counts() == before


def test_adding_a_child_born_today_is_accepted(officer_client):
    response = officer_client.post(reverse("cases:child_create"), _child_post(**_date("date_of_birth", today())))
    assert response.status_code == 302
    assert Child.objects.get().date_of_birth == today()


def test_adding_a_child_with_a_date_that_does_not_exist_shows_the_problem(officer_client):
    before = _counts()
    response = officer_client.post(
        reverse("cases:child_create"), _child_post(date_of_birth_0="30", date_of_birth_1="2", date_of_birth_2="2015")
    )
    assert "Date of birth must be a real date" in response.text
    assert _counts() == before


def test_adding_a_child_with_a_reference_in_use_shows_the_problem_against_the_reference(officer_client, council):
    ChildFactory(council=council, council_reference="BW-1001")
    before = _counts()
    response = officer_client.post(reverse("cases:child_create"), _child_post())
    assert PROBLEM in response.text
    assert 'href="#id_council_reference"' in response.text
    assert "Another child in this council already has this reference" in response.text
    assert _counts() == before


def test_adding_a_child_with_a_wrong_upn_shows_the_problem(officer_client):
    before = _counts()
    response = officer_client.post(reverse("cases:child_create"), _child_post(upn="A801200199001"))
    assert PROBLEM in response.text
    assert "Enter a unique pupil number in the correct format" in response.text
    assert _counts() == before


def test_changing_a_childs_date_of_birth_to_tomorrow_changes_nothing(officer_client, child):
    born = child.date_of_birth
    response = officer_client.post(
        reverse("cases:child_edit", args=[child.pk]),
        _child_post(council_reference=child.council_reference, **_date("date_of_birth", today() + timedelta(days=1))),
    )
    assert "Date of birth must be today or in the past" in response.text
    child.refresh_from_db()
    assert child.date_of_birth == born


def test_changing_a_child_saves_the_change_and_audits_it(officer_client, officer, child):
    officer_client.post(
        reverse("cases:child_edit", args=[child.pk]),
        _child_post(first_name="Bram", council_reference=child.council_reference),
    )
    child.refresh_from_db()
    assert child.first_name == "Bram"
    assert AuditEvent.objects.get(action="child.updated").actor == officer


def test_the_change_page_shows_the_childs_current_details(officer_client, council):
    child = ChildFactory(council=council, council_reference="BW-7777", upn="R801200199001")
    response = officer_client.get(reverse("cases:child_edit", args=[child.pk]))
    assert 'value="BW-7777"' in response.text
    assert 'value="R801200199001"' in response.text


# contacts ----------------------------------------------------------------------------------------------------------


def _contact_post(**overrides) -> dict:
    data = {
        "full_name": "Morgan Ashdown",
        "relationship": Relationship.PARENT,
        "email": "morgan@family.example",
        "drug_alcohol_order": "no",
        "has_capacity_to_consent": "",
    }
    data.update(overrides)
    return data


def test_adding_a_contact_saves_it_for_the_child(officer_client, child):
    response = officer_client.post(reverse("cases:contact_create", args=[child.pk]), _contact_post())
    assert response["Location"] == reverse("cases:child", args=[child.pk]) + "#contacts"
    assert child.contacts.get().full_name == "Morgan Ashdown"


def test_a_capacity_answer_without_a_date_shows_the_problem_and_saves_nothing(officer_client, child):
    before = _counts()
    response = officer_client.post(
        reverse("cases:contact_create", args=[child.pk]), _contact_post(has_capacity_to_consent="yes")
    )
    assert PROBLEM in response.text
    assert "Enter the date capacity to consent was assessed" in response.text
    assert _counts() == before


def test_a_contact_with_a_wrong_email_address_shows_the_problem(officer_client, child):
    before = _counts()
    response = officer_client.post(reverse("cases:contact_create", args=[child.pk]), _contact_post(email="morgan"))
    assert "Enter an email address in the correct format, like name@example.com" in response.text
    assert _counts() == before


def test_changing_a_contact_records_the_drug_or_alcohol_order_flag(officer_client, child):
    contact = ContactFactory(child=child)
    officer_client.post(
        reverse("cases:contact_edit", args=[child.pk, contact.pk]),
        _contact_post(full_name=contact.full_name, drug_alcohol_order="yes"),
    )
    contact.refresh_from_db()
    assert contact.drug_alcohol_order is True


# what each page shows -----------------------------------------------------------------------------------------------


def _listed(response, child) -> bool:
    """Whether the case list links to the child's record."""
    return f'href="{reverse("cases:child", args=[child.pk])}"' in response.text


def test_the_case_list_shows_only_the_officers_council(officer_client, council, other_council):
    mine = ChildFactory(council=council, first_name="Ada", last_name="Ashdown")
    theirs = ChildFactory(council=other_council, first_name="Zeb", last_name="Thistlewood")
    response = officer_client.get(reverse("cases:list"))
    assert _listed(response, mine)
    assert not _listed(response, theirs)
    assert "Thistlewood" not in response.text


def test_the_case_list_searches_by_name(officer_client, council):
    ada = ChildFactory(council=council, first_name="Ada", last_name="Ashdown")
    bram = ChildFactory(council=council, first_name="Bram", last_name="Brackwell")
    response = officer_client.get(reverse("cases:list"), {"q": "brack"})
    assert (_listed(response, bram), _listed(response, ada)) == (True, False)


def test_a_search_with_a_nul_character_is_refused_with_the_400_page(officer_client, council):
    """%00 in the address is refused before the view runs (PostgreSQL cannot compare it), with the service's own
    "there is a problem" page rather than a server error."""
    ChildFactory(council=council, first_name="Ada", last_name="Ashdown")
    response = officer_client.get(reverse("cases:list"), {"q": "Ada\x00"})
    assert response.status_code == 400
    assert "Ashdown" not in response.text
    assert response.templates[0].name == "errors/400.html"


def test_the_case_list_filters_by_plan_status(officer_client, council):
    final = PlanFactory(child=ChildFactory(council=council), final=True).child
    draft = PlanFactory(child=ChildFactory(council=council)).child
    response = officer_client.get(reverse("cases:list"), {"status": PlanStatus.FINAL})
    assert (_listed(response, final), _listed(response, draft)) == (True, False)


def test_the_case_list_ignores_an_unknown_status_filter(officer_client, council):
    child = ChildFactory(council=council)
    response = officer_client.get(reverse("cases:list"), {"status": "<i>bogus</i>"})
    assert _listed(response, child)
    assert "<i>bogus" not in response.text


def test_the_childs_record_shows_their_key_dates(officer_client, council):
    from datetime import date

    child = ChildFactory(council=council, date_of_birth=date(2012, 9, 1))
    response = officer_client.get(reverse("cases:child", args=[child.pk]))
    assert "29 June 2029" in response.text  # compulsory school age ends
    assert "1 September 2037" in response.text  # 25th birthday


def test_an_icb_officer_sees_health_provision_but_not_contacts_or_education_provision(client, make_user, council):
    child = ChildFactory(council=council)
    ContactFactory(child=child, full_name="Morgan Privateparent")
    plan = PlanFactory(child=child)
    ProvisionItemFactory(plan=plan, description="Teaching assistant support in class")
    ProvisionItemFactory(plan=plan, health=True, description="Speech and language therapy from a therapist")
    client.force_login(make_user(Role.ICB_OFFICER, council=council))
    response = client.get(reverse("cases:child", args=[child.pk]))
    assert "Speech and language therapy from a therapist" in response.text
    assert "Teaching assistant support in class" not in response.text
    assert "Morgan Privateparent" not in response.text


def test_a_panel_member_sees_the_record_without_change_links(client, make_user, council, child):
    client.force_login(make_user(Role.PANEL_MEMBER, council=council))
    response = client.get(reverse("cases:child", args=[child.pk]))
    assert child.full_name in response.text
    assert reverse("cases:child_edit", args=[child.pk]) not in response.text


def test_the_history_page_lists_the_childs_audit_events(officer_client, officer, council):
    officer_client.post(reverse("cases:child_create"), _child_post())
    child = Child.objects.get()
    officer_client.post(reverse("cases:child_edit", args=[child.pk]), _child_post(first_name="Bram"))
    response = officer_client.get(reverse("cases:child_history", args=[child.pk]))
    assert "Added Ada Ashdown" in response.text
    assert escape("Changed Bram Ashdown's details") in response.text


# family pages ------------------------------------------------------------------------------------------------------


def test_a_parent_sees_the_children_linked_to_them_and_no_others(client, make_user, council):
    parent = make_user(Role.PARENT_CARER)
    ContactFactory(child=ChildFactory(council=council, first_name="Ada", last_name="Ashdown"), user=parent)
    ChildFactory(council=council, first_name="Bram", last_name="Brackwell")
    client.force_login(parent)
    response = client.get(reverse("family:children"))
    assert "Ada" in response.text
    assert "Brackwell" not in response.text


def test_a_parent_sees_the_plan_in_plain_english(client, make_user, council):
    parent = make_user(Role.PARENT_CARER)
    child = ContactFactory(child=ChildFactory(council=council), user=parent).child
    plan = PlanFactory(child=child, final=True)
    ProvisionItemFactory(plan=plan, health=True, description="Speech and language therapy from a therapist")
    client.force_login(parent)
    response = client.get(reverse("family:child", args=[child.pk]))
    assert "Health support" in response.text
    assert "Speech and language therapy from a therapist" in response.text


def test_signing_in_takes_staff_to_their_work_queue_or_the_case_list_and_families_to_their_children(
    client, make_user, council
):
    client.force_login(make_user(Role.FINANCE_OFFICER, council=council))
    assert client.get(reverse("core:home"))["Location"] == reverse("monitoring:queue")
    client.force_login(make_user(Role.PANEL_MEMBER, council=council))
    assert client.get(reverse("core:home"))["Location"] == reverse("cases:list")
    client.force_login(make_user(Role.NOMINEE))
    assert client.get(reverse("core:home"))["Location"] == reverse("family:children")
