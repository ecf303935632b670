"""Reviews of direct payments: the recipient's request and the council's answer, the questions every review answers,
progress towards the plan's outcomes, each outcome and the flow it starts with its notice and letter, and the
increases and new conditions those flows make (DOMAIN R16 to R22; ADR 9).

Unless a test says otherwise, today is Friday 1 May 2026 and the standard agreement (the PA line, £3,411.20 from
1 April 2026 to 31 March 2027, 4-weekly, paid to the parent) has had £330.11 paid in. A notice sent today is deemed
received on Wednesday 6 May (4 May is a bank holiday), so a reduction, stop or new condition can take effect from
Wednesday 3 June 2026.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets.tests.conftest import ASSESSED_ON, nominee_of
from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.ledger.services import MAX_AMOUNT
from ehcbudgets.letters.models import Letter, LetterKind
from ehcbudgets.monitoring import services
from ehcbudgets.monitoring.models import DpReview, OutcomeProgress, ReviewStatus
from ehcbudgets.payments import services as payments
from ehcbudgets.payments.models import Agreement, AgreementChange, AgreementStatus
from ehcbudgets.payments.tests.conftest import PA_AMOUNT
from ehcbudgets.payments.tests.test_agreements import CARD
from ehcbudgets.plans.models import Outcome
from ehcbudgets.plans.tests.factories import OutcomeFactory

#: Friday 1 May 2026, the day the tests run on.
TODAY = date(2026, 5, 1)
#: The first day a reduction, stop or new condition with notice sent today can take effect (DOMAIN R21, R22).
EARLIEST = date(2026, 6, 3)
#: 10 working days (the council's decision target) after 1 May 2026, skipping the 4 May bank holiday.
REQUEST_DUE = date(2026, 5, 18)
#: Reviews due up to 56 days ahead are covered by a review recorded today: up to Friday 26 June 2026.
HORIZON = TODAY + timedelta(days=56)
PENNY = Decimal("0.01")
QUESTIONS = ("appropriate", "used_effectively", "enough", "tests_met", "conditions_kept")
REASONS = "Jo's personal assistant is working well and the hours are right."


# Helpers ---------------------------------------------------------------------------------------------------------


def all_yes(**overrides) -> dict:
    """Every R19 question answered yes, with the family's own words."""
    return {
        **dict.fromkeys(QUESTIONS, True),
        "family_wants_to_continue": True,
        "family_needs_help": False,
        "family_words": "On Jo's personal assistant, four hours every week.",
        **overrides,
    }


def progress_for(agreement, value="on_track", note="") -> dict:
    """Progress for every outcome of the agreement's plan (section E)."""
    return {o.pk: (value, note) for o in Outcome.objects.filter(plan_id=agreement.budget.plan_id)}


def record(actor, review, outcome="continue", *, answers=None, progress=None, reasons=REASONS, **fields):
    return services.review_record(
        actor=actor,
        review=review,
        answers=all_yes() if answers is None else answers,
        progress=progress_for(review.agreement) if progress is None else progress,
        outcome=outcome,
        outcome_reasons=reasons,
        **fields,
    )


def make_review(agreement, trigger="plan_review", key="2026-05-15", due_on=date(2026, 5, 15)) -> DpReview:
    return DpReview.objects.create(
        council=agreement.council, agreement=agreement, trigger=trigger, trigger_key=key, due_on=due_on
    )


def ask_for_review(actor, agreement, reasons="The hours are not enough since Jo started secondary school."):
    return services.review_request(actor=actor, agreement=agreement, reasons=reasons)


def decline(actor, review, reasons="We reviewed the payments in April and nothing has changed since."):
    return services.review_decline(actor=actor, review=review, reasons=reasons)


def schedule(agreement) -> list:
    return [(p.pk, p.due_on, p.amount, p.status) for p in agreement.payments.order_by("due_on", "pk")]


def live_total(agreement) -> Decimal:
    return sum((p.amount for p in agreement.payments.exclude(status="cancelled")), Decimal("0.00"))


def nothing_recorded(review) -> tuple:
    """What a refused recording must leave as it was: the review, its progress, letters, changes, the agreement and
    its payments, and every other review."""
    agreement = Agreement.objects.get(pk=review.agreement_id)
    return (
        list(DpReview.objects.order_by("pk").values_list("pk", "status", "outcome", "recorded_on", "covered_by")),
        OutcomeProgress.objects.count(),
        Letter.objects.count(),
        AgreementChange.objects.count(),
        (agreement.amount, agreement.conditions, agreement.stop_effective_on, agreement.recipient_id),
        schedule(agreement),
    )


def assert_nothing_recorded(review, act, *, error=ValidationError, match=None, field=None) -> None:
    """The call is refused (with a message on `field` when given) and nothing of the review, its agreement and
    payments, the letters or the other reviews changed."""
    before = nothing_recorded(review)
    with pytest.raises(error, match=match) as exc:
        act()
    if field is not None:
        assert field in exc.value.message_dict
    assert nothing_recorded(review) == before


@pytest.fixture
def review(funded):
    """A review of the funded agreement, due with the plan's review on 15 May 2026."""
    return make_review(funded)


@pytest.fixture
def requested(funded, parent_user):
    return ask_for_review(parent_user, funded)


# The recipient asks for a review (DOMAIN R18) ---------------------------------------------------------------------


def test_the_recipient_may_ask_for_a_review(funded, parent_user):
    """A request is a review due, with the recipient's words and who asked (R18)."""
    review = ask_for_review(parent_user, funded, reasons="Jo needs more hours now.")
    assert (review.trigger, review.status, review.request_reasons, review.requested_by, review.agreement) == (
        "recipient_request",
        ReviewStatus.DUE,
        "Jo needs more hours now.",
        parent_user,
        funded,
    )


def test_a_request_must_be_considered_within_the_council_s_decision_target(funded, parent_user):
    """Due 10 working days later: 18 May 2026, the 4 May bank holiday not counted (R18)."""
    assert ask_for_review(parent_user, funded).due_on == REQUEST_DUE


def test_a_request_is_due_by_the_council_s_own_decision_target(funded, parent_user, council):
    """A council with a 15 working day target: due Tuesday 26 May 2026, after the 25 May bank holiday (R18)."""
    CouncilPolicy.objects.create(council=council, effective_from=date(2026, 4, 1), decision_target_working_days=15)
    assert ask_for_review(parent_user, funded).due_on == date(2026, 5, 26)


def test_asking_for_a_review_is_audited(funded, parent_user, audit):
    audit.mark()
    review = ask_for_review(parent_user, funded)
    event = audit.one()
    assert (event.action, event.object_id, event.child_id, event.actor) == (
        "review.requested",
        str(review.pk),
        funded.child_id,
        parent_user,
    )


@pytest.mark.parametrize("reasons", ["", "   "])
def test_a_request_needs_the_recipient_s_reasons(funded, parent_user, reasons):
    with pytest.raises(ValidationError) as exc:
        ask_for_review(parent_user, funded, reasons=reasons)
    assert "reasons" in exc.value.message_dict
    assert not DpReview.objects.exists()


def test_another_parent_cannot_ask_for_a_review(funded, make_user):
    """Only the person who receives the payments may ask (R18)."""
    with pytest.raises(PermissionDenied):
        ask_for_review(make_user(Role.PARENT_CARER, full_name="Someone Else"), funded)
    assert not DpReview.objects.exists()


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_staff_cannot_ask_for_a_review_as_the_recipient(funded, request, who):
    with pytest.raises(PermissionDenied):
        ask_for_review(request.getfixturevalue(who), funded)
    assert not DpReview.objects.exists()


def test_a_second_request_is_refused_while_the_first_is_being_considered(requested, parent_user):
    """One request at a time: the council is still considering the first."""
    with pytest.raises(ValidationError, match="already asked"):
        ask_for_review(parent_user, requested.agreement)
    assert DpReview.objects.count() == 1


def test_the_recipient_may_ask_again_once_a_request_is_declined(requested, parent_user, officer):
    decline(officer, requested)
    again = ask_for_review(parent_user, requested.agreement)
    assert again.pk != requested.pk and again.status == ReviewStatus.DUE


def test_no_review_can_be_asked_for_when_the_payments_have_stopped(funded, parent_user):
    """After the recipient withdrew consent the payments are not running: refused."""
    payments.agreement_withdraw_consent(actor=parent_user, agreement=funded)
    with pytest.raises(ValidationError, match="not running"):
        ask_for_review(parent_user, funded)
    assert not DpReview.objects.exists()


def test_no_review_can_be_asked_for_once_the_payments_are_stopping(funded, parent_user, manager):
    """R18, R22: a stop has been decided with its notice; there is nothing left to review."""
    payments.agreement_stop(
        actor=manager, agreement=funded, ground="not_used_for_provision", reasons="The support is not happening."
    )
    with pytest.raises(ValidationError, match="stopping"):
        ask_for_review(parent_user, funded)
    assert not DpReview.objects.exists()


def test_a_review_recorded_while_a_request_waits_answers_the_request_in_its_letter(requested, review, officer):
    """R18: the council must consider the recipient's request; the review that covers it says so."""
    recorded = record(officer, review)
    requested.refresh_from_db()
    assert (requested.status, requested.covered_by) == (ReviewStatus.COVERED, recorded)
    assert "This review answers your request for a review of 1 May 2026" in recorded.letter.body_html


@pytest.mark.parametrize("question", ["appropriate", "enough", "tests_met"])
def test_a_review_finding_the_payments_are_not_working_needs_a_manager(review, officer, question):
    """R17, R22: an officer cannot close such a review with an outcome that leaves the payments as they are."""
    answers = all_yes(**{question: False, f"{question}_note": "Not working."})
    with pytest.raises(PermissionDenied, match="manager"):
        record(officer, review, "change_recipient", answers=answers)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DUE


def test_payments_no_longer_the_right_way_must_stop_or_go_to_someone_else(review, manager):
    """R22: a review that finds direct payments are no longer appropriate cannot simply continue them."""
    answers = all_yes(appropriate=False, appropriate_note="The provision cannot be bought this way now.")
    with pytest.raises(ValidationError, match="no longer the right way"):
        record(manager, review, "continue", answers=answers)


# The council declines a request (DOMAIN R18) ----------------------------------------------------------------------


def test_a_declined_request_is_closed_with_its_reasons(requested, officer):
    declined = decline(officer, requested, reasons="Nothing has changed since April.")
    declined.refresh_from_db()
    assert (declined.status, declined.declined_reasons, declined.recorded_on, declined.recorded_by) == (
        ReviewStatus.DECLINED,
        "Nothing has changed since April.",
        TODAY,
        officer,
    )


def test_a_declined_request_is_answered_in_a_letter_with_the_reasons(requested, officer):
    """The council must consider a request and write with its reasons (R18)."""
    declined = decline(officer, requested, reasons="Nothing has changed since April.")
    letter = declined.letter
    agreement = requested.agreement
    assert (letter.kind, letter.recipient_name, letter.child_id) == (
        LetterKind.DP_REVIEW_REQUEST,
        agreement.recipient.full_name,
        agreement.child_id,
    )
    assert "Nothing has changed since April." in letter.body_html
    assert "decided not to hold a review now" in letter.body_html


@pytest.mark.parametrize("reasons", ["", "  "])
def test_a_request_is_declined_only_with_reasons(requested, officer, reasons):
    """No reasons: refused naming them; the request is still due and no letter is sent (R18)."""
    with pytest.raises(ValidationError) as exc:
        decline(officer, requested, reasons=reasons)
    assert "reasons" in exc.value.message_dict
    requested.refresh_from_db()
    assert requested.status == ReviewStatus.DUE
    assert not Letter.objects.filter(kind=LetterKind.DP_REVIEW_REQUEST).exists()


@pytest.mark.parametrize("trigger", ["first", "plan_review", "reassessment", "provision_change"])
def test_only_a_review_the_recipient_asked_for_can_be_declined(funded, officer, trigger):
    """The reviews the law requires must be held (R18)."""
    review = make_review(funded, trigger=trigger)
    with pytest.raises(ValidationError, match="Only a review the recipient asked for"):
        decline(officer, review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DUE


def test_a_declined_request_cannot_be_declined_again(requested, officer):
    decline(officer, requested)
    letters = Letter.objects.count()
    with pytest.raises(ValidationError, match="already been dealt with"):
        decline(officer, requested, reasons="Again")
    assert Letter.objects.count() == letters


@pytest.mark.parametrize("who", ["parent_user", "finance"])
def test_only_staff_who_manage_direct_payments_decline_a_request(requested, request, who):
    with pytest.raises(PermissionDenied):
        decline(request.getfixturevalue(who), requested)
    requested.refresh_from_db()
    assert requested.status == ReviewStatus.DUE


def test_another_council_s_staff_cannot_decline_a_request(requested, make_user, other_council):
    with pytest.raises(PermissionDenied):
        decline(make_user(Role.TEAM_MANAGER, council=other_council), requested)
    requested.refresh_from_db()
    assert requested.status == ReviewStatus.DUE


# Recording a review: the questions and the progress (DOMAIN R19) --------------------------------------------------


def test_a_review_records_every_answer_and_the_family_s_words(review, officer):
    """The five questions, the family's wish to carry on, whether they need help and how the money was spent (R19)."""
    answers = all_yes(used_effectively=False, used_effectively_note="Two months had no timesheets.")
    recorded = record(officer, review, "change_recipient", answers=answers)
    recorded.refresh_from_db()
    assert (
        recorded.appropriate,
        recorded.used_effectively,
        recorded.used_effectively_note,
        recorded.enough,
        recorded.tests_met,
        recorded.conditions_kept,
        recorded.family_wants_to_continue,
        recorded.family_needs_help,
        recorded.family_words,
    ) == (
        True,
        False,
        "Two months had no timesheets.",
        True,
        True,
        True,
        True,
        False,
        "On Jo's personal assistant, four hours every week.",
    )
    assert (recorded.status, recorded.recorded_on, recorded.recorded_by) == (ReviewStatus.RECORDED, TODAY, officer)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_review_question_must_be_answered(review, officer, question):
    """A question left unanswered is refused naming it; nothing is recorded (R19)."""
    before = nothing_recorded(review)
    answers = all_yes()
    del answers[question]
    with pytest.raises(ValidationError) as exc:
        record(officer, review, answers=answers)
    assert question in exc.value.message_dict
    assert nothing_recorded(review) == before


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_no_needs_a_note_saying_why(review, officer, question):
    """A "no" without a note is refused naming the note; nothing is recorded (R19)."""
    before = nothing_recorded(review)
    with pytest.raises(ValidationError) as exc:
        record(officer, review, "change_recipient", answers=all_yes(**{question: False, f"{question}_note": "  "}))
    assert f"{question}_note" in exc.value.message_dict
    assert nothing_recorded(review) == before


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_no_with_a_note_is_recorded(review, manager, question):
    """With a note, a "no" is accepted and kept (R19)."""
    answers = all_yes(**{question: False, f"{question}_note": "  Said why.  "})
    recorded = record(manager, review, "change_recipient", answers=answers)
    recorded.refresh_from_db()
    assert (getattr(recorded, question), getattr(recorded, f"{question}_note")) == (False, "Said why.")


def test_progress_towards_each_outcome_is_recorded(review, officer, case):
    """One progress record for each outcome of section E, with its note (R19)."""
    second = OutcomeFactory(plan=case.plan, text="To make a friend at the after-school club")
    progress = {case.outcome.pk: ("on_track", " Joins in more "), second.pk: ("some", "")}
    record(officer, review, progress=progress)
    kept = {(p.outcome_id, p.progress, p.note) for p in review.progress.all()}
    assert kept == {(case.outcome.pk, "on_track", "Joins in more"), (second.pk, "some", "")}


def test_progress_must_be_recorded_for_every_outcome(review, officer, case):
    """One outcome of two left out: refused naming the progress; nothing is recorded (R19)."""
    OutcomeFactory(plan=case.plan, text="To make a friend at the after-school club")
    before = nothing_recorded(review)
    with pytest.raises(ValidationError) as exc:
        record(officer, review, progress={case.outcome.pk: ("on_track", "")})
    assert "progress" in exc.value.message_dict
    assert "1 not recorded" in str(exc.value.message_dict["progress"])
    assert nothing_recorded(review) == before


def test_progress_must_be_one_of_the_known_measures(review, officer, case):
    """ "Great" is not a measure of progress: refused, nothing recorded (R19)."""
    assert_nothing_recorded(
        review, lambda: record(officer, review, progress={case.outcome.pk: ("great", "")}), field="progress"
    )


@pytest.mark.parametrize("reasons", ["", "  "])
def test_the_outcome_needs_reasons(review, officer, reasons):
    assert_nothing_recorded(review, lambda: record(officer, review, reasons=reasons), field="outcome_reasons")


@pytest.mark.parametrize("outcome", ["", "carry_on"])
def test_the_outcome_must_be_one_the_law_gives(review, officer, outcome):
    """Only the six outcomes of R20."""
    assert_nothing_recorded(review, lambda: record(officer, review, outcome), field="outcome")


def test_recording_a_review_is_audited(review, officer, audit):
    audit.mark()
    record(officer, review)
    events = [e for e in audit.new if e.action == "review.recorded"]
    assert len(events) == 1
    assert (events[0].object_id, events[0].child_id, events[0].after["outcome"]) == (
        str(review.pk),
        review.agreement.child_id,
        "continue",
    )


def test_a_recorded_review_cannot_be_recorded_again(review, officer):
    record(officer, review)
    assert_nothing_recorded(
        review, lambda: record(officer, review, reasons="A second go"), match="already been recorded"
    )


def test_a_review_of_payments_that_are_stopping_is_refused(review, manager):
    """Once a stop has been decided there is nothing left to review."""
    payments.agreement_stop(actor=manager, agreement=review.agreement, ground="cannot_secure", reasons="No PA")
    assert_nothing_recorded(review, lambda: record(manager, review), match="not running")


def test_another_council_s_staff_cannot_record_a_review(review, make_user, other_council):
    assert_nothing_recorded(
        review, lambda: record(make_user(Role.TEAM_MANAGER, council=other_council), review), error=PermissionDenied
    )


def test_the_family_cannot_record_a_review(review, parent_user):
    assert_nothing_recorded(review, lambda: record(parent_user, review), error=PermissionDenied)


# Outcomes (DOMAIN R20) --------------------------------------------------------------------------------------------


def test_continue_sends_the_review_letter_and_changes_nothing_else(review, officer):
    """Continue: the review letter, no change to the agreement or its payments (R20)."""
    before = schedule(review.agreement)
    letters = set(Letter.objects.values_list("pk", flat=True))
    recorded = record(officer, review, "continue")
    assert recorded.change is None
    assert not AgreementChange.objects.exists()
    assert schedule(review.agreement) == before
    new_letters = Letter.objects.exclude(pk__in=letters)
    assert [(letter.pk, letter.kind) for letter in new_letters] == [(recorded.letter_id, LetterKind.DP_REVIEW)]


def test_the_review_letter_gives_the_answers_progress_and_outcome(review, officer, case):
    """The letter to the recipient sets out what the review found and what happens next (R19, R20)."""
    recorded = record(officer, review, "continue", progress={case.outcome.pk: ("on_track", "Joins in more")})
    letter = recorded.letter
    assert (letter.kind, letter.recipient_name) == (LetterKind.DP_REVIEW, review.agreement.recipient.full_name)
    for text in (
        REASONS,
        "To take part in lessons with less adult help",
        "On track: Joins in more",
        "On Jo's personal assistant, four hours every week.",
        "The direct payments carry on as they are.",
    ):
        assert escape(text) in letter.body_html


def test_an_increase_raises_the_agreement_amount(review, manager):
    """Increase: the agreement goes up to the new amount and the future payments add up to it (R17, R20)."""
    record(manager, review, "increase", new_amount=Decimal("3600.00"))
    agreement = Agreement.objects.get(pk=review.agreement_id)
    assert agreement.amount == Decimal("3600.00")
    assert live_total(agreement) == Decimal("3600.00")


def test_an_increase_is_an_agreement_change_with_its_own_letter(review, manager):
    """The review points at the change, which has the old and new amounts and a DP_INCREASE letter (R20)."""
    recorded = record(manager, review, "increase", new_amount=Decimal("3600.00"))
    change = AgreementChange.objects.get()
    assert recorded.change == change
    assert (change.kind, change.old_amount, change.new_amount, change.effective_on) == (
        "increase",
        PA_AMOUNT,
        Decimal("3600.00"),
        TODAY,
    )
    assert change.letter.kind == LetterKind.DP_INCREASE
    assert "separate notice" in recorded.letter.body_html


def test_a_reduction_takes_effect_after_the_notice_period_by_default(review, manager):
    """Reduce: written notice, effective no sooner than 28 days after it arrives, 3 June 2026 (R21)."""
    recorded = record(manager, review, "reduce", new_amount=Decimal("3000.00"))
    change = recorded.change
    assert (change.kind, change.new_amount, change.notice_on, change.effective_on) == (
        "reduce",
        Decimal("3000.00"),
        TODAY,
        EARLIEST,
    )
    assert change.letter.kind == LetterKind.DP_REDUCTION
    assert Agreement.objects.get(pk=review.agreement_id).amount == Decimal("3000.00")


@pytest.mark.parametrize(
    ("effective_on", "accepted"),
    [(EARLIEST - timedelta(days=1), False), (EARLIEST, True), (EARLIEST + timedelta(days=1), True)],
)
def test_a_reduction_from_a_review_respects_the_notice_period(review, manager, effective_on, accepted):
    """The day before the notice runs out is refused and records nothing; that day and later are accepted (R21)."""
    if accepted:
        assert record(manager, review, "reduce", new_amount=Decimal("3000.00"), effective_on=effective_on)
        assert AgreementChange.objects.get().effective_on == effective_on
        return
    assert_nothing_recorded(
        review,
        lambda: record(manager, review, "reduce", new_amount=Decimal("3000.00"), effective_on=effective_on),
        field="effective_on",
    )


def test_the_review_letter_for_a_reduction_points_to_the_notice_and_reconsideration(review, manager):
    recorded = record(manager, review, "reduce", new_amount=Decimal("3000.00"))
    assert "how to ask us to reconsider" in recorded.letter.body_html


def test_a_stop_gives_notice_on_its_ground(review, manager):
    """Stop: on a ground of R22, never at once: effective after the notice period, with its DP_STOP letter (R22)."""
    recorded = record(manager, review, "stop", ground="not_used_for_provision")
    change = recorded.change
    assert (change.kind, change.ground, change.effective_on) == ("stop", "not_used_for_provision", EARLIEST)
    assert change.letter.kind == LetterKind.DP_STOP
    agreement = Agreement.objects.get(pk=review.agreement_id)
    assert (agreement.status, agreement.stop_effective_on) == (AgreementStatus.ACTIVE, EARLIEST)


@pytest.mark.parametrize("ground", ["", "bored", "consent_withdrawn"])
def test_a_stop_needs_a_council_ground_and_records_nothing_without_one(review, manager, ground):
    """No ground, an unknown one, or the recipient's own ground: refused naming the ground; nothing recorded (R22)."""
    assert_nothing_recorded(review, lambda: record(manager, review, "stop", ground=ground), field="ground")


def test_new_conditions_are_added_to_the_agreement_s_conditions(review, manager):
    """Add conditions: appended to those already there, not replacing them (R16, R20)."""
    Agreement.objects.filter(pk=review.agreement_id).update(conditions="Do not pay Uncle Bob.")
    record(manager, review, "add_conditions", conditions="Keep a timesheet for every hour paid.")
    agreement = Agreement.objects.get(pk=review.agreement_id)
    assert agreement.conditions == "Do not pay Uncle Bob.\nKeep a timesheet for every hour paid. (from 3 June 2026)"


def test_new_conditions_from_a_review_come_with_notice(review, manager):
    """The change takes effect after the notice period, with its DP_CONDITIONS letter (R16, R20)."""
    recorded = record(manager, review, "add_conditions", conditions="Keep a timesheet for every hour paid.")
    change = recorded.change
    assert (change.kind, change.notice_on, change.effective_on) == ("add_conditions", TODAY, EARLIEST)
    assert change.letter.kind == LetterKind.DP_CONDITIONS
    assert "Keep a timesheet for every hour paid." in change.letter.body_html


def test_adding_no_conditions_records_nothing(review, manager):
    assert_nothing_recorded(
        review, lambda: record(manager, review, "add_conditions", conditions="  "), field="conditions"
    )


def test_a_change_of_recipient_without_the_new_recipient_is_recorded_for_the_officer_to_set_up(review, officer):
    """Change recipient with nobody named yet: the review is recorded and the agreement is not changed (R20)."""
    recipient = review.agreement.recipient_id
    recorded = record(officer, review, "change_recipient")
    recorded.refresh_from_db()
    assert (recorded.status, recorded.outcome, recorded.change) == (ReviewStatus.RECORDED, "change_recipient", None)
    assert not AgreementChange.objects.exists()
    assert Agreement.objects.get(pk=review.agreement_id).recipient_id == recipient
    assert "Your case officer will contact you about the next steps." in recorded.letter.body_html


def test_a_change_of_recipient_with_the_new_recipient_is_made_and_waits_for_their_consent(review, officer, case):
    """A nominee named in the review takes over: the agreement waits for their consent to the terms (R15, R20)."""
    nominee = nominee_of(case.child, nominated_in_writing_on=ASSESSED_ON, nominee_consent_on=ASSESSED_ON)
    recorded = record(officer, review, "change_recipient", new_recipient=nominee, **CARD)
    agreement = Agreement.objects.get(pk=review.agreement_id)
    assert (agreement.status, agreement.recipient) == (AgreementStatus.AWAITING_CONSENT, nominee)
    assert (recorded.change.kind, recorded.change.new_recipient) == ("change_recipient", nominee)


def test_an_ineligible_new_recipient_records_nothing(review, officer, case):
    """A nominee with no written nomination cannot take over: refused naming them, nothing recorded (R10, R20)."""
    nominee = nominee_of(case.child, nominee_consent_on=ASSESSED_ON)
    assert_nothing_recorded(
        review,
        lambda: record(officer, review, "change_recipient", new_recipient=nominee, **CARD),
        field="new_recipient",
    )


# Outcomes the answers allow (DOMAIN R17, R22) ---------------------------------------------------------------------


def test_payments_found_not_enough_cannot_simply_continue(review, manager):
    """Not enough for the agreed support: continue is refused naming the outcome; nothing recorded (R17)."""
    before = nothing_recorded(review)
    answers = all_yes(enough=False, enough_note="Rates went up in April.")
    with pytest.raises(ValidationError) as exc:
        record(manager, review, "continue", answers=answers)
    assert "outcome" in exc.value.message_dict
    assert nothing_recorded(review) == before


def test_payments_that_no_longer_meet_the_tests_cannot_just_be_reduced(review, manager):
    """The R12 tests no longer hold: a reduction is refused naming the outcome; nothing recorded (R22)."""
    before = nothing_recorded(review)
    answers = all_yes(tests_met=False, tests_met_note="No one can manage the account.")
    with pytest.raises(ValidationError) as exc:
        record(manager, review, "reduce", answers=answers, new_amount=Decimal("3000.00"))
    assert "outcome" in exc.value.message_dict
    assert nothing_recorded(review) == before


@pytest.mark.parametrize(
    ("enough", "tests_met", "outcome", "allowed"),
    [
        (True, True, "continue", True),
        (False, True, "continue", False),
        (False, True, "reduce", False),
        (False, True, "add_conditions", False),
        (False, True, "increase", True),
        (False, True, "stop", True),
        (False, True, "change_recipient", True),
        (True, False, "continue", False),
        (True, False, "increase", False),
        (True, False, "reduce", False),
        (True, False, "add_conditions", False),
        (True, False, "stop", True),
        (True, False, "change_recipient", True),
        (False, False, "increase", False),
        (False, False, "stop", True),
    ],
)
def test_which_outcomes_the_answers_allow(enough, tests_met, outcome, allowed):
    """Not enough: increase, stop or change recipient (R17); tests no longer met: stop or change recipient (R22)."""
    problem = services.review_outcome_allowed(enough=enough, tests_met=tests_met, outcome=outcome)
    assert (problem is None) == allowed


# Who decides an outcome --------------------------------------------------------------------------------------------


def test_a_case_officer_may_record_a_review_that_continues_the_payments(review, officer):
    recorded = record(officer, review, "continue")
    recorded.refresh_from_db()
    assert (recorded.status, recorded.recorded_by) == (ReviewStatus.RECORDED, officer)


@pytest.mark.parametrize(
    ("outcome", "fields"),
    [
        ("increase", {"new_amount": Decimal("3600.00")}),
        ("reduce", {"new_amount": Decimal("3000.00")}),
        ("stop", {"ground": "cannot_secure"}),
        ("add_conditions", {"conditions": "Keep a timesheet for every hour paid."}),
    ],
)
def test_a_case_officer_cannot_record_an_outcome_that_changes_or_stops_the_payments(review, officer, outcome, fields):
    """Those are a manager's decisions (DP_DECIDE): refused, and nothing is recorded (R20 to R22)."""
    assert_nothing_recorded(review, lambda: record(officer, review, outcome, **fields), error=PermissionDenied)


# A refused outcome records nothing ---------------------------------------------------------------------------------


def test_a_failing_outcome_flow_records_nothing(review, manager, case):
    """A "reduction" to more than the current amount is refused by the reduction flow: the review is still due, with
    no progress, no letter and no change (R21)."""
    assert_nothing_recorded(
        review, lambda: record(manager, review, "reduce", new_amount=Decimal("3500.00")), field="new_amount"
    )
    review.refresh_from_db()
    assert (review.status, review.outcome, review.letter) == (ReviewStatus.DUE, "", None)
    assert not OutcomeProgress.objects.exists()


def test_an_increase_to_no_more_than_the_current_amount_records_nothing(review, manager):
    assert_nothing_recorded(
        review, lambda: record(manager, review, "increase", new_amount=PA_AMOUNT), field="new_amount"
    )


# Other reviews covered (DOMAIN R18) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "covered"),
    [(HORIZON - timedelta(days=1), True), (HORIZON, True), (HORIZON + timedelta(days=1), False)],
    ids=["day-before-horizon", "horizon", "day-after-horizon"],
)
def test_a_recorded_review_covers_others_due_within_56_days(review, officer, due_on, covered):
    """A review due up to 56 days ahead (26 June 2026) is covered by the one recorded today; a day later stays due."""
    other = make_review(review.agreement, trigger="provision_change", key="provision:7", due_on=due_on)
    record(officer, review)
    other.refresh_from_db()
    if covered:
        assert (other.status, other.covered_by_id) == (ReviewStatus.COVERED, review.pk)
    else:
        assert (other.status, other.covered_by_id) == (ReviewStatus.DUE, None)


def test_a_recorded_review_covers_the_first_review_whenever_it_is_due(review, officer):
    """The first review (within 3 months of the first payment, due 1 July 2026) is met by any review held (R18)."""
    first = make_review(review.agreement, trigger="first", key="2026-04-01", due_on=date(2026, 7, 1))
    assert first.due_on > HORIZON
    record(officer, review)
    first.refresh_from_db()
    assert (first.status, first.covered_by_id) == (ReviewStatus.COVERED, review.pk)


def test_a_review_of_another_agreement_is_not_covered(review, officer, pb, dp, make_user, council):
    """Only the same agreement's reviews are covered."""
    from ehcbudgets.people.tests.factories import ChildFactory

    other_parent = make_user(Role.PARENT_CARER, full_name="Alex Other")
    other_case = pb.case(child=ChildFactory(council=council), parent_user=other_parent)
    other_agreement = dp.active(other_case)
    other = make_review(other_agreement, due_on=date(2026, 5, 15))
    record(officer, review)
    other.refresh_from_db()
    assert other.status == ReviewStatus.DUE


def test_a_refused_recording_covers_nothing(review, manager):
    """The covering happens only when the review is recorded."""
    first = make_review(review.agreement, trigger="first", key="2026-04-01", due_on=date(2026, 7, 1))
    with pytest.raises(ValidationError):
        record(manager, review, "reduce", new_amount=Decimal("3500.00"))
    first.refresh_from_db()
    assert first.status == ReviewStatus.DUE


# Increasing the payments (DOMAIN R17, R20; ADR 9) ------------------------------------------------------------------


def increase(actor, agreement, new_amount="3600.00", reasons="The rate for personal assistants went up", **kw):
    return payments.agreement_increase(
        actor=actor, agreement=agreement, new_amount=Decimal(new_amount), reasons=reasons, **kw
    )


@pytest.mark.parametrize(
    ("new_amount", "accepted"),
    [(PA_AMOUNT - PENNY, False), (PA_AMOUNT, False), (PA_AMOUNT + PENNY, True)],
    ids=["a-penny-less", "the-same", "a-penny-more"],
)
def test_an_increase_must_be_more_than_the_current_amount(funded, manager, new_amount, accepted):
    """The same amount or less is not an increase, naming the new amount; a penny more is one (R20)."""
    if accepted:
        increase(manager, funded, new_amount=str(new_amount))
        assert live_total(funded) == new_amount
        return
    before = schedule(funded)
    with pytest.raises(ValidationError) as exc:
        increase(manager, funded, new_amount=str(new_amount))
    assert "new_amount" in exc.value.message_dict
    assert schedule(funded) == before
    assert not AgreementChange.objects.exists()


@pytest.mark.parametrize(
    ("over", "accepted"), [(Decimal("0.00"), True), (PENNY, False)], ids=["the-most", "a-penny-over"]
)
def test_an_increase_is_no_more_than_the_ledger_can_hold(funded, manager, over, accepted):
    """Up to £9,999,999,999.99 is accepted; a penny more is refused naming the new amount."""
    new_amount = str(MAX_AMOUNT + over)
    if accepted:
        increase(manager, funded, new_amount=new_amount)
        assert live_total(funded) == MAX_AMOUNT
        return
    with pytest.raises(ValidationError) as exc:
        increase(manager, funded, new_amount=new_amount)
    assert "new_amount" in exc.value.message_dict
    assert not AgreementChange.objects.exists()


def test_an_increase_takes_effect_today_unless_told_otherwise(funded, manager):
    assert increase(manager, funded).effective_on == TODAY


def test_an_increase_decided_on_a_non_working_day_takes_effect_on_the_next_working_day(funded, manager, on_day):
    """Decided on Saturday 2 May 2026 without a date: from Tuesday 5 May, after the 4 May bank holiday (R20)."""
    on_day(date(2026, 5, 2))
    assert increase(manager, funded).effective_on == date(2026, 5, 5)


@pytest.mark.parametrize(
    ("effective_on", "accepted"),
    [
        (TODAY - timedelta(days=1), False),  # Thursday 30 April: in the past
        (TODAY, True),  # Friday 1 May
        (date(2026, 5, 2), False),  # Saturday
        (date(2026, 5, 4), False),  # Monday 4 May: early May bank holiday
        (date(2026, 5, 5), True),  # Tuesday 5 May
    ],
    ids=["yesterday", "today", "saturday", "bank-holiday", "next-working-day"],
)
def test_an_increase_takes_effect_on_a_working_day_today_or_later(funded, manager, effective_on, accepted):
    """Never backdated, never on a weekend or bank holiday (R20)."""
    if accepted:
        assert increase(manager, funded, effective_on=effective_on).effective_on == effective_on
        return
    before = schedule(funded)
    with pytest.raises(ValidationError) as exc:
        increase(manager, funded, effective_on=effective_on)
    assert "effective_on" in exc.value.message_dict
    assert schedule(funded) == before
    assert not AgreementChange.objects.exists()


def test_an_increase_cannot_take_effect_after_the_agreement_ends(funded, manager):
    """From Thursday 1 April 2027 there is no agreement left to increase."""
    with pytest.raises(ValidationError) as exc:
        increase(manager, funded, effective_on=date(2027, 4, 1))
    assert "effective_on" in exc.value.message_dict
    assert not AgreementChange.objects.exists()


def test_an_increase_shares_the_new_total_over_the_payments_not_yet_made_exactly(funded, manager):
    """Paid payments stand; the later ones are replaced, each within a penny of its share in the proportions of the
    payment it replaces, and with the paid ones add up to the new total to the penny (ADR 9)."""
    paid_before = [row for row in schedule(funded) if row[3] == "paid"]
    old = {p.due_on: p.amount for p in funded.payments.filter(status="scheduled")}
    increase(manager, funded, new_amount="3600.00")
    assert [row for row in schedule(funded) if row[3] == "paid"] == paid_before
    new = {p.due_on: p for p in funded.payments.filter(status="scheduled")}
    assert sorted(new) == sorted(old)
    remaining = Decimal("3600.00") - Decimal("330.11")
    assert sum(p.amount for p in new.values()) == remaining
    assert live_total(funded) == Decimal("3600.00")
    old_total = sum(old.values())
    for due_on, payment in new.items():
        assert abs(payment.amount - remaining * old[due_on] / old_total) < PENNY
        assert payment.amount == payment.education + payment.health + payment.social_care


def test_payments_an_increase_replaces_are_kept_as_cancelled(funded, manager):
    replaced = set(funded.payments.filter(status="scheduled").values_list("pk", flat=True))
    increase(manager, funded)
    assert set(funded.payments.filter(pk__in=replaced).values_list("status", "cancelled_reason")) == {
        ("cancelled", "Replaced by an increase")
    }


def test_payments_due_before_a_later_increase_stand(funded, manager):
    """From Tuesday 5 May, the 4 May payment is kept as it was; only later ones change (ADR 9)."""
    may = funded.payments.get(due_on=date(2026, 5, 4))
    increase(manager, funded, effective_on=date(2026, 5, 5))
    assert funded.payments.get(pk=may.pk).status == "scheduled"
    assert funded.payments.exclude(status="cancelled").get(due_on=date(2026, 5, 4)).pk == may.pk
    assert live_total(funded) == Decimal("3600.00")


def test_an_increase_updates_the_agreement_and_records_the_change(funded, manager):
    change = increase(manager, funded, new_amount="3600.00")
    funded.refresh_from_db()
    assert funded.amount == Decimal("3600.00")
    assert (change.kind, change.old_amount, change.new_amount, change.notice_on, change.decided_by) == (
        "increase",
        PA_AMOUNT,
        Decimal("3600.00"),
        TODAY,
        manager,
    )


def test_the_increase_letter_gives_the_amounts_date_schedule_and_reasons(funded, manager):
    change = increase(manager, funded, new_amount="3600.00", reasons="The rate for personal assistants went up")
    letter = change.letter
    assert (letter.kind, letter.recipient_name) == (LetterKind.DP_INCREASE, funded.recipient.full_name)
    new_may = funded.payments.get(due_on=date(2026, 5, 4), status="scheduled")
    for text in ("£3,411.20", "£3,600.00", "1 May 2026", "The rate for personal assistants went up", "4 May 2026"):
        assert text in letter.body_html
    assert f"£{new_may.amount}" in letter.body_html


def test_an_increase_is_audited(funded, manager, audit):
    audit.mark()
    change = increase(manager, funded)
    events = [e for e in audit.new if e.action == "agreement.increased"]
    assert len(events) == 1
    assert (events[0].object_id, events[0].child_id) == (str(change.pk), funded.child_id)


@pytest.mark.parametrize("reasons", ["", "  "])
def test_an_increase_needs_reasons(funded, manager, reasons):
    before = schedule(funded)
    with pytest.raises(ValidationError) as exc:
        increase(manager, funded, reasons=reasons)
    assert "reasons" in exc.value.message_dict
    assert schedule(funded) == before


@pytest.mark.parametrize("who", ["officer", "finance", "parent_user"])
def test_only_a_team_manager_increases_payments(funded, request, who):
    """Changing the amount is a manager's decision (DP_DECIDE)."""
    before = schedule(funded)
    with pytest.raises(PermissionDenied):
        increase(request.getfixturevalue(who), funded)
    assert schedule(funded) == before


def test_another_council_s_manager_cannot_increase_payments(funded, make_user, other_council):
    with pytest.raises(PermissionDenied):
        increase(make_user(Role.TEAM_MANAGER, council=other_council), funded)
    assert not AgreementChange.objects.exists()


def test_an_increase_is_refused_while_a_run_holds_a_payment_it_changes(funded, manager, finance):
    """A prepared run holds the 4 May payment: an increase from today must wait for it (ADR 9)."""
    payments.payment_run_prepare(actor=finance, council=funded.council, pay_up_to=date(2026, 5, 4))
    before = schedule(funded)
    with pytest.raises(ValidationError, match="waiting for approval"):
        increase(manager, funded)
    assert schedule(funded) == before
    assert not AgreementChange.objects.exists()


def test_an_increase_after_the_payments_a_run_holds_is_allowed(funded, manager, finance):
    """From 5 May the run's 4 May payment is untouched, so the increase goes ahead (ADR 9)."""
    payments.payment_run_prepare(actor=finance, council=funded.council, pay_up_to=date(2026, 5, 4))
    increase(manager, funded, effective_on=date(2026, 5, 5))
    assert live_total(funded) == Decimal("3600.00")


def test_stopped_payments_cannot_be_increased(funded, parent_user, manager):
    payments.agreement_withdraw_consent(actor=parent_user, agreement=funded)
    changes = AgreementChange.objects.count()
    with pytest.raises(ValidationError, match="not running"):
        increase(manager, funded)
    assert AgreementChange.objects.count() == changes


# Adding conditions (DOMAIN R16, R20) ------------------------------------------------------------------------------


def add_conditions(actor, agreement, conditions="Do not pay Uncle Bob.", reasons="Uncle Bob lives with you", **kw):
    return payments.agreement_add_conditions(
        actor=actor, agreement=agreement, conditions=conditions, reasons=reasons, **kw
    )


@pytest.mark.parametrize(
    ("effective_on", "accepted"),
    [(EARLIEST - timedelta(days=1), False), (EARLIEST, True), (EARLIEST + timedelta(days=1), True)],
)
def test_new_conditions_apply_no_sooner_than_the_notice_period(funded, manager, effective_on, accepted):
    """The day before the notice runs out is refused naming the date; that day and later are accepted (R16)."""
    if accepted:
        assert add_conditions(manager, funded, effective_on=effective_on).effective_on == effective_on
        return
    with pytest.raises(ValidationError) as exc:
        add_conditions(manager, funded, effective_on=effective_on)
    assert "effective_on" in exc.value.message_dict
    funded.refresh_from_db()
    assert funded.conditions == ""
    assert not AgreementChange.objects.exists()


def test_new_conditions_cannot_apply_after_the_agreement_ends(funded, manager):
    """From Thursday 1 April 2027 there is no agreement left for them to apply to: refused naming the date."""
    with pytest.raises(ValidationError) as exc:
        add_conditions(manager, funded, effective_on=date(2027, 4, 1))
    assert "effective_on" in exc.value.message_dict
    funded.refresh_from_db()
    assert funded.conditions == ""
    assert not AgreementChange.objects.exists()


def test_new_conditions_may_apply_on_the_agreement_s_last_day(funded, manager):
    """Wednesday 31 March 2027, the last day of the agreement, is accepted."""
    assert add_conditions(manager, funded, effective_on=date(2027, 3, 31)).effective_on == date(2027, 3, 31)


def test_new_conditions_follow_the_council_s_own_notice_period(funded, manager, council):
    """A council giving 14 days' notice: from Wednesday 20 May 2026, 14 days after the notice arrives (R16)."""
    CouncilPolicy.objects.create(council=council, effective_from=date(2026, 4, 1), reduction_notice_days=14)
    assert add_conditions(manager, funded).effective_on == date(2026, 5, 20)


def test_new_conditions_apply_when_the_notice_runs_out_unless_told_otherwise(funded, manager):
    assert add_conditions(manager, funded).effective_on == EARLIEST


def test_new_conditions_are_appended_to_the_existing_ones(funded, manager):
    Agreement.objects.filter(pk=funded.pk).update(conditions="Keep a timesheet for every hour paid.")
    add_conditions(manager, funded, conditions="  Do not pay Uncle Bob.  ")
    funded.refresh_from_db()
    assert funded.conditions == "Keep a timesheet for every hour paid.\nDo not pay Uncle Bob. (from 3 June 2026)"


def test_the_first_conditions_are_the_agreement_s_only_conditions(funded, manager):
    add_conditions(manager, funded, conditions="Do not pay Uncle Bob.")
    funded.refresh_from_db()
    assert funded.conditions == "Do not pay Uncle Bob. (from 3 June 2026)"


def test_adding_conditions_leaves_the_payments_alone(funded, manager):
    before = schedule(funded)
    add_conditions(manager, funded)
    assert schedule(funded) == before
    funded.refresh_from_db()
    assert funded.amount == PA_AMOUNT


def test_the_conditions_notice_gives_the_conditions_date_and_reasons(funded, manager):
    change = add_conditions(manager, funded, conditions="Do not pay Uncle Bob.", reasons="Uncle Bob lives with you")
    letter = change.letter
    assert (change.kind, letter.kind) == ("add_conditions", LetterKind.DP_CONDITIONS)
    for text in ("Do not pay Uncle Bob.", "3 June 2026", "Uncle Bob lives with you"):
        assert text in letter.body_html


@pytest.mark.parametrize("reasons", ["", "  "])
def test_new_conditions_need_reasons(funded, manager, reasons):
    with pytest.raises(ValidationError) as exc:
        add_conditions(manager, funded, reasons=reasons)
    assert "reasons" in exc.value.message_dict
    funded.refresh_from_db()
    assert funded.conditions == ""


@pytest.mark.parametrize("conditions", ["", "  "])
def test_new_conditions_must_say_something(funded, manager, conditions):
    with pytest.raises(ValidationError) as exc:
        add_conditions(manager, funded, conditions=conditions)
    assert "conditions" in exc.value.message_dict
    assert not AgreementChange.objects.exists()


@pytest.mark.parametrize("who", ["officer", "parent_user"])
def test_only_a_team_manager_adds_conditions(funded, request, who):
    with pytest.raises(PermissionDenied):
        add_conditions(request.getfixturevalue(who), funded)
    funded.refresh_from_db()
    assert funded.conditions == ""


def test_adding_conditions_is_audited(funded, manager, audit):
    audit.mark()
    change = add_conditions(manager, funded)
    events = [e for e in audit.new if e.action == "agreement.conditions_added"]
    assert len(events) == 1
    assert (events[0].object_id, events[0].child_id) == (str(change.pk), funded.child_id)
