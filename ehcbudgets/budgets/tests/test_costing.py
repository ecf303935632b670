"""Costing a budget line by line from the plan and the dated rate card, and how each line is held
(DOMAIN R4, R5, R6, R8, R9, R27)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets import selectors, services
from ehcbudgets.budgets.models import Budget, BudgetLine, BudgetStatus
from ehcbudgets.core.dates import today
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory
from ehcbudgets.offer.tests.factories import OfferItemFactory, RateFactory
from ehcbudgets.plans.tests.factories import ProvisionItemFactory

from .conftest import FULL_TOTAL, PA_AMOUNT, PERIOD_END, PERIOD_START, SLT_AMOUNT, TA_AMOUNT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdf")]

DAY = timedelta(days=1)


def _refused(call, field=None) -> ValidationError:
    """Runs a service that must refuse; checks the error names the field (None: a message for the whole form)."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        assert not hasattr(error, "error_dict"), error
    else:
        assert field in error.message_dict, error.message_dict
    return error


def _lines(budget) -> dict[str, BudgetLine]:
    return {line.offer_item.code: line for line in BudgetLine.objects.filter(budget=budget)}


def _set(pb, budget, provision_item, **fields):
    return services.budget_line_set(actor=pb.officer, budget=budget, provision_item=provision_item, **fields)


@pytest.fixture
def placement(case):
    """Section F: a place at an independent special school, added after the budget was started."""
    return ProvisionItemFactory(
        plan=case.plan,
        description="Place at an independent special school",
        quantity=Decimal("190"),
        unit="day",
        frequency="per_year",
    )


# budget_start (DOMAIN R6, R8, R27) --------------------------------------------------------------------------------


def test_r6_budget_start_makes_a_line_for_each_provision_item_with_the_suggested_offer_item(case, budget):
    lines = _lines(budget)
    assert {code: line.provision_item for code, line in lines.items()} == {
        "TA": case.ta,
        "SLT": case.slt,
        "PA": case.pa,
    }


def test_r6_each_line_takes_the_quantity_frequency_and_dates_of_its_provision(case, budget):
    line = _lines(budget)["PA"]
    assert (line.quantity, line.frequency, line.start_date, line.end_date) == (
        Decimal("4"),
        "per_week",
        PERIOD_START,
        PERIOD_END,
    )


def test_r27_each_line_carries_the_funding_stream_and_funder_of_its_item(budget):
    assert {code: (line.funding_stream, line.funder) for code, line in _lines(budget).items()} == {
        "TA": ("education", "council_sen"),
        "SLT": ("health", "icb"),
        "PA": ("social_care", "council_social_care"),
    }


def test_r8_each_line_starts_in_the_first_mode_its_item_allows_arranged_by_the_council(budget):
    assert {line.management_mode for line in _lines(budget).values()} == {"organised_arrangement"}


def test_r6_the_period_is_a_year_less_a_day_unless_given(budget):
    assert (budget.period_start, budget.period_end, budget.status) == (PERIOD_START, PERIOD_END, BudgetStatus.DRAFT)


def test_r5_the_indicative_amount_is_kept_apart_from_the_final_amount(pb, case):
    budget = pb.start(case, indicative_amount=Decimal("9000.00"))
    assert (budget.indicative_amount, budget.final_amount, budget.costed_total) == (
        Decimal("9000.00"),
        None,
        FULL_TOTAL,
    )


def test_r6_provision_nothing_in_the_offer_can_price_gets_no_line(pb, case):
    ProvisionItemFactory(plan=case.plan, health=True, description="Hydrotherapy", unit="week")
    budget = pb.start(case)
    assert set(_lines(budget)) == {"TA", "SLT", "PA"}


def test_r6_an_item_with_no_rate_yet_on_the_period_start_gets_no_line(pb, case):
    """The PA rate starts on 1 April 2025: a period starting the day before cannot price it."""
    budget = pb.start(case, period_start=date(2025, 3, 31))
    assert "PA" not in _lines(budget)


@pytest.mark.parametrize(("start", "rate"), [(date(2026, 3, 31), "24.80"), (date(2026, 4, 1), "25.60")])
def test_r6_a_line_is_priced_at_the_rate_in_force_on_the_period_start(pb, case, start, rate):
    """The TA rate changes from 24.80 to 25.60 on 1 April 2026."""
    line = _lines(pb.start(case, period_start=start))["TA"]
    assert (line.rate.amount, line.rate.effective_from) == (
        Decimal(rate),
        date(2026, 4, 1) if rate == "25.60" else date(2025, 4, 1),
    )
    assert line.amount == Decimal(rate) * 15 * 39


def test_r6_weekly_support_at_a_setting_is_costed_for_the_term_time_weeks(budget):
    line = _lines(budget)["TA"]
    assert (line.occurrences, line.amount) == (Decimal("39"), TA_AMOUNT)


def test_r6_weekly_support_at_home_is_costed_for_every_week_of_the_year(budget):
    line = _lines(budget)["PA"]
    assert (line.occurrences, line.amount) == (Decimal("52"), PA_AMOUNT)


def test_r6_support_per_term_is_costed_for_the_terms_of_the_year(budget):
    line = _lines(budget)["SLT"]
    assert (line.occurrences, line.amount) == (Decimal("3"), SLT_AMOUNT)


def test_r6_the_weeks_of_the_year_are_the_councils_policy(pb, case, council):
    CouncilPolicyFactory(council=council, effective_from=PERIOD_START, term_time_weeks=38, weeks_per_year=50)
    lines = _lines(pb.start(case))
    assert (lines["TA"].occurrences, lines["PA"].occurrences) == (Decimal("38"), Decimal("50"))


def test_r6_a_policy_taking_effect_after_the_period_starts_does_not_change_its_weeks(pb, case, council):
    CouncilPolicyFactory(council=council, effective_from=PERIOD_START + DAY, term_time_weeks=38)
    assert _lines(pb.start(case))["TA"].occurrences == Decimal("39")


def test_r6_the_costed_total_is_the_sum_of_the_lines(budget):
    assert budget.costed_total == FULL_TOTAL == sum(line.amount for line in _lines(budget).values())


# Totals (DOMAIN R8, R27) ------------------------------------------------------------------------------------------


def test_r27_totals_by_funding_stream_and_funder(budget):
    totals = selectors.totals(budget=budget)
    assert totals["by_stream"] == {"education": TA_AMOUNT, "health": SLT_AMOUNT, "social_care": PA_AMOUNT}
    assert totals["by_funder"] == {"council_sen": TA_AMOUNT, "icb": SLT_AMOUNT, "council_social_care": PA_AMOUNT}
    assert totals["total"] == FULL_TOTAL


def test_r8_totals_by_management_mode(pb, budget):
    pb.set_mode(budget, "PA", "direct_payment")
    assert selectors.totals(budget=budget)["by_mode"] == {
        "organised_arrangement": TA_AMOUNT + SLT_AMOUNT,
        "direct_payment": PA_AMOUNT,
    }


def test_r27_a_budget_drawing_on_two_or_more_streams_is_integrated(budget):
    assert selectors.totals(budget=budget)["integrated"] is True


def test_r27_a_budget_drawing_on_one_stream_is_not_integrated(pb, budget):
    for code in ("SLT", "PA"):
        services.budget_line_remove(actor=pb.officer, line=pb.line(budget, code))
    assert selectors.totals(budget=budget)["integrated"] is False


# Pro-rating and the rate on a line's own start date (DOMAIN R6) -------------------------------------------------


def test_r6_a_line_starting_part_way_through_is_pro_rated_by_days(pb, case, budget):
    """1 October 2026 to 31 March 2027 is 182 of the period's 365 days: 39 x 182 / 365 = 19.4466 weeks."""
    line = _set(pb, budget, case.ta, start_date=date(2026, 10, 1))
    assert (line.occurrences, line.amount) == (Decimal("19.4466"), Decimal("7467.49"))
    assert pb.fresh(budget).costed_total == FULL_TOTAL - TA_AMOUNT + Decimal("7467.49")


def test_r6_a_line_running_the_whole_period_is_not_pro_rated(pb, case, budget):
    line = _set(pb, budget, case.ta, start_date=PERIOD_START, end_date=PERIOD_END)
    assert line.occurrences == Decimal("39")


@pytest.mark.parametrize(("start", "rate"), [(date(2026, 3, 31), "24.80"), (date(2026, 4, 1), "25.60")])
def test_r6_a_line_is_priced_at_the_rate_in_force_on_its_own_start_date(pb, case, start, rate):
    budget = pb.start(case, period_start=date(2026, 1, 1))
    line = _set(pb, budget, case.ta, start_date=start)
    assert line.rate.amount == Decimal(rate)


# How a line may be held (DOMAIN R4, R9) ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["direct_payment", "third_party"])
def test_r9_a_placement_is_never_paid_to_the_family(pb, catalogue, budget, placement, mode):
    error = _refused(
        lambda: _set(pb, budget, placement, offer_item=catalogue.PLACE, management_mode=mode), "management_mode"
    )
    assert "never be paid by direct payment" in error.message_dict["management_mode"][0]
    assert not BudgetLine.objects.filter(provision_item=placement).exists()


def test_r9_a_placement_may_be_arranged_by_the_council(pb, catalogue, budget, placement):
    line = _set(pb, budget, placement, offer_item=catalogue.PLACE, management_mode="organised_arrangement")
    assert (line.amount, line.mode_reason) == (
        Decimal("58900.00"),
        "A place at a school, college or setting is never paid by direct payment.",
    )


@pytest.mark.parametrize("mode", ["direct_payment", "third_party"])
def test_r4_block_contract_provision_cannot_be_paid_to_the_family_and_the_message_names_the_contract(
    pb, case, budget, mode
):
    error = _refused(lambda: _set(pb, budget, case.slt, management_mode=mode), "management_mode")
    assert "NHS-SLT-2024-017" in error.message_dict["management_mode"][0]
    assert pb.line(budget, "SLT").management_mode == "organised_arrangement"


def test_r4_a_block_contract_line_says_why_it_is_arranged_naming_the_contract(pb, budget):
    reason = pb.line(budget, "SLT").mode_reason
    assert "block contract NHS-SLT-2024-017" in reason
    assert "harm the service to others" in reason


def test_r8_a_mode_the_local_offer_does_not_allow_is_refused(pb, case, council, budget):
    organised_only = OfferItemFactory(
        council=council, funding_stream="social_care", unit="hour", allows_direct_payment=False
    )
    RateFactory(item=organised_only, effective_from=date(2025, 4, 1))
    _refused(
        lambda: _set(pb, budget, case.pa, offer_item=organised_only, management_mode="direct_payment"),
        "management_mode",
    )


def test_r8_a_line_can_be_held_as_a_direct_payment(pb, budget):
    line = pb.set_mode(budget, "PA", "direct_payment")
    assert (line.management_mode, line.amount, line.mode_reason) == ("direct_payment", PA_AMOUNT, "")


# What a line may price (DOMAIN R6) --------------------------------------------------------------------------------


def test_r6_provision_from_another_plan_is_refused(pb, budget):
    elsewhere = pb.case()
    _refused(lambda: _set(pb, budget, elsewhere.pa, offer_item=pb.catalogue.PA), "provision_item")
    assert not BudgetLine.objects.filter(provision_item=elsewhere.pa).exists()


def test_r6_an_item_of_another_council_is_refused(pb, case, budget, other_council):
    foreign = OfferItemFactory(council=other_council, funding_stream="social_care", unit="hour")
    RateFactory(item=foreign, effective_from=date(2025, 4, 1))
    _refused(lambda: _set(pb, budget, case.pa, offer_item=foreign), "offer_item")
    assert pb.line(budget, "PA").offer_item == pb.catalogue.PA


def test_r6_an_inactive_item_is_refused(pb, case, catalogue, budget):
    catalogue.OT.active = False
    catalogue.OT.save()
    _refused(lambda: _set(pb, budget, case.slt, offer_item=catalogue.OT), "offer_item")


def test_r6_a_new_line_needs_an_offer_item(pb, case, budget):
    services.budget_line_remove(actor=pb.officer, line=pb.line(budget, "PA"))
    _refused(lambda: _set(pb, budget, case.pa, management_mode="organised_arrangement"), "offer_item")


def test_r6_a_line_can_be_priced_by_another_item_of_the_offer(pb, case, catalogue, budget):
    line = _set(pb, budget, case.slt, offer_item=catalogue.OT, management_mode="direct_payment")
    assert (line.offer_item, line.amount, line.funder, line.mode_reason) == (
        catalogue.OT,
        Decimal("1296.00"),
        "icb",
        "",
    )


def test_r6_amounts_and_totals_cannot_be_typed(pb, case, budget):
    _refused(lambda: _set(pb, budget, case.pa, amount=Decimal("1.00")))
    assert pb.line(budget, "PA").amount == PA_AMOUNT


def test_a_line_of_an_agreed_budget_cannot_be_changed_through_a_draft_one(pb, case, budget):
    """Found while testing: the `line` argument was trusted, so a line of an agreed budget could be changed
    through a draft budget of the same plan."""
    agreed_line = pb.line(pb.agree(budget), "PA")
    draft = pb.start(case)
    error = _refused(lambda: _set(pb, draft, case.pa, line=agreed_line, management_mode="direct_payment"))
    assert "not this budget's line" in error.messages[0]
    assert pb.fresh(agreed_line).management_mode == "organised_arrangement"


def test_a_line_for_other_provision_cannot_be_passed_as_this_provisions_line(pb, case, budget):
    _refused(lambda: _set(pb, budget, case.pa, line=pb.line(budget, "TA"), management_mode="direct_payment"))
    assert pb.line(budget, "TA").management_mode == "organised_arrangement"


@pytest.mark.parametrize(
    ("dates", "field_ok"),
    [
        ({"start_date": PERIOD_START - DAY}, False),
        ({"start_date": PERIOD_START}, True),
        ({"end_date": PERIOD_END}, True),
        ({"end_date": PERIOD_END + DAY}, False),
        ({"start_date": date(2026, 9, 1), "end_date": date(2026, 8, 31)}, False),
        ({"start_date": date(2026, 9, 1), "end_date": date(2026, 9, 1)}, True),
    ],
)
def test_r6_a_lines_dates_must_lie_within_the_period_start_before_end(pb, case, budget, dates, field_ok):
    if field_ok:
        line = _set(pb, budget, case.pa, **dates)
        assert all(getattr(line, name) == value for name, value in dates.items())
    else:
        _refused(lambda: _set(pb, budget, case.pa, **dates), "start_date")
        assert (pb.line(budget, "PA").start_date, pb.line(budget, "PA").end_date) == (PERIOD_START, PERIOD_END)


@pytest.mark.parametrize(("days", "allowed"), [(0, True), (1, False)])
def test_r13_the_settings_agreement_must_be_dated_today_or_before(pb, case, budget, days, allowed):
    agreement = {
        "setting_agreement_name": "Ms Head",
        "setting_agreement_role": "Headteacher",
        "setting_agreement_on": today() + timedelta(days=days),
    }
    if allowed:
        assert _set(pb, budget, case.ta, **agreement).setting_agreement_on == today()
    else:
        _refused(lambda: _set(pb, budget, case.ta, **agreement), "setting_agreement_on")


# The SEN panel (outside the local offer) -------------------------------------------------------------------------


@pytest.fixture
def riding(case):
    """H2: a weekly equine-assisted therapy session, which only an item outside the local offer prices."""
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


def test_an_item_outside_the_local_offer_makes_its_line_need_the_panel(pb, case, riding):
    line = _lines(pb.start(case))["EQUINE"]
    assert (line.needs_panel, line.amount) == (True, Decimal("2860.00"))


def test_items_inside_the_local_offer_do_not_need_the_panel(budget):
    assert not any(line.needs_panel for line in _lines(budget).values())


# Changes after submission -----------------------------------------------------------------------------------------


def test_r5_lines_cannot_change_once_the_budget_is_submitted(pb, case, budget):
    pb.submit(budget)
    error = _refused(lambda: pb.set_mode(budget, "PA", "direct_payment"))
    assert "waiting for approval" in error.messages[0]
    assert pb.line(budget, "PA").management_mode == "organised_arrangement"


def test_r5_lines_cannot_be_removed_once_the_budget_is_submitted(pb, budget):
    pb.submit(budget)
    _refused(lambda: services.budget_line_remove(actor=pb.officer, line=pb.line(budget, "PA")))
    assert BudgetLine.objects.filter(budget=budget).count() == 3


def test_removing_a_line_retotals_the_budget(pb, budget):
    services.budget_line_remove(actor=pb.officer, line=pb.line(budget, "PA"))
    assert pb.fresh(budget).costed_total == TA_AMOUNT + SLT_AMOUNT


# budget_start refusals --------------------------------------------------------------------------------------------


def test_budget_start_needs_an_open_request(pb, case, budget):
    pb.agree(budget)
    _refused(lambda: services.budget_start(actor=pb.officer, request=budget.request, period_start=PERIOD_START))


def test_budget_start_refuses_a_second_budget_being_prepared_for_the_request(pb, budget):
    _refused(lambda: services.budget_start(actor=pb.officer, request=budget.request, period_start=PERIOD_START))
    assert Budget.objects.count() == 1


@pytest.mark.parametrize(("end", "allowed"), [(PERIOD_START, False), (PERIOD_START + DAY, True)])
def test_budget_start_needs_the_period_to_end_after_it_starts(pb, case, end, allowed):
    request = pb.request(case)
    start = lambda: services.budget_start(  # noqa: E731
        actor=pb.officer, request=request, period_start=PERIOD_START, period_end=end
    )
    if allowed:
        assert start().period_end == end
    else:
        _refused(start, "period_end")


@pytest.mark.parametrize(("amount", "allowed"), [("-0.01", False), ("0.00", True)])
def test_budget_start_refuses_a_negative_indicative_amount(pb, case, amount, allowed):
    if allowed:
        assert pb.start(case, indicative_amount=Decimal(amount)).indicative_amount == Decimal(amount)
    else:
        _refused(lambda: pb.start(case, indicative_amount=Decimal(amount)), "indicative_amount")


def test_a_case_officer_of_another_council_cannot_start_a_budget(pb, case, make_user, other_council):
    request = pb.request(case)
    with pytest.raises(PermissionDenied):
        services.budget_start(
            actor=make_user(Role.CASE_OFFICER, council=other_council), request=request, period_start=PERIOD_START
        )


def test_a_panel_member_cannot_change_a_line(pb, budget, panel_member):
    line = pb.line(budget, "PA")
    with pytest.raises(PermissionDenied):
        services.budget_line_set(
            actor=panel_member, budget=budget, provision_item=line.provision_item, management_mode="direct_payment"
        )


# Audit ------------------------------------------------------------------------------------------------------------


def test_budget_start_writes_one_audit_event(pb, case, officer, audit):
    request = pb.request(case)
    audit.mark()
    budget = services.budget_start(actor=officer, request=request, period_start=PERIOD_START)
    event = audit.one()
    assert (event.action, event.actor, event.child, event.object_id) == (
        "budget.started",
        officer,
        case.child,
        str(budget.pk),
    )
    assert event.after == {"lines": 3, "costed_total": "19611.20"}


def test_budget_line_set_writes_one_audit_event_with_before_and_after(pb, budget, audit):
    audit.mark()
    line = pb.set_mode(budget, "PA", "direct_payment")
    event = audit.one()
    assert (event.action, event.object_id) == ("budget_line.set", str(line.pk))
    assert event.before == {
        "offer_item": line.offer_item_id,
        "management_mode": "organised_arrangement",
        "amount": "3411.20",
    }
    assert event.after == {"offer_item": line.offer_item_id, "management_mode": "direct_payment", "amount": "3411.20"}


def test_budget_line_remove_writes_one_audit_event(pb, budget, audit):
    audit.mark()
    services.budget_line_remove(actor=pb.officer, line=pb.line(budget, "PA"))
    assert (audit.one().action, audit.one().before) == ("budget_line.removed", {"amount": "3411.20"})


def test_a_refused_line_change_writes_no_audit_event_and_changes_nothing(pb, case, budget, audit):
    audit.mark()
    with pytest.raises(ValidationError):
        _set(pb, budget, case.slt, management_mode="direct_payment")
    assert audit.new == []
    assert pb.fresh(budget).costed_total == FULL_TOTAL


def test_budget_start_saves_nothing_when_its_audit_event_cannot_be_written(pb, case, monkeypatch):
    request = pb.request(case)

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.budget_start(actor=pb.officer, request=request, period_start=PERIOD_START)
    assert not Budget.objects.exists()
    assert not BudgetLine.objects.exists()
