"""A small double-entry ledger: every movement of money is a transaction whose legs sum to zero (ADR 9).

A leg's amount is positive for a debit and negative for a credit. An account's balance is the sum of its legs, so a
recipient's direct payment account shows what the family holds. Nothing here is ever edited or deleted: the ORM
refuses, and database triggers refuse as well (migration 0002). A correction is a reversing transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ehcbudgets.councils.models import CouncilOwned
from ehcbudgets.plans.models import FundingStream


class LedgerImmutable(Exception):
    """Raised when code tries to change or delete what the ledger has recorded."""


class AccountKind(models.TextChoices):
    COUNCIL_FUND = "council_fund", "Council's direct payment fund"
    RECIPIENT = "recipient", "Recipient's direct payment account"
    SPENDING = "spending", "Spent on the agreed provision"
    REFUNDS = "refunds", "Refunds from suppliers"
    RECOVERIES = "recoveries", "Recovered by the council"


class Account(CouncilOwned):
    """One account of a council's ledger, found by its key (e.g. "fund:education", "agreement:42:recipient")."""

    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    funding_stream = models.CharField(max_length=12, choices=FundingStream.choices, blank=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "key"]
        constraints = [models.UniqueConstraint(fields=["council", "key"], name="one_ledger_account_per_key")]

    def __str__(self) -> str:
        return self.name


class TransactionKind(models.TextChoices):
    PAYMENT = "payment", "Direct payment"
    SPENDING = "spending", "Spending"
    REFUND = "refund", "Refund from a supplier"
    RECOVERY = "recovery", "Money recovered"
    REVERSAL = "reversal", "Reversal"


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable("The ledger is never edited: post a reversing transaction instead.")

    def delete(self):
        raise LedgerImmutable("The ledger is never deleted from: post a reversing transaction instead.")


class TransactionQuerySet(ImmutableQuerySet):
    def mark_posted(self) -> int:
        """Post transactions written unposted with their legs: the one change a transaction ever has (the database
        checks each one's legs as it is posted)."""
        return super(ImmutableQuerySet, self.filter(posted=False)).update(posted=True)


class Transaction(CouncilOwned):
    """A movement of money: two or more legs that sum to zero, posted once and never changed.

    A transaction is written unposted, its legs are added, then it is marked posted; the database checks the legs
    sum to zero when it is posted and refuses any change afterwards."""

    kind = models.CharField(max_length=12, choices=TransactionKind.choices)
    occurred_on = models.DateField()
    description = models.CharField(max_length=300)
    key = models.CharField(
        max_length=80, blank=True, help_text="Makes a posting happen once, e.g. 'payment:123' for a scheduled payment."
    )
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    posted = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "key"], condition=~Q(key=""), name="ledger_key_posts_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}: {self.description}"

    def save(self, *args, **kwargs):
        # Once written, the only change is the one that posts it; the database refuses anything after that.
        if self.pk is not None and list(kwargs.get("update_fields") or []) != ["posted"]:
            raise LedgerImmutable("A ledger transaction is never edited: post a reversing transaction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable("The ledger is never deleted from: post a reversing transaction instead.")


class Leg(CouncilOwned):
    """One side of a transaction: a debit (positive) or credit (negative) to one account."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["transaction", "pk"]
        constraints = [models.CheckConstraint(name="leg_amount_not_zero", condition=~Q(amount=0))]
        indexes = [models.Index(fields=["account", "transaction"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise LedgerImmutable("A ledger leg is never edited: post a reversing transaction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable("The ledger is never deleted from: post a reversing transaction instead.")
