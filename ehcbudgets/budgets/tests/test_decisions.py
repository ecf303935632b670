"""Submission, the SEN panel, approval (maker-checker), refusals and reviews of refusals
(DOMAIN R5, R9 to R14)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets import services
from ehcbudgets.budgets.models import (
    Budget,
    BudgetRequest,
    BudgetStatus,
    Decision,
    DecisionKind,
    DecisionReviewRequest,
    PanelReferral,
    RequestStatus,
    ReviewRequestStatus,
)
from ehcbudgets.core.dates import today
from ehcbudgets.letters.models import Letter
from ehcbudgets.people import services as people
from ehcbudgets.people.models import Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.plans.tests.factories import ProvisionItemFactory

from .conftest import ASSESSED_ON, FULL_TOTAL, PA_AMOUNT, R12_FINDINGS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdf")]

DAY = timedelta(days=1)
PENNY = Decimal("0.01")
REASONS = "The support can be arranged more effectively by the council."


def _refused(call, field=None) -> ValidationError:
    """Runs a service that must refuse; checks the error names the field (None: messages for the whole form)."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        assert not hasattr(error, "error_dict"), error
    else:
        assert field in error.message_dict, error.message_dict
    return error


def _approve(actor, budget):
    return services.budget_approve(actor=actor, budget=budget)


@pytest.fixture
def riding(case):
    """H2: weekly equine-assisted therapy, priced only by an item outside the local offer (the SEN panel decides)."""
    return ProvisionItemFactory(
        plan=case.plan,
        section="H2",
        description="Equine-assisted therapy at a riding centre",
        quantity=Decimal("1"),
        unit="session",
        frequency="per_week",
        delivered_at="community",
        funding_stream="social_care",
    )


@pytest.fixture
def at_panel(pb, case, riding):
    """A budget with an equine therapy line, submitted and so waiting for the SEN panel."""
    return pb.submit(pb.start(case))


@pytest.fixture
def referral(at_panel):
    return PanelReferral.objects.get(budget=at_panel)


# Submission (DOMAIN R5) -------------------------------------------------------------------------------------------


def test_r5_a_final_amount_a_penny_under_the_costed_lines_is_refused(pb, budget):
    error = _refused(lambda: pb.submit(budget, FULL_TOTAL - PENNY), "final_amount")
    assert "£19,611.20" in error.message_dict["final_amount"][0]
    budget = pb.fresh(budget)
    assert (budget.status, budget.final_amount, budget.submitted_at) == (BudgetStatus.DRAFT, None, None)


@pytest.mark.parametrize("final_amount", [FULL_TOTAL, FULL_TOTAL + PENNY])
def test_r5_a_final_amount_equal_to_or_above_the_costed_lines_is_sent_for_approval(pb, budget, final_amount):
    budget = pb.submit(budget, final_amount)
    assert (budget.status, budget.final_amount, budget.insufficient) == (
        BudgetStatus.AWAITING_APPROVAL,
        final_amount,
        False,
    )
    assert budget.submitted_at is not None


@pytest.mark.parametrize("final_amount", [None, Decimal("-0.01")])
def test_r5_a_submission_needs_a_final_amount(pb, budget, final_amount):
    _refused(lambda: services.budget_submit(actor=pb.officer, budget=budget, final_amount=final_amount), "final_amount")


def test_r5_the_indicative_amount_does_not_count_as_the_final_amount(pb, case):
    budget = pb.start(case, indicative_amount=FULL_TOTAL + Decimal("1000"))
    _refused(lambda: pb.submit(budget, FULL_TOTAL - PENNY), "final_amount")


def test_r10_a_submission_with_a_direct_payment_and_no_recipient_is_refused_with_the_blocker(pb, budget):
    pb.set_mode(budget, "PA", "direct_payment")
    error = _refused(lambda: pb.submit(budget))
    assert error.messages == ["Record who would receive the direct payments and the council's four findings"]
    assert pb.fresh(budget).status == BudgetStatus.DRAFT


def test_a_refused_submission_writes_no_audit_event(pb, budget, audit):
    audit.mark()
    with pytest.raises(ValidationError):
        pb.submit(budget, FULL_TOTAL - PENNY)
    assert audit.new == []


def test_submission_writes_one_audit_event(pb, budget, audit):
    audit.mark()
    pb.submit(budget)
    event = audit.one()
    assert (event.action, event.after) == (
        "budget.submitted",
        {"final_amount": "19611.20", "status": "awaiting_approval"},
    )


# The SEN panel ----------------------------------------------------------------------------------------------------


def test_a_budget_with_items_outside_the_local_offer_goes_to_the_sen_panel(at_panel):
    assert at_panel.status == BudgetStatus.AWAITING_PANEL


def test_going_to_the_sen_panel_creates_a_referral_naming_the_items(pb, at_panel, referral):
    assert (referral.referred_by, referral.referred_on, referral.outcome) == (pb.officer, today(), "")
    assert referral.question == "Items outside the local offer: Equine-assisted therapy"


def test_a_case_officer_cannot_decide_for_the_panel(pb, referral):
    with pytest.raises(PermissionDenied):
        services.panel_decide(actor=pb.officer, referral=referral, outcome="agreed", reasons="Meets the outcome.")


def test_a_team_manager_cannot_decide_for_the_panel(pb, referral):
    with pytest.raises(PermissionDenied):
        services.panel_decide(actor=pb.manager, referral=referral, outcome="agreed", reasons="Meets the outcome.")


def test_the_panel_decision_needs_reasons(panel_member, referral):
    _refused(
        lambda: services.panel_decide(actor=panel_member, referral=referral, outcome="agreed", reasons=" "), "reasons"
    )
    assert PanelReferral.objects.get(pk=referral.pk).outcome == ""


def test_the_panel_decision_needs_an_outcome(panel_member, referral):
    _refused(
        lambda: services.panel_decide(actor=panel_member, referral=referral, outcome="maybe", reasons="x"), "outcome"
    )


def test_a_panel_agreement_sends_the_budget_for_approval(pb, panel_member, referral):
    decided = services.panel_decide(actor=panel_member, referral=referral, outcome="agreed", reasons="Meets E1.")
    assert (decided.outcome, decided.reasons, decided.decided_by, decided.decided_on) == (
        "agreed",
        "Meets E1.",
        panel_member,
        today(),
    )
    assert pb.fresh(referral.budget).status == BudgetStatus.AWAITING_APPROVAL


def test_a_panel_refusal_returns_the_budget_to_the_officer(pb, panel_member, referral):
    services.panel_decide(actor=panel_member, referral=referral, outcome="not_agreed", reasons="Not evidenced.")
    assert pb.fresh(referral.budget).status == BudgetStatus.DRAFT


def test_a_budget_the_panel_agreed_can_be_approved(pb, panel_member, referral):
    services.panel_decide(actor=panel_member, referral=referral, outcome="agreed", reasons="Meets E1.")
    assert _approve(pb.manager, referral.budget).status == BudgetStatus.APPROVED


def test_a_budget_waiting_for_the_panel_cannot_be_approved(pb, at_panel):
    _refused(lambda: _approve(pb.manager, at_panel))


def test_the_panel_decides_a_referral_once(panel_member, referral):
    services.panel_decide(actor=panel_member, referral=referral, outcome="not_agreed", reasons="Not evidenced.")
    _refused(lambda: services.panel_decide(actor=panel_member, referral=referral, outcome="agreed", reasons="x"))


def test_the_panel_cannot_revive_a_budget_refused_while_waiting_for_it(pb, panel_member, referral):
    """Found while testing: a budget refused while at the panel went back to "waiting for approval" when the panel
    then agreed it, so a refused budget could be approved."""
    services.budget_refuse(actor=pb.manager, budget=referral.budget, reason_code="other", reasons=REASONS)
    _refused(lambda: services.panel_decide(actor=panel_member, referral=referral, outcome="agreed", reasons="x"))
    assert pb.fresh(referral.budget).status == BudgetStatus.REFUSED


def test_the_panel_decision_writes_one_audit_event(panel_member, referral, audit):
    audit.mark()
    services.panel_decide(actor=panel_member, referral=referral, outcome="agreed", reasons="Meets E1.")
    assert (audit.one().action, audit.one().after) == ("panel.decided", {"outcome": "agreed"})


# Who may approve (maker-checker) ----------------------------------------------------------------------------------


@pytest.fixture
def prepared_by_manager(pb, case, manager):
    """A budget a team manager costed and submitted themselves."""
    request = pb.request(case)
    budget = services.budget_start(actor=manager, request=request, period_start=date(2026, 4, 1))
    return services.budget_submit(actor=manager, budget=budget, final_amount=FULL_TOTAL)


def test_a_team_manager_cannot_approve_a_budget_they_prepared(prepared_by_manager, manager):
    with pytest.raises(PermissionDenied):
        _approve(manager, prepared_by_manager)
    assert Budget.objects.get(pk=prepared_by_manager.pk).status == BudgetStatus.AWAITING_APPROVAL


def test_another_team_manager_can_approve_it(prepared_by_manager, other_manager):
    budget = _approve(other_manager, prepared_by_manager)
    assert (budget.status, budget.approved_by, budget.decided_on) == (BudgetStatus.APPROVED, other_manager, today())


def test_a_case_officer_cannot_approve_a_budget(pb, budget, make_user, council):
    pb.submit(budget)
    with pytest.raises(PermissionDenied):
        _approve(make_user(Role.CASE_OFFICER, council=council), budget)


def test_a_team_manager_of_another_council_cannot_approve(pb, budget, make_user, other_council):
    pb.submit(budget)
    with pytest.raises(PermissionDenied):
        _approve(make_user(Role.TEAM_MANAGER, council=other_council), budget)


def test_a_draft_budget_cannot_be_approved(pb, budget):
    error = _refused(lambda: _approve(pb.manager, budget))
    assert "being prepared" in error.messages[0]


# What blocks approval (DOMAIN R5, R10 to R13) ---------------------------------------------------------------------


def _blocked(pb, budget) -> list[str]:
    """Approval is refused with the blockers listed, and nothing changes."""
    error = _refused(lambda: _approve(pb.manager, budget))
    budget = pb.fresh(budget)
    assert (budget.status, budget.approved_by) == (BudgetStatus.AWAITING_APPROVAL, None)
    assert not Decision.objects.filter(budget=budget).exists()
    return error.messages


def test_r10_a_direct_payment_without_a_recipient_blocks_approval(pb, budget):
    pb.set_mode(budget, "PA", "direct_payment")
    assert _blocked(pb, pb.awaiting_approval(budget)) == [
        "Record who would receive the direct payments and the council's four findings"
    ]


def test_r5_a_final_amount_below_the_lines_blocks_approval(pb, budget):
    budget = pb.awaiting_approval(budget)
    Budget.objects.filter(pk=budget.pk).update(final_amount=FULL_TOTAL - PENNY)
    assert _blocked(pb, budget) == ["The final amount is less than the costed lines, so the budget is insufficient"]


BORN_2010 = date(2010, 3, 15)  # compulsory school age ends on Friday 26 June 2026
SCHOOL_LEAVING_DATE = date(2026, 6, 26)


@pytest.mark.parametrize(("approval_day", "blocked"), [(SCHOOL_LEAVING_DATE, True), (SCHOOL_LEAVING_DATE + DAY, False)])
def test_r10_the_young_person_receives_direct_payments_only_after_the_school_leaving_date(
    pb, on_day, approval_day, blocked
):
    on_day(approval_day)
    case = pb.case(child=ChildFactory(council=pb.council, date_of_birth=BORN_2010))
    young_person = ContactFactory(
        child=case.child,
        relationship=Relationship.YOUNG_PERSON,
        has_capacity_to_consent=True,
        capacity_assessed_on=ASSESSED_ON,
    )
    request = pb.request(case, received_on=date(2026, 6, 1))
    budget = services.budget_start(actor=pb.officer, request=request, period_start=date(2026, 4, 1))
    pb.set_mode(budget, "PA", "direct_payment")
    pb.dp_case(budget, young_person)
    budget = pb.awaiting_approval(budget)
    if blocked:
        assert _blocked(pb, budget) == [
            "Recipient: A child cannot receive direct payments until they are over compulsory school age"
        ]
    else:
        assert _approve(pb.manager, budget).status == BudgetStatus.APPROVED


@pytest.mark.parametrize(("approval_day", "blocked"), [(SCHOOL_LEAVING_DATE, False), (SCHOOL_LEAVING_DATE + DAY, True)])
def test_r10_a_parent_receives_direct_payments_only_until_the_child_is_a_young_person(
    pb, on_day, approval_day, blocked
):
    on_day(approval_day)
    case = pb.case(child=ChildFactory(council=pb.council, date_of_birth=BORN_2010))
    request = pb.request(case, received_on=date(2026, 6, 1))
    budget = services.budget_start(actor=pb.officer, request=request, period_start=date(2026, 4, 1))
    pb.set_mode(budget, "PA", "direct_payment")
    pb.dp_case(budget, case.parent)
    budget = pb.awaiting_approval(budget)
    if blocked:
        assert _blocked(pb, budget) == [
            "Recipient: Over compulsory school age, the young person receives the payments, or a person they nominate"
        ]
    else:
        assert _approve(pb.manager, budget).status == BudgetStatus.APPROVED


@pytest.mark.parametrize(
    ("nomination", "blocked"),
    [
        ({"nominee_consent_on": ASSESSED_ON}, True),
        ({"nominated_in_writing_on": ASSESSED_ON}, True),
        ({"nominated_in_writing_on": ASSESSED_ON, "nominee_consent_on": ASSESSED_ON}, False),
    ],
)
def test_r10_a_nominee_needs_a_written_nomination_and_their_recorded_agreement(
    pb, case, budget, make_nominee, nomination, blocked
):
    pb.set_mode(budget, "PA", "direct_payment")
    pb.dp_case(budget, make_nominee(case.child, **nomination))
    budget = pb.awaiting_approval(budget)
    if blocked:
        assert _blocked(pb, budget) == ["Recipient: A nominee needs a written nomination and their recorded agreement"]
    else:
        assert _approve(pb.manager, budget).status == BudgetStatus.APPROVED


@pytest.fixture
def submitted_with_dp(pb, case):
    """The budget with the PA line as a direct payment to the parent, every finding recorded, waiting for approval."""
    return pb.submit(pb.with_direct_payment(case))


def test_r10_a_budget_with_a_direct_payment_to_an_eligible_parent_is_approved(pb, submitted_with_dp):
    assert _approve(pb.manager, submitted_with_dp).status == BudgetStatus.APPROVED


def test_r10_a_recipient_found_without_capacity_after_submission_blocks_approval(pb, case, submitted_with_dp):
    people.contact_update(actor=pb.officer, contact=case.parent, has_capacity_to_consent=False)
    assert _blocked(pb, submitted_with_dp) == ["Recipient: Record that the recipient has capacity to consent"]


def test_r10_a_recipient_whose_capacity_is_not_recorded_blocks_approval(pb, case, submitted_with_dp):
    people.contact_update(actor=pb.officer, contact=case.parent, has_capacity_to_consent=None)
    assert _blocked(pb, submitted_with_dp) == ["Recipient: Record that the recipient has capacity to consent"]


def test_r11_a_recipient_under_a_drug_or_alcohol_order_blocks_approval(pb, case, submitted_with_dp):
    people.contact_update(actor=pb.officer, contact=case.parent, drug_alcohol_order=True)
    assert _blocked(pb, submitted_with_dp) == [
        "Recipient: Direct payments cannot be made to a person subject to a drug or alcohol treatment order"
    ]


@pytest.mark.parametrize(("finding", "test"), [(f, f"({'abcd'[i]})") for i, f in enumerate(R12_FINDINGS)])
def test_r12_each_finding_missing_blocks_approval_and_names_the_test(pb, case, submitted_with_dp, finding, test):
    pb.dp_case(submitted_with_dp, case.parent, **{finding: "   "})
    (blocker,) = _blocked(pb, submitted_with_dp)
    assert blocker.startswith(f"Record evidence that {test} ")


def test_r13_an_education_direct_payment_at_the_setting_without_its_agreement_blocks_approval(pb, case, budget):
    pb.set_mode(budget, "TA", "direct_payment")
    pb.dp_case(budget, case.parent)
    assert _blocked(pb, pb.awaiting_approval(budget)) == [
        "Specialist teaching assistant support in class: record the setting's written agreement (name, role, date)"
    ]


@pytest.mark.parametrize("missing", ["setting_agreement_name", "setting_agreement_role", "setting_agreement_on"])
def test_r13_the_settings_agreement_needs_a_name_a_role_and_a_date(pb, case, budget, missing):
    agreement = {
        "setting_agreement_name": "Ms Head",
        "setting_agreement_role": "Headteacher",
        "setting_agreement_on": date(2026, 3, 2),
    }
    agreement[missing] = None if missing == "setting_agreement_on" else ""
    pb.set_mode(budget, "TA", "direct_payment", **agreement)
    pb.dp_case(budget, case.parent)
    assert len(_blocked(pb, pb.awaiting_approval(budget))) == 1


def test_r13_with_the_settings_agreement_the_education_direct_payment_is_approved(pb, case, budget):
    pb.set_mode(
        budget,
        "TA",
        "direct_payment",
        setting_agreement_name="Ms Head",
        setting_agreement_role="Headteacher",
        setting_agreement_on=date(2026, 3, 2),
    )
    pb.dp_case(budget, case.parent)
    assert _approve(pb.manager, pb.submit(budget)).status == BudgetStatus.APPROVED


def test_r13_support_at_home_needs_no_setting_agreement(pb, submitted_with_dp):
    assert _approve(pb.manager, submitted_with_dp).status == BudgetStatus.APPROVED


# What approval does -----------------------------------------------------------------------------------------------


def test_approval_marks_the_request_decided(pb, budget):
    pb.agree(budget)
    assert BudgetRequest.objects.get(pk=budget.request_id).status == RequestStatus.DECIDED


def test_approval_writes_a_decision(pb, budget):
    pb.agree(budget)
    decision = Decision.objects.get(budget=budget)
    assert (decision.kind, decision.decided_by, decision.decided_on, decision.request) == (
        DecisionKind.APPROVE,
        pb.manager,
        today(),
        budget.request,
    )


def test_approval_sends_the_decision_letter_to_the_requester(pb, case, budget):
    pb.agree(budget)
    letter = Decision.objects.get(budget=budget).letter
    assert (letter.kind, letter.recipient_name, letter.child) == ("budget_decision", case.parent.full_name, case.child)
    assert "£19,611.20" in letter.body_html


@pytest.mark.usefixtures("real_pdf")
def test_the_approval_letter_is_a_real_stored_pdf(pb, budget):
    pb.agree(budget)
    letter = Decision.objects.get(budget=budget).letter
    with letter.pdf.open("rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF-") and len(data) > 3_000
    assert letter.pdf.name.startswith("letters/brightwater/")


def test_approval_supersedes_the_plans_earlier_agreed_budget(pb, case, budget):
    earlier = pb.agree(budget)
    later = pb.agree(pb.start(case))
    assert (pb.fresh(earlier).status, later.status) == (BudgetStatus.SUPERSEDED, BudgetStatus.APPROVED)


def test_approval_does_not_touch_another_plans_agreed_budget(pb, budget):
    earlier = pb.agree(budget)
    pb.agree(pb.start(pb.case()))
    assert pb.fresh(earlier).status == BudgetStatus.APPROVED


def test_approval_writes_one_budget_approved_audit_event(pb, budget, audit):
    pb.submit(budget)
    audit.mark()
    _approve(pb.manager, budget)
    events = audit.new
    (approved,) = [e for e in events if e.action == "budget.approved"]
    assert (approved.actor, approved.child, approved.object_id, approved.after) == (
        pb.manager,
        budget.child,
        str(budget.pk),
        {"status": "approved"},
    )
    assert [e.action for e in events] == ["budget.approved", "letter.issued"]


def test_a_refused_approval_writes_no_audit_event(pb, budget, audit):
    pb.set_mode(budget, "PA", "direct_payment")
    budget = pb.awaiting_approval(budget)
    audit.mark()
    _blocked(pb, budget)
    assert audit.new == []


def test_approval_saves_nothing_when_its_letter_cannot_be_made(pb, budget, monkeypatch):
    pb.submit(budget)

    def broken(html):
        raise OSError("no fonts")

    monkeypatch.setattr("ehcbudgets.letters.services.html_to_pdf", broken)
    with pytest.raises(OSError):
        _approve(pb.manager, budget)
    assert pb.fresh(budget).status == BudgetStatus.AWAITING_APPROVAL
    assert not Decision.objects.exists()
    assert BudgetRequest.objects.get(pk=budget.request_id).status == RequestStatus.OPEN


# Refusing a budget (DOMAIN R14) -----------------------------------------------------------------------------------


def _refuse(actor, budget, reason_code="other", reasons=REASONS):
    return services.budget_refuse(actor=actor, budget=budget, reason_code=reason_code, reasons=reasons)


@pytest.mark.parametrize(
    ("reason_code", "reasons", "fields"),
    [
        ("", REASONS, {"reason_code"}),
        ("not_a_reason", REASONS, {"reason_code"}),
        ("other", "  ", {"reasons"}),
        ("", "", {"reason_code", "reasons"}),
    ],
)
def test_r14_a_refusal_needs_a_reason_code_and_reasons(pb, budget, audit, reason_code, reasons, fields):
    pb.submit(budget)
    audit.mark()
    with pytest.raises(ValidationError) as caught:
        _refuse(pb.manager, budget, reason_code, reasons)
    assert set(caught.value.message_dict) == fields
    assert pb.fresh(budget).status == BudgetStatus.AWAITING_APPROVAL
    assert not Decision.objects.exists()
    assert audit.new == []


@pytest.fixture
def refusal(pb, budget):
    pb.submit(budget)
    return _refuse(pb.manager, budget, "r12_d", "Arranging the support ourselves costs less.")


def test_r14_a_refused_budget_and_its_request_are_decided(pb, budget, refusal):
    budget = pb.fresh(budget)
    assert (budget.status, budget.decided_on) == (BudgetStatus.REFUSED, today())
    assert BudgetRequest.objects.get(pk=budget.request_id).status == RequestStatus.DECIDED


def test_r14_a_refusal_is_a_decision_with_the_code_and_reasons(pb, budget, refusal):
    assert (refusal.kind, refusal.reason_code, refusal.reasons, refusal.decided_by, refusal.budget) == (
        DecisionKind.REFUSE_BUDGET,
        "r12_d",
        "Arranging the support ourselves costs less.",
        pb.manager,
        budget,
    )


def test_r14_the_refusal_letter_gives_the_reasons(refusal):
    body = refusal.letter.body_html
    assert refusal.letter.kind == "budget_refusal"
    assert "would not be an efficient use of the council" in body
    assert "Arranging the support ourselves costs less." in body


def test_r14_the_refusal_letter_gives_the_right_to_a_review_then_a_complaint_then_the_ombudsman(refusal):
    body = refusal.letter.body_html
    assert "right to ask us to review this decision" in body
    assert "complaint through the council's complaints procedure" in body
    assert "Local Government and Social Care Ombudsman" in body
    assert "no appeal to the SEND Tribunal" in body


def test_r14_the_officer_who_prepared_a_budget_cannot_refuse_it(prepared_by_manager, manager):
    with pytest.raises(PermissionDenied):
        _refuse(manager, prepared_by_manager)


def test_r14_an_agreed_budget_cannot_be_refused(pb, budget):
    pb.agree(budget)
    _refused(lambda: _refuse(pb.manager, budget))


def test_r14_a_refusal_writes_the_budget_refused_audit_event(pb, budget, audit):
    pb.submit(budget)
    audit.mark()
    _refuse(pb.manager, budget)
    assert [e.action for e in audit.new] == ["budget.refused", "letter.issued"]


# Refusing a direct payment (DOMAIN R12, R14) ----------------------------------------------------------------------


@pytest.fixture
def dp_refusal(pb, submitted_with_dp):
    line = pb.line(submitted_with_dp, "PA")
    return services.direct_payment_refuse(
        actor=pb.manager, line=line, reason_code="r12_a", reasons="No provider of PA support has been found yet."
    )


def test_r14_a_refused_direct_payment_makes_the_line_arranged_by_the_council(pb, submitted_with_dp, dp_refusal):
    line = pb.line(submitted_with_dp, "PA")
    assert (line.management_mode, line.mode_reason, line.amount) == (
        "organised_arrangement",
        "No provider of PA support has been found yet.",
        PA_AMOUNT,
    )


def test_r14_a_refused_direct_payment_is_a_decision_on_the_line(pb, submitted_with_dp, dp_refusal):
    assert (dp_refusal.kind, dp_refusal.line, dp_refusal.reason_code) == (
        DecisionKind.REFUSE_DIRECT_PAYMENT,
        pb.line(submitted_with_dp, "PA"),
        "r12_a",
    )


def test_r14_a_refused_direct_payment_is_sent_as_a_letter_naming_the_support(dp_refusal):
    letter = dp_refusal.letter
    assert letter.kind == "direct_payment_refusal"
    assert "Personal assistant support at home" in letter.body_html
    assert "right to ask us to review this decision" in letter.body_html


def test_r14_a_line_that_is_not_a_direct_payment_cannot_have_one_refused(pb, budget):
    pb.submit(budget)
    _refused(
        lambda: services.direct_payment_refuse(
            actor=pb.manager, line=pb.line(budget, "TA"), reason_code="other", reasons=REASONS
        )
    )


def test_r14_refusing_a_direct_payment_needs_reasons(pb, submitted_with_dp):
    line = pb.line(submitted_with_dp, "PA")
    _refused(
        lambda: services.direct_payment_refuse(actor=pb.manager, line=line, reason_code="r12_a", reasons=""),
        "reasons",
    )
    assert pb.fresh(line).management_mode == "direct_payment"


def test_r14_the_manager_who_prepared_a_budget_cannot_refuse_its_direct_payment(pb, case, manager):
    """Found while testing: direct_payment_refuse had no maker-checker, though the permission says a decider never
    decides a budget they prepared."""
    request = pb.request(case)
    budget = services.budget_start(actor=manager, request=request, period_start=date(2026, 4, 1))
    line = pb.line(budget, "PA")
    services.budget_line_set(
        actor=manager, budget=budget, provision_item=line.provision_item, line=line, management_mode="direct_payment"
    )
    with pytest.raises(PermissionDenied):
        services.direct_payment_refuse(actor=manager, line=line, reason_code="other", reasons=REASONS)
    assert pb.fresh(line).management_mode == "direct_payment"


def test_r14_refusing_a_direct_payment_writes_its_audit_event_and_letter(pb, submitted_with_dp, audit):
    audit.mark()
    services.direct_payment_refuse(
        actor=pb.manager, line=pb.line(submitted_with_dp, "PA"), reason_code="r12_a", reasons="No provider yet."
    )
    events = audit.new
    assert [e.action for e in events] == ["direct_payment.refused", "letter.issued"]
    assert (events[0].before, events[0].after) == (
        {"management_mode": "direct_payment"},
        {"management_mode": "organised_arrangement"},
    )


# Recording the recipient and the findings (DOMAIN R10, R12) -------------------------------------------------------


def test_r12_the_recipient_and_the_four_findings_are_recorded_on_the_budget(pb, case, budget):
    dp_case = pb.dp_case(budget, case.parent)
    assert (dp_case.recipient, dp_case.recorded_by, dp_case.budget) == (case.parent, pb.officer, budget)
    assert {field: getattr(dp_case, field) for field in R12_FINDINGS} == R12_FINDINGS


def test_r12_recording_the_findings_again_replaces_them(pb, case, budget, make_nominee):
    pb.dp_case(budget, case.parent)
    nominee = make_nominee(case.child)
    assert pb.dp_case(budget, nominee, efficient_use="Cheaper than the council's own.").recipient == nominee
    assert budget.direct_payment_case.efficient_use == "Cheaper than the council's own."


def test_r10_the_recipient_must_be_linked_to_the_child(pb, budget):
    with pytest.raises(ValidationError) as caught:
        pb.dp_case(budget, pb.case().parent)
    assert "recipient" in caught.value.message_dict


def test_r12_the_findings_of_an_agreed_budget_cannot_change(pb, case, budget):
    pb.agree(budget)
    with pytest.raises(ValidationError):
        pb.dp_case(budget, case.parent, best_interests="")


def test_r12_recording_the_findings_writes_one_audit_event(pb, case, budget, audit):
    audit.mark()
    pb.dp_case(budget, case.parent)
    event = audit.one()
    assert (event.action, event.after["recipient"], event.after["best_interests"]) == (
        "direct_payment_case.recorded",
        case.parent.pk,
        R12_FINDINGS["best_interests"],
    )


# Reviews of refusals (DOMAIN R14) ---------------------------------------------------------------------------------


def _ask(actor, decision, grounds="We have found a provider since.", **kwargs):
    return services.decision_review_request(actor=actor, decision=decision, grounds=grounds, **kwargs)


def test_r14_the_family_can_ask_for_a_refusal_to_be_reviewed(parent_user, refusal, audit):
    audit.mark()
    review = _ask(parent_user, refusal)
    assert (review.status, review.requested_on, review.grounds) == (
        ReviewRequestStatus.OPEN,
        today(),
        "We have found a provider since.",
    )
    assert audit.one().action == "decision_review.requested"


def test_r14_an_officer_can_record_a_review_request_from_a_letter(pb, refusal):
    assert _ask(pb.officer, refusal).decision == refusal


def test_r14_another_family_cannot_ask_for_a_review(refusal, make_user, pb):
    stranger = make_user(Role.PARENT_CARER)
    ContactFactory(child=ChildFactory(council=pb.council), user=stranger)
    with pytest.raises(PermissionDenied):
        _ask(stranger, refusal)
    assert not DecisionReviewRequest.objects.exists()


def test_r14_an_officer_of_another_council_cannot_record_a_review_request(refusal, make_user, other_council):
    with pytest.raises(PermissionDenied):
        _ask(make_user(Role.CASE_OFFICER, council=other_council), refusal)


def test_r14_only_a_refusal_can_be_reviewed(pb, parent_user, budget):
    pb.agree(budget)
    _refused(lambda: _ask(parent_user, Decision.objects.get(budget=budget)))


def test_r14_a_refusal_is_reviewed_once(parent_user, refusal):
    _ask(parent_user, refusal)
    _refused(lambda: _ask(parent_user, refusal))
    assert DecisionReviewRequest.objects.count() == 1


def test_r14_a_review_request_needs_grounds(parent_user, refusal):
    _refused(lambda: _ask(parent_user, refusal, grounds="  "), "grounds")


@pytest.mark.parametrize(("days", "allowed"), [(-1, False), (0, True), (1, False)])
def test_r14_a_review_request_is_dated_between_the_decision_and_today(parent_user, refusal, days, allowed):
    on = today() + timedelta(days=days)  # the refusal was decided today
    if allowed:
        assert _ask(parent_user, refusal, requested_on=on).requested_on == on
    else:
        _refused(lambda: _ask(parent_user, refusal, requested_on=on), "requested_on")


@pytest.fixture
def review(parent_user, refusal):
    return _ask(parent_user, refusal)


def _decide(actor, review, upheld=True, reasons="We looked again at the costs."):
    return services.decision_review_decide(actor=actor, review=review, upheld=upheld, reasons=reasons)


def test_r14_the_person_who_made_the_decision_cannot_review_it(pb, review):
    with pytest.raises(PermissionDenied):
        _decide(pb.manager, review)
    assert DecisionReviewRequest.objects.get(pk=review.pk).status == ReviewRequestStatus.OPEN


def test_r14_a_case_officer_cannot_decide_a_review(pb, review):
    with pytest.raises(PermissionDenied):
        _decide(pb.officer, review)


def test_r14_a_review_outcome_needs_reasons(other_manager, review):
    _refused(lambda: _decide(other_manager, review, reasons=" "), "reasons")
    assert not Letter.objects.filter(kind="decision_review_outcome").exists()


def test_r14_an_upheld_refusal_stays_refused(pb, budget, other_manager, review):
    decided = _decide(other_manager, review, upheld=True)
    assert (decided.status, decided.decided_by, decided.decided_on) == (
        ReviewRequestStatus.UPHELD,
        other_manager,
        today(),
    )
    assert pb.fresh(budget).status == BudgetStatus.REFUSED
    assert BudgetRequest.objects.get(pk=budget.request_id).status == RequestStatus.DECIDED


def test_r14_the_upheld_outcome_letter_gives_the_reasons_then_the_complaint_and_the_ombudsman(
    case, other_manager, review
):
    letter = _decide(other_manager, review, upheld=True).letter
    assert (letter.kind, letter.recipient_name) == ("decision_review_outcome", case.parent.full_name)
    assert "We have kept the original decision." in letter.body_html
    assert "We looked again at the costs." in letter.body_html
    assert "Local Government and Social Care Ombudsman" in letter.body_html


def test_r14_a_changed_refusal_reopens_the_request_and_returns_the_budget_to_draft(pb, budget, other_manager, review):
    decided = _decide(other_manager, review, upheld=False)
    budget = pb.fresh(budget)
    assert decided.status == ReviewRequestStatus.CHANGED
    assert (budget.status, budget.decided_on) == (BudgetStatus.DRAFT, None)
    assert BudgetRequest.objects.get(pk=budget.request_id).status == RequestStatus.OPEN
    assert "We have changed the decision." in decided.letter.body_html


def test_r14_a_changed_refusal_of_a_request_reopens_it(pb, child, other_manager, make_user):
    parent = ContactFactory(child=child)
    request = services.budget_request_record(actor=pb.officer, child=child, requester=parent, channel="letter")
    review = _ask(pb.officer, Decision.objects.get(request=request))
    _decide(other_manager, review, upheld=False)
    assert BudgetRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN


def test_r14_a_review_is_decided_once(other_manager, review, make_user, council):
    _decide(other_manager, review)
    _refused(lambda: _decide(make_user(Role.TEAM_MANAGER, council=council), review, upheld=False))


def test_r14_deciding_a_review_writes_its_audit_event_and_letter(other_manager, review, audit):
    audit.mark()
    _decide(other_manager, review)
    assert [e.action for e in audit.new] == ["letter.issued", "decision_review.decided"]
