"""Recording a request for a personal budget: who may ask, when, eligibility and the decision target
(DOMAIN R1, R2, R35)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets import services
from ehcbudgets.budgets.models import (
    BudgetRequest,
    Decision,
    DecisionKind,
    RefusalReason,
    RequestStatus,
    RequestWindow,
)
from ehcbudgets.core.dates import today
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory
from ehcbudgets.letters.models import Letter
from ehcbudgets.people.models import Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.plans.models import PlanStatus
from ehcbudgets.plans.tests.factories import PlanFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdf")]

DAY = timedelta(days=1)
#: Born 15 March 2010: turns 16 in the school year ending in summer 2026, so compulsory school age ends on the last
#: Friday in June 2026, 26 June; from 27 June 2026 they are a young person.
BORN_2010 = date(2010, 3, 15)
SCHOOL_LEAVING_DATE = date(2026, 6, 26)


def _refused_on(call, field):
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value
    return caught.value


@pytest.fixture
def no_plan_parent(child):
    """A parent of the root child, who has no plan and none being prepared."""
    return ContactFactory(child=child, full_name="Jo Noplan", address="2 Low Road\nBrightwater")


def _record(officer, contact, **kwargs):
    kwargs.setdefault("channel", "letter")
    return services.budget_request_record(actor=officer, child=contact.child, requester=contact, **kwargs)


# Eligibility (DOMAIN R1) -------------------------------------------------------------------------------------------


def test_r1_a_request_with_no_plan_is_refused_at_once(officer, no_plan_parent):
    request = _record(officer, no_plan_parent)
    assert (request.status, request.plan, request.window) == (RequestStatus.REFUSED, None, RequestWindow.OUTSIDE)
    assert "does not have an EHC plan" in request.refusal_reason


def test_r1_the_no_plan_refusal_is_a_decision_with_the_reason_no_plan(officer, no_plan_parent):
    request = _record(officer, no_plan_parent)
    decision = Decision.objects.get(request=request)
    assert (decision.kind, decision.reason_code, decision.decided_by, decision.decided_on) == (
        DecisionKind.REQUEST_NOT_ELIGIBLE,
        RefusalReason.NO_PLAN,
        officer,
        today(),
    )
    assert decision.reasons == request.refusal_reason


def test_r1_r14_the_no_plan_refusal_is_sent_as_a_letter_with_review_rights(officer, no_plan_parent):
    request = _record(officer, no_plan_parent)
    letter = Decision.objects.get(request=request).letter
    assert (letter.kind, letter.child, letter.recipient_name) == (
        "budget_request_refused",
        request.child,
        "Jo Noplan",
    )
    assert "does not have an EHC plan" in letter.body_html
    assert "right to ask us to review this decision" in letter.body_html


@pytest.mark.parametrize("status", [PlanStatus.NEEDS_ASSESSMENT, PlanStatus.CEASED])
def test_r1_a_plan_only_at_assessment_or_ceased_is_refused_as_no_plan(officer, child, no_plan_parent, status):
    PlanFactory(child=child, status=status)
    request = _record(officer, no_plan_parent)
    assert request.status == RequestStatus.REFUSED
    assert Decision.objects.get(request=request).reason_code == RefusalReason.NO_PLAN


# The window (DOMAIN R2) -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "window"),
    [
        (PlanStatus.DRAFT, RequestWindow.DRAFT_PLAN),
        (PlanStatus.UNDER_REVIEW, RequestWindow.REVIEW),
        (PlanStatus.UNDER_REASSESSMENT, RequestWindow.REASSESSMENT),
    ],
)
def test_r2_a_request_while_the_plan_is_drafted_reviewed_or_reassessed_records_the_window(pb, status, window):
    case = pb.case(status=status)
    request = pb.request(case)
    assert (request.status, request.window, request.outside_window, request.plan) == (
        RequestStatus.OPEN,
        window,
        False,
        case.plan,
    )
    assert not request.decisions.exists()


def test_r2_a_request_on_a_final_plan_is_accepted_and_flagged_by_default(pb):
    request = pb.request(pb.case(status=PlanStatus.FINAL))
    assert (request.status, request.window, request.outside_window) == (
        RequestStatus.OPEN,
        RequestWindow.OUTSIDE,
        True,
    )
    assert not Letter.objects.exists()


def test_r2_a_council_whose_policy_refuses_out_of_window_requests_refuses_with_a_letter(pb, council):
    CouncilPolicyFactory(council=council, effective_from=date(2025, 4, 1), out_of_window_requests="refuse")
    request = pb.request(pb.case(status=PlanStatus.FINAL))
    decision = Decision.objects.get(request=request)
    assert request.status == RequestStatus.REFUSED
    assert (decision.kind, decision.reason_code) == (DecisionKind.REQUEST_NOT_ELIGIBLE, RefusalReason.OUTSIDE_WINDOW)
    assert decision.letter.kind == "budget_request_refused"
    assert "next review of the plan" in decision.letter.body_html


@pytest.mark.parametrize(("received", "status"), [(-1, RequestStatus.OPEN), (0, RequestStatus.REFUSED)])
def test_r2_the_refusing_policy_applies_from_the_day_it_takes_effect(pb, council, received, status):
    takes_effect = today() - timedelta(days=10)
    CouncilPolicyFactory(council=council, effective_from=takes_effect, out_of_window_requests="refuse")
    request = pb.request(pb.case(status=PlanStatus.FINAL), received_on=takes_effect + timedelta(days=received))
    assert request.status == status


def test_r2_the_refusing_policy_does_not_touch_a_request_inside_a_window(pb, council):
    CouncilPolicyFactory(council=council, effective_from=date(2025, 4, 1), out_of_window_requests="refuse")
    request = pb.request(pb.case(status=PlanStatus.UNDER_REVIEW))
    assert (request.status, request.outside_window) == (RequestStatus.OPEN, False)


# The decision target (DOMAIN R35) ---------------------------------------------------------------------------------


def test_r35_the_decision_is_due_10_working_days_later_across_christmas_and_new_year(pb, on_day):
    """Friday 18 December 2026: Christmas Day, the substitute Boxing Day (Monday 28th) and New Year's Day are not
    working days, so the tenth working day is Wednesday 6 January 2027."""
    on_day(date(2027, 1, 4))
    request = pb.request(pb.case(), received_on=date(2026, 12, 18))
    assert request.decision_due_on == date(2027, 1, 6)


def test_r35_the_decision_target_is_the_councils_policy(pb, council):
    CouncilPolicyFactory(council=council, effective_from=date(2025, 4, 1), decision_target_working_days=5)
    request = pb.request(pb.case(), received_on=date(2026, 11, 2))  # a Monday, no bank holidays that week
    assert request.decision_due_on == date(2026, 11, 9)


# Who may ask (DOMAIN R1) ------------------------------------------------------------------------------------------


def test_r1_a_parent_asks_online_for_their_child(pb, case, parent_user):
    request = pb.request(case, actor=parent_user, channel="phone")
    assert (request.requested_by, request.requester_name, request.channel, request.recorded_by) == (
        case.parent,
        case.parent.full_name,
        "online",
        parent_user,
    )


@pytest.fixture
def teenager(pb):
    """A child born 15 March 2010 with a draft plan, a parent and the young person as their own contact."""
    case = pb.case(child=ChildFactory(council=pb.council, date_of_birth=BORN_2010))
    case.young_person = ContactFactory(child=case.child, relationship=Relationship.YOUNG_PERSON, full_name="Alex")
    return case


def test_r1_the_young_person_cannot_ask_for_themselves_on_the_school_leaving_date(pb, teenager):
    error = _refused_on(
        lambda: pb.request(teenager, requester=teenager.young_person, received_on=SCHOOL_LEAVING_DATE), "requester"
    )
    assert "a parent or carer" in error.message_dict["requester"][0]


def test_r1_the_young_person_asks_for_themselves_from_the_day_after_the_school_leaving_date(pb, teenager):
    request = pb.request(teenager, requester=teenager.young_person, received_on=SCHOOL_LEAVING_DATE + DAY)
    assert (request.status, request.requested_by) == (RequestStatus.OPEN, teenager.young_person)


def test_r1_a_parent_asks_for_a_child_on_the_school_leaving_date(pb, teenager):
    request = pb.request(teenager, received_on=SCHOOL_LEAVING_DATE)
    assert (request.status, request.requested_by) == (RequestStatus.OPEN, teenager.parent)


def test_r1_a_parent_cannot_ask_for_a_young_person(pb, teenager):
    error = _refused_on(lambda: pb.request(teenager, received_on=SCHOOL_LEAVING_DATE + DAY), "requester")
    assert "the young person themselves" in error.message_dict["requester"][0]


def test_r1_a_family_user_cannot_ask_as_someone_elses_contact(pb, case, make_user):
    carer = ContactFactory(child=case.child, relationship=Relationship.CARER, user=make_user(Role.PARENT_CARER))
    with pytest.raises(PermissionDenied):
        pb.request(case, actor=case.parent.user, requester=carer)
    assert not BudgetRequest.objects.exists()


def test_a_family_user_without_the_right_to_ask_is_refused(pb, case, make_user):
    nominee_user = make_user(Role.NOMINEE)
    nominee = ContactFactory(child=case.child, relationship=Relationship.NOMINEE, user=nominee_user)
    with pytest.raises(PermissionDenied):
        pb.request(case, actor=nominee_user, requester=nominee)


def test_the_requester_must_be_linked_to_the_child(pb, case):
    stranger = ContactFactory(child=ChildFactory(council=pb.council))
    _refused_on(lambda: pb.request(case, requester=stranger), "requester")


def test_a_second_request_while_one_is_open_is_refused(pb, case):
    pb.request(case)
    error = _refused_on(lambda: pb.request(case), "requester")
    assert "already a request" in error.message_dict["requester"][0]
    assert BudgetRequest.objects.count() == 1


def test_a_refused_request_does_not_stop_a_new_one(officer, child, no_plan_parent):
    _record(officer, no_plan_parent)
    PlanFactory(child=child, status=PlanStatus.DRAFT)
    assert _record(officer, no_plan_parent).status == RequestStatus.OPEN


def test_a_request_received_tomorrow_is_refused(pb, case):
    _refused_on(lambda: pb.request(case, received_on=today() + DAY), "received_on")


def test_a_request_received_today_is_recorded(pb, case):
    assert pb.request(case, received_on=today()).received_on == today()


def test_a_case_officer_of_another_council_cannot_record_a_request(pb, case, make_user, other_council):
    with pytest.raises(PermissionDenied):
        pb.request(case, actor=make_user(Role.CASE_OFFICER, council=other_council))
    assert not BudgetRequest.objects.exists()


def test_a_finance_officer_cannot_record_a_request(pb, case, make_user, council):
    with pytest.raises(PermissionDenied):
        pb.request(case, actor=make_user(Role.FINANCE_OFFICER, council=council))


# Audit -----------------------------------------------------------------------------------------------------------


def test_recording_a_request_writes_one_audit_event(pb, case, officer, audit):
    request = pb.request(case, received_on=date(2026, 11, 2))
    event = audit.one()
    assert (event.action, event.actor, event.child, event.object_id) == (
        "budget_request.recorded",
        officer,
        case.child,
        str(request.pk),
    )
    assert event.after == {"window": "draft_plan", "decision_due_on": "2026-11-16"}


def test_a_refused_request_is_audited_with_its_letter(officer, no_plan_parent, audit):
    _record(officer, no_plan_parent)
    assert [e.action for e in audit.new] == ["budget_request.recorded", "letter.issued"]


def test_a_request_with_bad_input_saves_nothing_and_writes_no_audit_event(pb, case, audit):
    with pytest.raises(ValidationError):
        pb.request(case, received_on=today() + DAY)
    assert not BudgetRequest.objects.exists()
    assert audit.new == []
