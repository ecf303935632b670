"""Children and contacts through the API: the pages' permissions, scope and validation, as problem+json."""

from datetime import timedelta

from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.dates import today
from ehcbudgets.people.models import Child, Contact

from .conftest import error_fields, problem_of

NEW_CHILD = {
    "first_name": "Dara",
    "last_name": "Dunmore",
    "date_of_birth": "2016-05-04",
    "council_reference": "BW-0042",
    "upn": "",
}


# Reading children


def test_list_children_shows_the_councils_children_only(api, child, other_child, child_b):
    response = api.get("/children")

    assert response.status_code == 200
    body = response.json()
    assert {item["id"] for item in body["items"]} == {child.pk, other_child.pk}
    assert body["count"] == 2
    assert body["items"][0]["council"]["code"] == "brightwater"


def test_list_children_searches_by_name(api, child, other_child):
    body = api.get("/children", q="brack").json()

    assert [item["id"] for item in body["items"]] == [other_child.pk]


def test_list_children_filters_by_plan_status(api, plan, other_child):
    drafts = api.get("/children", plan_status="draft").json()
    without_plan = api.get("/children", plan_status="none").json()

    assert [item["id"] for item in drafts["items"]] == [plan.child_id]
    assert [item["id"] for item in without_plan["items"]] == [other_child.pk]


def test_an_unknown_plan_status_filter_is_a_field_error(api, child):
    assert error_fields(api.get("/children", plan_status="lost")) == {"plan_status"}


def test_get_child(api, child):
    response = api.get(f"/children/{child.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Ada Ashdown"
    assert body["date_of_birth"] == child.date_of_birth.isoformat()


def test_another_councils_child_is_not_found(api, child_b):
    problem_of(api.get(f"/children/{child_b.pk}"), 404)
    problem_of(api.patch(f"/children/{child_b.pk}", {"first_name": "X"}), 404)
    problem_of(api.get(f"/children/{child_b.pk}/contacts"), 404)


def test_a_child_that_does_not_exist_is_not_found(api, child):
    problem_of(api.get("/children/999999"), 404)


# Families


def test_a_family_token_sees_only_its_own_child(api_as, parent, child, other_child, child_b):
    family = api_as(parent)

    listed = family.get("/children").json()

    assert [item["id"] for item in listed["items"]] == [child.pk]
    assert family.get(f"/children/{child.pk}").status_code == 200
    problem_of(family.get(f"/children/{other_child.pk}"), 404)
    problem_of(family.get(f"/children/{child_b.pk}"), 404)


def test_a_parent_cannot_write(api_as, parent, child):
    family = api_as(parent)

    problem_of(family.post("/children", NEW_CHILD), 403)
    problem_of(family.patch(f"/children/{child.pk}", {"first_name": "Changed"}), 403)
    problem_of(family.post(f"/children/{child.pk}/contacts", {"full_name": "X", "relationship": "carer"}), 403)
    child.refresh_from_db()
    assert child.first_name == "Ada"


def test_a_family_cannot_see_contacts(api_as, parent, child):
    problem_of(api_as(parent).get(f"/children/{child.pk}/contacts"), 403)


# Creating and changing children


def test_create_child(api, officer):
    response = api.post("/children", NEW_CHILD)

    assert response.status_code == 201
    body = response.json()
    child = Child.objects.get(pk=body["id"])
    assert child.council == officer.council
    assert body["council_reference"] == "BW-0042"
    assert AuditEvent.objects.filter(action="child.created", object_id=str(child.pk), actor=officer).exists()


def test_a_panel_member_cannot_add_a_child(api_as, panel_member):
    problem_of(api_as(panel_member).post("/children", NEW_CHILD), 403)
    assert not Child.objects.exists()


def test_an_icb_officer_cannot_add_a_child(api_as, icb_officer):
    problem_of(api_as(icb_officer).post("/children", NEW_CHILD), 403)


def test_a_future_date_of_birth_is_a_field_error_and_saves_nothing(api, council_a):
    tomorrow = (today() + timedelta(days=1)).isoformat()

    response = api.post("/children", {**NEW_CHILD, "date_of_birth": tomorrow})

    assert error_fields(response) == {"date_of_birth"}
    assert not Child.objects.exists()
    assert not AuditEvent.objects.filter(action="child.created").exists()


def test_missing_and_malformed_fields_are_each_named(api, council_a):
    response = api.post("/children", {"first_name": "Dara", "date_of_birth": "4 May 2016", "shoe_size": 3})

    assert error_fields(response) == {"last_name", "council_reference", "date_of_birth", "shoe_size"}
    assert not Child.objects.exists()


def test_blank_names_are_field_errors(api, council_a):
    response = api.post("/children", {**NEW_CHILD, "first_name": "  ", "last_name": ""})

    assert error_fields(response) == {"first_name", "last_name"}


def test_a_duplicate_reference_is_refused(api, child):
    response = api.post("/children", {**NEW_CHILD, "council_reference": child.council_reference})

    problem_of(response, 422)
    assert Child.objects.filter(council_reference=child.council_reference).count() == 1


def test_a_body_that_is_not_json_is_a_bad_request(api, council_a):
    response = api.client.post("/api/v1/children", "{not json", content_type="application/json")

    problem_of(response, 400)


def test_patch_child_changes_only_what_was_sent(api, child):
    response = api.patch(f"/children/{child.pk}", {"first_name": "Adele"})

    assert response.status_code == 200
    child.refresh_from_db()
    assert (child.first_name, child.last_name) == ("Adele", "Ashdown")
    assert response.json()["first_name"] == "Adele"


def test_patch_child_refuses_null_for_a_required_field(api, child):
    assert error_fields(api.patch(f"/children/{child.pk}", {"first_name": None})) == {"first_name"}
    child.refresh_from_db()
    assert child.first_name == "Ada"


def test_patch_child_with_a_future_date_of_birth_changes_nothing(api, child):
    born = child.date_of_birth
    tomorrow = (today() + timedelta(days=1)).isoformat()

    response = api.patch(f"/children/{child.pk}", {"first_name": "Adele", "date_of_birth": tomorrow})

    assert error_fields(response) == {"date_of_birth"}
    child.refresh_from_db()
    assert (child.first_name, child.date_of_birth) == ("Ada", born)


# Contacts


def test_list_contacts(api, child):
    body = api.get(f"/children/{child.pk}/contacts").json()

    assert [item["full_name"] for item in body["items"]] == ["Morgan Ashdown"]
    assert body["items"][0]["relationship"] == "parent"


def test_an_icb_officer_is_refused_contacts(api_as, icb_officer, plan):
    """The child page hides contacts from ICB officers; the API refuses them (403) rather than show an empty list."""
    problem_of(api_as(icb_officer).get(f"/children/{plan.child_id}/contacts"), 403)


def test_create_contact(api, child):
    response = api.post(
        f"/children/{child.pk}/contacts",
        {"full_name": "Sam Ashdown", "relationship": "carer", "phone": "01632 960000", "drug_alcohol_order": False},
    )

    assert response.status_code == 201
    contact = Contact.objects.get(pk=response.json()["id"])
    assert (contact.child, contact.relationship) == (child, "carer")


def test_a_contact_with_an_unknown_relationship_is_a_field_error(api, child):
    response = api.post(f"/children/{child.pk}/contacts", {"full_name": "Sam", "relationship": "uncle"})

    assert error_fields(response) == {"relationship"}


def test_a_contact_rule_broken_names_its_field_and_saves_nothing(api, child):
    before = Contact.objects.count()

    response = api.post(
        f"/children/{child.pk}/contacts",
        {"full_name": "Sam", "relationship": "carer", "nominated_in_writing_on": "2024-01-01"},
    )

    assert error_fields(response) == {"relationship"}
    assert Contact.objects.count() == before


def test_patch_contact(api, child):
    contact = child.contacts.get()

    response = api.patch(
        f"/children/{child.pk}/contacts/{contact.pk}",
        {"has_capacity_to_consent": True, "capacity_assessed_on": today().isoformat()},
    )

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.has_capacity_to_consent is True
    assert contact.full_name == "Morgan Ashdown"


def test_a_contact_of_another_child_is_not_found(api, child, other_child):
    contact = child.contacts.get()

    problem_of(api.patch(f"/children/{other_child.pk}/contacts/{contact.pk}", {"full_name": "X"}), 404)


def test_a_panel_member_cannot_change_a_contact(api_as, panel_member, child):
    contact = child.contacts.get()

    problem_of(api_as(panel_member).patch(f"/children/{child.pk}/contacts/{contact.pk}", {"full_name": "X"}), 403)


def test_a_nul_character_in_json_text_is_a_field_error_and_nothing_is_made(api, council_a):
    """PostgreSQL cannot store U+0000: every input schema refuses it as the field's error (422), on every database."""
    response = api.post("/children", {**NEW_CHILD, "first_name": "Da\u0000ra"})

    assert error_fields(response) == {"first_name"}
    assert not Child.objects.exists()


def test_a_nul_character_in_the_query_string_is_refused_with_400(api, council_a):
    """A search with %00 is refused before any view runs (PostgreSQL could not compare it): a problem, not a 500."""
    body = problem_of(api.get("/children", q="Da\u0000ra"), 400)

    assert "NUL" in body["detail"]
