"""Posting to the ledger: the one way money moves in the product (ARCHITECTURE convention 2; ADR 9).

These functions are called by the services that move money (payment runs, spending, refunds, recoveries); they
check the double-entry rules themselves and the database checks them again.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction

from ehcbudgets.plans.models import FundingStream

from .models import Account, AccountKind, Leg, Transaction, TransactionKind

STREAM_NAMES = dict(FundingStream.choices)
#: The largest amount a leg's column holds (12 digits, 2 of them pence).
MAX_AMOUNT = Decimal("9999999999.99")


def fund_account(*, council, funding_stream: str) -> Account:
    """The council's direct payment fund for one funding stream (education, health or social care)."""
    if funding_stream not in STREAM_NAMES:
        raise ValidationError(f"Unknown funding stream: {funding_stream}")
    account, _ = Account.objects.get_or_create(
        council=council,
        key=f"fund:{funding_stream}",
        defaults={
            "kind": AccountKind.COUNCIL_FUND,
            "funding_stream": funding_stream,
            "name": f"Direct payments fund: {STREAM_NAMES[funding_stream].lower()}",
        },
    )
    return account


def recoveries_account(*, council) -> Account:
    """Money the council has recovered from direct payment accounts (DOMAIN R23)."""
    account, _ = Account.objects.get_or_create(
        council=council, key="recoveries", defaults={"kind": AccountKind.RECOVERIES, "name": "Recovered money"}
    )
    return account


def holder_account(*, council, holder: str, kind: str, name: str) -> Account:
    """An account that belongs to one holder (e.g. "agreement:42"): its recipient, spending or refunds account."""
    if kind not in (AccountKind.RECIPIENT, AccountKind.SPENDING, AccountKind.REFUNDS):
        raise ValidationError(f"{kind} accounts are not held per agreement")
    account, _ = Account.objects.get_or_create(
        council=council, key=f"{holder}:{kind}", defaults={"kind": kind, "name": name}
    )
    return account


def holder_accounts(*, council, wanted: dict[str, tuple[str, str]]) -> dict[str, Account]:
    """Many holders' accounts at once (holder -> (kind, name)), made where missing: one read and one insert, not a
    `holder_account` each."""
    for kind, _ in wanted.values():
        if kind not in (AccountKind.RECIPIENT, AccountKind.SPENDING, AccountKind.REFUNDS):
            raise ValidationError(f"{kind} accounts are not held per agreement")
    keys = {f"{holder}:{kind}": holder for holder, (kind, _) in wanted.items()}
    found = {}
    for start in range(0, len(keys), BATCH):
        batch = list(keys)[start : start + BATCH]
        found |= {a.key: a for a in Account.objects.filter(council=council, key__in=batch)}
    missing = [
        Account(council=council, key=key, kind=wanted[holder][0], name=wanted[holder][1])
        for key, holder in keys.items()
        if key not in found
    ]
    for account in Account.objects.bulk_create(missing, batch_size=BATCH):
        found[account.key] = account
    return {holder: found[key] for key, holder in keys.items()}


@dataclass(frozen=True)
class Entry:
    """One transaction to post with `post_many`: its kind, day, description, legs and key."""

    kind: str
    occurred_on: date
    description: str
    legs: list
    key: str


#: Rows read or written in one statement when posting many transactions.
BATCH = 500


@db_transaction.atomic
def post_many(*, council, entries: list[Entry], actor=None) -> list[Transaction]:
    """Post many balanced transactions in a few statements per batch (a payment run's payments), each under its
    key: a key already posted returns its first posting and adds nothing, as `post` does. Every entry is checked
    as `post` checks one; the database checks each again as it is posted. All or nothing."""
    keys = [entry.key for entry in entries]
    if not all(keys) or len(set(keys)) != len(keys):
        raise ValidationError("Each transaction posted in a batch needs its own key")
    for entry in entries:
        if entry.kind not in TransactionKind.values:
            raise ValidationError(f"Unknown kind of ledger transaction: {entry.kind}")
        _check_legs(council, entry.legs)
    done = {}
    for start in range(0, len(keys), BATCH):
        done |= {t.key: t for t in Transaction.objects.filter(council=council, key__in=keys[start : start + BATCH])}
    created_by = actor if getattr(actor, "pk", None) else None
    new = [
        Transaction(
            council=council,
            kind=entry.kind,
            occurred_on=entry.occurred_on,
            description=entry.description[:300],
            key=entry.key,
            created_by=created_by,
        )
        for entry in entries
        if entry.key not in done
    ]
    Transaction.objects.bulk_create(new, batch_size=BATCH)
    by_key = {txn.key: txn for txn in new}
    Leg.objects.bulk_create(
        [
            Leg(council=council, transaction=by_key[entry.key], account=account, amount=amount)
            for entry in entries
            if entry.key in by_key
            for account, amount in entry.legs
        ],
        batch_size=BATCH,
    )
    ids = [txn.pk for txn in new]
    for start in range(0, len(ids), BATCH):
        Transaction.objects.filter(pk__in=ids[start : start + BATCH]).mark_posted()
    for txn in new:
        txn.posted = True
    return [done.get(key) or by_key[key] for key in keys]


def _check_legs(council, legs: list[tuple[Account, Decimal]]) -> None:
    """Two or more legs, each a non-zero amount in whole pence of an account of the same council, summing to zero."""
    if len(legs) < 2:
        raise ValidationError("A ledger transaction needs at least two legs")
    for account, amount in legs:
        if account.council_id != council.pk:
            raise ValidationError("Every leg must be an account of the same council")
        if (
            not isinstance(amount, Decimal)
            or not amount.is_finite()
            or abs(amount) > MAX_AMOUNT
            or amount != amount.quantize(Decimal("0.01"))
        ):
            raise ValidationError("Ledger amounts are Decimals in whole pence, at most £9,999,999,999.99")
        if amount == 0:
            raise ValidationError("A ledger leg cannot be zero")
    if sum(amount for _, amount in legs) != 0:
        raise ValidationError("The legs of a ledger transaction must sum to zero")


@db_transaction.atomic
def post(
    *,
    council,
    kind: str,
    occurred_on: date,
    description: str,
    legs: Iterable[tuple[Account, Decimal]],
    actor=None,
    key: str = "",
    reverses: Transaction | None = None,
) -> Transaction:
    """Post one balanced transaction. With a key, posting it again returns the first posting and adds nothing."""
    if kind not in TransactionKind.values:
        raise ValidationError(f"Unknown kind of ledger transaction: {kind}")
    legs = [(account, amount) for account, amount in legs]
    _check_legs(council, legs)
    if key:
        existing = Transaction.objects.filter(council=council, key=key).first()
        if existing is not None:
            return existing
    txn = Transaction.objects.create(
        council=council,
        kind=kind,
        occurred_on=occurred_on,
        description=description[:300],
        key=key,
        reverses=reverses,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Leg.objects.bulk_create(
        [Leg(council=council, transaction=txn, account=account, amount=amount) for account, amount in legs]
    )
    txn.posted = True
    txn.save(update_fields=["posted"])
    return txn


@db_transaction.atomic
def reverse(*, txn: Transaction, actor, reason: str, occurred_on: date) -> Transaction:
    """Undo a posted transaction with an equal and opposite one; a transaction is reversed at most once, and a
    reversal is corrected by posting again, never by reversing it."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the entry is being reversed"})
    txn = Transaction.objects.select_for_update().get(pk=txn.pk)
    if txn.kind == TransactionKind.REVERSAL:
        raise ValidationError("A reversal cannot itself be reversed: post the entry again instead")
    if Transaction.objects.filter(reverses=txn).exists():
        raise ValidationError("This entry has already been reversed")
    legs = [(leg.account, -leg.amount) for leg in txn.legs.select_related("account")]
    return post(
        council=txn.council,
        kind=TransactionKind.REVERSAL,
        occurred_on=occurred_on,
        description=f"Reversal of '{txn.description}': {reason.strip()}",
        legs=legs,
        actor=actor,
        reverses=txn,
    )
