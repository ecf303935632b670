"""Changing running direct payments with notice: reductions, stops, the recipient's withdrawal of consent,
suspension and resumption, a new recipient, recovery of money, and the one reconsideration the family may ask for
(DOMAIN R10, R21 to R23, R35; ADR 9)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets.tests.conftest import ASSESSED_ON, nominee_of
from ehcbudgets.ledger import selectors as ledger_selectors
from ehcbudgets.ledger import services as ledger_services
from ehcbudgets.ledger.models import Transaction
from ehcbudgets.letters.models import LetterKind
from ehcbudgets.payments import services
from ehcbudgets.payments.models import (
    AgreementChange,
    AgreementStatus,
    Reconsideration,
    Recovery,
    RecoveryReceipt,
    RecoveryStatus,
    ScheduledPayment,
)
from ehcbudgets.people.tests.factories import ChildFactory

from .conftest import PA_AMOUNT
from .test_agreements import CARD, create, two_stream_budget

#: Notices in these tests are sent on Friday 1 May 2026. Monday 4 May is a bank holiday, so a notice is deemed
#: received on Wednesday 6 May; 28 days on, a reduction or stop can take effect from Wednesday 3 June 2026.
NOTICE_DAY = date(2026, 5, 1)
EARLIEST = date(2026, 6, 3)
#: A recovery sent the same day is due 14 days after it is received: Wednesday 20 May 2026.
RECOVERY_DUE = date(2026, 5, 20)


def release(finance, finance2, council, pay_up_to):
    run = services.payment_run_prepare(actor=finance, council=council, pay_up_to=pay_up_to)
    return services.payment_run_approve(actor=finance2, run=run)


def live(agreement):
    """The payments that stand: paid or still to pay."""
    return list(agreement.payments.exclude(status="cancelled").order_by("due_on"))


def live_total(agreement) -> Decimal:
    return sum((p.amount for p in live(agreement)), Decimal("0.00"))


def snapshot(agreement):
    return [(p.pk, p.due_on, p.amount, p.status) for p in agreement.payments.order_by("due_on", "pk")]


def recipient_balance(agreement) -> Decimal:
    return ledger_selectors.balance(account=services.recipient_account(agreement))


def reduce(actor, agreement, new_amount="3000.00", reasons="Fewer hours are needed", **kwargs):
    return services.agreement_reduce(
        actor=actor, agreement=agreement, new_amount=Decimal(new_amount), reasons=reasons, **kwargs
    )


def stop(actor, agreement, ground="cannot_secure", reasons="No personal assistant can be found", **kwargs):
    return services.agreement_stop(actor=actor, agreement=agreement, ground=ground, reasons=reasons, **kwargs)


def reconsider(parent_user, other_manager, outcome, *, change=None, recovery=None):
    item = services.reconsideration_request(actor=parent_user, change=change, recovery=recovery, grounds="I disagree")
    return services.reconsideration_decide(
        actor=other_manager, reconsideration=item, outcome=outcome, reasons="Looked at it again"
    )


@pytest.fixture
def on_notice_day(agreement, on_day):
    """The standard agreement, nothing paid yet, on Friday 1 May 2026."""
    on_day(NOTICE_DAY)
    return agreement


# Reduce (DOMAIN R21) -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective_on", "accepted"),
    [(EARLIEST - timedelta(days=1), False), (EARLIEST, True), (EARLIEST + timedelta(days=1), True)],
)
def test_a_reduction_takes_effect_no_sooner_than_28_days_after_the_notice_arrives(
    on_notice_day, manager, effective_on, accepted
):
    """The day before deemed receipt + 28 days is refused naming the date; that day and later are accepted (R21)."""
    agreement = on_notice_day
    if accepted:
        change = reduce(manager, agreement, effective_on=effective_on)
        assert (change.notice_on, change.effective_on) == (NOTICE_DAY, effective_on)
        assert live_total(agreement) == Decimal("3000.00")
    else:
        before = snapshot(agreement)
        with pytest.raises(ValidationError) as exc:
            reduce(manager, agreement, effective_on=effective_on)
        assert "effective_on" in exc.value.message_dict
        agreement.refresh_from_db()
        assert agreement.amount == PA_AMOUNT
        assert snapshot(agreement) == before
        assert not AgreementChange.objects.exists()


def test_a_reduction_takes_effect_at_the_earliest_date_unless_told_otherwise(on_notice_day, manager):
    """Without a date, the reduction takes effect on the first day the notice allows (DOMAIN R21; ADR 9)."""
    assert reduce(manager, on_notice_day).effective_on == EARLIEST


def test_payments_due_before_the_reduction_stand(on_notice_day, manager):
    """Payments due before the effective date are untouched: same rows, amounts and status (DOMAIN R21)."""
    agreement = on_notice_day
    before = [row for row in snapshot(agreement) if row[1] < EARLIEST]
    reduce(manager, agreement)
    assert [row for row in snapshot(agreement) if row[1] < EARLIEST] == before


def test_later_payments_are_replaced_and_add_up_exactly_to_the_new_amount(on_notice_day, manager):
    """From the effective date, the old payments are kept as cancelled and new ones share what is left (ADR 9)."""
    agreement = on_notice_day
    later_before = {p.pk: p.due_on for p in agreement.payments.filter(due_on__gte=EARLIEST)}
    reduce(manager, agreement)
    replaced = agreement.payments.filter(pk__in=later_before)
    assert {p.cancelled_reason for p in replaced} == {"Replaced by a reduction"}
    assert all(p.status == "cancelled" for p in replaced)
    new = [p for p in live(agreement) if p.due_on >= EARLIEST]
    assert sorted(p.due_on for p in new) == sorted(later_before.values())
    assert live_total(agreement) == Decimal("3000.00")
    assert max(p.amount for p in new) - min(p.amount for p in new) <= Decimal("0.01")
    agreement.refresh_from_db()
    assert agreement.amount == Decimal("3000.00")


def test_a_reduction_re_splits_each_funding_stream_exactly(pb, case, on_day, officer, manager, parent_user):
    """Education and social care each keep their share of what is left, to the penny, and add up exactly (ADR 9)."""
    on_day(date(2026, 3, 20))
    agreement = services.agreement_send(actor=officer, agreement=create(officer, two_stream_budget(pb, case)))
    agreement = services.agreement_consent(actor=parent_user, agreement=agreement)
    on_day(NOTICE_DAY)
    reduce(manager, agreement, new_amount="15000.00")
    old = list(agreement.payments.filter(status="cancelled"))
    fixed = [p for p in live(agreement) if p.due_on < EARLIEST]
    new = [p for p in live(agreement) if p.due_on >= EARLIEST]
    remaining = Decimal("15000.00") - sum(p.amount for p in fixed)
    assert sum(p.amount for p in new) == remaining
    assert live_total(agreement) == Decimal("15000.00")
    old_total = sum(p.amount for p in old)
    for stream in ("education", "social_care"):
        share = remaining * sum(getattr(p, stream) for p in old) / old_total
        assert abs(sum(getattr(p, stream) for p in new) - share) < Decimal("0.01")
        assert max(getattr(p, stream) for p in new) - min(getattr(p, stream) for p in new) <= Decimal("0.01")
    assert all(p.amount == p.education + p.health + p.social_care for p in new)


@pytest.mark.parametrize(("new_amount", "accepted"), [("3411.21", False), ("3411.20", False), ("3411.19", True)])
def test_a_reduction_must_be_less_than_the_current_amount(on_notice_day, manager, new_amount, accepted):
    """The same amount or more is not a reduction, naming the new amount; a penny less is one (DOMAIN R21)."""
    agreement = on_notice_day
    if accepted:
        reduce(manager, agreement, new_amount=new_amount)
        assert live_total(agreement) == Decimal(new_amount)
    else:
        with pytest.raises(ValidationError) as exc:
            reduce(manager, agreement, new_amount=new_amount)
        assert "new_amount" in exc.value.message_dict
        assert live_total(agreement) == PA_AMOUNT
        assert not AgreementChange.objects.exists()


def test_a_negative_amount_is_refused(on_notice_day, manager):
    """Below zero is not an amount."""
    with pytest.raises(ValidationError) as exc:
        reduce(manager, on_notice_day, new_amount="-0.01")
    assert "new_amount" in exc.value.message_dict
    assert live_total(on_notice_day) == PA_AMOUNT


@pytest.mark.parametrize("reasons", ["", "   "])
def test_a_reduction_needs_reasons(on_notice_day, manager, reasons):
    """A reduction without reasons in words is refused and nothing changes (DOMAIN R21)."""
    before = snapshot(on_notice_day)
    with pytest.raises(ValidationError) as exc:
        reduce(manager, on_notice_day, reasons=reasons)
    assert "reasons" in exc.value.message_dict
    assert snapshot(on_notice_day) == before


@pytest.mark.parametrize("who", ["officer", "finance", "parent_user"])
def test_only_a_team_manager_reduces_payments(on_notice_day, request, who):
    """Reducing is a manager's decision (DP_DECIDE): a case officer, finance officer or parent is refused."""
    before = snapshot(on_notice_day)
    with pytest.raises(PermissionDenied):
        reduce(request.getfixturevalue(who), on_notice_day)
    assert snapshot(on_notice_day) == before


def test_the_reduction_notice_gives_the_amounts_date_reasons_and_the_right_to_reconsideration(on_notice_day, manager):
    """The DP_REDUCTION letter has the old and new totals, the date, the reasons and the reconsideration (R21)."""
    change = reduce(manager, on_notice_day, reasons="Fewer hours are needed now Jo is at college")
    letter = change.letter
    assert letter.kind == LetterKind.DP_REDUCTION
    body = letter.body_html
    for text in (
        "£3,411.20",
        "£3,000.00",
        "3 June 2026",
        "Fewer hours are needed now Jo is at college",
        "You can ask us to reconsider this decision, once.",
        "still takes effect on the date above while we reconsider it",
    ):
        assert text in body


def test_a_reduction_is_refused_while_a_run_holds_a_payment_it_changes(dp, case, parent_user, manager, finance, on_day):
    """A prepared run with a payment from the effective date must be approved or cancelled first (ADR 9)."""
    agreement = dp.active(case, parent_user=parent_user, frequency="monthly")  # paid on the 1st of each month
    on_day(date(2026, 5, 31))  # a notice sent on Sunday 31 May can take effect from Tuesday 30 June
    services.payment_run_prepare(actor=finance, council=agreement.council, pay_up_to=date(2026, 7, 1))
    before = snapshot(agreement)
    with pytest.raises(ValidationError, match="waiting for approval"):
        reduce(manager, agreement)
    assert snapshot(agreement) == before
    assert not AgreementChange.objects.exists()


# Reconsideration of a reduction (DOMAIN R21) ---------------------------------------------------------------------


@pytest.fixture
def reduced(on_notice_day, manager):
    """The standard agreement reduced to £3,000.00 from 3 June 2026 by `manager`."""
    return reduce(manager, on_notice_day)


def test_only_one_reconsideration_may_be_asked_for(reduced, parent_user):
    """The law allows one reconsideration: a second request is refused (DOMAIN R21)."""
    services.reconsideration_request(actor=parent_user, change=reduced, grounds="We need the hours")
    with pytest.raises(ValidationError, match="already been asked for"):
        services.reconsideration_request(actor=parent_user, change=reduced, grounds="Again")
    assert Reconsideration.objects.count() == 1


def test_only_the_recipient_asks_for_a_reconsideration_online(reduced, make_user):
    """Another parent's sign-in cannot ask."""
    with pytest.raises(PermissionDenied):
        services.reconsideration_request(
            actor=make_user(Role.PARENT_CARER, full_name="Someone Else"), change=reduced, grounds="No"
        )
    assert not Reconsideration.objects.exists()


@pytest.mark.parametrize("grounds", ["", "  "])
def test_a_reconsideration_request_needs_grounds(reduced, parent_user, grounds):
    """The family says why, in their words."""
    with pytest.raises(ValidationError) as exc:
        services.reconsideration_request(actor=parent_user, change=reduced, grounds=grounds)
    assert "grounds" in exc.value.message_dict
    assert not Reconsideration.objects.exists()


def test_the_reduction_applies_while_the_reconsideration_is_open(reduced, parent_user, finance, finance2, on_day):
    """Payments from the effective date are the reduced ones even while the request is open (DOMAIN R21)."""
    agreement = reduced.agreement
    services.reconsideration_request(actor=parent_user, change=reduced, grounds="We need the hours")
    reduced_june = agreement.payments.get(due_on=date(2026, 6, 29), status="scheduled")
    on_day(date(2026, 6, 29))
    release(finance, finance2, agreement.council, date(2026, 6, 29))
    reduced_june.refresh_from_db()
    assert reduced_june.status == "paid"
    original = agreement.payments.get(due_on=date(2026, 6, 29), status="cancelled")
    assert reduced_june.amount < original.amount


def test_the_manager_who_made_the_decision_cannot_reconsider_it(reduced, parent_user, manager):
    """Another manager reconsiders: the decision maker is refused and the request stays open (DOMAIN R21)."""
    item = services.reconsideration_request(actor=parent_user, change=reduced, grounds="We need the hours")
    with pytest.raises(PermissionDenied):
        services.reconsideration_decide(actor=manager, reconsideration=item, outcome="changed", reasons="x")
    item.refresh_from_db()
    assert item.status == "open"
    assert live_total(reduced.agreement) == Decimal("3000.00")


def test_a_changed_decision_restores_the_old_total_exactly(reduced, parent_user, other_manager):
    """Changed: the payments add up to £3,411.20 again and the reduction is withdrawn (DOMAIN R21; ADR 9)."""
    agreement = reduced.agreement
    item = reconsider(parent_user, other_manager, "changed", change=reduced)
    assert live_total(agreement) == PA_AMOUNT
    agreement.refresh_from_db()
    assert agreement.amount == PA_AMOUNT
    reduced.refresh_from_db()
    assert reduced.withdrawn
    assert (item.status, item.decided_by, item.decided_on) == ("changed", other_manager, NOTICE_DAY)
    assert item.letter.kind == LetterKind.DP_RECONSIDERATION
    assert "We have changed the decision." in item.letter.body_html
    assert "£3,411.20" in item.letter.body_html


def test_an_upheld_decision_keeps_the_reduction(reduced, parent_user, other_manager):
    """Upheld: the payments stay at £3,000.00 and the letter says so, with the complaint route (DOMAIN R21)."""
    item = reconsider(parent_user, other_manager, "upheld", change=reduced)
    assert live_total(reduced.agreement) == Decimal("3000.00")
    reduced.refresh_from_db()
    assert not reduced.withdrawn
    assert "We have kept the original decision." in item.letter.body_html
    assert "Ombudsman" in item.letter.body_html


def test_a_decision_changed_after_reduced_payments_were_paid_makes_up_the_difference(
    reduced, parent_user, other_manager, finance, finance2, on_day
):
    """The reduced 29 June payment was paid; the later payments make up the shortfall to £3,411.20 (ADR 9)."""
    agreement = reduced.agreement
    on_day(date(2026, 6, 29))
    release(finance, finance2, agreement.council, date(2026, 6, 29))
    short = agreement.payments.get(due_on=date(2026, 6, 29), status="paid")
    on_day(date(2026, 7, 1))
    reconsider(parent_user, other_manager, "changed", change=reduced)
    assert live_total(agreement) == PA_AMOUNT
    short.refresh_from_db()
    assert short.status == "paid"
    original_july = agreement.payments.filter(due_on=date(2026, 7, 27)).order_by("pk").first()
    restored_july = agreement.payments.get(due_on=date(2026, 7, 27), status="scheduled")
    assert restored_july.amount > original_july.amount


@pytest.mark.parametrize("outcome", ["", "maybe"])
def test_a_reconsideration_outcome_must_be_upheld_or_changed(reduced, parent_user, other_manager, outcome):
    """Only the two outcomes exist, naming the field."""
    item = services.reconsideration_request(actor=parent_user, change=reduced, grounds="No")
    with pytest.raises(ValidationError) as exc:
        services.reconsideration_decide(actor=other_manager, reconsideration=item, outcome=outcome, reasons="x")
    assert "outcome" in exc.value.message_dict


def test_a_reconsideration_is_decided_once(reduced, parent_user, other_manager, make_user, council):
    """A decided reconsideration cannot be decided again."""
    item = reconsider(parent_user, other_manager, "upheld", change=reduced)
    third = make_user(Role.TEAM_MANAGER, council=council)
    with pytest.raises(ValidationError, match="has been decided"):
        services.reconsideration_decide(actor=third, reconsideration=item, outcome="changed", reasons="x")
    assert live_total(reduced.agreement) == Decimal("3000.00")


# Stop (DOMAIN R22) -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ground", ["not_eligible", "nominee_conditions", "not_used_for_provision", "cannot_secure", "harm_or_inefficient"]
)
def test_the_council_stops_payments_on_each_ground_the_law_gives(on_notice_day, manager, ground):
    """Each council ground is accepted with notice: effective no sooner than the notice allows (DOMAIN R22)."""
    change = stop(manager, on_notice_day, ground=ground)
    assert (change.kind, change.ground, change.effective_on) == ("stop", ground, EARLIEST)
    on_notice_day.refresh_from_db()
    assert (on_notice_day.status, on_notice_day.stop_effective_on) == (AgreementStatus.ACTIVE, EARLIEST)
    assert change.letter.kind == LetterKind.DP_STOP
    assert change.get_ground_display() in change.letter.body_html


@pytest.mark.parametrize("ground", ["consent_withdrawn", "", "bored"])
def test_a_council_cannot_stop_payments_as_a_withdrawal_of_consent_or_without_a_ground(on_notice_day, manager, ground):
    """Withdrawal of consent is the recipient's alone; an unknown ground is refused naming the field (R22)."""
    before = snapshot(on_notice_day)
    with pytest.raises(ValidationError) as exc:
        stop(manager, on_notice_day, ground=ground)
    assert "ground" in exc.value.message_dict
    assert snapshot(on_notice_day) == before
    on_notice_day.refresh_from_db()
    assert on_notice_day.stop_effective_on is None


@pytest.mark.parametrize(
    ("effective_on", "accepted"),
    [(EARLIEST - timedelta(days=1), False), (EARLIEST, True), (EARLIEST + timedelta(days=1), True)],
)
def test_a_stop_takes_effect_no_sooner_than_the_notice_allows(on_notice_day, manager, effective_on, accepted):
    """Never at once: the day before the notice runs out is refused; that day and later are accepted (R22)."""
    if accepted:
        assert stop(manager, on_notice_day, effective_on=effective_on).effective_on == effective_on
    else:
        before = snapshot(on_notice_day)
        with pytest.raises(ValidationError) as exc:
            stop(manager, on_notice_day, effective_on=effective_on)
        assert "effective_on" in exc.value.message_dict
        assert snapshot(on_notice_day) == before


def test_a_stop_cancels_payments_from_its_date_and_keeps_earlier_ones(on_notice_day, manager):
    """The 1 June payment stays scheduled; 29 June onwards is cancelled (DOMAIN R22)."""
    stop(manager, on_notice_day)
    payments = list(on_notice_day.payments.order_by("due_on"))
    assert all(p.status == "scheduled" for p in payments if p.due_on < EARLIEST)
    assert date(2026, 6, 1) in [p.due_on for p in payments if p.status == "scheduled"]
    later = [p for p in payments if p.due_on >= EARLIEST]
    assert later and all((p.status, p.cancelled_reason) == ("cancelled", "Direct payments stopped") for p in later)


@pytest.mark.parametrize("reasons", ["", "  "])
def test_a_stop_needs_reasons(on_notice_day, manager, reasons):
    """Ending payments without reasons was fault (LGSCO Surrey 21 005 214): refused (DOMAIN R22)."""
    with pytest.raises(ValidationError) as exc:
        stop(manager, on_notice_day, reasons=reasons)
    assert "reasons" in exc.value.message_dict
    assert live_total(on_notice_day) == PA_AMOUNT


def test_a_case_officer_cannot_stop_payments(on_notice_day, officer):
    """Stopping is a manager's decision (DP_DECIDE)."""
    with pytest.raises(PermissionDenied):
        stop(officer, on_notice_day)
    assert live_total(on_notice_day) == PA_AMOUNT


def test_a_stopping_agreement_cannot_be_stopped_again(on_notice_day, manager):
    """Once a stop is on notice, the payments are not running for another change."""
    stop(manager, on_notice_day)
    with pytest.raises(ValidationError, match="stopping"):
        stop(manager, on_notice_day, ground="not_eligible")
    assert AgreementChange.objects.count() == 1


def test_a_stop_may_be_reconsidered_once(on_notice_day, manager, parent_user):
    """One reconsideration of a stop (DOMAIN R22)."""
    change = stop(manager, on_notice_day)
    services.reconsideration_request(actor=parent_user, change=change, grounds="We have found a PA")
    with pytest.raises(ValidationError, match="already been asked for"):
        services.reconsideration_request(actor=parent_user, change=change, grounds="Again")
    assert Reconsideration.objects.count() == 1


def test_a_changed_stop_restores_the_cancelled_payments(on_notice_day, manager, parent_user, other_manager):
    """Changed: the stop is lifted and the cancelled payments are scheduled again, adding up as before (R22)."""
    change = stop(manager, on_notice_day)
    cancelled_dates = sorted(p.due_on for p in on_notice_day.payments.filter(status="cancelled"))
    reconsider(parent_user, other_manager, "changed", change=change)
    on_notice_day.refresh_from_db()
    assert (on_notice_day.status, on_notice_day.stop_effective_on) == (AgreementStatus.ACTIVE, None)
    assert live_total(on_notice_day) == PA_AMOUNT
    assert sorted(p.due_on for p in live(on_notice_day) if p.due_on >= EARLIEST) == cancelled_dates
    change.refresh_from_db()
    assert change.withdrawn


def test_a_stop_changed_after_it_took_effect_starts_the_payments_again(
    on_notice_day, manager, parent_user, other_manager, finance, finance2, on_day
):
    """Changed after the agreement closed: it is active again and the next run pays the restored payments (R22)."""
    agreement = on_notice_day
    change = stop(manager, agreement)
    on_day(date(2026, 6, 1))
    release(finance, finance2, agreement.council, date(2026, 6, 1))
    on_day(date(2026, 6, 5))
    services.agreements_close_stopped(council=agreement.council, on=date(2026, 6, 5))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.STOPPED
    reconsider(parent_user, other_manager, "changed", change=change)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    on_day(date(2026, 6, 29))
    run = release(finance, finance2, agreement.council, date(2026, 6, 29))
    assert [p.due_on for p in run.payments.all()] == [date(2026, 6, 29)]


# Withdrawal of consent (DOMAIN R22) ------------------------------------------------------------------------------


def test_the_recipient_withdraws_consent_online_and_the_payments_stop_today(
    agreement, parent_user, finance, finance2, on_day
):
    """Stopped the day it is recorded: every unpaid payment is cancelled, paid ones stay paid (DOMAIN R22)."""
    on_day(date(2026, 4, 1))
    release(finance, finance2, agreement.council, date(2026, 4, 6))
    on_day(NOTICE_DAY)
    change = services.agreement_withdraw_consent(actor=parent_user, agreement=agreement)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.stop_effective_on) == (AgreementStatus.STOPPED, NOTICE_DAY)
    assert (change.kind, change.ground, change.effective_on, change.notice_on) == (
        "withdraw_consent",
        "consent_withdrawn",
        NOTICE_DAY,
        NOTICE_DAY,
    )
    assert [p.due_on for p in agreement.payments.filter(status="paid")] == [date(2026, 4, 1), date(2026, 4, 6)]
    assert not agreement.payments.filter(status="scheduled").exists()
    assert {p.cancelled_reason for p in agreement.payments.filter(status="cancelled")} == {"Consent withdrawn"}
    assert change.letter.kind == LetterKind.DP_CONSENT_WITHDRAWN
    assert "you no longer agree to receive direct payments" in change.letter.body_html


def test_withdrawing_consent_takes_payments_out_of_a_prepared_run(
    dp, pb, agreement, parent_user, council, finance, finance2, on_day
):
    """A run waiting for approval loses the agreement's payments and is retotalled; the rest are paid (R22)."""
    other = dp.active(pb.case(child=ChildFactory(council=council)))
    on_day(date(2026, 4, 1))
    run = services.payment_run_prepare(actor=finance, council=council, pay_up_to=date(2026, 4, 6))
    assert run.payment_count == 4
    services.agreement_withdraw_consent(actor=parent_user, agreement=agreement)
    run.refresh_from_db()
    other_total = sum(p.amount for p in other.payments.filter(due_on__lte=date(2026, 4, 6)))
    assert (run.payment_count, run.total) == (2, other_total)
    assert not agreement.payments.filter(run=run).exists()
    run = services.payment_run_approve(actor=finance2, run=run)
    assert {p.agreement_id for p in run.payments.all()} == {other.pk}
    assert not agreement.payments.filter(status="paid").exists()


def test_only_the_recipient_withdraws_consent_online(agreement, make_user):
    """Another parent's sign-in cannot withdraw the recipient's consent."""
    with pytest.raises(PermissionDenied):
        services.agreement_withdraw_consent(
            actor=make_user(Role.PARENT_CARER, full_name="Someone Else"), agreement=agreement
        )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE


def test_a_withdrawal_of_consent_is_not_reconsidered(agreement, parent_user):
    """The recipient's own decision has no reconsideration: only reductions and stops do (DOMAIN R22)."""
    change = services.agreement_withdraw_consent(actor=parent_user, agreement=agreement)
    with pytest.raises(ValidationError, match="Only a reduction or a stop"):
        services.reconsideration_request(actor=parent_user, change=change, grounds="Changed my mind")


# Suspend and resume (DOMAIN R35, policy 4 weeks) -----------------------------------------------------------------


def suspend(officer, agreement, reason="hospital", away_from=date(2026, 5, 5), days=None, **kwargs):
    expected = None if days is None else away_from + timedelta(days=days)
    return services.agreement_suspend(
        actor=officer,
        agreement=agreement,
        reason=reason,
        reasons="Jo is in hospital",
        away_from=away_from,
        expected_until=expected,
        **kwargs,
    )


@pytest.mark.parametrize(("days", "accepted"), [(28, False), (29, True)])
def test_a_hospital_stay_must_last_more_than_4_weeks_to_suspend(on_notice_day, officer, days, accepted):
    """Exactly 28 days is refused naming the expected end; 29 days suspends the payments (DOMAIN R35)."""
    agreement = on_notice_day
    if accepted:
        change = suspend(officer, agreement, days=days)
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.SUSPENDED
        assert (change.kind, change.suspension_reason, change.effective_on) == ("suspend", "hospital", date(2026, 5, 5))
        assert change.letter.kind == LetterKind.DP_SUSPENSION
    else:
        with pytest.raises(ValidationError) as exc:
            suspend(officer, agreement, days=days)
        assert "expected_until" in exc.value.message_dict
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.ACTIVE
        assert not AgreementChange.objects.exists()


def test_a_hospital_stay_with_no_expected_end_does_not_suspend(on_notice_day, officer):
    """Without an expected end the stay cannot be shown to pass 4 weeks (DOMAIN R35)."""
    with pytest.raises(ValidationError) as exc:
        suspend(officer, on_notice_day)
    assert "expected_until" in exc.value.message_dict


def test_a_suspended_agreement_is_skipped_by_runs(on_notice_day, officer, finance, on_day):
    """Nothing is paid while suspended (DOMAIN R35)."""
    suspend(officer, on_notice_day, reason="other")
    on_day(date(2026, 6, 1))
    with pytest.raises(ValidationError, match="Nothing is due"):
        services.payment_run_prepare(actor=finance, council=on_notice_day.council, pay_up_to=date(2026, 6, 1))


@pytest.fixture
def suspended(agreement, officer, finance, finance2, on_day):
    """Paid up to 4 May 2026, then suspended from 5 May (another reason, no expected end)."""
    on_day(NOTICE_DAY)
    release(finance, finance2, agreement.council, date(2026, 5, 4))
    on_day(date(2026, 5, 5))
    suspend(officer, agreement, reason="other")
    return agreement


@pytest.mark.parametrize(
    ("resume_on", "june_29"),
    [(date(2026, 6, 29), "scheduled"), (date(2026, 6, 30), "cancelled")],
)
def test_resuming_cancels_the_payments_due_while_suspended(suspended, officer, on_day, resume_on, june_29):
    """Resumed on a payment's due date, it is paid; resumed the day after, it is not (DOMAIN R35; ADR 9)."""
    on_day(resume_on)
    change = services.agreement_resume(actor=officer, agreement=suspended, reasons="Jo is home")
    suspended.refresh_from_db()
    assert suspended.status == AgreementStatus.ACTIVE
    june_1 = suspended.payments.get(due_on=date(2026, 6, 1))
    assert (june_1.status, june_1.cancelled_reason) == ("cancelled", "Not paid while suspended")
    assert suspended.payments.get(due_on=date(2026, 6, 29)).status == june_29
    assert suspended.payments.get(due_on=date(2026, 7, 27)).status == "scheduled"
    skipped = sum(p.amount for p in suspended.payments.filter(cancelled_reason="Not paid while suspended"))
    assert change.letter.kind == LetterKind.DP_RESUMPTION
    assert f"£{skipped:,.2f}" in change.letter.body_html


def test_payments_resume_in_the_next_run(suspended, officer, finance, finance2, on_day):
    """After resumption the next payment due is paid as usual."""
    on_day(date(2026, 7, 2))
    services.agreement_resume(actor=officer, agreement=suspended, reasons="Jo is home")
    on_day(date(2026, 7, 27))
    run = release(finance, finance2, suspended.council, date(2026, 7, 27))
    assert [p.due_on for p in run.payments.all()] == [date(2026, 7, 27)]


def test_a_payment_due_before_the_suspension_is_still_paid_after_resuming(
    agreement, officer, finance, finance2, on_day
):
    """Due 4 May, not yet run when suspended on 5 May: it was owed before the suspension (ADR 9)."""
    on_day(date(2026, 4, 1))
    release(finance, finance2, agreement.council, date(2026, 4, 6))
    on_day(date(2026, 5, 5))
    suspend(officer, agreement, reason="other")
    on_day(date(2026, 5, 11))
    services.agreement_resume(actor=officer, agreement=agreement, reasons="Back home")
    assert agreement.payments.get(due_on=date(2026, 5, 4)).status == "scheduled"


def test_payments_cannot_resume_in_the_past(suspended, officer, on_day):
    """A resume date before today is refused naming it."""
    on_day(date(2026, 7, 2))
    with pytest.raises(ValidationError) as exc:
        services.agreement_resume(actor=officer, agreement=suspended, reasons="Home", resume_on=date(2026, 7, 1))
    assert "resume_on" in exc.value.message_dict
    suspended.refresh_from_db()
    assert suspended.status == AgreementStatus.SUSPENDED


def test_only_suspended_payments_resume(on_notice_day, officer):
    """Running payments have nothing to resume."""
    with pytest.raises(ValidationError, match="not suspended"):
        services.agreement_resume(actor=officer, agreement=on_notice_day, reasons="x")


# Change of recipient (DOMAIN R10, R15) ---------------------------------------------------------------------------


def test_a_new_eligible_recipient_must_consent_before_anything_is_paid(
    on_notice_day, case, officer, finance, finance2, on_day
):
    """A nominee takes over (R20): the agreement waits for their consent and nothing is paid until then (R10, R15)."""
    agreement = on_notice_day
    nominee = nominee_of(case.child, nominated_in_writing_on=ASSESSED_ON, nominee_consent_on=ASSESSED_ON)
    change = services.agreement_change_recipient(
        actor=officer, agreement=agreement, new_recipient=nominee, reasons="Mum asked Nico to manage it", **CARD
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.recipient, agreement.terms_version) == (
        AgreementStatus.AWAITING_CONSENT,
        nominee,
        2,
    )
    assert (change.old_recipient, change.new_recipient) == (case.parent, nominee)
    assert change.letter.kind == LetterKind.DP_RECIPIENT_CHANGE
    assert change.letter.recipient_name == nominee.full_name
    with pytest.raises(ValidationError, match="Nothing is due"):
        services.payment_run_prepare(actor=finance, council=agreement.council, pay_up_to=date(2026, 5, 4))
    services.agreement_consent(actor=officer, agreement=agreement, channel="paper")
    run = release(finance, finance2, agreement.council, date(2026, 5, 4))
    assert run.payment_count == 3
    assert ScheduledPayment.objects.filter(status="paid").count() == 3


def test_an_ineligible_new_recipient_is_refused(on_notice_day, case, officer):
    """A nominee with no written nomination cannot take over; nothing changes (DOMAIN R10)."""
    nominee = nominee_of(case.child, nominee_consent_on=ASSESSED_ON)
    with pytest.raises(ValidationError) as exc:
        services.agreement_change_recipient(
            actor=officer, agreement=on_notice_day, new_recipient=nominee, reasons="x", **CARD
        )
    assert "new_recipient" in exc.value.message_dict
    on_notice_day.refresh_from_db()
    assert (on_notice_day.status, on_notice_day.recipient) == (AgreementStatus.ACTIVE, case.parent)
    assert not AgreementChange.objects.exists()


def test_the_current_recipient_is_not_a_new_one(on_notice_day, case, officer):
    """Changing to the same person is refused."""
    with pytest.raises(ValidationError) as exc:
        services.agreement_change_recipient(
            actor=officer, agreement=on_notice_day, new_recipient=case.parent, reasons="x", **CARD
        )
    assert "new_recipient" in exc.value.message_dict


# Recovery (DOMAIN R23) ---------------------------------------------------------------------------------------------


@pytest.fixture
def paid_april(agreement, finance, finance2, on_day):
    """The 1 and 6 April 2026 payments released (£330.11 on the standard schedule); today is 1 May 2026."""
    on_day(date(2026, 4, 1))
    release(finance, finance2, agreement.council, date(2026, 4, 6))
    on_day(NOTICE_DAY)
    return agreement


PENNY = Decimal("0.01")


def paid_gross(agreement) -> Decimal:
    """Everything paid to the recipient so far, before any offset."""
    return sum((p.amount for p in agreement.payments.filter(status="paid")), Decimal("0.00"))


def recover(actor, agreement, amount, method="invoice", reasons="Money not spent on the agreed support", **kwargs):
    return services.recovery_raise(
        actor=actor, agreement=agreement, amount=Decimal(amount), reasons=reasons, method=method, **kwargs
    )


@pytest.mark.parametrize(("over", "accepted"), [(-PENNY, True), (Decimal("0.00"), True), (PENNY, False)])
def test_no_more_can_be_recovered_than_has_been_paid(paid_april, manager, over, accepted):
    """Up to what has been paid: exactly the £305.07 paid is accepted, a penny over is refused naming the amount."""
    amount = str(paid_gross(paid_april) + over)
    if accepted:
        assert recover(manager, paid_april, amount).amount == Decimal(amount)
    else:
        with pytest.raises(ValidationError) as exc:
            recover(manager, paid_april, amount)
        assert "amount" in exc.value.message_dict
        assert not Recovery.objects.exists()


def test_money_already_being_recovered_cannot_be_asked_for_again(paid_april, manager):
    """After £300.00 is asked back, only the rest of what was paid is left to ask for (DOMAIN R23)."""
    recover(manager, paid_april, "300.00")
    left = paid_gross(paid_april) - Decimal("300.00")
    with pytest.raises(ValidationError) as exc:
        recover(manager, paid_april, str(left + PENNY))
    assert "amount" in exc.value.message_dict
    assert recover(manager, paid_april, str(left)).amount == left


@pytest.mark.parametrize("amount", ["0.00", "-1.00"])
def test_a_recovery_needs_an_amount(paid_april, manager, amount):
    """Nothing or less is not a recovery."""
    with pytest.raises(ValidationError) as exc:
        recover(manager, paid_april, amount)
    assert "amount" in exc.value.message_dict


def test_a_recovery_is_due_14_days_after_the_notice_is_received(paid_april, manager):
    """Sent 1 May 2026, received 6 May (4 May a bank holiday), due 20 May (DOMAIN R23)."""
    recovery = recover(manager, paid_april, "100.00")
    assert (recovery.notice_on, recovery.due_on, recovery.payer) == (NOTICE_DAY, RECOVERY_DUE, paid_april.recipient)


@pytest.mark.parametrize(
    ("due_on", "accepted"),
    [(RECOVERY_DUE - timedelta(days=1), False), (RECOVERY_DUE, True), (RECOVERY_DUE + timedelta(days=1), True)],
)
def test_a_recovery_cannot_be_due_sooner_than_the_council_s_days(paid_april, manager, due_on, accepted):
    """A day earlier than the notice allows is refused naming the due date; that day or later is accepted (R23)."""
    if accepted:
        assert recover(manager, paid_april, "100.00", due_on=due_on).due_on == due_on
    else:
        with pytest.raises(ValidationError) as exc:
            recover(manager, paid_april, "100.00", due_on=due_on)
        assert "due_on" in exc.value.message_dict
        assert not Recovery.objects.exists()


def test_the_recovery_notice_states_reasons_amount_who_pays_and_by_when(paid_april, manager):
    """The DP_RECOVERY letter has everything R23 asks for, and the right to a reconsideration."""
    recovery = recover(manager, paid_april, "100.00", reasons="Receipts show £100 spent on a holiday")
    body = recovery.letter.body_html
    assert recovery.letter.kind == LetterKind.DP_RECOVERY
    for text in ("£100.00", paid_april.recipient.full_name, "20 May 2026", "spent on a holiday", "reconsider"):
        assert text in body


@pytest.mark.parametrize("who", ["officer", "finance"])
def test_only_a_manager_decides_a_recovery(paid_april, request, who):
    """Recovery is a manager's decision (DP_DECIDE)."""
    with pytest.raises(PermissionDenied):
        recover(request.getfixturevalue(who), paid_april, "100.00")
    assert not Recovery.objects.exists()


def test_a_recovery_needs_reasons(paid_april, manager):
    """Reasons in words are part of the notice (DOMAIN R23)."""
    with pytest.raises(ValidationError) as exc:
        recover(manager, paid_april, "100.00", reasons=" ")
    assert "reasons" in exc.value.message_dict


# Repayment by invoice (DOMAIN R23) -------------------------------------------------------------------------------


@pytest.fixture
def invoiced(paid_april, manager):
    """Everything paid in April asked back by invoice on 1 May 2026."""
    return recover(manager, paid_april, str(paid_gross(paid_april)))


def receive(actor, recovery, amount, received_on=date(2026, 5, 15)):
    return services.recovery_receipt_record(
        actor=actor, recovery=recovery, amount=Decimal(amount), received_on=received_on
    )


def test_a_repayment_is_posted_to_the_ledger_and_reduces_the_recipient_s_balance(invoiced, finance, on_day):
    """£100 repaid: out of the recipient's account into recoveries; the ledger still balances (DOMAIN R23)."""
    agreement = invoiced.agreement
    on_day(date(2026, 5, 15))
    receipt = receive(finance, invoiced, "100.00")
    assert receipt.ledger_transaction.kind == "recovery"
    assert recipient_balance(agreement) == paid_gross(agreement) - Decimal("100.00")
    recoveries = ledger_services.recoveries_account(council=agreement.council)
    assert ledger_selectors.balance(account=recoveries) == Decimal("100.00")
    assert ledger_selectors.council_total(council=agreement.council) == 0
    invoiced.refresh_from_db()
    assert invoiced.status == RecoveryStatus.OPEN


@pytest.mark.parametrize(("over", "accepted"), [(PENNY, False), (Decimal("0.00"), True)])
def test_a_repayment_cannot_be_more_than_is_outstanding(invoiced, finance, on_day, over, accepted):
    """After £100 of £305.07, a penny over the £205.07 left is refused; exactly it repays in full (DOMAIN R23)."""
    on_day(date(2026, 5, 15))
    receive(finance, invoiced, "100.00")
    amount = str(invoiced.amount - Decimal("100.00") + over)
    if accepted:
        receive(finance, invoiced, amount)
        invoiced.refresh_from_db()
        assert invoiced.status == RecoveryStatus.RECOVERED
        assert recipient_balance(invoiced.agreement) == 0
    else:
        with pytest.raises(ValidationError) as exc:
            receive(finance, invoiced, amount)
        assert "amount" in exc.value.message_dict
        assert RecoveryReceipt.objects.count() == 1
        assert recipient_balance(invoiced.agreement) == invoiced.amount - Decimal("100.00")


def test_a_recovered_recovery_takes_no_more(invoiced, finance, on_day):
    """Once recovered, nothing more is received."""
    on_day(date(2026, 5, 15))
    receive(finance, invoiced, str(invoiced.amount))
    with pytest.raises(ValidationError, match="not outstanding"):
        receive(finance, invoiced, "0.01")
    assert RecoveryReceipt.objects.count() == 1


@pytest.mark.parametrize(
    "received_on", [NOTICE_DAY - timedelta(days=1), date(2026, 5, 16)], ids=["before-notice", "tomorrow"]
)
def test_a_repayment_is_dated_between_the_notice_and_today(invoiced, finance, on_day, received_on):
    """A repayment dated before the notice or in the future is refused naming the date."""
    on_day(date(2026, 5, 15))
    with pytest.raises(ValidationError) as exc:
        receive(finance, invoiced, "10.00", received_on=received_on)
    assert "received_on" in exc.value.message_dict
    assert not RecoveryReceipt.objects.exists()


def test_only_finance_records_repayments(invoiced, manager, on_day):
    """Money received is recorded by finance (PAYMENTS_RUN)."""
    on_day(date(2026, 5, 15))
    with pytest.raises(PermissionDenied):
        receive(manager, invoiced, "10.00")
    assert not RecoveryReceipt.objects.exists()


def test_an_offset_recovery_is_not_repaid_by_invoice(paid_april, manager, finance, on_day):
    """A recovery taken from future payments has no invoice to pay."""
    recovery = recover(manager, paid_april, "50.00", method="offset")
    on_day(date(2026, 5, 15))
    with pytest.raises(ValidationError, match="future payments"):
        receive(finance, recovery, "50.00")


# Recovery by offset (DOMAIN R23) ---------------------------------------------------------------------------------


@pytest.fixture
def paid_to_october(agreement, finance, finance2, on_day):
    """Everything due up to 1 October 2026 paid; today is 1 October 2026."""
    on_day(date(2026, 10, 1))
    release(finance, finance2, agreement.council, date(2026, 10, 1))
    return agreement


def future_total(agreement) -> Decimal:
    return sum(p.amount for p in agreement.payments.filter(status="scheduled", due_on__gte=date(2026, 10, 1)))


@pytest.mark.parametrize(("over", "accepted"), [(Decimal("0.01"), False), (Decimal("0.00"), True)])
def test_an_offset_cannot_be_more_than_the_future_payments(paid_to_october, manager, over, accepted):
    """A penny more than the payments still to come is refused naming the amount; exactly them is accepted (R23)."""
    agreement = paid_to_october
    future = future_total(agreement)
    assert services.paid_total(agreement) > future + over  # so the paid limit is not what refuses it
    if accepted:
        assert recover(manager, agreement, str(future + over), method="offset").method == "offset"
    else:
        with pytest.raises(ValidationError) as exc:
            recover(manager, agreement, str(future + over), method="offset")
        assert "Future payments come to" in " ".join(exc.value.message_dict["amount"])
        assert not Recovery.objects.exists()


def test_offsets_together_cannot_be_more_than_the_future_payments(paid_to_october, manager):
    """A second offset that, with the first, is more than the payments to come is refused (DOMAIN R23)."""
    agreement = paid_to_october
    future = future_total(agreement)
    first = (future * Decimal("0.6")).quantize(Decimal("0.01"))
    recover(manager, agreement, str(first), method="offset")
    with pytest.raises(ValidationError) as exc:
        recover(manager, agreement, str(future - first + Decimal("0.01")), method="offset")
    assert "amount" in exc.value.message_dict


def test_stopped_payments_are_recovered_by_invoice_not_offset(paid_april, parent_user, manager):
    """With no payments to come, an offset is refused naming the method (DOMAIN R23)."""
    services.agreement_withdraw_consent(actor=parent_user, agreement=paid_april)
    with pytest.raises(ValidationError) as exc:
        recover(manager, paid_april, "50.00", method="offset")
    assert "method" in exc.value.message_dict
    assert recover(manager, paid_april, "50.00").method == "invoice"


def test_after_an_offset_the_rest_of_the_money_paid_can_still_be_recovered(
    paid_april, manager, finance, finance2, on_day
):
    """£50 taken by offset; everything left in the recipient's account may still be asked back (DOMAIN R23)."""
    agreement = paid_april
    recover(manager, agreement, "50.00", method="offset")
    on_day(date(2026, 5, 25))
    release(finance, finance2, agreement.council, date(2026, 6, 1))
    balance = recipient_balance(agreement)  # paid, less the £50 offset; nothing spent
    assert recover(manager, agreement, str(balance)).amount == balance


# Reconsideration of a recovery (DOMAIN R23) ----------------------------------------------------------------------


def test_a_changed_recovery_is_withdrawn_and_money_received_goes_back(
    invoiced, finance, parent_user, other_manager, on_day
):
    """Changed: the recovery is withdrawn and the £100 already repaid is returned to the account (DOMAIN R23)."""
    agreement = invoiced.agreement
    on_day(date(2026, 5, 15))
    receive(finance, invoiced, "100.00")
    item = reconsider(parent_user, other_manager, "changed", recovery=invoiced)
    invoiced.refresh_from_db()
    assert invoiced.status == RecoveryStatus.WITHDRAWN
    assert recipient_balance(agreement) == paid_gross(agreement)
    recoveries = ledger_services.recoveries_account(council=agreement.council)
    assert ledger_selectors.balance(account=recoveries) == 0
    assert ledger_selectors.council_total(council=agreement.council) == 0
    assert "We will not recover the money" in item.letter.body_html


def test_an_upheld_recovery_stays_open(invoiced, parent_user, other_manager):
    """Upheld: the recovery stands and is still owed."""
    reconsider(parent_user, other_manager, "upheld", recovery=invoiced)
    invoiced.refresh_from_db()
    assert invoiced.status == RecoveryStatus.OPEN


def test_a_recovery_may_be_reconsidered_once(invoiced, parent_user):
    """One reconsideration of a recovery (DOMAIN R23)."""
    services.reconsideration_request(actor=parent_user, recovery=invoiced, grounds="It was spent on support")
    with pytest.raises(ValidationError, match="already been asked for"):
        services.reconsideration_request(actor=parent_user, recovery=invoiced, grounds="Again")


def test_a_withdrawn_recovery_is_not_taken_by_a_run_already_prepared(
    paid_april, manager, parent_user, other_manager, finance, finance2, on_day
):
    """Withdrawn before the run is approved: the recipient gets the whole payment (DOMAIN R23)."""
    agreement = paid_april
    recovery = recover(manager, agreement, "50.00", method="offset")
    on_day(date(2026, 5, 25))
    run = services.payment_run_prepare(actor=finance, council=agreement.council, pay_up_to=date(2026, 6, 1))
    reconsider(parent_user, other_manager, "changed", recovery=recovery)
    run = services.payment_run_approve(actor=finance2, run=run)
    gross = sum(p.amount for p in agreement.payments.filter(status="paid"))
    assert recipient_balance(agreement) == gross
    recoveries = ledger_services.recoveries_account(council=agreement.council)
    assert ledger_selectors.balance(account=recoveries) == 0
    assert Transaction.objects.filter(kind="payment").count() == 4


# Found while building the pages ----------------------------------------------------------------------------------


def test_a_recipient_who_declines_before_consenting_stops_the_agreement(dp, case, parent_user):
    """Withdrawing consent is possible before giving it: the agreement stops and nothing is ever scheduled (R22)."""
    agreement = dp.sent(case)
    services.agreement_withdraw_consent(actor=parent_user, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.STOPPED
    assert not agreement.payments.exists()


def test_the_recipient_cannot_be_changed_while_the_payments_are_suspended(suspended, officer):
    """A new recipient's consent would start the payments again, so the suspension has to end first (R35)."""
    nominee = nominee_of(suspended.child, nominated_in_writing_on=ASSESSED_ON, nominee_consent_on=ASSESSED_ON)
    with pytest.raises(ValidationError, match="suspended"):
        services.agreement_change_recipient(
            actor=officer, agreement=suspended, new_recipient=nominee, reasons="The nominee takes over", **CARD
        )
    suspended.refresh_from_db()
    assert suspended.status == AgreementStatus.SUSPENDED


@pytest.mark.parametrize(
    ("requested", "allowed"),
    [(date(2026, 6, 6), False), (date(2026, 6, 7), False), (date(2026, 6, 8), True)],
    ids=["saturday", "sunday", "monday"],
)
def test_a_reduction_takes_effect_on_a_working_day(on_notice_day, manager, requested, allowed):
    """A date after the notice period that falls on a weekend is refused, naming the next working day (ADR 9)."""
    if allowed:
        assert reduce(manager, on_notice_day, effective_on=requested).effective_on == requested
    else:
        with pytest.raises(ValidationError) as exc:
            reduce(manager, on_notice_day, effective_on=requested)
        assert "8 June 2026" in exc.value.message_dict["effective_on"][0]
        assert not AgreementChange.objects.exists()
