"""Benchmark: one council's payment run at scale, prepared and approved through the services, beside a baseline.

    .venv/bin/python bench/payment_run.py --agreements 2000
    scripts/with-postgres .venv/bin/python bench/payment_run.py --agreements 2000

It migrates a throwaway database (SQLite: a file in a temporary folder under /tmp, never var/db.sqlite3;
PostgreSQL: test_<name> beside DATABASE_URL's database, dropped afterwards), writes one council with N active,
consented 4-weekly agreements in bulk (each a full 13-payment schedule with the first payment due today), then times
payment_run_prepare and payment_run_approve and counts their SQL statements. The baseline is approve's database work
written by hand (ledger accounts, transactions, legs, posting, payments marked paid, first payment dates) with
executemany in one transaction, timed on the same prepared run and rolled back. Approve's peak Python memory is
measured on a second, identical council, because tracemalloc slows the code it watches. Every due payment must
then be paid exactly once and the ledger must sum to zero, or the script exits 1. Results: docs/benchmarks.md.
"""

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # DEBUG off, quick password hashing, no real email
TMP = Path(tempfile.mkdtemp(prefix="ehcbudgets-bench-", dir="/tmp"))
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"

import django  # noqa: E402 - Django is set up once the database is chosen

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from ehcbudgets.accounts.models import Role, User  # noqa: E402
from ehcbudgets.budgets.models import Budget, BudgetRequest  # noqa: E402
from ehcbudgets.core.dates import format_date, today  # noqa: E402
from ehcbudgets.councils.models import ICB, Council  # noqa: E402
from ehcbudgets.ledger.models import Leg, Transaction  # noqa: E402
from ehcbudgets.payments import rules, services  # noqa: E402
from ehcbudgets.payments.models import Agreement, BankDetails, PaymentStatus, ScheduledPayment  # noqa: E402
from ehcbudgets.people.models import Child, Contact  # noqa: E402
from ehcbudgets.plans.models import Plan  # noqa: E402

STREAMS = ("education", "health", "social_care")
AMOUNT, PAYMENTS = Decimal("1300.00"), 13  # £100.00 every 4 weeks for a year


def fresh_database() -> str | None:
    """Migrate the throwaway database; on PostgreSQL create test_<name> first and return the original name."""
    if connection.vendor == "postgresql":
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return old_name
    call_command("migrate", verbosity=0)
    return None


def make_council(n: int, label: str, start: date | None = None):
    """One council with its bank details, three staff, and n active consented agreements, all written in bulk, as
    made on the start day (today unless given): each agreement starts then, with its first payment due that day."""
    on, year = start or today(), timedelta(364)
    issued, received, due, decided = (on - timedelta(days) for days in (200, 60, 46, 30))
    icb = ICB.objects.create(name=f"NHS Bench {label} ICB", code=f"QB{label}")
    council = Council.objects.create(name=f"Bench {label} Council", code=f"bench-{label.lower()}", icb=icb)
    bank = {"service_user_number": "123456", "service_user_name": "BENCH BC", "account_number": "00733445"}
    BankDetails.objects.create(council=council, sort_code="309430", **bank)
    officer, preparer, approver = (
        User.objects.create_user(f"{role}{i}@{label}.example", full_name=f"Officer {i}", role=role, council=council)
        for i, role in enumerate((Role.CASE_OFFICER, Role.FINANCE_OFFICER, Role.FINANCE_OFFICER))
    )
    born = date(2014, 9, 1)
    children = Child.objects.bulk_create(
        Child(council=council, first_name="Child", last_name=f"B{i}", date_of_birth=born, council_reference=f"{i}")
        for i in range(n)
    )
    contacts = Contact.objects.bulk_create(
        Contact(council=council, child=c, full_name=f"Parent B{i}", relationship="parent", email=f"p{i}@bench.example")
        for i, c in enumerate(children)
    )
    plans = Plan.objects.bulk_create(Plan(council=council, child=c, status="final", issued_on=issued) for c in children)
    request = {"council": council, "channel": "letter", "window": "review", "status": "decided"}
    request |= {"received_on": received, "decision_due_on": due}
    requests = BudgetRequest.objects.bulk_create(
        BudgetRequest(child=c, plan=p, requested_by=k, requester_name=k.full_name, **request)
        for c, p, k in zip(children, plans, contacts, strict=True)
    )
    budget = {"council": council, "period_start": on, "period_end": on + year, "status": "approved"}
    budget |= {"final_amount": AMOUNT, "costed_total": AMOUNT, "prepared_by": officer, "decided_on": decided}
    budgets = Budget.objects.bulk_create(Budget(request=r, child=r.child, plan=r.plan, **budget) for r in requests)
    terms = {"council": council, "amount": AMOUNT, "frequency": "four_weekly", "start_date": on, "end_date": on + year}
    terms |= {"status": "active", "notice_sent_on": on - timedelta(14), "consented_on": on - timedelta(7)}
    terms |= {"consent_channel": "paper", "consent_recorded_by": officer, "created_by": officer}
    terms |= {"terms_version": 1, "consent_terms_version": 1}
    agreements = Agreement.objects.bulk_create(
        Agreement(child_id=b.child_id, budget=b, recipient=k, **terms, **payee(i))
        for i, (b, k) in enumerate(zip(budgets, contacts, strict=True))
    )
    ScheduledPayment.objects.bulk_create(
        ScheduledPayment(
            council=council, agreement=a, due_on=d, period_start=d, period_end=d + timedelta(27), **split(i)
        )
        for i, a in enumerate(agreements)
        for d in (on + timedelta(28 * j) for j in range(PAYMENTS))
    )
    return council, preparer, approver


def engine() -> str:
    """The database and its version, e.g. "SQLite 3.40.1"."""
    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    return f"SQLite {connection.Database.sqlite_version}"


def payee(i: int) -> dict:
    """Where agreement i pays: a prepaid card, or for every other agreement a dedicated bank account."""
    if i % 2:
        return {
            "payment_method": "bank_account",
            "account_name": f"B{i}",
            "sort_code": "309430",
            "account_number": f"{i:08d}",
        }
    return {"payment_method": "prepaid_card", "card_account_reference": f"PPC-{i:06d}"}


def split(i: int) -> dict:
    """Each payment of agreement i: £100.00, education and health for every third agreement, else social care."""
    if i % 3 == 0:
        return {"amount": AMOUNT / PAYMENTS, "education": Decimal("60.00"), "health": Decimal("40.00")}
    return {"amount": AMOUNT / PAYMENTS, "social_care": Decimal("100.00")}


def measure(fn, *args, **kwargs):
    """Run fn once: its result, wall time in seconds, and its SQL statements counted by first word."""
    kinds = Counter()

    def count(execute, sql, params, many, context):
        kinds[sql.lstrip().split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    gc.collect()
    with connection.execute_wrapper(count):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        seconds = time.perf_counter() - start
    return result, seconds, kinds


def baseline(run) -> None:
    """Approve's database work as raw SQL with executemany, in one transaction that is then rolled back."""
    on, ops, now = today(), connection.ops, connection.ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value(on)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT id, agreement_id, education, health, social_care, amount, period_start, period_end"
            " FROM payments_scheduledpayment WHERE run_id = %s ORDER BY id",
            [run.pk],
        )
        payments = []
        for pk, agreement_id, *money, start, end in cur.fetchall():  # SQLite hands back numbers and ISO text
            dates = (date.fromisoformat(str(start)), date.fromisoformat(str(end)))
            payments.append((pk, agreement_id, *(Decimal(str(v)) for v in money), *dates))
        accounts = [(f"fund:{s}", "council_fund", s, f"Direct payments fund: {s}") for s in STREAMS]
        accounts += [
            (f"agreement:{p[1]}:recipient", "recipient", "", f"Direct payment account: agreement {p[1]}")
            for p in payments
        ]
        cur.executemany(
            'INSERT INTO ledger_account (council_id, "key", kind, funding_stream, name, created_at)'
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [(run.council_id, *a, now) for a in accounts],
        )
        cur.execute('SELECT "key", id FROM ledger_account WHERE council_id = %s', [run.council_id])
        account = dict(cur.fetchall())
        entries = [
            (f"payment:{p[0]}", f"Direct payment for {format_date(p[6])} to {format_date(p[7])}") for p in payments
        ]
        cur.executemany(
            'INSERT INTO ledger_transaction (council_id, kind, occurred_on, description, "key", posted,'
            " created_by_id, created_at) VALUES (%s, 'payment', %s, %s, %s, FALSE, %s, %s)",
            [(run.council_id, day, text, key, run.prepared_by_id, now) for key, text in entries],
        )
        cur.execute(
            "SELECT \"key\", id FROM ledger_transaction WHERE council_id = %s AND kind = 'payment'", [run.council_id]
        )
        txn = dict(cur.fetchall())
        legs = []
        for pk, agreement_id, *split, amount, _, _ in payments:
            t = txn[f"payment:{pk}"]
            legs += [(t, account[f"fund:{s}"], -v) for s, v in zip(STREAMS, split, strict=True) if v]
            legs.append((t, account[f"agreement:{agreement_id}:recipient"], amount))
        cur.executemany(
            "INSERT INTO ledger_leg (council_id, transaction_id, account_id, amount) VALUES (%s, %s, %s, %s)",
            [(run.council_id, *leg) for leg in legs],
        )
        cur.executemany("UPDATE ledger_transaction SET posted = TRUE WHERE id = %s", [(t,) for t in txn.values()])
        cur.executemany(
            "UPDATE payments_scheduledpayment SET ledger_transaction_id = %s, status = 'paid', paid_on = %s"
            " WHERE id = %s",
            [(txn[f"payment:{p[0]}"], day, p[0]) for p in payments],
        )
        cur.execute(
            "UPDATE payments_agreement SET first_paid_on = %s, first_review_due = %s, updated_at = %s WHERE id IN"
            " (SELECT agreement_id FROM payments_scheduledpayment WHERE run_id = %s) AND first_paid_on IS NULL",
            [day, ops.adapt_datefield_value(rules.first_review_due(on)), now, run.pk],
        )
        transaction.set_rollback(True)


def check(council, n: int) -> list[str]:
    """What is wrong, if anything: a due payment not paid exactly once, or a ledger that does not sum to zero."""
    due = ScheduledPayment.objects.filter(council=council, due_on__lte=today())
    paid = due.filter(status=PaymentStatus.PAID, ledger_transaction__isnull=False)
    txns = Transaction.objects.filter(council=council)
    once = Counter(txns.values_list("key", flat=True)) == Counter(
        f"payment:{pk}" for pk in due.values_list("pk", flat=True)
    )
    problems = []
    if due.count() != n or paid.count() != n:
        problems.append(f"{council.code}: {paid.count()} of {due.count()} due payments paid, expected {n}")
    if not once or txns.filter(posted=False).exists():
        problems.append(f"{council.code}: ledger transactions are not one posted entry per due payment")
    if paid.values("ledger_transaction").distinct().count() != n:
        problems.append(f"{council.code}: due payments do not each have a ledger transaction of their own")
    sums = Counter()
    for transaction_id, amount in Leg.objects.filter(council=council).values_list("transaction_id", "amount"):
        sums[transaction_id] += amount
    if any(sums.values()):  # every transaction balances, so the whole ledger does
        problems.append(f"{council.code}: the ledger does not sum to zero")
    return problems


def main() -> int:
    """Set up, measure, print the table and check the result; 1 if any check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=2000, help="active agreements, one payment due each")
    n = parser.parse_args().agreements
    old_name = fresh_database()
    try:
        start = time.perf_counter()
        council, preparer, approver = make_council(n, "A")
        memory_council, memory_preparer, memory_approver = make_council(n, "B")
        set_up = time.perf_counter() - start
        run, prepare_s, prepare_q = measure(
            services.payment_run_prepare, actor=preparer, council=council, pay_up_to=today()
        )
        _, base_s, base_q = measure(baseline, run)
        if Transaction.objects.filter(council=council).exists():
            raise SystemExit("the baseline's transaction was not rolled back")
        _, approve_s, approve_q = measure(services.payment_run_approve, actor=approver, run=run)
        memory_run = services.payment_run_prepare(actor=memory_preparer, council=memory_council, pay_up_to=today())
        gc.collect()
        tracemalloc.start()
        services.payment_run_approve(actor=memory_approver, run=memory_run)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"\nPayment run of {n} agreements on {engine()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs "
            f"(set-up of 2 councils {set_up:.1f} s)\n"
        )
        print(f"{'step':<32}{'seconds':>9}{'queries':>9}{'per payment':>13}{'ratio':>8}")
        for step, seconds, kinds in (
            ("payment_run_prepare", prepare_s, prepare_q),
            ("payment_run_approve", approve_s, approve_q),
            ("baseline: approve as raw SQL", base_s, base_q),
        ):
            total = sum(kinds.values())
            ratio = "-" if kinds is prepare_q else f"{seconds / base_s:.1f}x"
            print(f"{step:<32}{seconds:>9.3f}{total:>9}{total / n:>13.2f}{ratio:>8}")
        print("(ratio: seconds over the baseline's; each executemany counts as one query)")
        print(f"\napprove's statements: {', '.join(f'{k} {v}' for k, v in approve_q.most_common())}")
        print(f"approve's peak Python memory (tracemalloc, second council): {peak / 2**20:.1f} MiB")
        problems = check(council, n) + check(memory_council, n)
        print("checks: " + ("; ".join(problems) if problems else "every due payment paid once; ledger sums to zero"))
        return 1 if problems else 0
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(TMP)


if __name__ == "__main__":
    sys.exit(main())
