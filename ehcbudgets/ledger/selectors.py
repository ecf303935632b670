"""Reading the ledger: balances always come from the legs, never from a stored total (ADR 9)."""

from decimal import Decimal

from django.db.models import QuerySet, Sum

from ehcbudgets.core.money import sum_in_pence

from .models import Account, Leg, Transaction


def balance(*, account: Account, up_to=None) -> Decimal:
    """The sum of an account's legs (debits positive), optionally only of transactions up to a date."""
    legs = Leg.objects.filter(account=account, council_id=account.council_id)
    if up_to is not None:
        legs = legs.filter(transaction__occurred_on__lte=up_to)
    return sum_in_pence(legs.aggregate(total=Sum("amount"))["total"])


def balances(*, council, keys: list[str]) -> dict[str, Decimal]:
    """Balances of several accounts of one council by key, in one query (a missing account has a balance of 0)."""
    rows = (
        Leg.objects.filter(council=council, account__key__in=keys).values("account__key").annotate(total=Sum("amount"))
    )
    found = {row["account__key"]: row["total"] for row in rows}
    return {key: sum_in_pence(found.get(key)) for key in keys}


def council_total(*, council) -> Decimal:
    """The sum of every leg a council has posted: zero whenever the ledger is whole."""
    return sum_in_pence(Leg.objects.filter(council=council).aggregate(total=Sum("amount"))["total"])


def entries(*, account: Account) -> QuerySet[Leg]:
    """An account's legs, oldest first, with their transactions: a statement of the account."""
    return (
        Leg.objects.filter(account=account, council_id=account.council_id)
        .select_related("transaction")
        .order_by("transaction__occurred_on", "transaction_id", "pk")
    )


def transactions_of(*, council) -> QuerySet[Transaction]:
    """A council's posted transactions, newest first."""
    return Transaction.objects.filter(council=council, posted=True).order_by("-occurred_on", "-pk")
