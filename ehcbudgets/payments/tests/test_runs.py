"""Payment runs: everything due up to a date, paid once, prepared by one finance officer and approved by another,
posted to the ledger in one transaction with its files; and recoveries taken by offset (DOMAIN R15, R18, R23, R35;
ADR 9)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ehcbudgets.accounts.models import Role
from ehcbudgets.ledger import selectors as ledger_selectors
from ehcbudgets.ledger import services as ledger_services
from ehcbudgets.ledger.models import Leg, Transaction
from ehcbudgets.payments import services
from ehcbudgets.payments.models import (
    Agreement,
    AgreementStatus,
    PaymentFile,
    PaymentRun,
    RecoveryReceipt,
    RecoveryStatus,
    RunStatus,
    ScheduledPayment,
)
from ehcbudgets.people.tests.factories import ChildFactory

BANK = {
    "payment_method": "bank_account",
    "account_name": "ALEX CARER",
    "sort_code": "30-94-30",
    "account_number": "733445",
}


@pytest.fixture
def second(dp, pb, council):
    """A second child's agreement in the same council, consented on paper: the same schedule as `agreement`."""
    return dp.active(pb.case(child=ChildFactory(council=council)))


def prepare(actor, council, pay_up_to):
    return services.payment_run_prepare(actor=actor, council=council, pay_up_to=pay_up_to)


def release(finance, finance2, council, pay_up_to):
    return services.payment_run_approve(actor=finance2, run=prepare(finance, council, pay_up_to))


def paid(agreement):
    return list(agreement.payments.filter(status="paid"))


def assert_nothing_paid():
    assert not ScheduledPayment.objects.filter(status="paid").exists()
    assert Transaction.objects.count() == 0
    assert Leg.objects.count() == 0
    assert PaymentFile.objects.count() == 0


# What a run pays (DOMAIN R35) --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pay_up_to", "due_dates"),
    [
        (date(2026, 4, 1), [date(2026, 4, 1)]),
        (date(2026, 4, 5), [date(2026, 4, 1)]),  # the day before the 6 April payment: not in the run
        (date(2026, 4, 6), [date(2026, 4, 1), date(2026, 4, 6)]),  # the day it is due
        (date(2026, 4, 7), [date(2026, 4, 1), date(2026, 4, 6)]),
    ],
)
def test_a_run_takes_every_payment_due_up_to_its_date_and_none_after(agreement, finance, on_day, pay_up_to, due_dates):
    """A payment due on the run's date is in it; one due the day after is not (DOMAIN R35)."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, pay_up_to)
    payments = list(run.payments.order_by("due_on"))
    assert [p.due_on for p in payments] == due_dates
    assert run.payment_count == len(due_dates)
    assert run.total == sum(p.amount for p in payments)
    assert run.status == RunStatus.PREPARED
    assert not paid(agreement)


def test_a_run_before_anything_is_due_finds_nothing(agreement, finance, on_day):
    """The day before the first payment there is nothing to pay, and no run is made."""
    on_day(date(2026, 3, 25))
    with pytest.raises(ValidationError) as exc:
        prepare(finance, agreement.council, date(2026, 3, 31))
    assert "Nothing is due" in " ".join(exc.value.message_dict["pay_up_to"])
    assert PaymentRun.objects.count() == 0


@pytest.mark.parametrize(("ahead", "accepted"), [(31, True), (32, False)])
def test_a_run_pays_at_most_31_days_ahead(agreement, finance, on_day, ahead, accepted):
    """31 days ahead is allowed; 32 is refused naming the date."""
    today = on_day(date(2026, 4, 1))
    if accepted:
        assert prepare(finance, agreement.council, today + timedelta(days=ahead)).payment_count == 2
    else:
        with pytest.raises(ValidationError) as exc:
            prepare(finance, agreement.council, today + timedelta(days=ahead))
        assert "pay_up_to" in exc.value.message_dict
        assert PaymentRun.objects.count() == 0


def test_running_again_for_the_same_date_pays_nothing_more(agreement, finance, finance2, on_day):
    """Once released, a second run for the same date finds nothing due and pays nothing (DOMAIN R35)."""
    on_day(date(2026, 4, 1))
    release(finance, finance2, agreement.council, date(2026, 4, 6))
    counts = (ScheduledPayment.objects.filter(status="paid").count(), Transaction.objects.count())
    with pytest.raises(ValidationError) as exc:
        prepare(finance, agreement.council, date(2026, 4, 6))
    assert "Nothing is due" in " ".join(exc.value.message_dict["pay_up_to"])
    assert (ScheduledPayment.objects.filter(status="paid").count(), Transaction.objects.count()) == counts == (2, 2)
    assert PaymentRun.objects.count() == 1


def test_a_payment_in_a_prepared_run_is_not_taken_by_another(agreement, finance, on_day):
    """While a run waits for approval, its payments are not gathered again (DOMAIN R35)."""
    on_day(date(2026, 4, 1))
    prepare(finance, agreement.council, date(2026, 4, 6))
    with pytest.raises(ValidationError, match="Nothing is due"):
        prepare(finance, agreement.council, date(2026, 4, 6))
    assert PaymentRun.objects.count() == 1


def test_a_later_run_pays_only_what_has_fallen_due_since(agreement, finance, finance2, on_day):
    """The run for 4 May pays the 4 May payment alone: April's were paid by the first run (DOMAIN R35)."""
    on_day(date(2026, 4, 1))
    release(finance, finance2, agreement.council, date(2026, 4, 6))
    on_day(date(2026, 5, 1))
    run = release(finance, finance2, agreement.council, date(2026, 5, 4))
    assert [p.due_on for p in run.payments.all()] == [date(2026, 5, 4)]
    assert len(paid(agreement)) == 3


# Who may run (maker-checker) -------------------------------------------------------------------------------------


def test_the_preparer_cannot_approve_their_own_run(agreement, finance, on_day):
    """Approval needs a second finance officer: the preparer is refused and nothing is paid."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, date(2026, 4, 6))
    with pytest.raises(PermissionDenied):
        services.payment_run_approve(actor=finance, run=run)
    run.refresh_from_db()
    assert (run.status, run.approved_by) == (RunStatus.PREPARED, None)
    assert_nothing_paid()


def test_the_database_refuses_a_run_approved_by_its_preparer(agreement, finance, on_day):
    """The maker-checker rule holds in the database too, whatever route writes the row."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, date(2026, 4, 6))
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRun.objects.filter(pk=run.pk).update(approved_by=run.prepared_by)
    run.refresh_from_db()
    assert run.approved_by is None


@pytest.mark.parametrize("who", ["parent_user", "officer", "manager"])
def test_only_finance_officers_prepare_runs(agreement, on_day, request, who):
    """A parent, case officer or team manager cannot prepare a run."""
    on_day(date(2026, 4, 1))
    with pytest.raises(PermissionDenied):
        prepare(request.getfixturevalue(who), agreement.council, date(2026, 4, 6))
    assert PaymentRun.objects.count() == 0


def test_a_case_officer_cannot_approve_a_run(agreement, finance, officer, on_day):
    """Approving a run is finance's."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, date(2026, 4, 6))
    with pytest.raises(PermissionDenied):
        services.payment_run_approve(actor=officer, run=run)
    assert_nothing_paid()


def test_another_council_s_finance_officer_cannot_approve(agreement, finance, make_user, other_council, on_day):
    """Finance of another council cannot release this council's money."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, date(2026, 4, 6))
    with pytest.raises(PermissionDenied):
        services.payment_run_approve(actor=make_user(Role.FINANCE_OFFICER, council=other_council), run=run)
    assert_nothing_paid()


def test_another_council_s_finance_officer_cannot_prepare(agreement, make_user, other_council, on_day):
    """Finance of another council cannot gather this council's payments."""
    on_day(date(2026, 4, 1))
    with pytest.raises(PermissionDenied):
        prepare(make_user(Role.FINANCE_OFFICER, council=other_council), agreement.council, date(2026, 4, 6))
    assert PaymentRun.objects.count() == 0


# Agreements that are not paid (DOMAIN R15, R22, R35) -------------------------------------------------------------


def test_a_suspended_agreement_is_not_paid(agreement, second, officer, finance, finance2, on_day):
    """Only the running agreement's payments are in the run (DOMAIN R35)."""
    services.agreement_suspend(
        actor=officer, agreement=agreement, reason="other", reasons="The family asked", away_from=date(2026, 3, 30)
    )
    on_day(date(2026, 4, 1))
    run = release(finance, finance2, agreement.council, date(2026, 4, 6))
    assert {p.agreement_id for p in run.payments.all()} == {second.pk}
    assert not paid(agreement)


def test_an_agreement_awaiting_consent_is_not_paid(dp, pb, case, council, finance, finance2, on_day):
    """Sent but not consented: nothing is paid; the consented one is (DOMAIN R15)."""
    waiting = dp.sent(case)
    other = dp.active(pb.case(child=ChildFactory(council=council)))
    on_day(date(2026, 4, 1))
    run = release(finance, finance2, council, date(2026, 4, 6))
    assert {p.agreement_id for p in run.payments.all()} == {other.pk}
    assert not waiting.payments.exists()


def test_a_stopping_agreement_is_not_paid_after_its_stop_takes_effect(
    agreement, second, manager, finance, finance2, on_day
):
    """Stopped from 21 April 2026: April is paid, the May run pays only the other agreement, and it closes (R22)."""
    change = services.agreement_stop(actor=manager, agreement=agreement, ground="cannot_secure", reasons="No PA")
    assert change.effective_on == date(2026, 4, 21)
    on_day(date(2026, 4, 1))
    release(finance, finance2, agreement.council, date(2026, 4, 6))
    assert [p.due_on for p in paid(agreement)] == [date(2026, 4, 1), date(2026, 4, 6)]
    on_day(date(2026, 5, 1))
    run = release(finance, finance2, agreement.council, date(2026, 5, 4))
    assert {p.agreement_id for p in run.payments.all()} == {second.pk}
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.STOPPED
    assert len(paid(agreement)) == 2


def test_an_agreement_cannot_be_suspended_while_a_run_holds_its_payment(agreement, finance, officer, on_day):
    """Suspending is refused while a prepared run includes the agreement: finance approves or cancels first."""
    on_day(date(2026, 4, 1))
    prepare(finance, agreement.council, date(2026, 4, 6))
    with pytest.raises(ValidationError, match="waiting for approval"):
        services.agreement_suspend(
            actor=officer, agreement=agreement, reason="other", reasons="The family asked", away_from=date(2026, 4, 1)
        )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE


def test_a_payment_whose_agreement_was_suspended_after_preparing_goes_back_to_the_schedule(
    agreement, second, finance, finance2, on_day
):
    """Suspended between prepare and approve: its payments leave the run unpaid and can be paid later (ADR 9)."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, date(2026, 4, 6))
    assert run.payment_count == 4
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.SUSPENDED)
    run = services.payment_run_approve(actor=finance2, run=run)
    assert run.payment_count == 2
    assert run.total == sum(p.amount for p in paid(second))
    dropped = list(agreement.payments.filter(due_on__lte=date(2026, 4, 6)))
    assert [(p.status, p.run_id, p.ledger_transaction_id) for p in dropped] == [("scheduled", None, None)] * 2
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ACTIVE)
    later = release(finance, finance2, agreement.council, date(2026, 4, 6))
    assert {p.pk for p in later.payments.all()} == {p.pk for p in dropped}


# Release: the ledger (DOMAIN R35; ADR 9) -------------------------------------------------------------------------


def test_release_posts_one_ledger_transaction_per_payment(agreement, second, finance, finance2, on_day):
    """Every payment has its own posted transaction, keyed payment:<id> (ADR 9)."""
    on_day(date(2026, 4, 1))
    run = release(finance, finance2, agreement.council, date(2026, 4, 6))
    payments = list(run.payments.select_related("ledger_transaction"))
    assert len(payments) == 4
    assert all(p.status == "paid" and p.paid_on == date(2026, 4, 1) for p in payments)
    assert sorted(p.ledger_transaction.key for p in payments) == sorted(f"payment:{p.pk}" for p in payments)
    assert all(p.ledger_transaction.posted and p.ledger_transaction.kind == "payment" for p in payments)
    assert Transaction.objects.count() == 4


def test_the_recipient_s_balance_is_what_was_paid_and_the_ledger_balances(agreement, finance, finance2, on_day):
    """The recipient's account holds the sum paid, the fund is down by it, and the council's legs sum to zero."""
    on_day(date(2026, 4, 1))
    run = release(finance, finance2, agreement.council, date(2026, 4, 6))
    total = sum(p.amount for p in paid(agreement))
    assert total == run.total > 0
    assert ledger_selectors.balance(account=services.recipient_account(agreement)) == total
    fund = ledger_services.fund_account(council=agreement.council, funding_stream="social_care")
    assert ledger_selectors.balance(account=fund) == -total
    assert ledger_selectors.council_total(council=agreement.council) == 0


def test_release_is_audited(agreement, finance, finance2, on_day, audit):
    """The release is in the audit trail with the count and total."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, date(2026, 4, 6))
    audit.mark()
    services.payment_run_approve(actor=finance2, run=run)
    event = audit.one()
    assert (event.action, event.actor_id, event.after["payments"], event.after["total"]) == (
        "payment_run.released",
        finance2.pk,
        2,
        str(sum(p.amount for p in paid(agreement))),
    )


# The first review (DOMAIN R18) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("released_on", "review_due"),
    [(date(2026, 3, 31), date(2026, 6, 30)), (date(2026, 4, 1), date(2026, 7, 1))],
)
def test_the_first_payment_sets_the_first_review_3_months_later(
    agreement, finance, finance2, on_day, released_on, review_due
):
    """The first review is due 3 months after the first payment is made (DOMAIN R18)."""
    assert agreement.first_review_due is None
    on_day(released_on)
    release(finance, finance2, agreement.council, date(2026, 4, 1))
    agreement.refresh_from_db()
    assert (agreement.first_paid_on, agreement.first_review_due) == (released_on, review_due)


def test_later_payments_do_not_move_the_first_review(agreement, finance, finance2, on_day):
    """The 3 months run from the first payment only (DOMAIN R18)."""
    on_day(date(2026, 4, 1))
    release(finance, finance2, agreement.council, date(2026, 4, 6))
    on_day(date(2026, 5, 4))
    release(finance, finance2, agreement.council, date(2026, 5, 4))
    agreement.refresh_from_db()
    assert (agreement.first_paid_on, agreement.first_review_due) == (date(2026, 4, 1), date(2026, 7, 1))


# Files -------------------------------------------------------------------------------------------------------------


def formats(run):
    return sorted(run.files.values_list("format", flat=True))


def test_a_run_paying_cards_makes_the_csv_and_the_prepaid_load(agreement, finance, finance2, on_day):
    """Card payments: the finance CSV and the prepaid card bulk load; no BACS file."""
    on_day(date(2026, 4, 1))
    run = release(finance, finance2, agreement.council, date(2026, 4, 6))
    assert formats(run) == ["csv", "prepaid"]
    assert "PPC-0001-2345" in run.files.get(format="prepaid").content


def test_a_run_paying_a_bank_account_also_makes_the_bacs_file(dp, pb, case, council, finance, finance2, on_day, bank):
    """A bank account payment adds a BACS Standard 18 file with the normalised account details."""
    dp.active(case)
    banked = dp.active(pb.case(child=ChildFactory(council=council)), **BANK)
    assert (banked.sort_code, banked.account_number) == ("309430", "00733445")
    on_day(date(2026, 4, 1))
    run = release(finance, finance2, council, date(2026, 4, 6))
    assert formats(run) == ["bacs18", "csv", "prepaid"]
    assert "30943000733445" in run.files.get(format="bacs18").content


def test_without_the_council_s_bank_details_a_bank_run_cannot_be_approved(dp, case, council, finance, finance2, on_day):
    """No council bank details: approval is refused and nothing is paid, posted or filed."""
    dp.active(case, **BANK)
    on_day(date(2026, 4, 1))
    run = prepare(finance, council, date(2026, 4, 6))
    with pytest.raises(ValidationError):
        services.payment_run_approve(actor=finance2, run=run)
    run.refresh_from_db()
    assert (run.status, run.approved_by) == (RunStatus.PREPARED, None)
    assert_nothing_paid()


# Cancelling --------------------------------------------------------------------------------------------------------


def test_cancelling_a_run_returns_its_payments_to_the_schedule(agreement, finance, finance2, on_day):
    """A cancelled run pays nothing; its payments are taken by the next run."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, date(2026, 4, 6))
    run = services.payment_run_cancel(actor=finance2, run=run)
    assert (run.status, run.cancelled_by, run.payment_count, run.total) == ("cancelled", finance2, 0, 0)
    assert not agreement.payments.filter(run__isnull=False).exists()
    assert_nothing_paid()
    again = release(finance, finance2, agreement.council, date(2026, 4, 6))
    assert again.payment_count == 2


def test_a_released_run_cannot_be_cancelled_or_approved_again(agreement, finance, finance2, on_day):
    """Released money stays released."""
    on_day(date(2026, 4, 1))
    run = release(finance, finance2, agreement.council, date(2026, 4, 6))
    with pytest.raises(ValidationError):
        services.payment_run_cancel(actor=finance, run=run)
    with pytest.raises(ValidationError, match="approved and released"):
        services.payment_run_approve(actor=finance2, run=run)
    assert Transaction.objects.count() == 2


# All or nothing (ADR 9) ------------------------------------------------------------------------------------------


def test_a_failure_after_the_payments_were_posted_leaves_nothing_paid(
    agreement, second, finance, finance2, on_day, monkeypatch
):
    """A fault once both payments are posted (making the bank files) undoes them: no payment, entry or file, the run
    still prepared; approved again, it pays each once."""
    on_day(date(2026, 4, 1))
    run = prepare(finance, agreement.council, date(2026, 4, 1))
    assert run.payment_count == 2
    real = services.exports.build_files
    posted = []

    def failing(**kwargs):
        posted.append(Transaction.objects.count())
        raise RuntimeError("the file store went away")

    monkeypatch.setattr(services.exports, "build_files", failing)
    with pytest.raises(RuntimeError):
        services.payment_run_approve(actor=finance2, run=run)
    assert posted == [2]
    run.refresh_from_db()
    assert (run.status, run.approved_by, run.released_at) == (RunStatus.PREPARED, None, None)
    assert_nothing_paid()
    assert ScheduledPayment.objects.filter(run=run, status="scheduled").count() == 2
    assert Agreement.objects.filter(first_paid_on__isnull=False).count() == 0

    monkeypatch.setattr(services.exports, "build_files", real)
    run = services.payment_run_approve(actor=finance2, run=run)
    assert run.status == RunStatus.RELEASED
    assert ScheduledPayment.objects.filter(status="paid").count() == Transaction.objects.count() == 2
    assert formats(run) == ["csv", "prepaid"]
    assert ledger_selectors.council_total(council=agreement.council) == 0


# Recovery by offset (DOMAIN R23) ---------------------------------------------------------------------------------


@pytest.fixture
def paid_to_may(agreement, finance, finance2, on_day):
    """The agreement with its April and 4 May payments released on 1 May 2026."""
    on_day(date(2026, 5, 1))
    release(finance, finance2, agreement.council, date(2026, 5, 4))
    return agreement


def test_a_recovery_by_offset_is_taken_from_the_next_run(paid_to_may, manager, finance, finance2, on_day):
    """£50 recovered by offset: the next payment is £50 less and the receipts, ledger and recovery agree (R23)."""
    agreement = paid_to_may
    recovery = services.recovery_raise(
        actor=manager, agreement=agreement, amount=Decimal("50.00"), reasons="Unspent money", method="offset"
    )
    assert recovery.due_on == date(2026, 5, 20)
    on_day(date(2026, 5, 25))
    run = release(finance, finance2, agreement.council, date(2026, 6, 1))
    (payment,) = run.payments.all()
    assert payment.offset == Decimal("50.00")
    assert run.total == payment.amount - Decimal("50.00")
    (receipt,) = RecoveryReceipt.objects.filter(recovery=recovery)
    assert (receipt.amount, receipt.scheduled_payment, receipt.ledger_transaction) == (
        Decimal("50.00"),
        payment,
        payment.ledger_transaction,
    )
    recoveries = ledger_services.recoveries_account(council=agreement.council)
    assert ledger_selectors.balance(account=recoveries) == Decimal("50.00")
    gross = sum(p.amount for p in paid(agreement))
    assert ledger_selectors.balance(account=services.recipient_account(agreement)) == gross - Decimal("50.00")
    assert ledger_selectors.council_total(council=agreement.council) == 0
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.RECOVERED


def test_an_offset_larger_than_a_payment_is_taken_over_two_runs(paid_to_may, manager, finance, finance2, on_day):
    """£300 by offset: the whole 1 June payment, then the rest from 29 June; recovered only then (DOMAIN R23)."""
    agreement = paid_to_may
    recovery = services.recovery_raise(
        actor=manager, agreement=agreement, amount=Decimal("300.00"), reasons="Unspent money", method="offset"
    )
    on_day(date(2026, 5, 25))
    first = release(finance, finance2, agreement.council, date(2026, 6, 1))
    (june,) = first.payments.all()
    assert (june.offset, june.net_amount, first.total) == (june.amount, 0, 0)
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.OPEN
    on_day(date(2026, 6, 29))
    second_run = release(finance, finance2, agreement.council, date(2026, 6, 29))
    (july,) = second_run.payments.all()
    assert june.offset + july.offset == Decimal("300.00")
    assert second_run.total == july.amount - july.offset
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.RECOVERED
    assert sum(r.amount for r in recovery.receipts.all()) == Decimal("300.00")
    recoveries = ledger_services.recoveries_account(council=agreement.council)
    assert ledger_selectors.balance(account=recoveries) == Decimal("300.00")
    assert ledger_selectors.council_total(council=agreement.council) == 0


def test_an_offset_is_not_taken_before_the_recovery_is_due(agreement, finance, finance2, manager, on_day):
    """Raised 1 May 2026 and due 20 May: the payment due 4 May is paid in full (DOMAIN R23)."""
    on_day(date(2026, 4, 1))
    release(finance, finance2, agreement.council, date(2026, 4, 6))
    on_day(date(2026, 5, 1))
    recovery = services.recovery_raise(
        actor=manager, agreement=agreement, amount=Decimal("50.00"), reasons="Unspent money", method="offset"
    )
    assert recovery.due_on == date(2026, 5, 20)
    run = release(finance, finance2, agreement.council, date(2026, 5, 4))
    (payment,) = run.payments.all()
    assert payment.offset == 0
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.OPEN
