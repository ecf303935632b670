"""The rules of personal budgets, as pure functions: no database (DOMAIN R1, R2, R4, R5, R6, R9 to R13, R17,
R26, R27, R35)."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ehcbudgets.budgets import rules
from ehcbudgets.budgets.models import RequestWindow
from ehcbudgets.budgets.rules import RecipientFacts
from ehcbudgets.offer.models import Category, ManagementMode
from ehcbudgets.people.models import Relationship
from ehcbudgets.people.rules import is_young_person
from ehcbudgets.plans.models import DeliveredAt, Frequency, FundingStream, Plan, PlanStatus

# Request eligibility and window (DOMAIN R1, R2) ---------------------------------------------------------------------

# Written out here, apart from rules.ELIGIBLE_PLAN_STATUSES, so that a change to the law has to change both.
ELIGIBLE = {
    PlanStatus.NEEDS_ASSESSMENT: False,
    PlanStatus.DRAFT: True,
    PlanStatus.FINAL: True,
    PlanStatus.UNDER_REVIEW: True,
    PlanStatus.UNDER_REASSESSMENT: True,
    PlanStatus.CEASED: False,
}
WINDOW = {
    PlanStatus.NEEDS_ASSESSMENT: RequestWindow.OUTSIDE,
    PlanStatus.DRAFT: RequestWindow.DRAFT_PLAN,
    PlanStatus.FINAL: RequestWindow.OUTSIDE,
    PlanStatus.UNDER_REVIEW: RequestWindow.REVIEW,
    PlanStatus.UNDER_REASSESSMENT: RequestWindow.REASSESSMENT,
    PlanStatus.CEASED: RequestWindow.OUTSIDE,
}


def test_r1_every_plan_status_has_an_expected_eligibility_here():
    assert set(ELIGIBLE) == set(PlanStatus.values) == set(WINDOW)


@pytest.mark.parametrize(("status", "eligible"), ELIGIBLE.items())
def test_r1_a_request_is_eligible_only_while_a_plan_is_maintained_or_being_prepared(status, eligible):
    assert rules.request_is_eligible(Plan(status=status)) is eligible


def test_r1_a_request_with_no_plan_is_not_eligible():
    assert rules.request_is_eligible(None) is False


@pytest.mark.parametrize(("status", "window"), WINDOW.items())
def test_r2_the_request_window_follows_the_plan_status(status, window):
    assert rules.request_window(Plan(status=status)) == window


def test_r2_a_request_with_no_plan_is_outside_the_windows():
    assert rules.request_window(None) == RequestWindow.OUTSIDE


# Decision target (DOMAIN R35) ---------------------------------------------------------------------------------------


def test_r35_the_decision_is_due_ten_working_days_after_receipt_skipping_christmas_and_new_year():
    # Received Friday 18 December 2026: 21-24 Dec, 29-31 Dec (28 Dec is the Boxing Day substitute), 4-6 Jan.
    assert rules.request_decision_due(date(2026, 12, 18), 10) == date(2027, 1, 6)


def test_r35_the_decision_is_due_ten_working_days_after_receipt_skipping_easter():
    # Received Thursday 25 March 2027: Good Friday 26 March and Easter Monday 29 March do not count.
    assert rules.request_decision_due(date(2027, 3, 25), 10) == date(2027, 4, 12)


def test_r35_a_request_received_on_a_saturday_counts_from_the_monday():
    assert rules.request_decision_due(date(2026, 12, 5), 1) == date(2026, 12, 7)


def test_r35_the_council_s_own_target_is_used():
    assert rules.request_decision_due(date(2026, 12, 1), 5) == date(2026, 12, 8)


# Who may ask (DOMAIN R1) --------------------------------------------------------------------------------------------

MAY_ASK = {
    (Relationship.PARENT, False): True,
    (Relationship.CARER, False): True,
    (Relationship.NOMINEE, False): False,
    (Relationship.YOUNG_PERSON, False): False,
    (Relationship.THIRD_PARTY, False): False,
    (Relationship.PARENT, True): False,
    (Relationship.CARER, True): False,
    (Relationship.NOMINEE, True): False,
    (Relationship.YOUNG_PERSON, True): True,
    (Relationship.THIRD_PARTY, True): False,
}


def test_r1_every_relationship_has_an_expected_answer_here():
    assert set(MAY_ASK) == set(itertools.product(Relationship.values, [False, True]))


@pytest.mark.parametrize(("relationship", "young_person", "may_ask"), [(*k, v) for k, v in MAY_ASK.items()])
def test_r1_the_parent_asks_for_a_child_and_the_young_person_for_themselves(relationship, young_person, may_ask):
    assert rules.requester_may_ask(relationship=relationship, child_is_young_person=young_person) is may_ask


# Occurrences (DOMAIN R6) --------------------------------------------------------------------------------------------

POLICY = {"weeks_per_year": Decimal("52"), "term_time_weeks": Decimal("39"), "terms_per_year": 3}


def test_r6_weekly_provision_at_the_setting_runs_in_term_time_only():
    got = rules.occurrences_per_year(frequency=Frequency.PER_WEEK, delivered_at=DeliveredAt.SETTING, **POLICY)
    assert got == Decimal("39")


@pytest.mark.parametrize("delivered_at", [DeliveredAt.HOME, DeliveredAt.COMMUNITY])
def test_r6_weekly_provision_at_home_or_in_the_community_runs_all_year(delivered_at):
    got = rules.occurrences_per_year(frequency=Frequency.PER_WEEK, delivered_at=delivered_at, **POLICY)
    assert got == Decimal("52")


def test_r6_the_council_s_own_term_time_weeks_are_used():
    got = rules.occurrences_per_year(
        frequency=Frequency.PER_WEEK,
        delivered_at=DeliveredAt.SETTING,
        weeks_per_year=Decimal("52"),
        term_time_weeks=Decimal("38.5"),
        terms_per_year=3,
    )
    assert got == Decimal("38.5")


@pytest.mark.parametrize("delivered_at", DeliveredAt.values)
def test_r6_termly_provision_happens_once_a_term(delivered_at):
    got = rules.occurrences_per_year(frequency=Frequency.PER_TERM, delivered_at=delivered_at, **POLICY)
    assert got == Decimal("3")


@pytest.mark.parametrize("delivered_at", DeliveredAt.values)
def test_r6_yearly_provision_happens_once_a_year(delivered_at):
    got = rules.occurrences_per_year(frequency=Frequency.PER_YEAR, delivered_at=delivered_at, **POLICY)
    assert got == Decimal("1")


@pytest.mark.parametrize("delivered_at", DeliveredAt.values)
def test_r6_one_off_provision_happens_once(delivered_at):
    got = rules.occurrences_per_year(frequency=Frequency.ONE_OFF, delivered_at=delivered_at, **POLICY)
    assert got == Decimal("1")


# Pro-rating a line over its dates (DOMAIN R6) -----------------------------------------------------------------------

PERIOD_START, PERIOD_END = date(2026, 4, 1), date(2027, 3, 31)  # 365 days
LEAP_START, LEAP_END = date(2027, 4, 1), date(2028, 3, 31)  # 366 days: 29 February 2028


def _occurrences(start, end, *, frequency=Frequency.PER_WEEK, per_year=Decimal("52"), period=None):
    period_start, period_end = period or (PERIOD_START, PERIOD_END)
    return rules.line_occurrences(
        frequency=frequency,
        per_year=per_year,
        start=start,
        end=end,
        period_start=period_start,
        period_end=period_end,
    )


def test_r6_a_line_for_the_whole_period_gets_exactly_the_yearly_figure():
    assert _occurrences(PERIOD_START, PERIOD_END) == Decimal("52")


def test_r6_a_line_running_beyond_both_ends_of_the_period_gets_exactly_the_yearly_figure():
    assert _occurrences(date(2026, 1, 1), date(2027, 12, 31)) == Decimal("52")


def test_r6_a_line_starting_half_way_gets_its_share_of_the_days():
    # 1 October 2026 to 31 March 2027 is 182 of the period's 365 days: 52 x 182 / 365 = 25.92876...
    assert _occurrences(date(2026, 10, 1), PERIOD_END) == Decimal("25.9288")


def test_r6_a_line_ending_half_way_gets_its_share_of_the_days():
    # 1 April to 30 September 2026 is 183 of 365 days: 52 x 183 / 365 = 26.07123...
    assert _occurrences(PERIOD_START, date(2026, 9, 30)) == Decimal("26.0712")


def test_r6_a_line_starting_on_the_last_day_of_the_period_gets_one_days_share():
    # 52 / 365 = 0.142465...
    assert _occurrences(PERIOD_END, date(2027, 12, 31)) == Decimal("0.1425")


def test_r6_a_line_starting_the_day_after_the_period_ends_gets_nothing():
    assert _occurrences(PERIOD_END + timedelta(days=1), date(2027, 12, 31)) == Decimal("0")


def test_r6_a_line_ending_the_day_before_the_period_starts_gets_nothing():
    assert _occurrences(date(2026, 1, 1), PERIOD_START - timedelta(days=1)) == Decimal("0")


def test_r6_a_line_ending_on_the_first_day_of_the_period_gets_one_days_share():
    assert _occurrences(date(2026, 1, 1), PERIOD_START) == Decimal("0.1425")


def test_r6_a_leap_year_period_is_366_days_so_half_of_it_is_exactly_half_the_year():
    # 1 October 2027 to 31 March 2028 is 183 of the period's 366 days: 52 x 183 / 366 = 26 exactly.
    assert _occurrences(date(2027, 10, 1), LEAP_END, period=(LEAP_START, LEAP_END)) == Decimal("26")


def test_r6_one_day_of_a_leap_year_period_is_a_366th_share():
    # 52 / 366 = 0.142076..., not the 0.1425 of a 365-day period.
    assert _occurrences(LEAP_END, LEAP_END, period=(LEAP_START, LEAP_END)) == Decimal("0.1421")


def test_r6_a_whole_leap_year_period_gets_exactly_the_yearly_figure():
    assert _occurrences(LEAP_START, LEAP_END, period=(LEAP_START, LEAP_END)) == Decimal("52")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (PERIOD_START, PERIOD_END),
        (PERIOD_END, PERIOD_END),
        (date(2026, 10, 1), date(2026, 10, 1)),
        (PERIOD_END + timedelta(days=1), date(2027, 12, 31)),
    ],
)
def test_r6_a_one_off_is_one_whatever_its_dates(start, end):
    assert _occurrences(start, end, frequency=Frequency.ONE_OFF, per_year=Decimal("1")) == Decimal("1")


# Line amounts (DOMAIN R6) -------------------------------------------------------------------------------------------


def test_r6_a_line_costs_quantity_times_rate_times_occurrences():
    # 15 hours a week for 39 term-time weeks at £18.50 an hour.
    assert rules.line_amount(quantity=Decimal("15"), rate=Decimal("18.50"), occurrences=Decimal("39")) == Decimal(
        "10822.50"
    )


def test_r6_a_line_amount_is_to_the_penny():
    amount = rules.line_amount(quantity=Decimal("1"), rate=Decimal("25.00"), occurrences=Decimal("0.1425"))
    assert amount.as_tuple().exponent == -2


def test_r6_a_line_amount_ending_in_exactly_half_a_penny_rounds_up():
    # 1.5 hours x £12.27 = £18.405 exactly: halves go up (banker's rounding would give £18.40).
    assert rules.line_amount(quantity=Decimal("1.5"), rate=Decimal("12.27"), occurrences=Decimal("1")) == Decimal(
        "18.41"
    )


def test_r6_a_line_amount_just_under_half_a_penny_rounds_down():
    # 1.5 hours x £12.27 x 0.9999 = £18.4031595.
    assert rules.line_amount(quantity=Decimal("1.5"), rate=Decimal("12.27"), occurrences=Decimal("0.9999")) == Decimal(
        "18.40"
    )


# Sufficiency (DOMAIN R5, R17) ---------------------------------------------------------------------------------------

COSTED = Decimal("4321.00")


def test_r5_r17_a_budget_a_penny_under_the_costed_total_is_insufficient():
    assert rules.budget_is_sufficient(final_amount=Decimal("4320.99"), costed_total=COSTED) is False


def test_r5_r17_a_budget_exactly_the_costed_total_is_sufficient():
    assert rules.budget_is_sufficient(final_amount=Decimal("4321.00"), costed_total=COSTED) is True


def test_r5_r17_a_budget_a_penny_over_the_costed_total_is_sufficient():
    assert rules.budget_is_sufficient(final_amount=Decimal("4321.01"), costed_total=COSTED) is True


def test_r5_a_budget_with_no_final_amount_is_insufficient():
    assert rules.budget_is_sufficient(final_amount=None, costed_total=COSTED) is False


def test_r5_a_budget_with_no_final_amount_is_insufficient_even_for_nothing_costed():
    assert rules.budget_is_sufficient(final_amount=None, costed_total=Decimal("0.00")) is False


# Integrated budgets (DOMAIN R27) ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", FundingStream.values)
def test_r27_a_budget_from_one_funding_stream_is_not_integrated(stream):
    assert rules.is_integrated({stream}) is False


@pytest.mark.parametrize("streams", list(itertools.combinations(FundingStream.values, 2)))
def test_r27_r30_a_budget_from_two_funding_streams_is_integrated(streams):
    """Two funding streams make an integrated budget, as SEN2 counts them (DOMAIN R27, R30)."""
    assert rules.is_integrated(set(streams)) is True


def test_r27_a_budget_from_all_three_funding_streams_is_integrated():
    assert rules.is_integrated(set(FundingStream.values)) is True


def test_r27_several_lines_of_the_same_stream_are_not_integrated():
    assert rules.is_integrated([FundingStream.EDUCATION, FundingStream.EDUCATION]) is False


def test_r27_a_budget_with_no_lines_is_not_integrated():
    assert rules.is_integrated(set()) is False


# Management modes (DOMAIN R4, R9) -----------------------------------------------------------------------------------

ALL_MODES = list(ManagementMode.values)
CONTRACT = "NHS-SALT-2026-01"


def _mode_problem(mode, *, category=Category.THERAPY, allowed=None, block=False, reference=""):
    return rules.mode_problem(
        mode=mode,
        category=category,
        allowed_modes=ALL_MODES if allowed is None else allowed,
        block_contract=block,
        contract_reference=reference,
    )


@pytest.mark.parametrize("mode", [ManagementMode.DIRECT_PAYMENT, ManagementMode.THIRD_PARTY])
def test_r9_a_placement_paid_to_the_family_is_refused(mode):
    assert "place at a school" in _mode_problem(mode, category=Category.PLACEMENT)


def test_r9_a_placement_as_an_organised_arrangement_is_allowed():
    assert _mode_problem(ManagementMode.ORGANISED, category=Category.PLACEMENT) is None


@pytest.mark.parametrize("mode", [ManagementMode.DIRECT_PAYMENT, ManagementMode.THIRD_PARTY])
def test_r4_block_contract_provision_paid_to_the_family_is_refused_naming_the_contract(mode):
    assert CONTRACT in _mode_problem(mode, block=True, reference=CONTRACT)


def test_r4_block_contract_provision_as_an_organised_arrangement_is_allowed():
    assert _mode_problem(ManagementMode.ORGANISED, block=True, reference=CONTRACT) is None


def test_a_mode_the_item_does_not_allow_is_refused():
    problem = _mode_problem(ManagementMode.THIRD_PARTY, allowed=[ManagementMode.DIRECT_PAYMENT])
    assert "does not allow" in problem


@pytest.mark.parametrize("mode", ALL_MODES)
def test_a_mode_the_item_allows_has_no_problem(mode):
    assert _mode_problem(mode, allowed=[mode]) is None


# Setting agreement (DOMAIN R13) -------------------------------------------------------------------------------------

ALL_LINES = list(itertools.product(ManagementMode.values, FundingStream.values, DeliveredAt.values))
NEEDS_AGREEMENT = (ManagementMode.DIRECT_PAYMENT, FundingStream.EDUCATION, DeliveredAt.SETTING)


def test_r13_a_direct_payment_for_education_at_the_setting_needs_the_setting_s_agreement():
    mode, stream, where = NEEDS_AGREEMENT
    assert rules.needs_setting_agreement(mode=mode, funding_stream=stream, delivered_at=where) is True


@pytest.mark.parametrize(("mode", "stream", "where"), [line for line in ALL_LINES if line != NEEDS_AGREEMENT])
def test_r13_any_other_line_needs_no_setting_agreement(mode, stream, where):
    assert rules.needs_setting_agreement(mode=mode, funding_stream=stream, delivered_at=where) is False


# Who may receive direct payments (DOMAIN R10, R11, R26) -------------------------------------------------------------

# Born 10 May 2010: 16 on 10 May 2026, in the school year 2025 to 2026, so compulsory school age ends on the last
# Friday of June 2026, 26 June.
BORN = date(2010, 5, 10)
LEAVING_DATE = date(2026, 6, 26)


def _facts(**changes) -> RecipientFacts:
    facts = {
        "relationship": Relationship.PARENT,
        "has_capacity_to_consent": True,
        "drug_alcohol_order": False,
        "nominated_in_writing_on": None,
        "nominee_consent_on": None,
        "child_is_young_person": False,
        "only_social_care": False,
    }
    return RecipientFacts(**{**facts, **changes})


def _young_person_on(day: date) -> RecipientFacts:
    return _facts(relationship=Relationship.YOUNG_PERSON, child_is_young_person=is_young_person(BORN, day))


def test_r10_a_parent_with_capacity_may_receive_direct_payments():
    assert rules.recipient_problems(_facts()) == []


def test_r10_the_young_person_may_not_receive_direct_payments_the_day_before_the_school_leaving_date():
    problems = rules.recipient_problems(_young_person_on(LEAVING_DATE - timedelta(days=1)))
    assert len(problems) == 1
    assert "compulsory school age" in problems[0]


def test_r10_the_young_person_may_not_receive_direct_payments_on_the_school_leaving_date():
    problems = rules.recipient_problems(_young_person_on(LEAVING_DATE))
    assert len(problems) == 1
    assert "compulsory school age" in problems[0]


def test_r10_the_young_person_may_receive_direct_payments_the_day_after_the_school_leaving_date():
    assert rules.recipient_problems(_young_person_on(LEAVING_DATE + timedelta(days=1))) == []


def test_r10_a_nominee_without_a_written_nomination_is_refused():
    problems = rules.recipient_problems(_facts(relationship=Relationship.NOMINEE, nominee_consent_on=date(2026, 5, 1)))
    assert len(problems) == 1
    assert "nominee" in problems[0]


def test_r10_a_nominee_without_recorded_consent_is_refused():
    problems = rules.recipient_problems(
        _facts(relationship=Relationship.NOMINEE, nominated_in_writing_on=date(2026, 5, 1))
    )
    assert len(problems) == 1
    assert "nominee" in problems[0]


def test_r10_a_nominee_nominated_in_writing_who_agreed_may_receive_direct_payments():
    facts = _facts(
        relationship=Relationship.NOMINEE,
        nominated_in_writing_on=date(2026, 5, 1),
        nominee_consent_on=date(2026, 5, 2),
    )
    assert rules.recipient_problems(facts) == []


def test_r26_a_carer_may_receive_a_budget_of_social_care_only():
    assert rules.recipient_problems(_facts(relationship=Relationship.CARER, only_social_care=True)) == []


def test_r26_a_carer_may_not_receive_a_budget_that_is_not_social_care_only():
    problems = rules.recipient_problems(_facts(relationship=Relationship.CARER, only_social_care=False))
    assert len(problems) == 1
    assert "social care" in problems[0]


def test_r10_a_third_party_organisation_is_not_the_recipient():
    problems = rules.recipient_problems(_facts(relationship=Relationship.THIRD_PARTY))
    assert len(problems) == 1
    assert "third party" in problems[0]


def test_r10_a_recipient_whose_capacity_is_not_recorded_is_refused():
    problems = rules.recipient_problems(_facts(has_capacity_to_consent=None))
    assert len(problems) == 1
    assert "capacity" in problems[0]


def test_r10_a_recipient_without_capacity_to_consent_is_refused():
    problems = rules.recipient_problems(_facts(has_capacity_to_consent=False))
    assert len(problems) == 1
    assert "capacity" in problems[0]


def test_r11_a_recipient_under_a_drug_or_alcohol_treatment_order_is_refused():
    problems = rules.recipient_problems(_facts(drug_alcohol_order=True))
    assert len(problems) == 1
    assert "drug or alcohol" in problems[0]


def test_r10_r11_every_problem_with_a_recipient_is_listed_together():
    facts = _facts(relationship=Relationship.NOMINEE, has_capacity_to_consent=False, drug_alcohol_order=True)
    problems = rules.recipient_problems(facts)
    assert len(problems) == 3
    assert ("nominee" in problems[0], "capacity" in problems[1], "drug or alcohol" in problems[2]) == (
        True,
        True,
        True,
    )


# The four R12 tests (DOMAIN R12) ------------------------------------------------------------------------------------

ALL_R12 = {
    "will_secure_provision": "Will use them for the therapy in section F.",
    "best_interests": "Parent has managed a short breaks payment well for two years.",
    "no_harm_to_services": "Spot purchase; no block contract affected.",
    "efficient_use": "Costs less than the commissioned service.",
}


def test_r12_all_four_tests_recorded_with_evidence_leaves_nothing_missing():
    assert rules.r12_missing(ALL_R12) == []


@pytest.mark.parametrize(
    ("field", "letter"),
    [
        ("will_secure_provision", "(a)"),
        ("best_interests", "(b)"),
        ("no_harm_to_services", "(c)"),
        ("efficient_use", "(d)"),
    ],
)
def test_r12_a_test_without_evidence_is_named_as_missing(field, letter):
    missing = rules.r12_missing({**ALL_R12, field: ""})
    assert len(missing) == 1
    assert missing[0].startswith(letter)


@pytest.mark.parametrize("field", list(ALL_R12))
def test_r12_evidence_of_only_whitespace_counts_as_missing(field):
    assert len(rules.r12_missing({**ALL_R12, field: "  \n\t "})) == 1


@pytest.mark.parametrize("field", list(ALL_R12))
def test_r12_a_test_not_recorded_at_all_counts_as_missing(field):
    evidence = {k: v for k, v in ALL_R12.items() if k != field}
    assert len(rules.r12_missing(evidence)) == 1


def test_r12_evidence_of_none_counts_as_missing():
    assert len(rules.r12_missing({**ALL_R12, "best_interests": None})) == 1


def test_r12_with_no_evidence_all_four_tests_are_missing_in_order():
    assert [label[:3] for label in rules.r12_missing({})] == ["(a)", "(b)", "(c)", "(d)"]


def test_r10_a_parent_receives_a_young_persons_direct_payments_only_as_their_nominee():
    facts = {
        "has_capacity_to_consent": True,
        "drug_alcohol_order": False,
        "nominated_in_writing_on": None,
        "nominee_consent_on": None,
        "only_social_care": False,
    }
    child_parent = rules.RecipientFacts(relationship="parent", child_is_young_person=False, **facts)
    young_persons_parent = rules.RecipientFacts(relationship="parent", child_is_young_person=True, **facts)
    assert rules.recipient_problems(child_parent) == []
    assert rules.recipient_problems(young_persons_parent) == [
        "Over compulsory school age, the young person receives the payments, or a person they nominate"
    ]
