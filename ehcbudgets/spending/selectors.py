"""Reading a family's spending: always through the agreement, which selectors of the payments app scope to the user.
Balances come from the ledger (ADR 9)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Sum

from ehcbudgets.core.dates import format_date, today
from ehcbudgets.core.money import sum_in_pence
from ehcbudgets.councils.models import ReturnFrequency
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.payments import rules as payment_rules
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments.models import Agreement, PaymentStatus

from . import linking, rules
from .models import Commitment, LinkRule, MonitoringReturn, SavingsPot, SpendingPart, SpendingRecord

ZERO = Decimal("0.00")
RETURN_MONTHS = {
    ReturnFrequency.MONTHLY: 1,
    ReturnFrequency.QUARTERLY: 3,
    ReturnFrequency.SIX_MONTHLY: 6,
    ReturnFrequency.ANNUAL: 12,
}


def records_of(*, agreement: Agreement):
    """The agreement's records, newest first, with their parts and receipts."""
    return (
        SpendingRecord.objects.filter(agreement=agreement, council_id=agreement.council_id, withdrawn=False)
        .prefetch_related("parts__line", "receipts")
        .order_by("-spent_on", "-pk")
    )


def duplicate_of(*, agreement: Agreement, fitid: str, fingerprint: str) -> SpendingRecord | None:
    """A record already made from the same bank transaction: by the bank's own id when the line has one, otherwise
    by the same date, amount, payee and balance (its fingerprint). Two same-day fares with their own ids are two."""
    records = SpendingRecord.objects.filter(agreement=agreement, withdrawn=False).order_by("pk")
    if fitid:
        return records.filter(fitid=fitid).first()
    if fingerprint:
        return records.filter(fingerprint=fingerprint, fitid="").first()
    return None


def recorded_ids(*, agreement: Agreement) -> dict:
    """The agreement's records by ("fitid", id) and by ("fingerprint", print), read once for a whole statement: the
    same rule as duplicate_of (the bank's id when a record has one, otherwise its fingerprint)."""
    found = {}
    for record in SpendingRecord.objects.filter(agreement=agreement, withdrawn=False).order_by("-pk"):
        if record.fitid:
            found[("fitid", record.fitid)] = record
        elif record.fingerprint:
            found[("fingerprint", record.fingerprint)] = record
    return found


def last_layout(*, agreement: Agreement):
    """The CSV layout of the family's last saved statement, offered first next time (chosen once, then remembered)."""
    last = (
        agreement.imports.filter(status="saved", layout__isnull=False).select_related("layout").order_by("-pk").first()
    )
    return last.layout if last else None


def linking_context(*, agreement: Agreement) -> dict:
    """What the linking rules need, read once per import: the lines, the family's and council's rules, and what the
    family did with each payee before."""
    lines = list(agreement.lines.select_related("budget_line__offer_item"))
    family_rules = list(LinkRule.objects.filter(agreement=agreement).order_by("-pk"))
    council_rules = list(
        LinkRule.objects.filter(council_id=agreement.council_id, agreement__isnull=True).order_by("-pk")
    )
    history = {}
    for record in records_of(agreement=agreement).order_by("spent_on", "pk"):
        parts = list(record.parts.all())
        total = sum((abs(p.amount) for p in parts), ZERO)
        if not total:
            continue
        shares = [(p.line, Fraction(abs(p.amount)) * 100 / Fraction(total)) for p in parts]
        history[linking.payee_key(record.payee)] = (record.category, shares, format_date(record.spent_on))
    return {"lines": lines, "family_rules": family_rules, "council_rules": council_rules, "history": history}


# Balance, commitments, savings, projection (DOMAIN R32) -------------------------------------------------------------


def money_picture(*, agreement: Agreement, on: date | None = None) -> dict:
    """The balance from the ledger, what is owed, what is set aside, what is free to spend, what is still to be paid
    in, a projection of the balance at the end, and the surplus the council may ask back (DOMAIN R32)."""
    on = on or today()
    balance = payment_selectors.recipient_balance(agreement=agreement)
    committed = sum_in_pence(
        Commitment.objects.filter(agreement=agreement, settled_on__isnull=True).aggregate(t=Sum("amount"))["t"]
    )
    set_aside = sum_in_pence(SavingsPot.objects.filter(agreement=agreement).aggregate(t=Sum("amount"))["t"])
    to_come = sum_in_pence(agreement.payments.filter(status=PaymentStatus.SCHEDULED).aggregate(t=Sum("amount"))["t"])
    spent = sum_in_pence(records_of(agreement=agreement).aggregate(t=Sum("amount"))["t"])
    first = agreement.start_date  # spending is averaged over the agreement so far, whenever payments began
    days_so_far = max((min(on, agreement.end_date) - first).days + 1, 1)
    days_left = max((agreement.end_date - on).days, 0)
    daily = spent / Decimal(days_so_far) if spent > 0 else ZERO
    projected = sum_in_pence(balance + to_come - daily * days_left)
    policy = policy_in_force(council=agreement.council, on=on)
    yearly = agreement.amount * 365 / Decimal((agreement.end_date - agreement.start_date).days + 1)
    return {
        "balance": balance,
        "committed": committed,
        "set_aside": set_aside,
        "free": balance - committed - set_aside,
        "to_come": to_come,
        "spent": spent,
        "projected_end": projected,
        "end_date": agreement.end_date,
        "surplus": payment_rules.surplus(
            balance=balance, committed=committed, annual_amount=yearly, threshold_weeks=policy.surplus_threshold_weeks
        ),
    }


def by_line(*, agreement: Agreement, start: date | None = None, end: date | None = None, on: date | None = None):
    """Each agreed provision line: its amount for the agreement, what was expected by now (pro rata by days), what was
    spent, and the outcomes of the plan it serves."""
    on = on or today()
    parts = SpendingPart.objects.filter(record__agreement=agreement, record__withdrawn=False)
    if start:
        parts = parts.filter(record__spent_on__gte=start)
    if end:
        parts = parts.filter(record__spent_on__lte=end)
    spent = {row["line"]: sum_in_pence(row["t"]) for row in parts.values("line").annotate(t=Sum("amount"))}
    total_days = (agreement.end_date - agreement.start_date).days + 1
    elapsed = min(max((on - agreement.start_date).days + 1, 0), total_days)
    rows = []
    for line in agreement.lines.select_related("budget_line__provision_item").prefetch_related(
        "budget_line__provision_item__outcomes"
    ):
        expected = sum_in_pence(line.amount * Decimal(elapsed) / Decimal(total_days))
        rows.append(
            {
                "line": line,
                "amount": line.amount,
                "expected": expected,
                "spent": spent.get(line.pk, ZERO),
                "outcomes": [o.text for o in line.budget_line.provision_item.outcomes.all()],
            }
        )
    return rows


def by_outcome(*, agreement: Agreement, start=None, end=None, on=None):
    """Spending by section E outcome: a line that serves several outcomes counts towards each of them."""
    outcomes = defaultdict(lambda: {"amount": ZERO, "expected": ZERO, "spent": ZERO, "lines": []})
    for row in by_line(agreement=agreement, start=start, end=end, on=on):
        for text in row["outcomes"] or ["Not linked to an outcome"]:
            entry = outcomes[text]
            entry["amount"] += row["amount"]
            entry["expected"] += row["expected"]
            entry["spent"] += row["spent"]
            entry["lines"].append(row["line"].description)
    return [{"outcome": text, **values} for text, values in outcomes.items()]


# Monitoring returns (DOMAIN R31) ---------------------------------------------------------------------------------


def return_periods(*, agreement: Agreement) -> list[tuple[date, date]]:
    """The agreement's return periods at the council's frequency (default quarterly), from the start date."""
    policy = policy_in_force(council=agreement.council, on=agreement.start_date)
    return rules.return_periods(
        start=agreement.start_date, end=agreement.end_date, months=RETURN_MONTHS[policy.return_frequency]
    )


def return_period(*, agreement: Agreement, containing: date):
    """The return period that contains a date, or None."""
    for start, end in return_periods(agreement=agreement):
        if start <= containing <= end:
            return start, end
    return None


def return_summary(*, agreement: Agreement, start: date, end: date) -> dict:
    """A return's figures, compiled from the records: spending by line and outcome, receipts, payments in, balance."""
    records = records_of(agreement=agreement).filter(spent_on__gte=start, spent_on__lte=end)
    paid_in = sum_in_pence(
        agreement.payments.filter(status=PaymentStatus.PAID, paid_on__gte=start, paid_on__lte=end).aggregate(
            t=Sum("amount")
        )["t"]
    ) - sum_in_pence(
        agreement.payments.filter(status=PaymentStatus.PAID, paid_on__gte=start, paid_on__lte=end).aggregate(
            t=Sum("offset")
        )["t"]
    )
    with_receipt = records.filter(receipts__isnull=False).distinct().count()
    lines = by_line(agreement=agreement, start=start, end=end, on=end)
    return {
        "period": [start.isoformat(), end.isoformat()],
        "records": records.count(),
        "with_receipts": with_receipt,
        "spent": str(sum_in_pence(records.filter(amount__gt=0).aggregate(t=Sum("amount"))["t"])),
        "refunds": str(-sum_in_pence(records.filter(amount__lt=0).aggregate(t=Sum("amount"))["t"])),
        "paid_in": str(paid_in),
        "balance": str(payment_selectors.recipient_balance(agreement=agreement, up_to=end)),
        "lines": [
            {
                "line": r["line"].description,
                "amount": str(r["amount"]),
                "spent": str(r["spent"]),
                "outcomes": r["outcomes"],
            }
            for r in lines
        ],
        "outcomes": [
            {"outcome": o["outcome"], "spent": str(o["spent"])}
            for o in by_outcome(agreement=agreement, start=start, end=end, on=end)
        ],
    }


def returns_due(*, agreement: Agreement, on: date | None = None) -> list[dict]:
    """The periods that have ended, each with its return's status (none sent yet, sent, accepted, queried)."""
    on = on or today()
    sent = {r.period_start: r for r in MonitoringReturn.objects.filter(agreement=agreement)}
    return [
        {"start": start, "end": end, "return": sent.get(start)}
        for start, end in return_periods(agreement=agreement)
        if end < on or start in sent
    ]
