"""Reading direct payments, always scoped to a council and to what the user may see (ARCHITECTURE convention 3)."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ehcbudgets.ledger import selectors as ledger
from ehcbudgets.ledger.models import Account, AccountKind
from ehcbudgets.people.selectors import children_visible_to

from .models import Agreement, AgreementStatus, PaymentRun, PaymentStatus, Recovery, RecoveryStatus, ScheduledPayment


def agreements_of(*, child) -> QuerySet[Agreement]:
    """A child's direct payment agreements, newest first."""
    return Agreement.objects.filter(child=child, council_id=child.council_id).select_related("recipient")


def agreement_get(*, user, child_pk, pk) -> Agreement:
    """One agreement of a child the user may see, or 404."""
    return get_object_or_404(
        Agreement.objects.filter(child__in=children_visible_to(user)).select_related(
            "child__council", "recipient", "managed_by", "budget", "notice_letter"
        ),
        pk=pk,
        child_id=child_pk,
    )


def schedule(*, agreement: Agreement) -> QuerySet[ScheduledPayment]:
    """The agreement's payments in date order, with the ones replaced or not paid."""
    return agreement.payments.select_related("run").order_by("due_on", "status", "pk")


def next_payment(*, agreement: Agreement) -> ScheduledPayment | None:
    """The next payment the recipient can expect, or None."""
    if agreement.status != AgreementStatus.ACTIVE:
        return None
    return agreement.payments.filter(status=PaymentStatus.SCHEDULED).order_by("due_on").first()


def _recipient_account(agreement: Agreement) -> Account | None:
    """The ledger account the recipient holds the payments in, if anything has been posted to it yet."""
    return Account.objects.filter(council_id=agreement.council_id, key=f"{agreement.holder}:recipient").first()


def recipient_balance(*, agreement: Agreement, up_to: date | None = None):
    """What the recipient holds of the payments (at the end of a day, if given): from the ledger, never a stored
    total (ADR 9)."""
    account = _recipient_account(agreement)
    return ledger.balance(account=account, up_to=up_to) if account else Decimal("0.00")


def statement(*, agreement: Agreement) -> list[dict]:
    """The recipient's account from the ledger, oldest first, with the balance after each entry."""
    account = _recipient_account(agreement)
    if account is None:
        return []
    rows, running = [], Decimal("0.00")
    for leg in ledger.entries(account=account):
        running += leg.amount
        rows.append(
            {
                "on": leg.transaction.occurred_on,
                "what": leg.transaction.description,
                "amount": leg.amount,
                "balance": running,
            }
        )
    return rows


def runs_of(*, council) -> QuerySet[PaymentRun]:
    """A council's payment runs, newest first."""
    return PaymentRun.objects.filter(council=council).select_related("prepared_by", "approved_by")


def run_get(*, user, pk) -> PaymentRun:
    """One run of the user's council, or 404."""
    return get_object_or_404(PaymentRun.objects.filter(council_id=user.council_id), pk=pk)


def due_summary(*, council, up_to: date) -> dict:
    """How many payments, and how much, are waiting to be paid up to a date (before a run is prepared)."""
    payments = ScheduledPayment.objects.filter(
        council=council,
        status=PaymentStatus.SCHEDULED,
        run__isnull=True,
        due_on__lte=up_to,
        agreement__status=AgreementStatus.ACTIVE,
    )
    rows = list(payments.values_list("amount", flat=True))
    return {"count": len(rows), "total": sum(rows, Decimal("0.00"))}


def open_recoveries(*, council) -> QuerySet[Recovery]:
    """Recoveries not yet fully repaid, oldest due first."""
    return (
        Recovery.objects.filter(council=council, status=RecoveryStatus.OPEN)
        .select_related("agreement__child", "payer")
        .order_by("due_on", "pk")
    )


def recovery_get(*, user, pk) -> Recovery:
    return get_object_or_404(
        Recovery.objects.filter(council_id=user.council_id).select_related("agreement__child", "payer"), pk=pk
    )


def ledger_summary(*, council) -> dict:
    """The council's ledger by kind of account: funds, recoveries, and all recipients together; the total is 0."""
    accounts = list(Account.objects.filter(council=council).order_by("key"))
    found = ledger.balances(council=council, keys=[a.key for a in accounts])
    funds = [(a, found[a.key]) for a in accounts if a.kind in (AccountKind.COUNCIL_FUND, AccountKind.RECOVERIES)]
    held = {kind: Decimal("0.00") for kind in (AccountKind.RECIPIENT, AccountKind.SPENDING, AccountKind.REFUNDS)}
    for account in accounts:
        if account.kind in held:
            held[account.kind] += found[account.key]
    return {
        "funds": funds,
        "held": [(AccountKind(kind).label, total) for kind, total in held.items()],
        "total": ledger.council_total(council=council),
        "transactions": ledger.transactions_of(council=council)[:25],
    }
