"""Benchmark: a council's monitoring sweeps at scale (full, full again, incremental), beside a baseline.

    .venv/bin/python bench/sweep.py --agreements 2000
    scripts/with-postgres .venv/bin/python bench/sweep.py --agreements 2000

It migrates a throwaway database as bench/payment_run.py does (and with its helpers), writes one council with N live
agreements made 20 weeks ago, pays each its first payment through payment_run_prepare and payment_run_approve (then
dates that run back to the start day), and writes in bulk what the rules look at: spending records with their posted
ledger entries and some receipts, refunds and commitments, saved statements, monitoring returns, agreements that
exclude a payee, and the council's default spending restrictions. It then times a full sweep (sweep_start with no
actor; the immediate task backend of config.settings.test runs it at once), a second full sweep, and an incremental
sweep after new spending on 1% of the agreements, counting each one's SQL statements. The baseline is the reads a full
sweep needs, written by hand as raw SQL aggregates over the whole council, timed in the same run. The first sweep must
raise exactly the findings the data was built to have, the second none, the incremental sweep only the new spending's
and look only at the agreements that changed, or the script exits 1. On PostgreSQL the tables are analysed once built,
as autovacuum would have done on a live database. Results: docs/benchmarks.md.
"""

import argparse
import logging
import re
import shutil
import sys
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from payment_run import TMP, engine, fresh_database, make_council, measure  # sets Django up on a throwaway database

from ehcbudgets.core.dates import add_months, today
from ehcbudgets.ledger.models import Account, AccountKind, Leg, Transaction, TransactionKind
from ehcbudgets.monitoring import services
from ehcbudgets.monitoring.models import DpReview, Finding, Sweep, SweepKind, SweepStatus
from ehcbudgets.offer.models import SpendingRestriction
from ehcbudgets.offer.services import DEFAULT_RESTRICTIONS
from ehcbudgets.payments import rules as payment_rules
from ehcbudgets.payments import services as payments
from ehcbudgets.payments.models import Agreement, AgreementStatus, PaymentStatus, ScheduledPayment
from ehcbudgets.spending.models import (
    Commitment,
    ImportStatus,
    MonitoringReturn,
    Receipt,
    ReturnStatus,
    SpendingCategory,
    SpendingRecord,
    StatementImport,
    StatementLine,
)

logging.getLogger("django.tasks").setLevel(logging.WARNING)  # not a line per task run
WEEKS_AGO = 20  # the agreements began 20 weeks ago: their first quarter's return is due, 8 weeks have passed
LIVE = (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED)


def build(n: int):
    """The council and its data; returns it with the (agreement id, finding key) pairs a full sweep must raise."""
    on = today()
    start = on - timedelta(weeks=WEEKS_AGO)
    council, preparer, approver = make_council(n, "A", start=start)
    run = payments.payment_run_prepare(actor=preparer, council=council, pay_up_to=start)  # the first payments
    payments.payment_run_approve(actor=approver, run=run)
    # Approve dates the run today; date it back to the start day, as though it had been approved then.
    Agreement.objects.filter(council=council).update(
        first_paid_on=start, first_review_due=payment_rules.first_review_due(start)
    )
    ScheduledPayment.objects.filter(council=council, status=PaymentStatus.PAID).update(paid_on=start)
    SpendingRestriction.objects.bulk_create(
        SpendingRestriction(council=council, text=text, reason=reason, keywords=keywords, position=i)
        for i, (text, reason, keywords) in enumerate(DEFAULT_RESTRICTIONS)
    )
    agreements = list(Agreement.objects.filter(council=council).order_by("pk"))
    current = add_months(start, 3)  # the start of the return period today falls in
    expected: set[tuple[int, str]] = set()
    spends, returns, commitments, statements = [], [], [], []
    for i, a in enumerate(agreements):
        kind = i % 10
        if i % 4:  # three in four sent their first quarter's return; the others' is overdue
            returns.append(a)
        else:
            expected.add((a.pk, f"return_overdue:{start.isoformat()}"))
        if kind == 9:  # no spending at all since the first payment
            expected.add((a.pk, f"no_spending:{start.isoformat()}"))
            continue
        old = kind == 6  # spending, but none for 100 days
        days = (100, 100) if old else (10, 20)
        if old:
            expected.add((a.pk, f"no_spending:{(on - timedelta(100)).isoformat()}"))
        # (agreement, spent on, amount, payee, fingerprint, with a receipt, the rules it breaks)
        spends.append((a, on - timedelta(days[0]), Decimal("10.00"), "Sunshine Club", f"fp-{i}-1", False, ()))
        spends.append(
            (a, on - timedelta(days[1]), Decimal("55.00"), "Acme Therapy Ltd", "", i % 3 == 0, ("receipt_missing",))
        )
        if kind == 7:  # a payee one of the council's restrictions names
            spends.append((a, on - timedelta(12), Decimal("20.00"), "Lucky Casino", "", False, ("not_allowed",)))
        if kind == 8:  # a payee the agreement excludes
            spends.append((a, on - timedelta(12), Decimal("15.00"), "John Smith", "", False, ("excluded_payee",)))
        if kind == 5:  # a refund that leaves more in the account than 8 weeks of payments
            spends.append((a, on - timedelta(15), Decimal("-250.00"), "Acme Therapy Ltd", "", False, ()))
            commitments.append((a, i % 20 == 5))  # owed and unsettled: no surplus; settled: surplus
            if i % 20 == 15:
                expected.add((a.pk, f"surplus:{current.isoformat()}"))
        if kind == 4:
            statements.append((i, a))
    Agreement.objects.filter(pk__in=[a.pk for i, a in enumerate(agreements) if i % 10 == 8]).update(
        excluded_payees="John Smith"
    )
    for record, (_, _, _, _, _, receipt, broken) in zip(add_spending(council, spends), spends, strict=True):
        expected |= {(record.agreement_id, f"{rule}:{record.pk}") for rule in broken if rule != "receipt_missing"}
        if "receipt_missing" in broken and not receipt:
            expected.add((record.agreement_id, f"receipt_missing:{record.pk}"))
    period_end = add_months(start, 3) - timedelta(1)
    MonitoringReturn.objects.bulk_create(
        MonitoringReturn(
            council=council,
            agreement=a,
            period_start=start,
            period_end=period_end,
            status=ReturnStatus.SUBMITTED,
            submitted_on=period_end + timedelta(7),
        )
        for a in returns
    )
    Commitment.objects.bulk_create(
        Commitment(
            council=council,
            agreement=a,
            description="Invoice from Acme Therapy Ltd",
            amount=Decimal("100.00"),
            due_on=on + timedelta(10) if owed else on - timedelta(5),
            settled_on=None if owed else on - timedelta(5),
        )
        for a, owed in commitments
    )
    expected |= add_statements(council, statements, on)
    return council, agreements, expected


def add_spending(council, rows) -> list[SpendingRecord]:
    """Spending records in bulk, each posted to the ledger as the spending services post it: out of the recipient's
    account into the agreement's spending account, or for a refund from its refunds account. Returns the records in
    the order of the rows."""
    kinds = {(a.pk, AccountKind.SPENDING if amount > 0 else AccountKind.REFUNDS) for a, _, amount, *_ in rows}
    Account.objects.bulk_create(
        (Account(council=council, key=f"agreement:{pk}:{kind}", kind=kind, name=f"{kind}: {pk}") for pk, kind in kinds),
        ignore_conflicts=True,
    )
    account = dict(Account.objects.filter(council=council).values_list("key", "pk"))
    txns = Transaction.objects.bulk_create(
        Transaction(
            council=council,
            kind=TransactionKind.SPENDING if amount > 0 else TransactionKind.REFUND,
            occurred_on=spent_on,
            description=f"Paid to {payee}" if amount > 0 else f"Refund from {payee}",
        )
        for _, spent_on, amount, payee, *_ in rows
    )
    Leg.objects.bulk_create(
        leg
        for txn, (a, _, amount, *_) in zip(txns, rows, strict=True)
        for leg in (
            Leg(
                council=council,
                transaction=txn,
                account_id=account[f"{a.holder}:{'spending' if amount > 0 else 'refunds'}"],
                amount=amount,
            ),
            Leg(council=council, transaction=txn, account_id=account[f"{a.holder}:recipient"], amount=-amount),
        )
    )
    with connection.cursor() as cur:  # the ledger's triggers check every entry balances as it is posted
        cur.execute(
            "UPDATE ledger_transaction SET posted = TRUE WHERE council_id = %s AND posted = FALSE", [council.pk]
        )
    records = SpendingRecord.objects.bulk_create(
        SpendingRecord(
            council=council,
            agreement=a,
            spent_on=spent_on,
            amount=amount,
            payee=payee,
            category=SpendingCategory.OTHER,
            fingerprint=fingerprint,
            ledger_transaction=txn,
        )
        for txn, (a, spent_on, amount, payee, fingerprint, *_) in zip(txns, rows, strict=True)
    )
    Receipt.objects.bulk_create(
        Receipt(
            council=council,
            record=record,
            file=f"receipts/{council.code}/{record.pk}",
            content_type="application/pdf",
            size=1000,
            original_name="receipt.pdf",
        )
        for record, (*_, receipt, _) in zip(records, rows, strict=True)
        if receipt
    )
    return records


def add_statements(council, statements, on) -> set[tuple[int, str]]:
    """A saved statement for each (i, agreement): one line not recorded (the finding), one already recorded beside it,
    a card fee and the council's payment in, which are not spending."""
    imports = StatementImport.objects.bulk_create(
        StatementImport(
            council=council,
            agreement=a,
            filename="statement.csv",
            file_format="csv",
            status=ImportStatus.SAVED,
            saved_at=timezone.now(),
        )
        for _, a in statements
    )
    lines = StatementLine.objects.bulk_create(
        StatementLine(council=council, statement=statement, line_number=number, posted_on=on - timedelta(10), **fields)
        for (i, _), statement in zip(statements, imports, strict=True)
        for number, fields in enumerate(
            (
                {"payee": "Corner Shop", "amount": Decimal("12.00"), "fingerprint": f"line-{i}"},
                {"payee": "Sunshine Club", "amount": Decimal("10.00"), "fingerprint": f"fp-{i}-1"},
                {
                    "payee": "Card fee",
                    "amount": Decimal("1.50"),
                    "fingerprint": f"fee-{i}",
                    "suggested_category": "fees",
                },
                {"payee": "Council", "amount": Decimal("-100.00"), "fingerprint": f"in-{i}", "is_payment_in": True},
            ),
            start=1,
        )
    )
    return {(line.statement.agreement_id, f"unlinked:{line.pk}") for line in lines if line.line_number == 1}


def change(council, agreements) -> tuple[list[int], set[tuple[int, str]]]:
    """New spending today on 1% of the agreements (ones with a surplus, so the money is there): over the receipt
    amount with no receipt, and for every other one at a payee a restriction names. Returns the agreements changed
    and the findings it should raise."""
    changed = [a for i, a in enumerate(agreements) if i % 100 == 55]
    on = today()
    rows = [
        (a, on, Decimal("60.00"), "Lucky Casino" if j % 2 else "Bright Tutors", "", False, ())
        for j, a in enumerate(changed)
    ]
    expected = set()
    for record in add_spending(council, rows):
        expected.add((record.agreement_id, f"receipt_missing:{record.pk}"))
        if record.payee == "Lucky Casino":
            expected.add((record.agreement_id, f"not_allowed:{record.pk}"))
    return [a.pk for a in changed], expected


def baseline(council) -> int:
    """The reads a full sweep needs, as raw SQL over the whole council at once: the live agreements, their balances,
    unsettled commitments, spending with receipt counts, last spending days, recorded bank ids, statement lines not
    recorded, sent returns, personal assistants, agreement lines, restrictions, policies, findings already raised,
    plans with their last review meeting, provision events and reviews already listed. Returns the rows read."""
    c = council.pk
    queries = [
        (
            "SELECT id, child_id, start_date, end_date, amount, first_paid_on, consented_on, excluded_payees"
            " FROM payments_agreement WHERE council_id = %s AND status IN (%s, %s)",
            [c, *LIVE],
        ),
        (
            'SELECT a."key", SUM(l.amount) FROM ledger_leg l JOIN ledger_account a ON a.id = l.account_id'
            " WHERE l.council_id = %s AND a.kind = 'recipient' GROUP BY a.\"key\"",
            [c],
        ),
        (
            "SELECT agreement_id, SUM(amount) FROM spending_commitment WHERE council_id = %s AND settled_on IS NULL"
            " GROUP BY agreement_id",
            [c],
        ),
        (
            "SELECT r.id, r.agreement_id, r.payee, r.description, r.amount, r.spent_on, COUNT(rc.id)"
            " FROM spending_spendingrecord r LEFT JOIN spending_receipt rc ON rc.record_id = r.id"
            " WHERE r.council_id = %s AND NOT r.withdrawn AND r.amount > 0"
            " GROUP BY r.id, r.agreement_id, r.payee, r.description, r.amount, r.spent_on",
            [c],
        ),
        (
            "SELECT agreement_id, MAX(spent_on) FROM spending_spendingrecord WHERE council_id = %s AND NOT withdrawn"
            " GROUP BY agreement_id",
            [c],
        ),
        (
            "SELECT agreement_id, fitid, fingerprint FROM spending_spendingrecord"
            " WHERE council_id = %s AND NOT withdrawn AND (fitid <> '' OR fingerprint <> '')",
            [c],
        ),
        (
            "SELECT l.id, s.agreement_id, l.payee, l.amount, l.posted_on, l.fitid, l.fingerprint"
            " FROM spending_statementline l JOIN spending_statementimport s ON s.id = l.statement_id"
            " WHERE l.council_id = %s AND s.status = 'saved' AND l.record_id IS NULL AND l.duplicate_of_id IS NULL"
            " AND NOT l.is_payment_in AND l.amount > 0 AND l.suggested_category <> 'fees'",
            [c],
        ),
        (
            "SELECT agreement_id, period_start FROM spending_monitoringreturn"
            " WHERE council_id = %s AND status IN ('submitted', 'accepted', 'queried')",
            [c],
        ),
        (
            "SELECT id, agreement_id, full_name, close_relative_in_household, exception_approved_by_id, ended_on"
            " FROM payments_personalassistant WHERE council_id = %s",
            [c],
        ),
        (
            "SELECT al.agreement_id, bl.amount, bl.start_date, bl.end_date FROM payments_agreementline al"
            " JOIN budgets_budgetline bl ON bl.id = al.budget_line_id WHERE al.council_id = %s",
            [c],
        ),
        ("SELECT text, reason, keywords FROM offer_spendingrestriction WHERE council_id = %s AND active", [c]),
        ("SELECT * FROM councils_councilpolicy WHERE council_id = %s ORDER BY effective_from DESC", [c]),
        ('SELECT agreement_id, "key" FROM monitoring_finding WHERE council_id = %s', [c]),
        (
            "SELECT p.child_id, p.issued_on, ch.date_of_birth, MAX(r.meeting_date) FROM plans_plan p"
            " JOIN people_child ch ON ch.id = p.child_id LEFT JOIN plans_planreview r ON r.plan_id = p.id"
            " WHERE p.council_id = %s AND p.issued_on IS NOT NULL AND p.status <> 'ceased'"
            " GROUP BY p.id, p.child_id, p.issued_on, ch.date_of_birth",
            [c],
        ),
        (
            "SELECT child_id, action, after, created_at FROM audit_auditevent WHERE council_id = %s"
            " AND child_id IS NOT NULL AND action IN ('budget.recalculated', 'provision.created',"
            " 'provision.updated', 'provision.removed', 'plan.status_changed')",
            [c],
        ),
        ("SELECT agreement_id, trigger, trigger_key FROM monitoring_dpreview WHERE council_id = %s", [c]),
    ]
    rows = 0
    with connection.cursor() as cur:
        for sql, params in queries:
            cur.execute(sql, params)
            rows += len(cur.fetchall())
    return rows


def sweep(council, kind: str, shapes: Counter) -> tuple[Sweep, float, Counter]:
    """One sweep started as the daily schedule starts it, timed, its statements counted by first word and by shape."""

    def shape(execute, sql, params, many, context):
        text = re.sub(r"%s(?:\s*,\s*%s)*", "?", sql)
        shapes[re.sub(r"\((?:\?\s*,\s*)*\?\)(?:\s*,\s*\((?:\?\s*,\s*)*\?\))*", "(...)", text)] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(shape):
        started, seconds, kinds = measure(services.sweep_start, actor=None, council=council, kind=kind)
    return Sweep.objects.get(pk=started.pk), seconds, kinds


def new_findings(sweep_: Sweep) -> set[tuple[int, str]]:
    return set(Finding.objects.filter(sweep=sweep_).values_list("agreement_id", "key"))


def compare(what: str, found: set, wanted: set) -> list[str]:
    """A problem if the findings raised are not the ones wanted, with a few examples each way."""
    if found == wanted:
        return []
    extra, missing = sorted(found - wanted), sorted(wanted - found)
    return [f"{what}: {len(found)} findings, expected {len(wanted)}; not expected {extra[:3]}, missing {missing[:3]}"]


def by_rule(pairs: set) -> str:
    return ", ".join(f"{rule} {count}" for rule, count in sorted(Counter(k.split(":")[0] for _, k in pairs).items()))


def main() -> int:
    """Set up, measure, print the table and check the result; 1 if any check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=2000, help="live agreements in the council")
    n = parser.parse_args().agreements
    old_name = fresh_database()
    try:
        start = time.perf_counter()
        council, agreements, expected = build(n)
        if connection.vendor == "postgresql":  # statistics, as autovacuum keeps them on a live database
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        set_up = time.perf_counter() - start
        shapes = Counter()
        first, first_s, first_q = sweep(council, SweepKind.FULL, shapes)
        rows, base_s, base_q = measure(baseline, council)
        again, again_s, again_q = sweep(council, SweepKind.FULL, Counter())
        changed, expected_new = change(council, agreements)
        incremental, inc_s, inc_q = sweep(council, SweepKind.INCREMENTAL, Counter())

        print(
            f"\nMonitoring sweeps of {n} live agreements on {engine()}, Python {sys.version.split()[0]} "
            f"(set-up {set_up:.1f} s; {SpendingRecord.objects.filter(council=council).count()} spending records)\n"
        )
        print(
            f"{'step':<38}{'seconds':>9}{'queries':>9}{'per agreement':>15}{'looked at':>11}{'raised':>8}{'ratio':>8}"
        )
        for step, s, seconds, kinds in (
            ("full sweep", first, first_s, first_q),
            ("full sweep again (nothing new)", again, again_s, again_q),
            (f"incremental sweep ({len(changed)} changed)", incremental, inc_s, inc_q),
            ("baseline: full sweep's reads as SQL", None, base_s, base_q),
        ):
            total = sum(kinds.values())
            looked, raised = (s.checked, s.raised) if s else (n, "-")
            print(
                f"{step:<38}{seconds:>9.3f}{total:>9}{total / n:>15.3f}{looked:>11}{raised!s:>8}"
                f"{seconds / base_s:>7.1f}x"
            )
        print(f"(ratio: seconds over the baseline's; the baseline read {rows} rows in {sum(base_q.values())} queries)")
        for step, kinds in (("full", first_q), ("incremental", inc_q)):
            print(f"{step} sweep's statements: {', '.join(f'{k} {v}' for k, v in kinds.most_common())}")
        print("full sweep's most repeated statements:")
        for text, count in shapes.most_common(3):
            flag = "  <- about one per agreement" if count >= n / 2 else ""
            print(f"  {count:>6} x {' '.join(text.split())[:110]}{flag}")

        problems = [
            f"sweep {s.pk} ({s.kind}) {s.status}: {s.error}"
            for s in (first, again, incremental)
            if s.status != SweepStatus.FINISHED
        ]
        problems += compare("first full sweep", new_findings(first), expected)
        problems += compare("second full sweep", new_findings(again), set())
        problems += compare("incremental sweep", new_findings(incremental), expected_new)
        if incremental.checked != len(changed):
            problems.append(f"the incremental sweep looked at {incremental.checked} agreements, not {len(changed)}")
        if first.reviews_added != 2 * n or again.reviews_added or incremental.reviews_added:
            problems.append(
                f"reviews added {first.reviews_added}, {again.reviews_added}, {incremental.reviews_added}: expected "
                f"{2 * n} (a first review and a plan review each), then none"
            )
        if DpReview.objects.filter(council=council).count() != 2 * n:
            problems.append("the council does not have two reviews per agreement")
        print(f"\nfirst sweep raised: {by_rule(new_findings(first))}; reviews added {first.reviews_added}")
        print(f"incremental sweep raised: {by_rule(new_findings(incremental))}")
        print(
            "checks: "
            + (
                "; ".join(problems)
                if problems
                else "every finding expected raised once; nothing raised twice; incremental looked at the changed only"
            )
        )
        return 1 if problems else 0
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(TMP)


if __name__ == "__main__":
    sys.exit(main())
