"""Changes to children and contacts: each writes one audit event; bad input names its field and saves nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.dates import today
from ehcbudgets.people import services
from ehcbudgets.people.models import Child, Contact, Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory, born_years_ago

pytestmark = pytest.mark.django_db


def _child_fields(**overrides):
    fields = {
        "first_name": "Ada",
        "last_name": "Ashdown",
        "date_of_birth": born_years_ago(8),
        "council_reference": "BW-1001",
        "upn": "",
    }
    return {**fields, **overrides}


def _refused(call, field: str) -> ValidationError:
    """Runs a service that must refuse; returns its error after checking it names the field."""
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value


# child_create ------------------------------------------------------------------------------------------------------


def test_child_create_saves_the_child_in_the_council(officer, council):
    child = services.child_create(actor=officer, council=council, **_child_fields())
    assert Child.objects.get(pk=child.pk).council == council


def test_child_create_writes_one_audit_event(officer, council, audit):
    child = services.child_create(actor=officer, council=council, **_child_fields())
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == ("child.created", officer, council, child)
    assert event.before is None
    assert event.after["council_reference"] == "BW-1001"
    assert event.after["date_of_birth"] == child.date_of_birth.isoformat()
    assert event.object_type == "people.child"
    assert event.object_id == str(child.pk)


def test_child_create_accepts_a_date_of_birth_of_today(officer, council):
    child = services.child_create(actor=officer, council=council, **_child_fields(date_of_birth=today()))
    assert child.pk is not None


def test_child_create_refuses_a_date_of_birth_of_tomorrow(officer, council, audit):
    fields = _child_fields(date_of_birth=today() + timedelta(days=1))
    error = _refused(lambda: services.child_create(actor=officer, council=council, **fields), "date_of_birth")
    assert error.message_dict["date_of_birth"] == ["Date of birth must be today or in the past"]
    assert Child.objects.count() == 0
    assert audit.new == []


def test_child_create_refuses_a_council_reference_already_used_in_the_council(officer, council, audit):
    ChildFactory(council=council, council_reference="BW-1001")
    audit.mark()
    _refused(lambda: services.child_create(actor=officer, council=council, **_child_fields()), "council_reference")
    assert Child.objects.count() == 1
    assert audit.new == []


def test_child_create_allows_a_council_reference_used_by_another_council(officer, council, other_council):
    ChildFactory(council=other_council, council_reference="BW-1001")
    services.child_create(actor=officer, council=council, **_child_fields())
    assert Child.objects.filter(council_reference="BW-1001").count() == 2


def test_child_create_refuses_an_invalid_upn(officer, council, audit):
    fields = _child_fields(upn="A801200199001")
    _refused(lambda: services.child_create(actor=officer, council=council, **fields), "upn")
    assert Child.objects.count() == 0
    assert audit.new == []


def test_child_create_stores_a_upn_typed_in_lower_case_in_upper_case(officer, council):
    child = services.child_create(actor=officer, council=council, **_child_fields(upn=" r801200199001 "))
    assert child.upn == "R801200199001"


def test_child_create_accepts_a_temporary_upn(officer, council):
    child = services.child_create(actor=officer, council=council, **_child_fields(upn="Z30820010001A"))
    assert child.upn == "Z30820010001A"


def test_child_create_trims_spaces_from_names_and_reference(officer, council):
    child = services.child_create(
        actor=officer, council=council, **_child_fields(first_name="  Ada ", council_reference=" BW-1001 ")
    )
    assert (child.first_name, child.council_reference) == ("Ada", "BW-1001")


def test_child_create_refuses_a_blank_first_name(officer, council):
    _refused(
        lambda: services.child_create(actor=officer, council=council, **_child_fields(first_name="  ")), "first_name"
    )
    assert Child.objects.count() == 0


def test_child_create_refuses_fields_it_does_not_know(officer, council):
    with pytest.raises(ValidationError, match="cannot be set: council_id"):
        services.child_create(actor=officer, council=council, council_id=99, **_child_fields())
    assert Child.objects.count() == 0


def test_child_create_saves_nothing_when_the_audit_event_cannot_be_written(officer, council, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        services.child_create(actor=officer, council=council, **_child_fields())
    assert Child.objects.count() == 0


# child_update ------------------------------------------------------------------------------------------------------


def test_child_update_writes_one_audit_event_with_before_and_after(officer, child, audit):
    old_name = child.first_name
    services.child_update(actor=officer, child=child, first_name="Bram")
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == ("child.updated", officer, child.council, child)
    assert event.before["first_name"] == old_name
    assert event.after["first_name"] == "Bram"
    assert event.changes == [("first_name", old_name, "Bram")]


def test_child_update_keeps_the_childs_own_council_reference(officer, child):
    services.child_update(actor=officer, child=child, council_reference=child.council_reference, first_name="Bram")
    child.refresh_from_db()
    assert child.first_name == "Bram"


def test_child_update_refuses_a_date_of_birth_of_tomorrow(officer, child, audit):
    born = child.date_of_birth
    _refused(
        lambda: services.child_update(actor=officer, child=child, date_of_birth=today() + timedelta(days=1)),
        "date_of_birth",
    )
    child.refresh_from_db()
    assert child.date_of_birth == born
    assert audit.new == []


def test_child_update_refuses_another_childs_council_reference(officer, council, child):
    ChildFactory(council=council, council_reference="BW-2002")
    _refused(
        lambda: services.child_update(actor=officer, child=child, council_reference="BW-2002"), "council_reference"
    )
    child.refresh_from_db()
    assert child.council_reference != "BW-2002"


def test_child_update_refuses_an_invalid_upn(officer, child):
    _refused(lambda: services.child_update(actor=officer, child=child, upn="R80120019900"), "upn")
    child.refresh_from_db()
    assert child.upn == ""


# contacts ----------------------------------------------------------------------------------------------------------


def _contact_fields(**overrides):
    return {
        "full_name": "Morgan Ashdown",
        "relationship": Relationship.PARENT,
        "email": "morgan@family.example",
        **overrides,
    }


def test_contact_create_writes_one_audit_event(officer, child, audit):
    contact = services.contact_create(actor=officer, child=child, **_contact_fields())
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == ("contact.created", officer, child.council, child)
    assert event.object_id == str(contact.pk)
    assert event.after["full_name"] == "Morgan Ashdown"
    assert "user" not in event.after


def test_contact_create_puts_the_contact_in_the_childs_council(officer, child):
    contact = services.contact_create(actor=officer, child=child, **_contact_fields())
    assert contact.council_id == child.council_id


def test_contact_create_refuses_a_capacity_answer_without_the_date_it_was_assessed(officer, child, audit):
    fields = _contact_fields(has_capacity_to_consent=True)
    _refused(lambda: services.contact_create(actor=officer, child=child, **fields), "capacity_assessed_on")
    assert Contact.objects.count() == 0
    assert audit.new == []


def test_contact_create_accepts_capacity_assessed_today(officer, child):
    contact = services.contact_create(
        actor=officer, child=child, **_contact_fields(has_capacity_to_consent=True, capacity_assessed_on=today())
    )
    assert contact.capacity_assessed_on == today()


def test_contact_create_refuses_capacity_assessed_tomorrow(officer, child):
    fields = _contact_fields(has_capacity_to_consent=True, capacity_assessed_on=today() + timedelta(days=1))
    _refused(lambda: services.contact_create(actor=officer, child=child, **fields), "capacity_assessed_on")
    assert Contact.objects.count() == 0


def test_contact_create_refuses_nomination_dates_for_someone_who_is_not_a_nominee(officer, child):
    fields = _contact_fields(nominated_in_writing_on=today())
    _refused(lambda: services.contact_create(actor=officer, child=child, **fields), "relationship")
    assert Contact.objects.count() == 0


def test_contact_create_accepts_a_nominee_who_agreed_today(officer, child):
    contact = services.contact_create(
        actor=officer,
        child=child,
        **_contact_fields(
            relationship=Relationship.NOMINEE,
            nominated_in_writing_on=today() - timedelta(days=3),
            nominee_consent_on=today(),
        ),
    )
    assert contact.nominee_consent_on == today()


def test_contact_create_refuses_a_nominee_consent_date_of_tomorrow(officer, child):
    fields = _contact_fields(
        relationship=Relationship.NOMINEE,
        nominated_in_writing_on=today(),
        nominee_consent_on=today() + timedelta(days=1),
    )
    _refused(lambda: services.contact_create(actor=officer, child=child, **fields), "nominee_consent_on")
    assert Contact.objects.count() == 0


def test_contact_create_refuses_an_invalid_email_address(officer, child):
    _refused(
        lambda: services.contact_create(actor=officer, child=child, **_contact_fields(email="not-an-email")), "email"
    )
    assert Contact.objects.count() == 0


def test_contact_update_writes_one_audit_event_with_before_and_after(officer, child, audit):
    contact = ContactFactory(child=child, phone="")
    audit.mark()
    services.contact_update(actor=officer, contact=contact, phone="07700 900123")
    event = audit.one()
    assert (event.action, event.actor, event.child) == ("contact.updated", officer, child)
    assert (event.before["phone"], event.after["phone"]) == ("", "07700 900123")


def test_contact_update_records_the_drug_or_alcohol_order_as_yes_or_no_only(officer, child, audit):
    contact = ContactFactory(child=child)
    audit.mark()
    services.contact_update(actor=officer, contact=contact, drug_alcohol_order=True)
    assert audit.one().after["drug_alcohol_order"] is True


def test_contact_update_refuses_a_capacity_date_of_tomorrow_and_changes_nothing(officer, child, audit):
    contact = ContactFactory(child=child)
    audit.mark()
    _refused(
        lambda: services.contact_update(
            actor=officer,
            contact=contact,
            has_capacity_to_consent=False,
            capacity_assessed_on=today() + timedelta(days=1),
        ),
        "capacity_assessed_on",
    )
    contact.refresh_from_db()
    assert contact.has_capacity_to_consent is None
    assert audit.new == []


@pytest.mark.parametrize("role", [Role.PARENT_CARER, Role.YOUNG_PERSON, Role.NOMINEE, Role.THIRD_PARTY])
def test_contact_link_user_links_a_family_sign_in(officer, child, make_user, role, audit):
    contact = ContactFactory(child=child)
    family_user = make_user(role)
    audit.mark()
    services.contact_link_user(actor=officer, contact=contact, user=family_user)
    contact.refresh_from_db()
    assert contact.user == family_user
    event = audit.one()
    assert (event.action, event.actor, event.child) == ("contact.user_linked", officer, child)
    assert (event.before, event.after) == ({"user": None}, {"user": family_user.pk})


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.ICB_OFFICER])
def test_contact_link_user_refuses_a_staff_sign_in(officer, child, make_user, council, role, audit):
    contact = ContactFactory(child=child)
    staff = make_user(role, council=council)
    audit.mark()
    _refused(lambda: services.contact_link_user(actor=officer, contact=contact, user=staff), "user")
    contact.refresh_from_db()
    assert contact.user is None
    assert audit.new == []


def test_services_leave_one_event_per_call_in_the_childs_timeline(officer, council):
    child = services.child_create(actor=officer, council=council, **_child_fields())
    services.contact_create(actor=officer, child=child, **_contact_fields())
    services.child_update(actor=officer, child=child, last_name="Brackwell")
    actions = list(AuditEvent.objects.filter(child=child).order_by("pk").values_list("action", flat=True))
    assert actions == ["child.created", "contact.created", "child.updated"]


def test_child_update_that_changes_nothing_writes_no_audit_event(officer, child, audit):
    audit.mark()
    services.child_update(actor=officer, child=child, first_name=f" {child.first_name} ", upn=child.upn.lower())
    assert audit.new == []


def test_contact_update_that_changes_nothing_writes_no_audit_event(officer, child, audit):
    contact = services.contact_create(actor=officer, child=child, full_name="Robin Ashdown", relationship="parent")
    audit.mark()
    services.contact_update(actor=officer, contact=contact, full_name="Robin Ashdown")
    assert audit.new == []
