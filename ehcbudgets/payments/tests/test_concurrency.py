"""Two payment runs started at the same moment pay each payment once (ARCHITECTURE convention 8; DOMAIN R35).

These tests really run two transactions at once, in two threads with their own connections, so they need
PostgreSQL's row locks; on SQLite (one writer at a time) they are skipped, and CI runs them on PostgreSQL.
"""

import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from ehcbudgets.accounts.models import Role
from ehcbudgets.ledger import selectors as ledger
from ehcbudgets.ledger.models import Transaction
from ehcbudgets.payments import services
from ehcbudgets.payments.models import PaymentRun, PaymentStatus, RunStatus, ScheduledPayment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL's row locks"),
]

PAY_DAY = date(2026, 4, 1)


def _at_once(*calls):
    """Run the calls in threads released together; return each one's result or exception, and its duration."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            started = time.monotonic()
            try:
                results[i] = ("ok", call(), time.monotonic() - started)
            except Exception as exc:
                results[i] = ("error", exc, time.monotonic() - started)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_section(monkeypatch):
    """Hold each run's critical section open a little, so the second run really waits for the first."""
    real_offsets = services._plan_offsets
    real_post = services._post_payments

    def slow_offsets(payments):
        time.sleep(0.4)
        return real_offsets(payments)

    def slow_post(actor, council, payments, on):
        time.sleep(0.2)
        return real_post(actor, council, payments, on)

    monkeypatch.setattr(services, "_plan_offsets", slow_offsets)
    monkeypatch.setattr(services, "_post_payments", slow_post)


def test_runs_prepared_at_the_same_moment_take_each_payment_once(
    agreement, finance, make_user, council, on_day, slow_section
):
    """Two finance officers prepare a run for the same date at once: one takes every payment due, the other waits
    for it and finds nothing more to pay (DOMAIN R35)."""
    assert connection.vendor == "postgresql"
    on_day(PAY_DAY)
    second = make_user(Role.FINANCE_OFFICER, council=council)
    due = set(ScheduledPayment.objects.filter(agreement=agreement, due_on__lte=PAY_DAY).values_list("pk", flat=True))
    assert due

    results = _at_once(
        lambda: services.payment_run_prepare(actor=finance, council=council, pay_up_to=PAY_DAY),
        lambda: services.payment_run_prepare(actor=second, council=council, pay_up_to=PAY_DAY),
    )

    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["error", "ok"], results
    error = next(r for r in results if r[0] == "error")
    assert isinstance(error[1], ValidationError)
    assert "Nothing is due" in str(error[1])
    assert error[2] >= 0.35, "the second run did not wait for the first: the test did not run them at once"
    run = PaymentRun.objects.get()
    assert set(run.payments.values_list("pk", flat=True)) == due


def test_a_run_approved_twice_at_the_same_moment_pays_once(
    agreement, finance, make_user, council, on_day, slow_section
):
    """Two finance officers approve the same run at once: the payments are posted to the ledger once (DOMAIN R35)."""
    on_day(PAY_DAY)
    run = services.payment_run_prepare(actor=finance, council=council, pay_up_to=PAY_DAY)
    approvers = [make_user(Role.FINANCE_OFFICER, council=council) for _ in range(2)]

    results = _at_once(*(lambda a=a: services.payment_run_approve(actor=a, run=run) for a in approvers))

    assert sorted(r[0] for r in results) == ["error", "ok"], results
    run.refresh_from_db()
    assert run.status == RunStatus.RELEASED
    paid = ScheduledPayment.objects.filter(run=run, status=PaymentStatus.PAID)
    assert paid.count() == run.payment_count > 0
    assert Transaction.objects.filter(council=council, kind="payment").count() == run.payment_count
    assert run.files.count() == 2  # the CSV and the prepaid card file, once
    assert ledger.council_total(council=council) == 0
