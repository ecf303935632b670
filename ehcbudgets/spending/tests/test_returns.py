# ruff: noqa: F811 - the fixtures imported from the other tests are requested by name below
"""Monitoring returns, the council's questions and the family's answers, and the money picture: balance,
commitments, savings, free to spend, the projection and the surplus (DOMAIN R31, R32; ADR 10).

The standard agreement runs from 1 April 2026 to 31 March 2027; its first two payments (£330.11) are released on
Friday 1 May 2026.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory
from ehcbudgets.spending import selectors, services
from ehcbudgets.spending.models import EvidenceRequest, MonitoringReturn, ReturnStatus

from .test_records import (  # noqa: F401 - fixtures and helpers shared with the records tests
    FUNDED,
    TODAY,
    _letters_quick,
    agreement,
    balance,
    case,
    catalogue,
    dp,
    finance,
    finance2,
    funded,
    manager,
    on_day,
    other_manager,
    parent_user,
    pb,
    quick_pdf,
    receipt,
    record,
)

APRIL = date(2026, 4, 1)
JUNE_30, JULY_1 = date(2026, 6, 30), date(2026, 7, 1)


def submit(actor, agreement, period_start=APRIL, note=""):
    return services.return_submit(actor=actor, agreement=agreement, period_start=period_start, note=note)


@pytest.fixture
def sent(funded, parent_user, on_day):
    """The April to June return, sent on Wednesday 1 July 2026."""
    on_day(JULY_1)
    return submit(parent_user, funded)


# Return periods (DOMAIN R31) -------------------------------------------------------------------------------------


def test_returns_are_quarterly_from_the_start_date_by_default(agreement):
    """Four quarters from 1 April 2026: April to June, July to September, October to December, January to March."""
    assert selectors.return_periods(agreement=agreement) == [
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 3, 31)),
    ]


@pytest.mark.parametrize(
    ("effective_from", "count"),
    [(date(2026, 3, 31), 12), (APRIL, 12), (date(2026, 4, 2), 4)],
    ids=["the-day-before-the-start", "on-the-start", "the-day-after-the-start"],
)
def test_a_monthly_policy_in_force_at_the_start_gives_monthly_returns(agreement, council, effective_from, count):
    """The policy in force on the start date sets the frequency; a later change does not (DOMAIN R31)."""
    CouncilPolicyFactory(council=council, effective_from=effective_from, return_frequency="monthly")
    periods = selectors.return_periods(agreement=agreement)
    assert len(periods) == count
    if count == 12:
        assert periods[0] == (date(2026, 4, 1), date(2026, 4, 30))
        assert periods[1] == (date(2026, 5, 1), date(2026, 5, 31))
        assert periods[-1] == (date(2027, 3, 1), date(2027, 3, 31))


@pytest.mark.parametrize(("frequency", "count"), [("six_monthly", 2), ("annual", 1)])
def test_six_monthly_and_annual_returns(agreement, council, frequency, count):
    """Every 6 months and once a year are also used (DOMAIN R31)."""
    CouncilPolicyFactory(council=council, effective_from=date(2026, 1, 1), return_frequency=frequency)
    periods = selectors.return_periods(agreement=agreement)
    assert len(periods) == count
    assert periods[0][0] == APRIL and periods[-1][1] == date(2027, 3, 31)


# Sending a return (DOMAIN R31) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "accepted"), [(JUNE_30, False), (JULY_1, True)], ids=["last-day", "day-after"])
def test_a_return_is_sent_once_its_period_has_ended(funded, parent_user, on_day, today, accepted):
    """On 30 June, the last day of the quarter, it is refused; on 1 July it is sent (DOMAIN R31)."""
    on_day(today)
    if accepted:
        sent = submit(parent_user, funded)
        assert (sent.status, sent.period_end, sent.submitted_on, sent.submitted_by) == (
            ReturnStatus.SUBMITTED,
            JUNE_30,
            JULY_1,
            parent_user,
        )
        return
    with pytest.raises(ValidationError, match="send the return after that"):
        submit(parent_user, funded)
    assert MonitoringReturn.objects.count() == 0


def test_a_date_that_does_not_start_a_period_is_refused(funded, parent_user, on_day):
    """2 April is inside the first quarter but does not start it: refused naming the period (DOMAIN R31)."""
    on_day(JULY_1)
    with pytest.raises(ValidationError) as exc:
        submit(parent_user, funded, period_start=date(2026, 4, 2))
    assert "period_start" in exc.value.message_dict
    assert MonitoringReturn.objects.count() == 0


def test_the_return_summarises_the_period_s_records(funded, parent_user, on_day):
    """Spent, refunds, paid in, receipts and lines for April to June; July and taken-back records left out (R31)."""
    on_day(JULY_1)
    with_receipt = record(parent_user, funded, "100.00", spent_on=date(2026, 5, 5))
    receipt(parent_user, with_receipt)
    record(parent_user, funded, "-10.00", spent_on=date(2026, 5, 6), payee="Leisure Centre", category="activity")
    record(parent_user, funded, "20.00", spent_on=JUNE_30, payee="J Smith")
    record(parent_user, funded, "7.00", spent_on=JULY_1, payee="J Smith")
    mistake = record(parent_user, funded, "999.00", spent_on=date(2026, 6, 1), payee="Typo")
    services.record_withdraw(actor=parent_user, record=mistake, reason="Typed wrongly")
    summary = submit(parent_user, funded).summary
    assert summary["period"] == ["2026-04-01", "2026-06-30"]
    assert (summary["records"], summary["with_receipts"]) == (3, 1)
    assert (summary["spent"], summary["refunds"], summary["paid_in"]) == ("120.00", "10.00", "330.11")
    assert [(row["line"], row["amount"], row["spent"]) for row in summary["lines"]] == [
        ("Personal assistant support at home", "3411.20", "110.00")
    ]
    assert summary["lines"][0]["outcomes"] == ["To take part in lessons with less adult help"]
    assert summary["outcomes"] == [{"outcome": "To take part in lessons with less adult help", "spent": "110.00"}]


def test_the_return_s_balance_is_the_balance_at_the_end_of_its_period(funded, parent_user, on_day):
    """£330.11 paid in, £100.00 spent in May; £7.00 spent in July before sending: the return shows £230.11."""
    on_day(date(2026, 7, 3))
    record(parent_user, funded, "100.00", spent_on=date(2026, 5, 5))
    record(parent_user, funded, "7.00", spent_on=JULY_1, payee="J Smith")
    summary = submit(parent_user, funded).summary
    assert summary["balance"] == "230.11"


def test_a_sent_return_keeps_its_figures(sent, funded, parent_user):
    """Kept as sent: a refund recorded afterwards in the period does not change the stored summary (ADR 10)."""
    figures = dict(sent.summary)
    record(parent_user, funded, "-5.00", spent_on=JUNE_30)
    sent.refresh_from_db()
    assert sent.summary == figures


def test_a_return_cannot_be_sent_twice(sent, funded, parent_user):
    """The second attempt is refused; there is still one return, unchanged."""
    with pytest.raises(ValidationError, match="already been sent"):
        submit(parent_user, funded, note="Again")
    assert MonitoringReturn.objects.get().family_note == ""


def test_another_parent_cannot_send_the_return(funded, make_user, on_day):
    """Only those who keep the records send the return."""
    on_day(JULY_1)
    with pytest.raises(PermissionDenied):
        submit(make_user(Role.PARENT_CARER), funded)
    assert MonitoringReturn.objects.count() == 0


def test_sending_a_return_is_audited(funded, parent_user, on_day, audit):
    """One event, against the child."""
    on_day(JULY_1)
    audit.mark()
    submit(parent_user, funded)
    event = audit.one()
    assert (event.action, event.child_id) == ("return.submitted", funded.child_id)


# The council's answer (DOMAIN R31) -------------------------------------------------------------------------------


def test_an_officer_accepts_a_sent_return(sent, officer, audit):
    """A case officer of the council (DP_MANAGE) accepts it, and that is audited."""
    audit.mark()
    done = services.return_accept(actor=officer, monitoring_return=sent)
    assert (done.status, done.decided_on, done.decided_by) == (ReturnStatus.ACCEPTED, JULY_1, officer)
    assert audit.one().action == "return.accepted"


@pytest.mark.parametrize("who", ["parent", "finance_officer", "other_council_officer"])
def test_only_an_officer_of_the_council_accepts(sent, parent_user, make_user, council, other_council, who):
    """The parent, a finance officer and another council's officer are refused; the return stays sent."""
    actor = {
        "parent": lambda: parent_user,
        "finance_officer": lambda: make_user(Role.FINANCE_OFFICER, council=council),
        "other_council_officer": lambda: make_user(Role.CASE_OFFICER, council=other_council),
    }[who]()
    with pytest.raises(PermissionDenied):
        services.return_accept(actor=actor, monitoring_return=sent)
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.SUBMITTED


def test_an_accepted_return_cannot_be_accepted_or_queried_again(sent, officer):
    """Only a return waiting for the council can be answered."""
    services.return_accept(actor=officer, monitoring_return=sent)
    with pytest.raises(ValidationError):
        services.return_accept(actor=officer, monitoring_return=sent)
    with pytest.raises(ValidationError):
        services.return_query(actor=officer, monitoring_return=sent, query="Receipts?")
    assert EvidenceRequest.objects.count() == 0


def test_an_accepted_return_cannot_be_sent_again(sent, funded, officer, parent_user):
    """Once accepted, the family cannot replace it."""
    services.return_accept(actor=officer, monitoring_return=sent)
    with pytest.raises(ValidationError, match="already been sent"):
        submit(parent_user, funded)


#: Asked on a Wednesday, due on the Wednesday 4 weeks on; asked on Saturday 4 July, day 28 is Saturday 1 August, so
#: due Monday 3 August; asked 26 November, due Thursday 24 December; asked 27 November, day 28 is Christmas Day, then
#: Saturday 26, Sunday 27 and Monday 28 December (the Boxing Day substitute), so due Tuesday 29 December 2026.
@pytest.mark.parametrize(
    ("asked_on", "due_on"),
    [
        (date(2026, 7, 1), date(2026, 7, 29)),
        (date(2026, 7, 4), date(2026, 8, 3)),
        (date(2026, 11, 26), date(2026, 12, 24)),
        (date(2026, 11, 27), date(2026, 12, 29)),
    ],
    ids=["wednesday", "saturday-to-monday", "christmas-eve", "christmas-to-tuesday"],
)
def test_a_query_asks_for_evidence_due_28_days_later_on_a_working_day(sent, officer, on_day, asked_on, due_on):
    """Due 28 days on, moved to the next working day past weekends and bank holidays (DOMAIN R31)."""
    on_day(asked_on)
    request = services.return_query(actor=officer, monitoring_return=sent, query="Please send the PA's timesheets")
    assert (request.asked_on, request.due_on, request.asked_by) == (asked_on, due_on, officer)
    assert (request.monitoring_return, request.agreement_id, request.what) == (
        sent,
        sent.agreement_id,
        "Please send the PA's timesheets",
    )
    sent.refresh_from_db()
    assert (sent.status, sent.query) == (ReturnStatus.QUERIED, "Please send the PA's timesheets")


def test_a_council_with_a_14_day_deadline_asks_for_evidence_in_14_days(sent, officer, council, on_day):
    """Some councils give 14 days (DOMAIN R31): asked Wednesday 1 July, due Wednesday 15 July 2026."""
    CouncilPolicyFactory(council=council, effective_from=date(2026, 6, 1), evidence_deadline_days=14)
    request = services.return_query(actor=officer, monitoring_return=sent, query="Receipts for May, please")
    assert request.due_on == date(2026, 7, 15)


def test_a_query_needs_words(sent, officer):
    """An empty question is refused naming the query; the return stays sent and nothing is asked."""
    with pytest.raises(ValidationError) as exc:
        services.return_query(actor=officer, monitoring_return=sent, query="   ")
    assert "query" in exc.value.message_dict
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.SUBMITTED
    assert EvidenceRequest.objects.count() == 0


def test_a_parent_cannot_query_a_return(sent, parent_user):
    """Queries are the council's."""
    with pytest.raises(PermissionDenied):
        services.return_query(actor=parent_user, monitoring_return=sent, query="Why?")
    assert EvidenceRequest.objects.count() == 0


def test_a_queried_return_can_be_sent_again(sent, funded, officer, parent_user, on_day):
    """After the question the family adds a record and sends it again: it is compiled afresh (DOMAIN R31)."""
    services.return_query(actor=officer, monitoring_return=sent, query="What was the £100 for?")
    on_day(date(2026, 7, 6))
    record(parent_user, funded, "12.00", spent_on=JUNE_30)
    again = submit(parent_user, funded, note="Added the missing bus fares")
    assert again.pk == sent.pk
    assert (again.status, again.query, again.submitted_on) == (ReturnStatus.SUBMITTED, "", date(2026, 7, 6))
    assert (again.summary["records"], again.summary["spent"]) == (1, "12.00")
    assert again.family_note == "Added the missing bus fares"


def test_querying_is_audited(sent, officer, audit):
    """One event with the question."""
    audit.mark()
    services.return_query(actor=officer, monitoring_return=sent, query="Please send the PA's timesheets")
    event = audit.one()
    assert event.action == "return.queried"
    assert "timesheets" in event.summary


# The family's answer (DOMAIN R31) --------------------------------------------------------------------------------


@pytest.fixture
def question(sent, officer):
    return services.return_query(actor=officer, monitoring_return=sent, query="Please send the PA's timesheets")


def test_the_family_answers_a_question(question, parent_user, on_day, audit):
    """The answer and its date are kept, and audited."""
    on_day(date(2026, 7, 8))
    audit.mark()
    answered = services.evidence_answer(actor=parent_user, request=question, answer="Attached to each wage record")
    assert (answered.answer, answered.answered_on) == ("Attached to each wage record", date(2026, 7, 8))
    assert audit.one().action == "evidence.answered"


def test_an_empty_answer_is_refused(question, parent_user):
    """Refused naming the answer; the question stays open."""
    with pytest.raises(ValidationError) as exc:
        services.evidence_answer(actor=parent_user, request=question, answer=" ")
    assert "answer" in exc.value.message_dict
    question.refresh_from_db()
    assert question.answered_on is None


def test_a_question_is_answered_once(question, parent_user):
    """The second answer is refused and the first kept."""
    services.evidence_answer(actor=parent_user, request=question, answer="First")
    with pytest.raises(ValidationError, match="already been answered"):
        services.evidence_answer(actor=parent_user, request=question, answer="Second")
    question.refresh_from_db()
    assert question.answer == "First"


def test_another_parent_cannot_answer(question, make_user):
    """Only those who keep the records answer the council's questions."""
    with pytest.raises(PermissionDenied):
        services.evidence_answer(actor=make_user(Role.PARENT_CARER), request=question, answer="Not mine")
    question.refresh_from_db()
    assert question.answered_on is None


# The money picture (DOMAIN R32) ----------------------------------------------------------------------------------


def picture(agreement, on=None):
    return selectors.money_picture(agreement=agreement, on=on)


def test_the_balance_is_the_ledger_s(funded, parent_user):
    """£330.11 paid in, £25.00 spent and £5.00 refunded: £310.11, as the ledger has it (ADR 10)."""
    record(parent_user, funded, "25.00")
    record(parent_user, funded, "-5.00", payee="Leisure Centre")
    assert picture(funded)["balance"] == balance(funded) == Decimal("310.11")


def test_committed_is_what_is_still_owed(funded, parent_user):
    """An unpaid £100.00 invoice counts; a settled £50.00 one does not (DOMAIN R32)."""
    services.commitment_add(
        actor=parent_user, agreement=funded, description="May wages", amount=Decimal("100.00"), due_on=date(2026, 5, 29)
    )
    paid = services.commitment_add(
        actor=parent_user, agreement=funded, description="Invoice 12", amount=Decimal("50.00"), due_on=date(2026, 5, 8)
    )
    services.commitment_settle(actor=parent_user, commitment=paid)
    assert picture(funded)["committed"] == Decimal("100.00")


def test_free_to_spend_is_the_balance_less_what_is_owed_and_set_aside(funded, parent_user):
    """£330.11 less £100.00 owed less £40.00 set aside for a short break: £190.11 (ADR 10)."""
    services.commitment_add(
        actor=parent_user, agreement=funded, description="May wages", amount=Decimal("100.00"), due_on=date(2026, 5, 29)
    )
    services.savings_add(actor=parent_user, agreement=funded, name="Summer short break", amount=Decimal("40.00"))
    seen = picture(funded)
    assert (seen["committed"], seen["set_aside"], seen["free"]) == (
        Decimal("100.00"),
        Decimal("40.00"),
        Decimal("190.11"),
    )


def test_the_projection_uses_the_payments_to_come_and_the_spending_so_far(funded, parent_user, on_day):
    """£230.11 held + £3,081.09 to come - 325 days x £2.50 a day (£100.00 over the 40 days since the agreement
    began on 1 April) = £2,498.70 on 31 March 2027 (ADR 10)."""
    on_day(date(2026, 5, 10))
    record(parent_user, funded, "100.00")
    seen = picture(funded)
    assert (seen["to_come"], seen["spent"]) == (Decimal("3081.09"), Decimal("100.00"))
    assert seen["projected_end"] == Decimal("2498.70")
    assert seen["end_date"] == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("refund", "surplus"),
    [("194.68", "0.00"), ("194.69", "0.00"), ("194.70", "0.01")],
    ids=["a-penny-below-the-threshold", "at-the-threshold", "a-penny-over"],
)
def test_surplus_is_what_is_above_8_weeks_of_payments(funded, parent_user, refund, surplus):
    """8 weeks of £3,411.20 a year is £524.80: a balance of £524.80 has no surplus, £524.81 has £0.01 (DOMAIN R32)."""
    record(parent_user, funded, f"-{refund}", payee="Leisure Centre")
    seen = picture(funded)
    assert seen["balance"] == FUNDED + Decimal(refund)
    assert seen["surplus"] == Decimal(surplus)


def test_what_is_owed_is_not_surplus(funded, parent_user):
    """£524.81 held with £0.01 owed: no surplus (DOMAIN R32)."""
    record(parent_user, funded, "-194.70", payee="Leisure Centre")
    services.commitment_add(
        actor=parent_user, agreement=funded, description="Bus fare", amount=Decimal("0.01"), due_on=TODAY
    )
    assert picture(funded)["surplus"] == 0


def test_the_council_s_threshold_is_used(funded, parent_user, council):
    """With a 4-week threshold (£262.40), £330.11 held is £67.71 surplus (DOMAIN R32)."""
    CouncilPolicyFactory(council=council, effective_from=date(2026, 4, 1), surplus_threshold_weeks=4)
    assert picture(funded)["surplus"] == Decimal("67.71")
