"""The monitoring rules as pure functions, no database: each at its threshold (a penny under, exact and a penny over
for money; the day before, on and after for dates), the keys that stop the same finding being raised twice, and the
plain-English explanations with their figures and dates (DOMAIN R16 to R18, R26, R28, R31 to R33; ADR 11)."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from ehcbudgets.monitoring import rules
from ehcbudgets.monitoring.models import FindingRule, ReviewTrigger

PENNY = Decimal("0.01")
#: A day with a two-digit day of the month, to check dates are written like "22 November 2026".
NOVEMBER_22 = date(2026, 11, 22)


def money(text: str) -> Decimal:
    return Decimal(text)


# Surplus (DOMAIN R32) -----------------------------------------------------------------------------------------------


def surplus(balance, committed="0.00", annual="5200.00", weeks=8, period_start=date(2026, 4, 1)):
    """£5,200.00 a year is £100.00 a week: 8 weeks of payments is £800.00."""
    return rules.surplus_finding(
        balance=money(balance),
        committed=money(committed),
        annual_amount=money(annual),
        threshold_weeks=weeks,
        period_start=period_start,
    )


@pytest.mark.parametrize(("balance", "expected"), [("799.99", None), ("800.00", None), ("800.01", "0.01")])
def test_surplus_is_found_only_when_the_balance_passes_the_threshold_weeks_of_payments(balance, expected):
    """A balance a penny above 8 weeks of payments (annual / 52 x 8) is a penny of surplus; exactly 8 weeks is not
    (DOMAIN R32)."""
    hit = surplus(balance)
    if expected is None:
        assert hit is None
    else:
        assert hit.rule == FindingRule.SURPLUS
        assert hit.amount == money(expected)


@pytest.mark.parametrize(("balance", "expected"), [("899.99", None), ("900.00", None), ("900.01", "0.01")])
def test_surplus_takes_away_what_is_already_committed(balance, expected):
    """Committed spend (invoices and wages owed) comes off the balance before the threshold (DOMAIN R32)."""
    hit = surplus(balance, committed="100.00")
    assert (hit.amount if hit else None) == (money(expected) if expected else None)


@pytest.mark.parametrize(
    ("weeks", "balance", "found"), [(4, "400.00", False), (4, "400.01", True), (5, "400.01", False)]
)
def test_surplus_threshold_is_the_number_of_weeks_the_policy_gives(weeks, balance, found):
    """The threshold is the council's policy number of weeks, not a fixed 8 (DOMAIN R32)."""
    assert (surplus(balance, weeks=weeks) is not None) is found


@pytest.mark.parametrize(("balance", "found"), [("153.85", False), ("153.86", True)])
def test_surplus_against_weeks_that_are_not_whole_pence_matches_the_figure_the_family_is_shown(balance, found):
    """£1,000.00 a year for 8 weeks is £153.846...: the explanation shows £153.85 kept, so £153.85 is no surplus
    and £153.86 is a penny of it (DOMAIN R32)."""
    hit = surplus(balance, annual="1000.00")
    assert (hit is not None) is found
    if found:
        assert hit.amount == PENNY
        assert "£153.85 kept for 8 weeks of payments" in hit.explanation


def test_surplus_explanation_gives_every_figure_in_pounds_and_pence():
    """The family reads the balance, the committed spend, the weeks kept and the surplus, formatted like £1,234.50
    (DOMAIN R32)."""
    hit = surplus("9234.50", committed="1000.00", annual="52000.00")
    assert hit.amount == money("234.50")
    assert hit.explanation == (
        "The account holds £9,234.50. Taking away £1,000.00 owed for support already arranged and £8,000.00 kept "
        "for 8 weeks of payments, £234.50 is more than the account needs. The council may ask for it back or pay "
        "less for a while; tell us if it is set aside for support you have planned."
    )


def test_surplus_key_is_one_per_return_period_whatever_the_figure():
    """A surplus is raised once per return period: a different figure in the same period has the same key, the next
    period a new one (DOMAIN R32; ADR 11)."""
    april = surplus("800.01")
    april_again = surplus("1500.00")
    july = surplus("800.01", period_start=date(2026, 7, 1))
    assert april.key == april_again.key == "surplus:2026-04-01"
    assert july.key == "surplus:2026-07-01"


# Excluded payees (DOMAIN R16) ---------------------------------------------------------------------------------------


def excluded(payee, description="", excluded_payees=("John Smith",), amount="1234.50", record_id=41):
    return rules.excluded_payee_finding(
        record_id=record_id,
        payee=payee,
        description=description,
        amount=money(amount),
        excluded=list(excluded_payees),
    )


@pytest.mark.parametrize(
    ("payee", "description"),
    [("John Smith", ""), ("JOHN SMITH*1234", ""), ("Bank transfer", "To john smith for April")],
)
def test_payment_to_a_payee_the_agreement_excludes_is_found_in_the_payee_or_description(payee, description):
    """The agreement's condition not to pay a named person is checked in the payee and the description, ignoring
    case and card references (DOMAIN R16)."""
    hit = excluded(payee, description)
    assert hit.rule == FindingRule.EXCLUDED_PAYEE
    assert hit.amount == money("1234.50")
    assert hit.refs == {"record_id": 41}


@pytest.mark.parametrize("payee", ["Johnny Smithers", "Smith John", "Jo Smith"])
def test_a_payee_only_resembling_the_excluded_name_is_not_found(payee):
    """Only the whole name, word for word, counts: "Johnny Smithers" is not "John Smith" (DOMAIN R16)."""
    assert excluded(payee) is None


def test_blank_lines_in_the_excluded_payees_match_nothing():
    """An empty or blank line among the excluded payees never matches every payment (DOMAIN R16)."""
    assert excluded("Acme Care Ltd", excluded_payees=("", "   ")) is None


def test_excluded_payee_explanation_names_the_payee_and_the_amount():
    """The explanation says who was paid, how much, and the agreement's condition, in plain English (DOMAIN R16)."""
    hit = excluded("JOHN SMITH*1234", excluded_payees=("Acme", "  John Smith  "))
    assert hit.explanation == (
        "£1,234.50 was paid to JOHN SMITH*1234. The agreement says the payments must not be used to pay John Smith."
    )


def test_excluded_payee_key_names_the_record():
    """One finding per record: the key is the record's, the same each time it is checked (ADR 11)."""
    assert excluded("John Smith").key == excluded("John Smith", amount="5.00").key == "excluded_payee:41"
    assert excluded("John Smith", record_id=42).key == "excluded_payee:42"


# Not allowed by the council's policy (DOMAIN R33) -------------------------------------------------------------------

ALCOHOL = SimpleNamespace(
    text="Alcohol", reason="The council's policy does not allow it.", keywords="pub, off licence, wine"
)
GAMBLING = SimpleNamespace(text="Gambling", reason="", keywords="bet365,bookmaker")
NO_WORDS = SimpleNamespace(text="Rent or mortgage", reason="", keywords=" , ")


def not_allowed(payee, description="", restrictions=(ALCOHOL, GAMBLING), amount="1234.50", record_id=7):
    return rules.not_allowed_finding(
        record_id=record_id, payee=payee, description=description, amount=money(amount), restrictions=restrictions
    )


@pytest.mark.parametrize(
    ("payee", "description", "restriction"),
    [
        ("The Red Lion Pub", "", "Alcohol"),
        ("Tesco", "Bottle of WINE", "Alcohol"),
        ("Local Off-Licence", "", "Alcohol"),
        ("BET365*UK", "", "Gambling"),
    ],
)
def test_spending_matching_a_restrictions_keywords_is_not_allowed(payee, description, restriction):
    """A keyword of one of the council's restrictions in the payee or description is spending the policy does not
    allow (DOMAIN R33)."""
    hit = not_allowed(payee, description)
    assert hit.rule == FindingRule.NOT_ALLOWED
    assert restriction.lower() in hit.explanation
    assert hit.refs == {"record_id": 7}


@pytest.mark.parametrize("payee", ["Publix Stores", "Winer Therapy Ltd", "Acme Care Ltd"])
def test_spending_only_containing_a_keyword_inside_another_word_is_allowed(payee):
    """Keywords match whole words: "Publix" is not a pub (DOMAIN R33)."""
    assert not_allowed(payee) is None


def test_a_restriction_without_keywords_matches_nothing():
    """A restriction with no usable keywords cannot be found by a sweep; it flags nothing (DOMAIN R33)."""
    assert not_allowed("Landlord Lettings", restrictions=(NO_WORDS,)) is None


def test_not_allowed_explanation_gives_the_amount_the_restriction_and_its_reason():
    """The explanation names the amount, the payee, what it looks like and the council's reason (DOMAIN R33)."""
    hit = not_allowed("The Red Lion Pub")
    assert hit.amount == money("1234.50")
    assert hit.explanation == (
        "£1,234.50 paid to The Red Lion Pub looks like alcohol, which direct payments cannot be used for. The "
        "council's policy does not allow it. If it was for the agreed support, tell us what it was."
    )


def test_not_allowed_explanation_without_a_reason_reads_cleanly():
    """A restriction with no reason leaves no gap or stray space in the sentence (DOMAIN R33)."""
    hit = not_allowed("BET365*UK", amount="20.00")
    assert "cannot be used for. If it was for the agreed support" in hit.explanation
    assert "  " not in hit.explanation


def test_not_allowed_key_names_the_record():
    """One finding per record, whichever restriction it matched (ADR 11)."""
    assert not_allowed("The Red Lion Pub").key == not_allowed("Bet365").key == "not_allowed:7"


# Unlinked statement lines (DOMAIN R16) ------------------------------------------------------------------------------


def unlinked(amount, line_id=9):
    return rules.unlinked_finding(line_id=line_id, payee="CORNER SHOP", amount=money(amount), posted_on=NOVEMBER_22)


@pytest.mark.parametrize(("amount", "found"), [("-0.01", False), ("0.00", False), ("0.01", True)])
def test_only_money_going_out_on_a_statement_is_unlinked_spending(amount, found):
    """Money in (a payment or refund) is not spending to link; a penny out is (DOMAIN R16)."""
    assert (unlinked(amount) is not None) is found


def test_unlinked_explanation_key_and_reference():
    """The explanation gives the amount, payee and date; the key and reference name the statement line (DOMAIN R16;
    ADR 11)."""
    hit = unlinked("1234.50")
    assert hit.rule == FindingRule.UNLINKED
    assert hit.key == "unlinked:9"
    assert hit.refs == {"statement_line_id": 9}
    assert hit.amount == money("1234.50")
    assert hit.explanation.startswith(
        "£1,234.50 paid to CORNER SHOP on 22 November 2026 is on a statement but is not linked to any of the agreed "
        "support."
    )


# Receipts (DOMAIN R16, R31) -----------------------------------------------------------------------------------------


def receipt(amount, has_receipt=False, required_above="50.00", record_id=12):
    return rules.receipt_missing_finding(
        record_id=record_id,
        payee="Acme Care Ltd",
        amount=money(amount),
        spent_on=NOVEMBER_22,
        has_receipt=has_receipt,
        required_above=money(required_above),
    )


@pytest.mark.parametrize(("amount", "found"), [("49.99", False), ("50.00", False), ("50.01", True)])
def test_a_receipt_is_needed_only_above_the_councils_amount(amount, found):
    """Spending above the policy's receipt amount needs a receipt; exactly the amount does not (DOMAIN R16, R31)."""
    assert (receipt(amount) is not None) is found


def test_spending_above_the_amount_with_a_receipt_is_not_found():
    """A receipt kept with the record satisfies the rule (DOMAIN R31)."""
    assert receipt("50.01", has_receipt=True) is None


@pytest.mark.parametrize(("amount", "found"), [("0.00", False), ("0.01", True)])
def test_a_council_asking_for_every_receipt_finds_a_penny_without_one(amount, found):
    """With the policy amount at £0.00, any spending needs a receipt (DOMAIN R31)."""
    assert (receipt(amount, required_above="0.00") is not None) is found


def test_receipt_missing_explanation_key_and_reference():
    """The explanation gives the amount, payee, date and the council's amount; one finding per record (ADR 11)."""
    hit = receipt("1234.50", required_above="1000.00")
    assert hit.rule == FindingRule.RECEIPT_MISSING
    assert hit.key == "receipt_missing:12"
    assert hit.refs == {"record_id": 12}
    assert hit.amount == money("1234.50")
    assert hit.explanation == (
        "£1,234.50 paid to Acme Care Ltd on 22 November 2026 has no receipt. The council asks for a receipt or "
        "invoice for anything over £1,000.00: add a photo or PDF of it."
    )


# Insufficient direct payments (DOMAIN R17) --------------------------------------------------------------------------


@pytest.mark.parametrize(("needed", "short"), [("3411.19", None), ("3411.20", None), ("3411.21", "0.01")])
def test_payments_are_insufficient_only_when_the_support_costs_more_than_they_pay(needed, short):
    """Direct payments a penny short of what the agreed provision now costs are not enough (DOMAIN R17)."""
    hit = rules.insufficient_finding(amount=money("3411.20"), needed=money(needed))
    if short is None:
        assert hit is None
    else:
        assert hit.rule == FindingRule.INSUFFICIENT
        assert hit.amount == money(short)


def test_insufficient_explanation_gives_the_cost_the_payments_and_the_shortfall():
    """The family reads what the support costs, what is paid and how much is missing (DOMAIN R17)."""
    hit = rules.insufficient_finding(amount=money("3411.20"), needed=money("4645.70"))
    assert hit.amount == money("1234.50")
    assert hit.explanation.startswith(
        "The agreed support now costs £4,645.70 for the agreement's period, but the direct payments are £3,411.20: "
        "£1,234.50 short."
    )


def test_insufficient_key_is_the_figure_needed_so_a_further_rise_is_a_new_finding():
    """The same shortfall is raised once; when the cost rises again it is a new finding (DOMAIN R17; ADR 11)."""
    first = rules.insufficient_finding(amount=money("3411.20"), needed=money("3500.00"))
    again = rules.insufficient_finding(amount=money("3411.20"), needed=money("3500.00"))
    higher = rules.insufficient_finding(amount=money("3411.20"), needed=money("3600.00"))
    assert first.key == again.key == "insufficient:3500.00"
    assert higher.key != first.key


def test_insufficient_key_does_not_depend_on_how_the_figure_is_written():
    """£3,500.50 is the same figure whether it arrives as 3500.5 or 3500.50: one key, so it is raised once (ADR 11)."""
    short = rules.insufficient_finding(amount=money("3411.20"), needed=money("3500.5"))
    long = rules.insufficient_finding(amount=money("3411.20"), needed=money("3500.50"))
    assert short.key == long.key == "insufficient:3500.50"


# Monitoring returns (DOMAIN R31) ------------------------------------------------------------------------------------

APRIL, JUNE_30 = date(2026, 4, 1), date(2026, 6, 30)
#: 28 days after 30 June 2026.
RETURN_DUE = date(2026, 7, 28)


def overdue_return(on, sent=False, due_days=28, start=APRIL, end=JUNE_30):
    return rules.return_overdue_finding(period_start=start, period_end=end, sent=sent, on=on, due_days=due_days)


def test_a_return_is_due_the_councils_number_of_days_after_its_period_ends():
    """A quarter ending 30 June 2026 with 28 days to send is due 28 July 2026; with 14 days, 14 July (DOMAIN R31)."""
    assert rules.return_due_on(period_end=JUNE_30, due_days=28) == RETURN_DUE
    assert rules.return_due_on(period_end=JUNE_30, due_days=14) == date(2026, 7, 14)


@pytest.mark.parametrize(("on", "found"), [(RETURN_DUE - timedelta(days=1), False), (RETURN_DUE, False)])
def test_a_return_not_sent_is_not_overdue_up_to_and_on_its_due_day(on, found):
    """The family has until the end of the due day (DOMAIN R31)."""
    assert (overdue_return(on) is not None) is found


def test_a_return_not_sent_is_overdue_the_day_after_it_was_due():
    """The day after the due day, an unsent return is overdue (DOMAIN R31)."""
    hit = overdue_return(RETURN_DUE + timedelta(days=1))
    assert hit.rule == FindingRule.RETURN_OVERDUE
    assert hit.key == "return_overdue:2026-04-01"
    assert hit.amount is None


def test_a_return_sent_late_is_not_overdue():
    """Once sent, a return is never overdue, however late (DOMAIN R31)."""
    assert overdue_return(RETURN_DUE + timedelta(days=60), sent=True) is None


def test_the_return_due_days_come_from_the_policy():
    """With 14 days to send, the return is overdue from 15 July 2026 (DOMAIN R31)."""
    assert overdue_return(date(2026, 7, 14), due_days=14) is None
    assert overdue_return(date(2026, 7, 15), due_days=14) is not None


def test_return_overdue_explanation_gives_the_period_and_the_due_day():
    """The period and due day are written like 22 November 2026; the key is the period's start (DOMAIN R31)."""
    hit = overdue_return(date(2026, 12, 1), start=date(2026, 7, 26), end=date(2026, 10, 25))
    assert hit.key == "return_overdue:2026-07-26"
    assert hit.explanation.startswith(
        "The monitoring return for 26 July 2026 to 25 October 2026 was due on 22 November 2026 and has not been sent."
    )


def test_return_overdue_key_is_the_same_however_late():
    """A return overdue for one day or sixty is one finding (ADR 11)."""
    assert overdue_return(RETURN_DUE + timedelta(days=1)).key == overdue_return(RETURN_DUE + timedelta(days=60)).key


# No spending (DOMAIN R16) -------------------------------------------------------------------------------------------

MAY_1 = date(2026, 5, 1)
#: 8 weeks after 1 May 2026.
EIGHT_WEEKS_ON = date(2026, 6, 26)


def quiet(on, last_spent_on=MAY_1, first_paid_on=date(2026, 4, 1), weeks=8):
    return rules.no_spending_finding(last_spent_on=last_spent_on, first_paid_on=first_paid_on, on=on, weeks=weeks)


@pytest.mark.parametrize(
    ("on", "found"),
    [(EIGHT_WEEKS_ON - timedelta(days=1), False), (EIGHT_WEEKS_ON, True), (EIGHT_WEEKS_ON + timedelta(days=1), True)],
)
def test_no_spending_is_found_once_the_policy_weeks_have_passed_since_the_last_spending(on, found):
    """8 weeks or more since the last spending: found on the day the 8 weeks are up, not the day before (R16)."""
    assert (quiet(on) is not None) is found


def test_no_spending_counts_from_the_first_payment_when_nothing_was_ever_spent():
    """With no spending at all, the weeks run from the first payment (DOMAIN R16)."""
    assert quiet(date(2026, 5, 26), last_spent_on=None, first_paid_on=MAY_1, weeks=4) is None
    hit = quiet(date(2026, 5, 29), last_spent_on=None, first_paid_on=MAY_1, weeks=4)
    assert hit.key == "no_spending:2026-05-01"
    assert "since the first payment on 1 May 2026, 4 weeks or more" in hit.explanation


def test_no_spending_counts_from_the_last_spending_not_the_first_payment():
    """Spending since the first payment moves the count on (DOMAIN R16)."""
    assert quiet(date(2026, 5, 29), last_spent_on=MAY_1, first_paid_on=date(2026, 4, 1), weeks=4) is not None
    assert quiet(date(2026, 5, 28), last_spent_on=MAY_1, first_paid_on=date(2026, 4, 1), weeks=4) is None


def test_no_spending_is_not_found_before_anything_was_paid():
    """An agreement not yet paid has nothing to spend (DOMAIN R16)."""
    assert quiet(date(2027, 1, 1), last_spent_on=None, first_paid_on=None) is None


def test_no_spending_explanation_and_key_name_the_day_of_the_last_spending():
    """The explanation dates the last spending like 22 November 2026; the key is that day, so each quiet spell is one
    finding however long it lasts (ADR 11)."""
    hit = quiet(date(2027, 1, 17), last_spent_on=NOVEMBER_22)
    later = quiet(date(2027, 3, 1), last_spent_on=NOVEMBER_22)
    assert hit.rule == FindingRule.NO_SPENDING
    assert hit.key == later.key == "no_spending:2026-11-22"
    assert hit.explanation.startswith("No spending has been recorded since 22 November 2026, 8 weeks or more.")
    assert quiet(date(2027, 3, 1), last_spent_on=date(2027, 1, 2)).key == "no_spending:2027-01-02"


# Personal assistants who are relatives (DOMAIN R26) -----------------------------------------------------------------


def relative(close=True, exception=False, ended=False):
    return rules.pa_relative_finding(
        pa_id=5, name="Pat Relative", close_relative_in_household=close, has_exception=exception, ended=ended
    )


def test_a_close_relative_in_the_household_without_an_exception_is_found():
    """Paying a close relative who lives in the household needs a recorded exception (DOMAIN R26)."""
    hit = relative()
    assert hit.rule == FindingRule.PA_RELATIVE
    assert hit.key == "pa_relative:5"
    assert hit.refs == {"personal_assistant_id": 5}
    assert hit.explanation.startswith("Pat Relative is a close relative who lives in the same household.")
    assert "exception recorded by a manager" in hit.explanation


@pytest.mark.parametrize(
    ("close", "exception", "ended"),
    [(True, True, False), (True, False, True), (False, False, False)],
    ids=["with-exception", "ended", "not-a-relative"],
)
def test_a_relative_with_an_exception_one_who_has_left_or_someone_else_is_not_found(close, exception, ended):
    """A recorded exception, a personal assistant who has stopped working, or no close relative: nothing to find
    (DOMAIN R26)."""
    assert relative(close, exception, ended) is None


# Reviews of direct payments (DOMAIN R18, R28) -----------------------------------------------------------------------


def triggers(
    on=MAY_1, first_paid_on=None, plan_review_due=None, reassessments=(), provision_changes=(), days=56, adult=None
):
    return rules.review_triggers(
        first_paid_on=first_paid_on,
        plan_review_due=plan_review_due,
        reassessments=list(reassessments),
        provision_changes=list(provision_changes),
        on=on,
        lookahead_days=days,
        adult=adult,
    )


def test_first_review_is_due_3_months_after_the_first_payment():
    """A first payment on 1 April 2026 makes the first review due on 1 July 2026 (DOMAIN R18)."""
    assert triggers(first_paid_on=date(2026, 4, 1)) == [
        rules.Trigger(ReviewTrigger.FIRST, "2026-04-01", date(2026, 7, 1))
    ]


def test_first_review_3_months_after_the_end_of_a_month_is_the_last_day_of_a_shorter_month():
    """A first payment on 30 November 2026 makes the review due on 28 February 2027 (DOMAIN R18)."""
    (first,) = triggers(first_paid_on=date(2026, 11, 30))
    assert first.due_on == date(2027, 2, 28)


def test_no_review_is_listed_for_an_agreement_not_yet_paid():
    """Nothing paid, no plan review near, no change: no review is needed yet (DOMAIN R18)."""
    assert triggers() == []


LOOKAHEAD_END = MAY_1 + timedelta(days=56)  # 26 June 2026


@pytest.mark.parametrize(
    ("plan_due", "listed"),
    [
        (LOOKAHEAD_END + timedelta(days=1), False),
        (LOOKAHEAD_END, True),
        (LOOKAHEAD_END - timedelta(days=1), True),
        (MAY_1 - timedelta(days=30), True),
    ],
    ids=["day-after-lookahead", "last-day-of-lookahead", "inside-lookahead", "overdue"],
)
def test_plan_review_joins_the_reviews_from_the_lookahead_before_it_is_due(plan_due, listed):
    """A plan review 56 days away or less (or overdue) is listed, due on the plan's review day, so the two can be
    held together; 57 days away it is not yet (DOMAIN R18, R28)."""
    found = [t for t in triggers(plan_review_due=plan_due) if t.trigger == ReviewTrigger.PLAN_REVIEW]
    assert found == ([rules.Trigger(ReviewTrigger.PLAN_REVIEW, plan_due.isoformat(), plan_due)] if listed else [])


def test_each_reassessment_and_change_of_provision_is_one_review_due_4_weeks_later():
    """Each re-assessment and each change of provision starts a review due within 4 weeks, once per day however
    often the day is given (DOMAIN R18)."""
    june, july = date(2026, 6, 3), date(2026, 7, 9)
    found = triggers(reassessments=[july, june, july], provision_changes=[june, june])
    assert found == [
        rules.Trigger(ReviewTrigger.REASSESSMENT, "2026-06-03", date(2026, 7, 1)),
        rules.Trigger(ReviewTrigger.REASSESSMENT, "2026-07-09", date(2026, 8, 6)),
        rules.Trigger(ReviewTrigger.PROVISION_CHANGE, "2026-06-03", date(2026, 7, 1)),
    ]


def test_review_keys_do_not_change_from_one_day_to_the_next():
    """The same reviews on a later day have the same keys, so a review is never added twice (DOMAIN R18; ADR 11)."""
    given = {"first_paid_on": date(2026, 4, 1), "plan_review_due": date(2026, 6, 20), "reassessments": [MAY_1]}
    today_keys = {(t.trigger, t.key) for t in triggers(on=MAY_1, **given)}
    later_keys = {(t.trigger, t.key) for t in triggers(on=date(2026, 6, 1), **given)}
    assert today_keys == later_keys
    assert len(today_keys) == 3


# Turning 18 with social care payments (DOMAIN R26) -------------------------------------------------------------------

BEGAN, ENDS = date(2026, 3, 20), date(2027, 3, 31)


def adult(born, social_care=True, began=BEGAN, ends=ENDS):
    return rules.adult_review_due(born=born, social_care=social_care, began=began, ends=ends)


def test_turning_18_while_social_care_payments_run_needs_a_review_within_6_months():
    """Born on 1 June 2008, 18 on 1 June 2026 while the payments run: the adult rules apply from that day, with a
    review due by 1 December 2026 (DOMAIN R26)."""
    assert adult(date(2008, 6, 1)) == (date(2026, 6, 1), date(2026, 12, 1))


@pytest.mark.parametrize(
    ("eighteenth", "listed"),
    [
        (BEGAN, False),
        (BEGAN + timedelta(days=1), True),
        (ENDS, True),
        (ENDS + timedelta(days=1), False),
    ],
    ids=["18-the-day-payments-began", "18-the-day-after", "18-on-the-last-day", "18-after-the-end"],
)
def test_the_adult_review_is_for_an_18th_birthday_after_the_payments_began_and_before_they_end(eighteenth, listed):
    """18 already when the payments began: their first review, within 3 months, comes sooner; 18 after they end:
    nothing to review (DOMAIN R18, R26)."""
    born = eighteenth.replace(year=eighteenth.year - 18)
    assert (adult(born) is not None) is listed


def test_payments_without_a_social_care_part_follow_no_adult_rule():
    """Education and health payments do not move to the adult social care rules at 18 (DOMAIN R26)."""
    assert adult(date(2008, 6, 1), social_care=False) is None


def test_a_29_february_birthday_turns_18_on_1_march_in_a_common_year():
    """Born on 29 February 2008: 18 on 1 March 2026 (the English convention), review due by 1 September 2026."""
    assert adult(date(2008, 2, 29), began=date(2026, 1, 5)) == (date(2026, 3, 1), date(2026, 9, 1))


@pytest.mark.parametrize(
    ("on", "listed"),
    [(date(2026, 5, 31), False), (date(2026, 6, 1), True), (date(2026, 6, 2), True)],
    ids=["day-before-18", "18th-birthday", "day-after"],
)
def test_the_adult_review_is_listed_from_the_18th_birthday(on, listed):
    """The adult rules begin on the birthday, so the review joins the list that day, keyed by the birthday, due 6
    months later (DOMAIN R26)."""
    found = [t for t in triggers(on=on, adult=(date(2026, 6, 1), date(2026, 12, 1))) if t.trigger == "adult"]
    assert found == ([rules.Trigger(ReviewTrigger.ADULT, "2026-06-01", date(2026, 12, 1))] if listed else [])


@pytest.mark.parametrize(
    ("on", "overdue"),
    [(date(2026, 6, 30), False), (date(2026, 7, 1), False), (date(2026, 7, 2), True)],
    ids=["day-before", "due-day", "day-after"],
)
def test_a_review_is_overdue_from_the_day_after_it_was_due(on, overdue):
    """A review due on 1 July 2026 may be recorded that day; from 2 July it is overdue (DOMAIN R18)."""
    assert rules.review_overdue(due_on=date(2026, 7, 1), on=on) is overdue
