"""Budgets follow the plan and the rate card: a change there re-prices the budgets it touches, and an agreed budget
that no longer covers its lines is flagged to the case officer (DOMAIN R6, R17)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ehcbudgets.budgets import services
from ehcbudgets.budgets.models import BudgetAlert, BudgetLine, BudgetStatus
from ehcbudgets.core.dates import today
from ehcbudgets.offer import services as offer
from ehcbudgets.plans import services as plans
from ehcbudgets.plans.models import PlanStatus, ProvisionItem

from .conftest import FULL_TOTAL, PA_AMOUNT, SLT_AMOUNT, TA_AMOUNT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdf")]


def _change(pb, item, **fields):
    return plans.provision_update(actor=pb.officer, item=item, **fields)


@pytest.fixture
def agreed(pb):
    """A plan under review whose budget was agreed at the costed total, 19,611.20."""
    case = pb.case(status=PlanStatus.UNDER_REVIEW)
    return case, pb.agree(pb.start(case))


# Changes to the plan's provision (DOMAIN R17) ---------------------------------------------------------------------


def test_r17_changing_a_quantity_re_prices_the_draft_budgets_line(pb, case, budget):
    _change(pb, case.pa, quantity=Decimal("5"))
    line = pb.line(budget, "PA")
    assert (line.quantity, line.amount) == (Decimal("5"), Decimal("4264.00"))
    assert pb.fresh(budget).costed_total == TA_AMOUNT + SLT_AMOUNT + Decimal("4264.00")


def test_r6_r17_moving_weekly_support_from_home_to_the_setting_costs_it_for_term_time_only(pb, case, budget):
    _change(pb, case.pa, delivered_at="setting")
    line = pb.line(budget, "PA")
    assert (line.occurrences, line.amount) == (Decimal("39"), Decimal("2558.40"))


def test_r17_a_change_that_costs_the_same_writes_no_recalculation_event(pb, case, budget, audit):
    audit.mark()
    _change(pb, case.pa, description="Personal assistant support at home and in the community")
    assert [e.action for e in audit.new] == ["provision.updated"]


def test_r17_a_recalculation_is_audited_in_the_same_change_as_the_provision(pb, case, budget, audit):
    audit.mark()
    _change(pb, case.pa, quantity=Decimal("5"))
    events = audit.new
    assert [e.action for e in events] == ["budget.recalculated", "provision.updated"]
    assert (events[0].before, events[0].after) == (
        {"costed_total": str(FULL_TOTAL)},
        {"costed_total": str(FULL_TOTAL - PA_AMOUNT + Decimal("4264.00"))},
    )


def test_r17_a_change_to_another_plans_provision_leaves_the_budget_alone(pb, budget):
    _change(pb, pb.case().pa, quantity=Decimal("5"))
    assert pb.fresh(budget).costed_total == FULL_TOTAL


def test_r17_an_agreed_budget_whose_lines_now_cost_more_is_insufficient(pb, agreed):
    case, budget = agreed
    _change(pb, case.pa, quantity=Decimal("5"))
    budget = pb.fresh(budget)
    assert (budget.status, budget.final_amount, budget.costed_total, budget.insufficient) == (
        BudgetStatus.APPROVED,
        FULL_TOTAL,
        FULL_TOTAL - PA_AMOUNT + Decimal("4264.00"),
        True,
    )


def test_r17_an_insufficient_agreed_budget_raises_one_alert_to_the_case_officer(pb, agreed):
    case, budget = agreed
    _change(pb, case.pa, quantity=Decimal("5"))
    alert = BudgetAlert.objects.get(budget=budget)
    assert (alert.kind, alert.raised_on, alert.resolved_on) == ("insufficient", today(), None)
    assert "£19,611.20 no longer covers its lines, which now cost £20,464.00" in alert.message


def test_r17_a_further_change_does_not_raise_a_second_alert(pb, agreed):
    case, budget = agreed
    _change(pb, case.pa, quantity=Decimal("5"))
    _change(pb, case.pa, quantity=Decimal("6"))
    assert BudgetAlert.objects.filter(budget=budget).count() == 1
    assert pb.fresh(budget).costed_total == FULL_TOTAL - PA_AMOUNT + Decimal("5116.80")


def test_r17_an_agreed_budget_whose_lines_now_cost_less_stays_sufficient(pb, agreed):
    case, budget = agreed
    _change(pb, case.pa, quantity=Decimal("3"))
    assert pb.fresh(budget).insufficient is False
    assert not BudgetAlert.objects.exists()


@pytest.mark.parametrize(("headroom", "insufficient"), [("8.53", False), ("8.52", True)])
def test_r5_r17_an_agreed_amount_a_penny_short_of_the_new_cost_is_insufficient(pb, headroom, insufficient):
    """4 hours to 4.01 hours a week of PA support adds 0.01 x 16.40 x 52 = 8.528, so 8.53 to the line."""
    case = pb.case(status=PlanStatus.UNDER_REVIEW)
    budget = pb.start(case)
    pb.submit(budget, FULL_TOTAL + Decimal(headroom))
    services.budget_approve(actor=pb.manager, budget=budget)
    _change(pb, case.pa, quantity=Decimal("4.01"))
    assert pb.fresh(budget).insufficient is insufficient
    assert BudgetAlert.objects.filter(budget=budget).exists() is insufficient


# A new rate on the rate card (DOMAIN R6, R17) ---------------------------------------------------------------------

NEW_RATE_FROM = date(2026, 9, 1)


def _new_ta_rate(pb, amount="30.00"):
    return offer.rate_add(actor=pb.admin, item=pb.catalogue.TA, amount=Decimal(amount), effective_from=NEW_RATE_FROM)


def test_r17_a_new_rate_re_prices_a_budget_whose_lines_start_on_the_day_it_takes_effect(pb, case):
    budget = pb.start(case, period_start=NEW_RATE_FROM)
    _new_ta_rate(pb)
    line = pb.line(budget, "TA")
    assert (line.rate.amount, line.amount) == (Decimal("30.00"), Decimal("17550.00"))
    assert pb.fresh(budget).costed_total == Decimal("17550.00") + SLT_AMOUNT + PA_AMOUNT


def test_r17_a_new_rate_leaves_a_budget_whose_lines_start_the_day_before(pb, case):
    budget = pb.start(case, period_start=date(2026, 8, 31))
    _new_ta_rate(pb)
    line = pb.line(budget, "TA")
    assert (line.rate.amount, line.amount) == (Decimal("25.60"), TA_AMOUNT)


def test_r17_a_new_rate_that_makes_an_agreed_budget_insufficient_raises_an_alert(pb):
    case = pb.case(status=PlanStatus.UNDER_REVIEW)
    budget = pb.agree(pb.start(case, period_start=NEW_RATE_FROM))
    _new_ta_rate(pb)
    assert pb.fresh(budget).insufficient is True
    assert BudgetAlert.objects.filter(budget=budget, kind="insufficient").count() == 1


def test_r17_a_new_rate_leaves_a_refused_budget_as_it_was_decided(pb, case):
    budget = pb.start(case, period_start=NEW_RATE_FROM)
    pb.submit(budget)
    services.budget_refuse(actor=pb.manager, budget=budget, reason_code="other", reasons="Not needed.")
    _new_ta_rate(pb)
    assert pb.line(budget, "TA").rate.amount == Decimal("25.60")


def test_r17_a_new_rate_for_another_item_leaves_the_budget_alone(pb, case):
    budget = pb.start(case, period_start=NEW_RATE_FROM)
    offer.rate_add(actor=pb.admin, item=pb.catalogue.OT, amount=Decimal("80.00"), effective_from=NEW_RATE_FROM)
    assert pb.fresh(budget).costed_total == TA_AMOUNT + SLT_AMOUNT + PA_AMOUNT


# Removing provision (DOMAIN R17) ----------------------------------------------------------------------------------


def test_r17_provision_costed_in_an_agreed_budget_cannot_be_removed(pb, agreed):
    case, budget = agreed
    with pytest.raises(ValidationError) as caught:
        plans.provision_delete(actor=pb.officer, item=case.pa)
    assert "cannot be removed" in caught.value.messages[0]
    assert ProvisionItem.objects.filter(pk=case.pa.pk).exists()
    assert pb.line(budget, "PA").amount == PA_AMOUNT


def test_r17_provision_costed_in_a_budget_waiting_for_approval_cannot_be_removed(pb, case, budget):
    pb.submit(budget)
    with pytest.raises(ValidationError):
        plans.provision_delete(actor=pb.officer, item=case.pa)
    assert BudgetLine.objects.filter(budget=budget).count() == 3


def test_r17_removing_provision_costed_in_a_draft_budget_drops_the_line(pb, case, budget):
    plans.provision_delete(actor=pb.officer, item=case.pa)
    assert set(BudgetLine.objects.filter(budget=budget).values_list("offer_item__code", flat=True)) == {"TA", "SLT"}
    assert pb.fresh(budget).costed_total == TA_AMOUNT + SLT_AMOUNT


def test_r17_a_refused_removal_writes_no_audit_event(pb, agreed, audit):
    case, _ = agreed
    audit.mark()
    with pytest.raises(ValidationError):
        plans.provision_delete(actor=pb.officer, item=case.pa)
    assert audit.new == []
