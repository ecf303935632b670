"""Plan rules: status moves, when a plan can change, and review dates (DOMAIN R28, R29)."""

import itertools
from datetime import date

import pytest

from ehcbudgets.plans import rules
from ehcbudgets.plans.models import PlanReview, PlanStatus

# Written out here, apart from rules.STATUS_MOVES, so that a change to the process has to change both.
ALLOWED_MOVES = {
    ("needs_assessment", "draft"),
    ("needs_assessment", "ceased"),
    ("draft", "final"),
    ("draft", "ceased"),
    ("final", "under_review"),
    ("final", "under_reassessment"),
    ("final", "ceased"),
    ("under_review", "final"),
    ("under_review", "draft"),
    ("under_review", "ceased"),
    ("under_reassessment", "draft"),
    ("under_reassessment", "final"),
    ("under_reassessment", "ceased"),
}
ALL_PAIRS = list(itertools.product(PlanStatus.values, repeat=2))
REFUSED_MOVES = [pair for pair in ALL_PAIRS if pair not in ALLOWED_MOVES]


def test_every_status_has_an_entry_in_the_moves_table():
    assert set(rules.STATUS_MOVES) == set(PlanStatus.values)


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED_MOVES))
def test_allowed_status_move(current, new):
    assert rules.plan_status_move_allowed(current, new) is True


@pytest.mark.parametrize(("current", "new"), REFUSED_MOVES)
def test_refused_status_move(current, new):
    assert rules.plan_status_move_allowed(current, new) is False


def test_a_move_from_an_unknown_status_is_refused():
    assert rules.plan_status_move_allowed("withdrawn", "draft") is False


def test_a_move_to_an_unknown_status_is_refused():
    assert rules.plan_status_move_allowed("draft", "withdrawn") is False


@pytest.mark.parametrize("status", ["needs_assessment", "draft", "under_review", "under_reassessment"])
def test_a_plan_being_drafted_reviewed_or_reassessed_is_editable(status):
    assert rules.plan_is_editable(status) is True


@pytest.mark.parametrize("status", ["final", "ceased"])
def test_a_final_or_ceased_plan_is_not_editable(status):
    assert rules.plan_is_editable(status) is False


# R28: annual review ------------------------------------------------------------------------------------------------


def test_first_annual_review_is_due_12_months_after_issue():
    assert rules.annual_review_due(issued_on=date(2025, 3, 15), last_review_meeting=None) == date(2026, 3, 15)


def test_later_annual_reviews_are_due_12_months_after_the_previous_review_meeting():
    due = rules.annual_review_due(issued_on=date(2025, 3, 15), last_review_meeting=date(2026, 1, 10))
    assert due == date(2027, 1, 10)


def test_a_plan_issued_on_29_february_is_due_for_review_on_28_february():
    assert rules.annual_review_due(issued_on=date(2024, 2, 29), last_review_meeting=None) == date(2025, 2, 28)


def test_a_review_meeting_on_29_february_makes_the_next_review_due_on_28_february():
    due = rules.annual_review_due(issued_on=date(2027, 6, 1), last_review_meeting=date(2028, 2, 29))
    assert due == date(2029, 2, 28)


def test_review_decision_is_due_4_weeks_after_the_meeting():
    assert rules.review_decision_due(date(2026, 6, 1)) == date(2026, 6, 29)


def test_review_decision_due_crosses_the_end_of_the_year():
    assert rules.review_decision_due(date(2026, 12, 20)) == date(2027, 1, 17)


def _decided(days_after_meeting: int) -> PlanReview:
    meeting = date(2026, 6, 1)
    return PlanReview(
        meeting_date=meeting,
        decision="maintain",
        decision_issued_on=date.fromordinal(meeting.toordinal() + days_after_meeting),
    )


def test_a_decision_27_days_after_the_meeting_is_not_late():
    assert _decided(27).decision_late is False


def test_a_decision_28_days_after_the_meeting_is_not_late():
    assert _decided(28).decision_late is False


def test_a_decision_29_days_after_the_meeting_is_late():
    assert _decided(29).decision_late is True


def test_a_review_without_a_decision_is_not_flagged_late():
    assert PlanReview(meeting_date=date(2020, 1, 1)).decision_late is False


# R29: under-fives --------------------------------------------------------------------------------------------------

ISSUED = date(2026, 1, 1)
PROMPT_6_MONTHS = date(2026, 7, 1)


def test_under_five_review_is_prompted_when_the_child_turns_5_the_day_after_the_prompt():
    due = rules.under_five_review_due(born=date(2021, 7, 2), issued_on=ISSUED, last_review_meeting=None, months=6)
    assert due == PROMPT_6_MONTHS


def test_no_under_five_review_when_the_child_turns_5_on_the_prompt_date():
    due = rules.under_five_review_due(born=date(2021, 7, 1), issued_on=ISSUED, last_review_meeting=None, months=6)
    assert due is None


def test_no_under_five_review_when_the_child_turned_5_the_day_before_the_prompt():
    due = rules.under_five_review_due(born=date(2021, 6, 30), issued_on=ISSUED, last_review_meeting=None, months=6)
    assert due is None


@pytest.mark.parametrize(("months", "expected"), [(3, date(2026, 4, 1)), (4, date(2026, 5, 1)), (6, date(2026, 7, 1))])
def test_under_five_review_follows_the_councils_policy_months(months, expected):
    due = rules.under_five_review_due(born=date(2024, 1, 1), issued_on=ISSUED, last_review_meeting=None, months=months)
    assert due == expected


def test_under_five_review_counts_from_the_last_review_meeting():
    due = rules.under_five_review_due(
        born=date(2024, 1, 1), issued_on=ISSUED, last_review_meeting=date(2026, 5, 20), months=3
    )
    assert due == date(2026, 8, 20)


def test_under_five_review_from_31_august_falls_at_the_end_of_february():
    due = rules.under_five_review_due(
        born=date(2024, 1, 1), issued_on=date(2026, 8, 31), last_review_meeting=None, months=6
    )
    assert due == date(2027, 2, 28)
