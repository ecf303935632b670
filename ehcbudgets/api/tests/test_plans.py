"""Plans, outcomes, provision and reviews through the API."""

from datetime import date, timedelta

from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.dates import today
from ehcbudgets.plans.models import Outcome, Plan, PlanReview, PlanStatus, ProvisionItem

from .conftest import error_fields, problem_of

NEW_PROVISION = {
    "section": "F",
    "description": "Specialist literacy tuition",
    "quantity": "2",
    "unit": "hour",
    "frequency": "per_week",
    "delivered_at": "community",
}


# Plans


def test_list_a_childs_plans(api, plan):
    body = api.get(f"/children/{plan.child_id}/plans").json()

    assert [item["id"] for item in body["items"]] == [plan.pk]
    assert body["items"][0]["status"] == "draft"
    assert body["items"][0]["is_editable"] is True


def test_start_a_plan(api, other_child):
    response = api.post(f"/children/{other_child.pk}/plans", {"status": "draft"})

    assert response.status_code == 201
    plan = Plan.objects.get(pk=response.json()["id"])
    assert (plan.child, plan.status) == (other_child, PlanStatus.DRAFT)


def test_a_new_plan_starts_at_needs_assessment_by_default(api, other_child):
    assert api.post(f"/children/{other_child.pk}/plans", {}).json()["status"] == "needs_assessment"


def test_a_second_open_plan_is_refused(api, plan):
    assert error_fields(api.post(f"/children/{plan.child_id}/plans", {})) == {"child"}
    assert Plan.objects.filter(child_id=plan.child_id).count() == 1


def test_a_plan_for_a_25_year_old_is_a_field_error_and_saves_nothing(api, officer):
    born = date(today().year - 26, 1, 1)
    response = api.post(
        "/children",
        {"first_name": "Eli", "last_name": "Elderby", "date_of_birth": born.isoformat(), "council_reference": "E1"},
    )
    child_id = response.json()["id"]

    response = api.post(f"/children/{child_id}/plans", {})

    assert error_fields(response) == {"child"}
    assert "25" in response.json()["errors"][0]["message"]
    assert not Plan.objects.filter(child_id=child_id).exists()
    assert not AuditEvent.objects.filter(action="plan.created", child_id=child_id).exists()


def test_get_plan_has_outcomes_provision_and_review_dates(api, plan, outcome, education_item, health_item):
    response = api.get(f"/plans/{plan.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["child_id"] == plan.child_id
    assert [o["id"] for o in body["outcomes"]] == [outcome.pk]
    assert {p["id"] for p in body["provision"]} == {education_item.pk, health_item.pk}
    health = next(p for p in body["provision"] if p["id"] == health_item.pk)
    assert health["quantity"] == "1.50"
    assert health["funding_stream"] == "health"
    assert health["outcomes"] == [outcome.pk]
    assert set(body["review_dates"]) == {
        "annual_review_due",
        "under_five_review_due",
        "pending_decision_due",
        "next_due",
    }


def test_review_dates_of_a_final_plan_are_iso_dates(api, final_plan):
    body = api.get(f"/plans/{final_plan.pk}").json()

    assert body["issued_on"] == (today() - timedelta(days=60)).isoformat()
    assert body["review_dates"]["annual_review_due"] == body["review_dates"]["next_due"]
    assert body["review_dates"]["next_due"] > today().isoformat()


def test_another_councils_plan_is_not_found(api, plan_b):
    problem_of(api.get(f"/plans/{plan_b.pk}"), 404)
    problem_of(api.get(f"/children/{plan_b.child_id}/plans"), 404)
    problem_of(api.post(f"/plans/{plan_b.pk}/outcomes", {"text": "Sneaky"}), 404)
    problem_of(api.post(f"/plans/{plan_b.pk}/status", {"status": "final"}), 404)
    assert not Outcome.objects.filter(text="Sneaky").exists()


def test_an_icb_officer_sees_only_health_provision(api_as, icb_officer, plan, health_item):
    icb = api_as(icb_officer)

    detail = icb.get(f"/plans/{plan.pk}").json()
    listed = icb.get(f"/plans/{plan.pk}/provision").json()

    assert [p["id"] for p in detail["provision"]] == [health_item.pk]
    assert [p["id"] for p in listed["items"]] == [health_item.pk]


def test_an_icb_officer_does_not_see_another_icbs_plans(api_as, icb_officer, plan_b):
    problem_of(api_as(icb_officer).get(f"/plans/{plan_b.pk}"), 404)


def test_a_family_reads_its_own_childs_plan(api_as, parent, plan, other_child, officer):
    from ehcbudgets.plans.services import plan_create

    other_plan = plan_create(actor=officer, child=other_child)
    family = api_as(parent)

    assert family.get(f"/plans/{plan.pk}").status_code == 200
    assert family.get(f"/plans/{plan.pk}/outcomes").status_code == 200
    assert family.get(f"/plans/{plan.pk}/provision").json()["count"] == 2
    problem_of(family.get(f"/plans/{other_plan.pk}"), 404)


def test_a_family_cannot_change_a_plan(api_as, parent, plan, outcome, education_item):
    family = api_as(parent)

    problem_of(family.post(f"/plans/{plan.pk}/status", {"status": "final"}), 403)
    problem_of(family.post(f"/plans/{plan.pk}/outcomes", {"text": "New"}), 403)
    problem_of(family.patch(f"/plans/{plan.pk}/outcomes/{outcome.pk}", {"text": "New"}), 403)
    problem_of(family.delete(f"/plans/{plan.pk}/provision/{education_item.pk}"), 403)
    problem_of(family.post(f"/plans/{plan.pk}/reviews", {"meeting_date": today().isoformat()}), 403)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert ProvisionItem.objects.filter(pk=education_item.pk).exists()


def test_a_family_cannot_see_review_notes(api_as, parent, plan):
    problem_of(api_as(parent).get(f"/plans/{plan.pk}/reviews"), 403)


def test_set_plan_status_to_final_issues_the_plan(api, plan):
    response = api.post(f"/plans/{plan.pk}/status", {"status": "final"})

    assert response.status_code == 200
    assert response.json()["status"] == "final"
    assert response.json()["issued_on"] == today().isoformat()


def test_a_move_the_process_does_not_allow_names_the_status(api, plan):
    assert error_fields(api.post(f"/plans/{plan.pk}/status", {"status": "under_review"})) == {"status"}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_ceasing_without_a_reason_names_the_reason(api, plan):
    assert error_fields(api.post(f"/plans/{plan.pk}/status", {"status": "ceased"})) == {"reason"}


def test_a_panel_member_cannot_move_a_plan(api_as, panel_member, plan):
    problem_of(api_as(panel_member).post(f"/plans/{plan.pk}/status", {"status": "final"}), 403)


# Outcomes


def test_list_outcomes(api, plan, outcome):
    body = api.get(f"/plans/{plan.pk}/outcomes").json()

    assert [(o["id"], o["text"]) for o in body["items"]] == [(outcome.pk, outcome.text)]


def test_create_outcome(api, plan):
    response = api.post(f"/plans/{plan.pk}/outcomes", {"text": "To travel to college alone", "by_when": "2027-07-31"})

    assert response.status_code == 201
    assert response.json()["by_when"] == "2027-07-31"
    assert plan.outcomes.filter(text="To travel to college alone").exists()


def test_an_empty_outcome_is_a_field_error_and_saves_nothing(api, plan, outcome):
    response = api.post(f"/plans/{plan.pk}/outcomes", {"text": "   "})

    assert error_fields(response) == {"text"}
    assert list(plan.outcomes.all()) == [outcome]


def test_a_panel_member_cannot_add_an_outcome(api_as, panel_member, plan):
    problem_of(api_as(panel_member).post(f"/plans/{plan.pk}/outcomes", {"text": "New"}), 403)


def test_patch_outcome(api, plan, outcome):
    response = api.patch(f"/plans/{plan.pk}/outcomes/{outcome.pk}", {"by_when": "2027-01-31"})

    assert response.status_code == 200
    outcome.refresh_from_db()
    assert outcome.by_when.isoformat() == "2027-01-31"
    assert outcome.text == "To read simple texts independently"


def test_an_outcome_of_another_plan_is_not_found(api, plan, plan_b):
    other = plan_b.outcomes.get()

    problem_of(api.patch(f"/plans/{plan.pk}/outcomes/{other.pk}", {"text": "X"}), 404)


def test_a_final_plans_outcomes_cannot_change(api, final_plan, outcome):
    response = api.patch(f"/plans/{final_plan.pk}/outcomes/{outcome.pk}", {"text": "Changed"})

    assert error_fields(response) == {None}
    outcome.refresh_from_db()
    assert outcome.text != "Changed"


# Provision


def test_list_provision(api, plan, education_item, health_item):
    body = api.get(f"/plans/{plan.pk}/provision").json()

    assert [p["section"] for p in body["items"]] == ["F", "G"]
    assert body["items"][0]["quantity"] == "15.00"
    assert body["items"][0]["amount_text"] == "15 hours per week"


def test_create_provision_links_outcomes_and_defaults_the_funding_stream(api, plan, outcome):
    response = api.post(f"/plans/{plan.pk}/provision", {**NEW_PROVISION, "outcomes": [outcome.pk]})

    assert response.status_code == 201
    body = response.json()
    assert body["quantity"] == "2.00"
    assert body["funding_stream"] == "education"
    assert body["outcomes"] == [outcome.pk]
    item = ProvisionItem.objects.get(pk=body["id"])
    assert list(item.outcomes.all()) == [outcome]


def test_quantity_zero_is_a_field_error_and_saves_nothing(api, plan):
    before = ProvisionItem.objects.count()

    response = api.post(f"/plans/{plan.pk}/provision", {**NEW_PROVISION, "quantity": "0"})

    assert error_fields(response) == {"quantity"}
    assert ProvisionItem.objects.count() == before


def test_an_unknown_unit_and_section_are_field_errors(api, plan):
    response = api.post(f"/plans/{plan.pk}/provision", {**NEW_PROVISION, "unit": "fortnight", "section": "Z"})

    assert error_fields(response) == {"unit", "section"}


def test_outcomes_of_another_plan_are_a_field_error(api, plan, plan_b):
    before = ProvisionItem.objects.count()
    foreign = plan_b.outcomes.get()

    response = api.post(f"/plans/{plan.pk}/provision", {**NEW_PROVISION, "outcomes": [foreign.pk]})

    assert error_fields(response) == {"outcomes"}
    assert ProvisionItem.objects.count() == before


def test_patch_provision(api, plan, education_item, outcome):
    response = api.patch(f"/plans/{plan.pk}/provision/{education_item.pk}", {"quantity": 10, "outcomes": []})

    assert response.status_code == 200
    assert response.json()["quantity"] == "10.00"
    assert response.json()["outcomes"] == []
    education_item.refresh_from_db()
    assert education_item.description == "Teaching assistant support in class"
    assert not education_item.outcomes.exists()


def test_patch_provision_keeps_outcomes_when_left_out(api, plan, education_item, outcome):
    api.patch(f"/plans/{plan.pk}/provision/{education_item.pk}", {"description": "TA support"})

    assert list(education_item.outcomes.all()) == [outcome]


def test_patch_provision_with_another_plans_outcome_changes_nothing(api, plan, plan_b, education_item, outcome):
    foreign = plan_b.outcomes.get()

    response = api.patch(
        f"/plans/{plan.pk}/provision/{education_item.pk}", {"quantity": "3", "outcomes": [outcome.pk, foreign.pk]}
    )

    assert error_fields(response) == {"outcomes"}
    education_item.refresh_from_db()
    assert education_item.quantity == 15


def test_delete_provision(api, plan, education_item):
    response = api.delete(f"/plans/{plan.pk}/provision/{education_item.pk}")

    assert response.status_code == 204
    assert not ProvisionItem.objects.filter(pk=education_item.pk).exists()
    assert AuditEvent.objects.filter(action="provision.removed", object_id=str(education_item.pk)).exists()


def test_provision_of_another_councils_plan_is_not_found(api, plan, plan_b):
    foreign = plan_b.provision_items.first()

    problem_of(api.delete(f"/plans/{plan.pk}/provision/{foreign.pk}"), 404)
    problem_of(api.delete(f"/plans/{plan_b.pk}/provision/{foreign.pk}"), 404)
    assert ProvisionItem.objects.filter(pk=foreign.pk).exists()


# Reviews


def test_record_a_review_and_its_decision(api, final_plan):
    meeting = (today() - timedelta(days=10)).isoformat()

    recorded = api.post(f"/plans/{final_plan.pk}/reviews", {"meeting_date": meeting, "notes": "Going well"})

    assert recorded.status_code == 201
    review = recorded.json()
    assert (review["meeting_date"], review["decision"]) == (meeting, None)
    assert api.get(f"/plans/{final_plan.pk}").json()["status"] == "under_review"

    listed = api.get(f"/plans/{final_plan.pk}/reviews").json()
    assert [r["id"] for r in listed["items"]] == [review["id"]]

    decided = api.post(f"/plans/{final_plan.pk}/reviews/{review['id']}/decision", {"decision": "maintain"})

    assert decided.status_code == 200
    assert decided.json()["decision"] == "maintain"
    assert decided.json()["decision_issued_on"] == today().isoformat()
    assert api.get(f"/plans/{final_plan.pk}").json()["status"] == "final"


def test_a_review_of_a_draft_plan_names_the_meeting_date(api, plan):
    response = api.post(f"/plans/{plan.pk}/reviews", {"meeting_date": today().isoformat()})

    assert error_fields(response) == {"meeting_date"}
    assert not PlanReview.objects.exists()


def test_an_unknown_decision_is_a_field_error(api, final_plan, officer):
    from ehcbudgets.plans.services import plan_review_record

    review = plan_review_record(actor=officer, plan=final_plan, meeting_date=today())

    response = api.post(f"/plans/{final_plan.pk}/reviews/{review.pk}/decision", {"decision": "shrug"})

    assert error_fields(response) == {"decision"}


def test_a_panel_member_cannot_record_a_review(api_as, panel_member, final_plan):
    problem_of(api_as(panel_member).post(f"/plans/{final_plan.pk}/reviews", {"meeting_date": today().isoformat()}), 403)
