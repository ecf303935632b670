"""Section J, written from the agreed budget; a plan with an agreed budget cannot be final without it (DOMAIN R7)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.budgets import services
from ehcbudgets.budgets.models import Budget
from ehcbudgets.letters.models import Letter
from ehcbudgets.plans import services as plans
from ehcbudgets.plans.models import PlanStatus
from ehcbudgets.plans.tests.factories import PlanReviewFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdf")]


def _issue(pb, budget):
    return services.section_j_issue(actor=pb.officer, budget=budget)


@pytest.fixture
def agreed_with_dp(pb, case):
    """The case's budget agreed, with the PA line a direct payment to the parent."""
    return pb.agree(pb.with_direct_payment(case))


# Only from an agreed budget ---------------------------------------------------------------------------------------


def test_r7_section_j_is_not_written_from_a_budget_being_prepared(pb, budget):
    with pytest.raises(ValidationError):
        _issue(pb, budget)
    assert not Letter.objects.filter(kind="section_j").exists()


def test_r7_section_j_is_not_written_from_a_budget_waiting_for_approval(pb, budget):
    with pytest.raises(ValidationError):
        _issue(pb, pb.submit(budget))


def test_r7_section_j_is_not_written_from_a_refused_budget(pb, budget):
    pb.submit(budget)
    services.budget_refuse(actor=pb.manager, budget=budget, reason_code="other", reasons="Not needed.")
    with pytest.raises(ValidationError):
        _issue(pb, budget)


def test_r7_section_j_is_written_from_an_agreed_budget_and_kept_on_it(pb, agreed_with_dp):
    budget = _issue(pb, agreed_with_dp)
    letter = Budget.objects.get(pk=budget.pk).section_j
    assert (letter.kind, letter.subject, letter.child) == (
        "section_j",
        f"Section J: personal budget for {budget.child.full_name}",
        budget.child,
    )


def test_r7_a_panel_member_cannot_write_section_j(agreed_with_dp, panel_member):
    with pytest.raises(PermissionDenied):
        services.section_j_issue(actor=panel_member, budget=agreed_with_dp)


def test_r7_writing_section_j_writes_its_audit_event_and_letter(pb, agreed_with_dp, audit):
    audit.mark()
    _issue(pb, agreed_with_dp)
    assert [e.action for e in audit.new] == ["letter.issued", "section_j.issued"]


# What it says -----------------------------------------------------------------------------------------------------


@pytest.fixture
def section_j(pb, agreed_with_dp):
    return _issue(pb, agreed_with_dp).section_j.body_html


def test_r7_section_j_gives_the_amount_of_the_budget_and_that_it_is_integrated(section_j):
    assert "£19,611.20" in section_j
    assert "integrated budget" in section_j


@pytest.mark.parametrize(
    "provision",
    [
        "Support from a specialist teaching assistant in class (15 hours per week)",
        "Speech and language therapy (6 sessions per term)",
        "Personal assistant support at home (4 hours per week)",
    ],
)
def test_r7_section_j_lists_each_lines_provision(section_j, provision):
    assert provision in section_j


def test_r7_section_j_names_the_outcomes_each_line_serves(case, section_j):
    assert section_j.count(case.outcome.text) >= 3


@pytest.mark.parametrize(
    "funding",
    [
        "Education: The council&#x27;s special educational needs budget",
        "Health: The ICB (NHS)",
        "Social care: The council&#x27;s children&#x27;s social care budget",
    ],
)
def test_r7_r27_section_j_gives_each_lines_funding_stream_and_funder(section_j, funding):
    assert funding in section_j


@pytest.mark.parametrize("amount", ["£14,976.00", "£1,224.00", "£3,411.20"])
def test_r7_section_j_gives_each_lines_amount(section_j, amount):
    assert amount in section_j


def test_r7_r8_section_j_gives_how_each_line_is_held(section_j):
    assert section_j.count("Arranged by the council or NHS") == 2
    assert section_j.count("Direct payment to the family") == 1


def test_r7_section_j_names_the_direct_payment_recipient_and_what_the_payments_secure(case, section_j):
    assert f"Direct payments will be made to {case.parent.full_name} (parent with parental responsibility)" in (
        section_j
    )
    assert "<li>Personal assistant support at home: £3,411.20 a year." in section_j


def test_r7_section_j_of_a_budget_without_direct_payments_says_so(pb, budget):
    body = _issue(pb, pb.agree(budget)).section_j.body_html
    assert "There are no direct payments" in body


@pytest.mark.usefixtures("real_pdf")
def test_r7_section_j_is_a_real_stored_pdf(pb, agreed_with_dp):
    letter = _issue(pb, agreed_with_dp).section_j
    with letter.pdf.open("rb") as file:
        assert file.read(5) == b"%PDF-"


# The plan cannot be final without it (DOMAIN R7) ------------------------------------------------------------------


@pytest.fixture
def under_review(pb):
    """A plan under review with a budget agreed during the review."""
    case = pb.case(status=PlanStatus.UNDER_REVIEW)
    budget = pb.agree(pb.start(case))
    return case.plan, budget


def _final(pb, plan):
    return plans.plan_set_status(actor=pb.officer, plan=plan, status=PlanStatus.FINAL)


def test_r7_a_plan_with_an_agreed_budget_cannot_be_made_final_without_section_j(pb, under_review):
    plan, _ = under_review
    with pytest.raises(ValidationError) as caught:
        _final(pb, plan)
    assert "Section J" in caught.value.message_dict["status"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW


def test_r7_a_plan_with_an_agreed_budget_is_made_final_once_section_j_is_written(pb, under_review):
    plan, budget = under_review
    _issue(pb, budget)
    assert _final(pb, plan).status == PlanStatus.FINAL


def test_r7_a_review_cannot_maintain_the_plan_while_section_j_is_missing(pb, under_review):
    plan, _ = under_review
    review = PlanReviewFactory(plan=plan)
    with pytest.raises(ValidationError) as caught:
        plans.plan_review_decide(actor=pb.officer, review=review, decision="maintain")
    assert "status" in caught.value.message_dict
    review.refresh_from_db()
    assert review.decision == ""


def test_r7_a_review_maintains_the_plan_once_section_j_is_written(pb, under_review):
    plan, budget = under_review
    review = PlanReviewFactory(plan=plan)
    _issue(pb, budget)
    plans.plan_review_decide(actor=pb.officer, review=review, decision="maintain")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FINAL


def test_r7_a_draft_plan_with_an_agreed_budget_is_not_issued_without_section_j(pb, case, budget):
    pb.agree(budget)
    with pytest.raises(ValidationError):
        _final(pb, case.plan)
    case.plan.refresh_from_db()
    assert (case.plan.status, case.plan.issued_on) == (PlanStatus.DRAFT, None)


def test_r7_a_plan_whose_budget_is_still_being_prepared_can_be_made_final(pb, case, budget):
    assert _final(pb, case.plan).status == PlanStatus.FINAL


def test_r7_a_newly_agreed_budget_needs_its_own_section_j(pb, under_review):
    plan, earlier = under_review
    _issue(pb, earlier)
    later = pb.agree(_restart(pb, earlier))
    with pytest.raises(ValidationError):
        _final(pb, plan)
    _issue(pb, later)
    assert _final(pb, plan).status == PlanStatus.FINAL


def _restart(pb, budget):
    """A second request and budget for the same child and plan, after the first was decided."""
    request = services.budget_request_record(
        actor=pb.officer, child=budget.child, requester=budget.request.requested_by, channel="letter"
    )
    return services.budget_start(actor=pb.officer, request=request, period_start=budget.period_start)
