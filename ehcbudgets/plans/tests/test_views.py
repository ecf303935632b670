"""Plan pages: bad input shows "There is a problem" with the field's message and saves nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.dates import today
from ehcbudgets.people.tests.factories import ChildFactory, born_years_ago
from ehcbudgets.plans.models import Outcome, Plan, PlanReview, PlanStatus, ProvisionItem, ReviewDecision
from ehcbudgets.plans.tests.factories import OutcomeFactory, PlanFactory, PlanReviewFactory, ProvisionItemFactory

pytestmark = pytest.mark.django_db

PROBLEM = "There is a problem"


def _date(name: str, value) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def _counts() -> tuple[int, ...]:
    return (
        Plan.objects.count(),
        Outcome.objects.count(),
        ProvisionItem.objects.count(),
        PlanReview.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def draft(child):
    return PlanFactory(child=child)


def _url(name: str, plan, *more) -> str:
    return reverse(f"cases:{name}", args=[plan.child_id, plan.pk, *more])


def _provision_post(**overrides) -> dict:
    data = {
        "section": "F",
        "description": "Teaching assistant support in class",
        "quantity": "15",
        "unit": "hour",
        "frequency": "per_week",
        "delivered_at": "setting",
        "funding_stream": "",
    }
    data.update(overrides)
    return data


# starting a plan ----------------------------------------------------------------------------------------------------


def test_starting_a_plan_saves_it_and_returns_to_the_childs_plan(officer_client, child):
    response = officer_client.post(reverse("cases:plan_create", args=[child.pk]), {"status": PlanStatus.DRAFT})
    assert response["Location"] == reverse("cases:child", args=[child.pk]) + "#plan"
    assert child.plans.get().status == PlanStatus.DRAFT


def test_starting_a_plan_for_a_young_person_aged_25_shows_the_problem_and_saves_nothing(officer_client, council):
    young_adult = ChildFactory(
        council=council, first_name="Wren", last_name="Saltmarsh", date_of_birth=born_years_ago(25)
    )
    before = _counts()
    response = officer_client.post(reverse("cases:plan_create", args=[young_adult.pk]), {"status": PlanStatus.DRAFT})
    assert response.status_code == 200
    assert PROBLEM in response.text
    assert "Wren Saltmarsh is 25 or over, so cannot have an EHC plan" in response.text
    assert _counts() == before


def test_starting_a_second_plan_shows_the_problem_and_saves_nothing(officer_client, child, draft):
    before = _counts()
    response = officer_client.post(reverse("cases:plan_create", args=[child.pk]), {"status": PlanStatus.DRAFT})
    assert PROBLEM in response.text
    assert "already has a plan that has not ceased" in response.text
    assert _counts() == before


# outcomes -----------------------------------------------------------------------------------------------------------


def test_adding_an_outcome_saves_it(officer_client, draft):
    officer_client.post(_url("outcome_create", draft), {"text": "To travel to college independently"})
    assert draft.outcomes.get().text == "To travel to college independently"


@pytest.mark.parametrize("text", ["", "    "])
def test_adding_an_outcome_with_no_text_shows_the_problem_and_saves_nothing(officer_client, draft, text):
    before = _counts()
    response = officer_client.post(_url("outcome_create", draft), {"text": text})
    assert PROBLEM in response.text
    assert "Enter the outcome" in response.text
    assert _counts() == before


def test_adding_an_outcome_to_a_final_plan_shows_why_and_saves_nothing(officer_client, child):
    plan = PlanFactory(child=child, final=True)
    before = _counts()
    response = officer_client.post(_url("outcome_create", plan), {"text": "A new outcome"})
    assert PROBLEM in response.text
    assert "This plan is final: start a review or a re-assessment before changing it" in response.text
    assert _counts() == before


def test_changing_an_outcome_shows_its_text_and_saves_the_change(officer_client, draft):
    outcome = OutcomeFactory(plan=draft, text="To read simple texts")
    assert "To read simple texts" in officer_client.get(_url("outcome_edit", draft, outcome.pk)).text
    officer_client.post(_url("outcome_edit", draft, outcome.pk), {"text": "To read a bus timetable"})
    outcome.refresh_from_db()
    assert outcome.text == "To read a bus timetable"


# provision ----------------------------------------------------------------------------------------------------------


def test_adding_provision_saves_it_with_its_sections_funder(officer_client, draft):
    response = officer_client.post(_url("provision_create", draft), _provision_post(section="G"))
    item = draft.provision_items.get()
    assert (item.section, item.funding_stream, item.quantity) == ("G", "health", Decimal("15"))
    assert response["Location"].endswith("#section-g")


def test_adding_provision_with_a_quantity_of_0_shows_the_problem_and_saves_nothing(officer_client, draft):
    before = _counts()
    response = officer_client.post(_url("provision_create", draft), _provision_post(quantity="0"))
    assert PROBLEM in response.text
    assert "Quantity must be more than 0" in response.text
    assert _counts() == before


def test_adding_provision_with_a_quantity_of_0_01_is_accepted(officer_client, draft):
    officer_client.post(_url("provision_create", draft), _provision_post(quantity="0.01"))
    assert draft.provision_items.get().quantity == Decimal("0.01")


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0.001", "Quantity can have at most 2 decimal places"),
        ("two", "Quantity must be a number, like 2 or 1.5"),
        ("NaN", "Quantity must be a number, like 2 or 1.5"),
        ("1000000", "Quantity must be less than 1,000,000"),
    ],
)
def test_adding_provision_with_a_quantity_that_is_not_a_usable_number_shows_the_problem(
    officer_client, draft, quantity, message
):
    before = _counts()
    response = officer_client.post(_url("provision_create", draft), _provision_post(quantity=quantity))
    assert message in response.text
    assert _counts() == before


def test_adding_provision_with_a_quantity_just_under_a_million_is_accepted(officer_client, draft):
    officer_client.post(_url("provision_create", draft), _provision_post(quantity="999999.99"))
    assert draft.provision_items.get().quantity == Decimal("999999.99")


def test_provision_can_only_serve_outcomes_of_its_own_plan(officer_client, draft, council):
    foreign = OutcomeFactory(plan=PlanFactory(child=ChildFactory(council=council)))
    before = _counts()
    response = officer_client.post(_url("provision_create", draft), _provision_post(outcomes=[foreign.pk]))
    assert PROBLEM in response.text
    assert _counts() == before


def test_changing_provision_keeps_its_funder_when_none_is_chosen(officer_client, draft):
    item = ProvisionItemFactory(plan=draft, section="F", funding_stream="health")
    officer_client.post(_url("provision_edit", draft, item.pk), _provision_post(quantity="3"))
    item.refresh_from_db()
    assert (item.quantity, item.funding_stream) == (Decimal("3"), "health")


def test_removing_provision_after_confirming_deletes_it(officer_client, draft):
    item = ProvisionItemFactory(plan=draft)
    assert officer_client.get(_url("provision_delete", draft, item.pk)).status_code == 200
    assert ProvisionItem.objects.filter(pk=item.pk).exists()
    officer_client.post(_url("provision_delete", draft, item.pk))
    assert not ProvisionItem.objects.filter(pk=item.pk).exists()


def test_removing_provision_from_a_final_plan_shows_why_and_keeps_it(officer_client, child):
    plan = PlanFactory(child=child, final=True)
    item = ProvisionItemFactory(plan=plan)
    response = officer_client.post(_url("provision_delete", plan, item.pk))
    assert "This plan is final" in response.text
    assert ProvisionItem.objects.filter(pk=item.pk).exists()


# status and reviews -------------------------------------------------------------------------------------------------


def test_the_status_page_offers_only_the_moves_the_process_allows(officer_client, draft):
    response = officer_client.get(_url("plan_status", draft))
    assert 'value="final"' in response.text
    assert 'value="ceased"' in response.text
    assert 'value="under_review"' not in response.text
    assert 'value="needs_assessment"' not in response.text


def test_issuing_a_plan_through_the_status_page_records_the_issue_date(officer_client, draft):
    issued = today() - timedelta(days=5)
    officer_client.post(_url("plan_status", draft), {"status": "final", **_date("on", issued)})
    draft.refresh_from_db()
    assert (draft.status, draft.issued_on) == (PlanStatus.FINAL, issued)


def test_ceasing_a_plan_without_a_reason_shows_the_problem_and_changes_nothing(officer_client, draft):
    before = _counts()
    response = officer_client.post(_url("plan_status", draft), {"status": "ceased", **_date("on", today())})
    assert "Enter the reason the plan is ceasing" in response.text
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    assert _counts() == before


def test_recording_a_review_meeting_tomorrow_shows_the_problem_and_saves_nothing(officer_client, child):
    plan = PlanFactory(child=child, final=True)
    before = _counts()
    response = officer_client.post(_url("review_create", plan), _date("meeting_date", today() + timedelta(days=1)))
    assert PROBLEM in response.text
    assert "The meeting date must be today or in the past" in response.text
    assert _counts() == before


def test_recording_a_review_meeting_puts_the_plan_under_review(officer_client, child):
    plan = PlanFactory(child=child, final=True)
    officer_client.post(_url("review_create", plan), _date("meeting_date", today()))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW


def test_the_decision_page_says_when_the_decision_is_due(officer_client, child):
    review = PlanReviewFactory(plan__child=child, meeting_date=today() - timedelta(days=10))
    response = officer_client.get(_url("review_decide", review.plan, review.pk))
    due = review.meeting_date + timedelta(days=28)
    assert f"The decision is due by {due.day} {due:%B %Y}." in response.text


def test_recording_a_review_decision_moves_the_plan_on(officer_client, child):
    review = PlanReviewFactory(plan__child=child)
    officer_client.post(
        _url("review_decide", review.plan, review.pk),
        {"decision": ReviewDecision.MAINTAIN, **_date("decided_on", today())},
    )
    review.refresh_from_db()
    review.plan.refresh_from_db()
    assert (review.decision, review.plan.status) == ("maintain", PlanStatus.FINAL)


def test_a_second_review_decision_shows_the_problem_and_keeps_the_first(officer_client, child):
    review = PlanReviewFactory(plan__child=child, decision="amend", decision_issued_on=today())
    response = officer_client.post(
        _url("review_decide", review.plan, review.pk),
        {"decision": ReviewDecision.CEASE, "reason": "x", **_date("decided_on", today())},
    )
    assert "A decision has already been recorded for this review" in response.text
    review.refresh_from_db()
    assert review.decision == "amend"
