"""Changes to plans, outcomes, provision and reviews: one audit event each; refusals name the field, save nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ehcbudgets.core.dates import today
from ehcbudgets.people.tests.factories import ChildFactory
from ehcbudgets.plans import services
from ehcbudgets.plans.models import Outcome, Plan, PlanReview, PlanStatus, ProvisionItem, ReviewDecision

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _refused(call, field: str | None = None) -> ValidationError:
    """Runs a service that must refuse; checks the error names the field (None: a message for the whole form)."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        assert not hasattr(error, "error_dict"), error
    else:
        assert field in error.message_dict, error.message_dict
    return error


@pytest.fixture
def draft(officer, child):
    return services.plan_create(actor=officer, child=child, status=PlanStatus.DRAFT)


@pytest.fixture
def outcome(officer, draft):
    return services.outcome_create(actor=officer, plan=draft, text="To read simple texts independently")


def _provision(**overrides):
    fields = {
        "section": "F",
        "description": "Teaching assistant support in class",
        "quantity": Decimal("15"),
        "unit": "hour",
        "frequency": "per_week",
        "delivered_at": "setting",
    }
    return {**fields, **overrides}


ISSUED = today() - timedelta(days=400)


@pytest.fixture
def final(officer, draft, outcome):
    services.provision_create(actor=officer, plan=draft, outcomes=[outcome], **_provision())
    return services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.FINAL, on=ISSUED)


@pytest.fixture
def review(officer, final):
    return services.plan_review_record(actor=officer, plan=final, meeting_date=today() - timedelta(days=40))


# plan_create ------------------------------------------------------------------------------------------------------


def test_plan_create_starts_at_needs_assessment_by_default(officer, child):
    plan = services.plan_create(actor=officer, child=child)
    assert (plan.status, plan.council, plan.issued_on) == (PlanStatus.NEEDS_ASSESSMENT, child.council, None)


def test_plan_create_writes_one_audit_event(officer, child, audit):
    plan = services.plan_create(actor=officer, child=child, status=PlanStatus.DRAFT)
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == ("plan.created", officer, child.council, child)
    assert (event.object_type, event.object_id) == ("plans.plan", str(plan.pk))
    assert (event.before, event.after) == (None, {"status": "draft"})


def test_plan_create_refuses_to_start_a_plan_as_final(officer, child, audit):
    _refused(lambda: services.plan_create(actor=officer, child=child, status=PlanStatus.FINAL), "status")
    assert Plan.objects.count() == 0
    assert audit.new == []


def test_plan_create_allows_a_plan_the_day_before_the_25th_birthday(officer, council):
    young_adult = ChildFactory(council=council, date_of_birth=date(2000, 6, 15))
    plan = services.plan_create(actor=officer, child=young_adult, on=date(2025, 6, 14))
    assert plan.pk is not None


def test_plan_create_refuses_a_plan_on_the_25th_birthday(officer, council, audit):
    young_adult = ChildFactory(council=council, date_of_birth=date(2000, 6, 15))
    audit.mark()
    error = _refused(lambda: services.plan_create(actor=officer, child=young_adult, on=date(2025, 6, 15)), "child")
    assert "25th birthday 15 June 2025" in error.message_dict["child"][0]
    assert Plan.objects.count() == 0
    assert audit.new == []


def test_plan_create_refuses_a_second_open_plan(officer, child, draft, audit):
    _refused(lambda: services.plan_create(actor=officer, child=child), "child")
    assert Plan.objects.filter(child=child).count() == 1
    assert audit.new == []


def test_plan_create_allows_a_new_plan_once_the_old_one_has_ceased(officer, child, draft):
    services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.CEASED, reason="Moved away, then back")
    services.plan_create(actor=officer, child=child)
    assert Plan.objects.filter(child=child).count() == 2


# plan_set_status ---------------------------------------------------------------------------------------------------


def test_moving_a_draft_to_final_sets_the_issue_date(officer, draft):
    plan = services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.FINAL, on=ISSUED)
    plan.refresh_from_db()
    assert (plan.status, plan.issued_on) == (PlanStatus.FINAL, ISSUED)


def test_moving_to_final_without_a_date_issues_the_plan_today(officer, draft):
    plan = services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.FINAL)
    assert plan.issued_on == today()


def test_plan_set_status_writes_one_audit_event_with_before_and_after(officer, draft, audit):
    services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.FINAL, on=ISSUED)
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == (
        "plan.status_changed",
        officer,
        draft.council,
        draft.child,
    )
    assert event.before == {"status": "draft", "issued_on": None}
    assert event.after == {"status": "final", "issued_on": ISSUED.isoformat(), "reason": ""}


def test_the_issue_date_is_set_once_and_kept_through_a_reassessment(officer, draft):
    services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.FINAL, on=ISSUED)
    services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.UNDER_REASSESSMENT, on=ISSUED + DAY * 100)
    plan = services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.FINAL, on=ISSUED + DAY * 150)
    assert plan.issued_on == ISSUED


def test_plan_set_status_refuses_a_move_the_process_does_not_allow(officer, draft, audit):
    error = _refused(
        lambda: services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.UNDER_REVIEW), "status"
    )
    assert error.message_dict["status"] == ["A plan cannot move from draft to under review"]
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    assert audit.new == []


def test_plan_set_status_refuses_an_unknown_status(officer, draft):
    _refused(lambda: services.plan_set_status(actor=officer, plan=draft, status="withdrawn"), "status")


def test_plan_set_status_accepts_today(officer, draft):
    plan = services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.FINAL, on=today())
    assert plan.issued_on == today()


def test_plan_set_status_refuses_tomorrow(officer, draft, audit):
    _refused(
        lambda: services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.FINAL, on=today() + DAY), "on"
    )
    draft.refresh_from_db()
    assert (draft.status, draft.issued_on) == (PlanStatus.DRAFT, None)
    assert audit.new == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_ceasing_a_plan_needs_a_reason(officer, draft, reason, audit):
    _refused(
        lambda: services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.CEASED, reason=reason), "reason"
    )
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    assert audit.new == []


def test_ceasing_a_plan_records_the_date_and_reason(officer, draft):
    plan = services.plan_set_status(
        actor=officer, plan=draft, status=PlanStatus.CEASED, on=today() - DAY, reason="  Moved to another council  "
    )
    assert (plan.ceased_on, plan.ceased_reason) == (today() - DAY, "Moved to another council")


def test_a_ceased_plan_cannot_move_again(officer, draft):
    services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.CEASED, reason="Moved away")
    _refused(lambda: services.plan_set_status(actor=officer, plan=draft, status=PlanStatus.DRAFT), "status")


def test_a_plan_can_be_issued_the_day_before_the_25th_birthday(officer, council):
    young_adult = ChildFactory(council=council, date_of_birth=date(2000, 6, 15))
    plan = services.plan_create(actor=officer, child=young_adult, status=PlanStatus.DRAFT, on=date(2025, 6, 1))
    plan = services.plan_set_status(actor=officer, plan=plan, status=PlanStatus.FINAL, on=date(2025, 6, 14))
    assert plan.issued_on == date(2025, 6, 14)


def test_a_plan_cannot_be_issued_on_the_25th_birthday(officer, council):
    young_adult = ChildFactory(council=council, date_of_birth=date(2000, 6, 15))
    plan = services.plan_create(actor=officer, child=young_adult, status=PlanStatus.DRAFT, on=date(2025, 6, 1))
    _refused(
        lambda: services.plan_set_status(actor=officer, plan=plan, status=PlanStatus.FINAL, on=date(2025, 6, 15)),
        "status",
    )
    plan.refresh_from_db()
    assert plan.issued_on is None


# outcomes ---------------------------------------------------------------------------------------------------------


def test_outcome_create_writes_one_audit_event(officer, draft, audit):
    outcome = services.outcome_create(actor=officer, plan=draft, text="To make a friend at an after-school club")
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == (
        "outcome.created",
        officer,
        draft.council,
        draft.child,
    )
    assert (event.object_type, event.object_id) == ("plans.outcome", str(outcome.pk))
    assert event.after["text"] == "To make a friend at an after-school club"


@pytest.mark.parametrize("text", ["", "   ", None])
def test_outcome_create_refuses_an_empty_outcome(officer, draft, text, audit):
    _refused(lambda: services.outcome_create(actor=officer, plan=draft, text=text), "text")
    assert Outcome.objects.count() == 0
    assert audit.new == []


def test_outcome_create_refuses_to_change_a_final_plan(officer, final, audit):
    error = _refused(lambda: services.outcome_create(actor=officer, plan=final, text="A new outcome"))
    assert error.messages == ["This plan is final: start a review or a re-assessment before changing it"]
    assert Outcome.objects.filter(plan=final).count() == 1
    assert audit.new == []


def test_outcome_update_writes_one_audit_event_with_before_and_after(officer, outcome, audit):
    services.outcome_update(actor=officer, outcome=outcome, text="To read a bus timetable")
    event = audit.one()
    assert event.action == "outcome.updated"
    assert (event.before["text"], event.after["text"]) == (
        "To read simple texts independently",
        "To read a bus timetable",
    )


def test_outcome_update_refuses_to_change_a_final_plan(officer, final):
    outcome = final.outcomes.get()
    _refused(lambda: services.outcome_update(actor=officer, outcome=outcome, text="Changed"))
    outcome.refresh_from_db()
    assert outcome.text == "To read simple texts independently"


def test_outcome_update_refuses_an_empty_outcome(officer, outcome):
    _refused(lambda: services.outcome_update(actor=officer, outcome=outcome, text="  "), "text")
    outcome.refresh_from_db()
    assert outcome.text == "To read simple texts independently"


def test_an_outcome_can_change_again_once_the_plan_is_under_review(officer, final, review):
    outcome = final.outcomes.get()
    services.outcome_update(actor=officer, outcome=outcome, text="To read a bus timetable")
    outcome.refresh_from_db()
    assert outcome.text == "To read a bus timetable"


# provision --------------------------------------------------------------------------------------------------------


def test_provision_create_writes_one_audit_event(officer, draft, audit):
    item = services.provision_create(actor=officer, plan=draft, **_provision())
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == (
        "provision.created",
        officer,
        draft.council,
        draft.child,
    )
    assert (event.object_type, event.object_id) == ("plans.provisionitem", str(item.pk))
    assert Decimal(event.after["quantity"]) == Decimal("15")


def test_provision_create_refuses_a_quantity_of_0(officer, draft, audit):
    _refused(
        lambda: services.provision_create(actor=officer, plan=draft, **_provision(quantity=Decimal("0"))), "quantity"
    )
    assert ProvisionItem.objects.count() == 0
    assert audit.new == []


def test_provision_create_accepts_a_quantity_of_one_penny_worth(officer, draft):
    item = services.provision_create(actor=officer, plan=draft, **_provision(quantity=Decimal("0.01")))
    assert ProvisionItem.objects.get(pk=item.pk).quantity == Decimal("0.01")


def test_provision_create_refuses_a_negative_quantity(officer, draft):
    _refused(
        lambda: services.provision_create(actor=officer, plan=draft, **_provision(quantity=Decimal("-1"))), "quantity"
    )
    assert ProvisionItem.objects.count() == 0


@pytest.mark.parametrize(
    ("section", "stream"), [("F", "education"), ("G", "health"), ("H1", "social_care"), ("H2", "social_care")]
)
def test_provision_is_funded_by_its_sections_usual_funder_when_none_is_given(officer, draft, section, stream):
    item = services.provision_create(actor=officer, plan=draft, **_provision(section=section))
    assert item.funding_stream == stream


def test_provision_keeps_a_funding_stream_that_is_given(officer, draft):
    item = services.provision_create(actor=officer, plan=draft, **_provision(section="F", funding_stream="health"))
    assert item.funding_stream == "health"


def test_provision_create_links_the_outcomes_it_serves(officer, draft, outcome):
    item = services.provision_create(actor=officer, plan=draft, outcomes=[outcome], **_provision())
    assert list(item.outcomes.all()) == [outcome]


def test_provision_create_refuses_outcomes_of_another_plan(officer, draft, council, audit):
    other_plan = services.plan_create(actor=officer, child=ChildFactory(council=council), status=PlanStatus.DRAFT)
    foreign = services.outcome_create(actor=officer, plan=other_plan, text="Another child's outcome")
    audit.mark()
    _refused(
        lambda: services.provision_create(actor=officer, plan=draft, outcomes=[foreign], **_provision()), "outcomes"
    )
    assert ProvisionItem.objects.count() == 0
    assert audit.new == []


def test_provision_create_refuses_to_change_a_final_plan(officer, final):
    _refused(lambda: services.provision_create(actor=officer, plan=final, **_provision(section="G")))
    assert final.provision_items.count() == 1


def test_provision_update_writes_one_audit_event_with_before_and_after(officer, draft, audit):
    item = services.provision_create(actor=officer, plan=draft, **_provision())
    audit.mark()
    services.provision_update(actor=officer, item=item, quantity=Decimal("10"))
    event = audit.one()
    assert event.action == "provision.updated"
    assert (Decimal(event.before["quantity"]), Decimal(event.after["quantity"])) == (Decimal("15"), Decimal("10"))


def test_provision_update_replaces_the_outcomes_it_serves(officer, draft, outcome):
    second = services.outcome_create(actor=officer, plan=draft, text="To sleep through the night")
    item = services.provision_create(actor=officer, plan=draft, outcomes=[outcome], **_provision())
    services.provision_update(actor=officer, item=item, outcomes=[second])
    assert list(item.outcomes.all()) == [second]


def test_provision_update_refuses_a_quantity_of_0(officer, draft):
    item = services.provision_create(actor=officer, plan=draft, **_provision())
    _refused(lambda: services.provision_update(actor=officer, item=item, quantity=Decimal("0")), "quantity")
    item.refresh_from_db()
    assert item.quantity == Decimal("15")


def test_provision_update_refuses_outcomes_of_another_plan(officer, draft, council):
    item = services.provision_create(actor=officer, plan=draft, **_provision())
    other_plan = services.plan_create(actor=officer, child=ChildFactory(council=council), status=PlanStatus.DRAFT)
    foreign = services.outcome_create(actor=officer, plan=other_plan, text="Another child's outcome")
    _refused(lambda: services.provision_update(actor=officer, item=item, outcomes=[foreign]), "outcomes")
    assert list(item.outcomes.all()) == []


def test_provision_update_refuses_to_change_a_final_plan(officer, final):
    item = final.provision_items.get()
    _refused(lambda: services.provision_update(actor=officer, item=item, quantity=Decimal("1")))
    item.refresh_from_db()
    assert item.quantity == Decimal("15")


def test_provision_delete_writes_one_audit_event_with_the_item_before(officer, draft, audit):
    item = services.provision_create(actor=officer, plan=draft, **_provision())
    audit.mark()
    services.provision_delete(actor=officer, item=item)
    event = audit.one()
    assert (event.action, event.before["description"], event.after) == (
        "provision.removed",
        "Teaching assistant support in class",
        None,
    )
    assert ProvisionItem.objects.count() == 0


def test_provision_delete_refuses_to_change_a_final_plan(officer, final, audit):
    _refused(lambda: services.provision_delete(actor=officer, item=final.provision_items.get()))
    assert final.provision_items.count() == 1
    assert audit.new == []


# reviews (DOMAIN R28) ----------------------------------------------------------------------------------------------


def test_recording_a_review_puts_the_plan_under_review(officer, final):
    services.plan_review_record(actor=officer, plan=final, meeting_date=today() - DAY)
    final.refresh_from_db()
    assert final.status == PlanStatus.UNDER_REVIEW


def test_plan_review_record_writes_one_audit_event(officer, final, audit):
    review = services.plan_review_record(actor=officer, plan=final, meeting_date=today() - DAY, notes=" Went well ")
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == (
        "plan_review.recorded",
        officer,
        final.council,
        final.child,
    )
    assert (event.object_type, event.object_id) == ("plans.planreview", str(review.pk))
    assert event.before == {"status": "final"}
    assert event.after == {"meeting_date": (today() - DAY).isoformat(), "notes": "Went well", "status": "under_review"}


def test_a_review_meeting_today_is_accepted(officer, final):
    assert services.plan_review_record(actor=officer, plan=final, meeting_date=today()).pk is not None


def test_a_review_meeting_tomorrow_is_refused(officer, final, audit):
    _refused(lambda: services.plan_review_record(actor=officer, plan=final, meeting_date=today() + DAY), "meeting_date")
    assert PlanReview.objects.count() == 0
    final.refresh_from_db()
    assert final.status == PlanStatus.FINAL
    assert audit.new == []


def test_a_review_meeting_the_day_before_the_plan_was_issued_is_refused(officer, final):
    _refused(lambda: services.plan_review_record(actor=officer, plan=final, meeting_date=ISSUED - DAY), "meeting_date")
    assert PlanReview.objects.count() == 0


def test_a_review_meeting_on_the_day_the_plan_was_issued_is_accepted(officer, final):
    assert services.plan_review_record(actor=officer, plan=final, meeting_date=ISSUED).meeting_date == ISSUED


def test_only_a_final_plan_can_be_reviewed(officer, draft):
    _refused(lambda: services.plan_review_record(actor=officer, plan=draft, meeting_date=today()), "meeting_date")
    assert PlanReview.objects.count() == 0


def _maintained(officer, review):
    services.plan_review_decide(
        actor=officer, review=review, decision=ReviewDecision.MAINTAIN, decided_on=review.meeting_date + DAY
    )
    return review.plan


def test_a_review_meeting_on_the_day_of_the_previous_review_is_refused(officer, review):
    plan = _maintained(officer, review)
    _refused(
        lambda: services.plan_review_record(actor=officer, plan=plan, meeting_date=review.meeting_date), "meeting_date"
    )
    assert PlanReview.objects.count() == 1


def test_a_review_meeting_before_the_previous_review_is_refused(officer, review):
    plan = _maintained(officer, review)
    _refused(
        lambda: services.plan_review_record(actor=officer, plan=plan, meeting_date=review.meeting_date - DAY),
        "meeting_date",
    )
    assert PlanReview.objects.count() == 1


def test_a_review_meeting_the_day_after_the_previous_review_is_accepted(officer, review):
    plan = _maintained(officer, review)
    later = services.plan_review_record(actor=officer, plan=plan, meeting_date=review.meeting_date + DAY)
    assert later.meeting_date == review.meeting_date + DAY


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        (ReviewDecision.MAINTAIN, PlanStatus.FINAL),
        (ReviewDecision.AMEND, PlanStatus.DRAFT),
        (ReviewDecision.CEASE, PlanStatus.CEASED),
    ],
)
def test_the_review_decision_moves_the_plan_on(officer, review, decision, status):
    services.plan_review_decide(actor=officer, review=review, decision=decision, reason="No longer needed")
    review.plan.refresh_from_db()
    assert review.plan.status == status


def test_a_review_decision_keeps_the_original_issue_date(officer, review):
    plan = _maintained(officer, review)
    plan.refresh_from_db()
    assert plan.issued_on == ISSUED


def test_a_cease_decision_records_the_reason_on_the_plan(officer, review):
    services.plan_review_decide(
        actor=officer,
        review=review,
        decision=ReviewDecision.CEASE,
        reason="Outcomes achieved; support continues without a plan",
    )
    review.plan.refresh_from_db()
    assert review.plan.ceased_reason == "Outcomes achieved; support continues without a plan"


def test_a_cease_decision_needs_a_reason(officer, review, audit):
    _refused(lambda: services.plan_review_decide(actor=officer, review=review, decision=ReviewDecision.CEASE), "reason")
    review.refresh_from_db()
    review.plan.refresh_from_db()
    assert (review.decision, review.plan.status) == ("", PlanStatus.UNDER_REVIEW)
    assert audit.new == []


def test_plan_review_decide_writes_one_audit_event_with_the_status_move(officer, review, audit):
    decided_on = review.meeting_date + DAY
    services.plan_review_decide(actor=officer, review=review, decision=ReviewDecision.AMEND, decided_on=decided_on)
    event = audit.one()
    assert (event.action, event.actor, event.council, event.child) == (
        "plan_review.decided",
        officer,
        review.council,
        review.plan.child,
    )
    assert event.object_id == str(review.pk)
    assert event.before["status"] == "under_review"
    assert (event.after["decision"], event.after["decided_on"], event.after["status"]) == (
        "amend",
        decided_on.isoformat(),
        "draft",
    )


def test_a_second_decision_on_the_same_review_is_refused(officer, review, audit):
    services.plan_review_decide(actor=officer, review=review, decision=ReviewDecision.AMEND)
    audit.mark()
    _refused(
        lambda: services.plan_review_decide(actor=officer, review=review, decision=ReviewDecision.MAINTAIN), "decision"
    )
    review.refresh_from_db()
    assert review.decision == ReviewDecision.AMEND
    assert audit.new == []


def test_an_unknown_decision_is_refused(officer, review):
    _refused(lambda: services.plan_review_decide(actor=officer, review=review, decision="postpone"), "decision")


def test_a_decision_on_the_day_of_the_meeting_is_accepted(officer, review):
    decided = services.plan_review_decide(
        actor=officer, review=review, decision=ReviewDecision.MAINTAIN, decided_on=review.meeting_date
    )
    assert decided.decision_issued_on == review.meeting_date


def test_a_decision_dated_before_the_meeting_is_refused(officer, review):
    _refused(
        lambda: services.plan_review_decide(
            actor=officer, review=review, decision=ReviewDecision.MAINTAIN, decided_on=review.meeting_date - DAY
        ),
        "decided_on",
    )
    review.refresh_from_db()
    assert review.decision == ""


def test_a_decision_dated_tomorrow_is_refused(officer, review):
    _refused(
        lambda: services.plan_review_decide(
            actor=officer, review=review, decision=ReviewDecision.MAINTAIN, decided_on=today() + DAY
        ),
        "decided_on",
    )


def test_a_decision_28_days_after_the_meeting_is_on_time(officer, review, audit):
    decided = services.plan_review_decide(
        actor=officer, review=review, decision=ReviewDecision.MAINTAIN, decided_on=review.meeting_date + DAY * 28
    )
    assert decided.decision_late is False
    assert "deadline" not in audit.one().summary


def test_a_decision_29_days_after_the_meeting_is_late(officer, review, audit):
    decided = services.plan_review_decide(
        actor=officer, review=review, decision=ReviewDecision.MAINTAIN, decided_on=review.meeting_date + DAY * 29
    )
    assert decided.decision_late is True
    assert audit.one().summary == "Review decision: maintain the plan as it is (after the 4-week deadline)"


def test_provision_update_that_changes_nothing_writes_no_audit_event(officer, draft, outcome, audit):
    item = services.provision_create(actor=officer, plan=draft, outcomes=[outcome], **_provision())
    audit.mark()
    services.provision_update(actor=officer, item=item, quantity=Decimal("15"), outcomes=[outcome])
    assert audit.new == []


def test_provision_update_of_only_the_outcomes_is_recorded(officer, draft, outcome, audit):
    item = services.provision_create(actor=officer, plan=draft, **_provision())
    audit.mark()
    services.provision_update(actor=officer, item=item, outcomes=[outcome])
    event = audit.one()
    assert (event.before["outcomes"], event.after["outcomes"]) == ([], [outcome.pk])


def test_outcome_update_that_changes_nothing_writes_no_audit_event(officer, outcome, audit):
    services.outcome_update(actor=officer, outcome=outcome, text="  To read simple texts independently ")
    assert audit.new == []
