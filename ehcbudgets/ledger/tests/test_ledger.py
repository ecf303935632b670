"""The double-entry ledger (ADR 9): what `post` and `reverse` accept and refuse, what the ORM and the database refuse
whatever code runs against them, and what the selectors read back.

A leg's amount is positive for a debit and negative for a credit; an account's balance is the sum of its legs. The
database tests use raw SQL that runs unchanged on SQLite and PostgreSQL, each inside its own savepoint so that a
refused statement leaves the test's transaction usable on PostgreSQL.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from ehcbudgets.ledger import selectors
from ehcbudgets.ledger.models import AccountKind, LedgerImmutable, Leg, Transaction, TransactionKind
from ehcbudgets.ledger.services import fund_account, holder_account, post, recoveries_account, reverse

pytestmark = pytest.mark.django_db

D = Decimal
MONDAY = date(2026, 1, 5)
TUESDAY = date(2026, 1, 6)
WEDNESDAY = date(2026, 1, 7)

LEG = connection.ops.quote_name(Leg._meta.db_table)
TXN = connection.ops.quote_name(Transaction._meta.db_table)


# Set-up ------------------------------------------------------------------------------------------------------------


class Books:
    """The accounts of one agreement in one council's ledger, and the ways money moves between them."""

    def __init__(self, council, agreement=1):
        self.council = council
        self.education = fund_account(council=council, funding_stream="education")
        self.health = fund_account(council=council, funding_stream="health")
        self.social_care = fund_account(council=council, funding_stream="social_care")
        self.recoveries = recoveries_account(council=council)
        holder = f"agreement:{agreement}"
        self.recipient = holder_account(
            council=council, holder=holder, kind=AccountKind.RECIPIENT, name=f"Agreement {agreement}: recipient"
        )
        self.spending = holder_account(
            council=council, holder=holder, kind=AccountKind.SPENDING, name=f"Agreement {agreement}: spending"
        )
        self.refunds = holder_account(
            council=council, holder=holder, kind=AccountKind.REFUNDS, name=f"Agreement {agreement}: refunds"
        )

    def pay(self, amount, *, fund=None, occurred_on=MONDAY, key="", actor=None):
        fund = fund or self.education
        return post(
            council=self.council,
            kind=TransactionKind.PAYMENT,
            occurred_on=occurred_on,
            description="Direct payment",
            legs=[(fund, -D(amount)), (self.recipient, D(amount))],
            key=key,
            actor=actor,
        )

    def spend(self, amount, *, occurred_on=MONDAY):
        return post(
            council=self.council,
            kind=TransactionKind.SPENDING,
            occurred_on=occurred_on,
            description="Respite care",
            legs=[(self.spending, D(amount)), (self.recipient, -D(amount))],
        )


def _post(books, *, kind, description, legs, **extra):
    """Post on Monday in the books' council: the call every posting test makes."""
    return post(council=books.council, kind=kind, occurred_on=MONDAY, description=description, legs=legs, **extra)


@pytest.fixture
def books(council):
    return Books(council)


@pytest.fixture
def other_books(other_council):
    return Books(other_council)


def _counts() -> tuple[int, int]:
    return Transaction.objects.count(), Leg.objects.count()


def _legs_of(txn) -> dict[str, Decimal]:
    """A transaction's legs as {account key: amount} (each account appears once in these tests)."""
    return {leg.account.key: leg.amount for leg in txn.legs.select_related("account")}


def _amount_in_database(leg) -> Decimal:
    return Leg.objects.values_list("amount", flat=True).get(pk=leg.pk)


# post: what it refuses, writing nothing ----------------------------------------------------------------------------


@pytest.mark.parametrize("penny", [D("0.01"), D("-0.01")], ids=["a penny over", "a penny under"])
def test_legs_a_penny_out_of_balance_are_refused_and_nothing_is_written(books, penny):
    """Legs that do not sum to exactly zero, by a single penny either way, post nothing."""
    before = _counts()
    with pytest.raises(ValidationError, match="sum to zero"):
        _post(
            books,
            kind=TransactionKind.PAYMENT,
            description="Direct payment",
            legs=[(books.education, D("-100.00")), (books.recipient, D("100.00") + penny)],
        )
    assert _counts() == before


@pytest.mark.parametrize("legs", [0, 1], ids=["no legs", "one leg"])
def test_fewer_than_two_legs_are_refused(books, legs):
    """A transaction needs a debit and a credit: with none or one leg it is not posted."""
    before = _counts()
    with pytest.raises(ValidationError, match="at least two legs"):
        _post(
            books,
            kind=TransactionKind.PAYMENT,
            description="Direct payment",
            legs=[(books.recipient, D("0.00"))][:legs],
        )
    assert _counts() == before


@pytest.mark.parametrize(
    "legs",
    [
        lambda b: [(b.education, D("0.00")), (b.recipient, D("0.00"))],
        lambda b: [(b.education, D("-10.00")), (b.recipient, D("10.00")), (b.recoveries, D("0.00"))],
    ],
    ids=["all legs zero", "one zero leg among balanced legs"],
)
def test_a_zero_leg_is_refused(books, legs):
    """Every leg moves money: a leg of zero is refused even when the legs balance."""
    before = _counts()
    with pytest.raises(ValidationError, match="cannot be zero"):
        _post(
            books,
            kind=TransactionKind.PAYMENT,
            description="Direct payment",
            legs=legs(books),
        )
    assert _counts() == before


@pytest.mark.parametrize("amount", [10.0, 10, "10.00"], ids=["float", "int", "str"])
def test_amounts_that_are_not_decimals_are_refused(books, amount):
    """Money is a Decimal: a float, an int or a string is refused, even for a whole amount."""
    before = _counts()
    with pytest.raises(ValidationError, match="Decimals in whole pence"):
        _post(
            books,
            kind=TransactionKind.PAYMENT,
            description="Direct payment",
            legs=[(books.education, D("-10.00")), (books.recipient, amount)],
        )
    assert _counts() == before


@pytest.mark.parametrize("amount", [D("10.005"), D("0.001")])
def test_amounts_of_part_of_a_penny_are_refused(books, amount):
    """Amounts are whole pence: a fraction of a penny is refused even when the legs balance."""
    before = _counts()
    with pytest.raises(ValidationError, match="Decimals in whole pence"):
        _post(
            books,
            kind=TransactionKind.PAYMENT,
            description="Direct payment",
            legs=[(books.education, -amount), (books.recipient, amount)],
        )
    assert _counts() == before


def test_an_infinite_amount_is_refused_as_not_whole_pence(books):
    """Infinity is not an amount of money: refused with a ValidationError, nothing written."""
    before = _counts()
    with pytest.raises(ValidationError, match="Decimals in whole pence"):
        _post(
            books,
            kind=TransactionKind.PAYMENT,
            description="Direct payment",
            legs=[(books.education, D("-Infinity")), (books.recipient, D("Infinity"))],
        )
    assert _counts() == before


def test_an_amount_too_large_for_the_ledger_is_refused(books):
    """A penny over £9,999,999,999.99 does not fit the column: refused before the database sees it."""
    before = _counts()
    with pytest.raises(ValidationError):
        books.pay("10000000000.00")
    assert _counts() == before


def test_the_largest_amount_the_ledger_holds_posts_and_reads_back(books):
    """£9,999,999,999.99 fits the column (12 digits, 2 after the point)."""
    txn = books.pay("9999999999.99")
    assert _legs_of(txn)["agreement:1:recipient"] == D("9999999999.99")
    assert selectors.balance(account=books.recipient) == D("9999999999.99")


def test_a_decimal_with_trailing_zeros_beyond_the_penny_is_whole_pence(books):
    """10.000 is ten pounds exactly, so it is accepted and stored as 10.00."""
    txn = _post(
        books,
        kind=TransactionKind.PAYMENT,
        description="Direct payment",
        legs=[(books.education, D("-10.000")), (books.recipient, D("10.000"))],
    )
    assert _legs_of(txn) == {"fund:education": D("-10.00"), "agreement:1:recipient": D("10.00")}


def test_an_account_of_another_council_is_refused(books, other_books):
    """A council's transaction only moves money between its own accounts."""
    before = _counts()
    with pytest.raises(ValidationError, match="same council"):
        _post(
            books,
            kind=TransactionKind.PAYMENT,
            description="Direct payment",
            legs=[(books.education, D("-10.00")), (other_books.recipient, D("10.00"))],
        )
    assert _counts() == before


def test_posting_for_a_council_whose_accounts_are_not_its_own_is_refused(books, other_council):
    """Balanced legs of one council's accounts cannot be posted as another council's transaction."""
    before = _counts()
    with pytest.raises(ValidationError, match="same council"):
        post(
            council=other_council,
            kind=TransactionKind.PAYMENT,
            occurred_on=MONDAY,
            description="Direct payment",
            legs=[(books.education, D("-10.00")), (books.recipient, D("10.00"))],
        )
    assert _counts() == before


def test_an_unknown_kind_of_transaction_is_refused(books):
    before = _counts()
    with pytest.raises(ValidationError, match="Unknown kind"):
        post(
            council=books.council,
            kind="gift",
            occurred_on=MONDAY,
            description="Direct payment",
            legs=[(books.education, D("-10.00")), (books.recipient, D("10.00"))],
        )
    assert _counts() == before


# post: what it writes ----------------------------------------------------------------------------------------------


def test_a_payment_posts_one_transaction_with_its_legs(books, officer):
    """The transaction is posted, credits the fund, debits the recipient and records who posted it."""
    txn = books.pay("250.00", actor=officer)
    txn.refresh_from_db()
    assert txn.posted is True
    assert txn.kind == TransactionKind.PAYMENT
    assert txn.council == books.council
    assert txn.created_by == officer
    assert _legs_of(txn) == {"fund:education": D("-250.00"), "agreement:1:recipient": D("250.00")}
    assert selectors.balance(account=books.recipient) == D("250.00")
    assert selectors.balance(account=books.education) == D("-250.00")


def test_a_payment_from_several_streams_with_an_offset_posts_in_one_transaction(books):
    """Education and health pay together; part of the payment offsets money owed, going to recoveries."""
    txn = _post(
        books,
        kind=TransactionKind.PAYMENT,
        description="Direct payment, with an offset",
        legs=[
            (books.education, D("-300.00")),
            (books.health, D("-120.50")),
            (books.recipient, D("420.50")),
            (books.recipient, D("-20.50")),
            (books.recoveries, D("20.50")),
        ],
    )
    assert txn.legs.count() == 5
    assert selectors.balance(account=books.recipient) == D("400.00")
    assert selectors.balance(account=books.education) == D("-300.00")
    assert selectors.balance(account=books.health) == D("-120.50")
    assert selectors.balance(account=books.recoveries) == D("20.50")


def test_a_description_longer_than_the_column_is_cut_to_fit(books):
    txn = post(
        council=books.council,
        kind=TransactionKind.PAYMENT,
        occurred_on=MONDAY,
        description="x" * 400,
        legs=[(books.education, D("-1.00")), (books.recipient, D("1.00"))],
    )
    txn.refresh_from_db()
    assert txn.description == "x" * 300


# Keys: a posting happens once per council --------------------------------------------------------------------------


def test_posting_again_with_the_same_key_returns_the_first_transaction_and_adds_nothing(books):
    """A retried payment run posts each payment once: the second call returns the first posting."""
    first = books.pay("100.00", key="payment:7")
    before = _counts()
    again = books.pay("100.00", key="payment:7")
    assert again.pk == first.pk
    assert _counts() == before
    assert selectors.balance(account=books.recipient) == D("100.00")


def test_the_same_key_with_different_legs_still_returns_the_first_posting(books):
    """The key decides: a second posting under it, even with other amounts, changes nothing."""
    first = books.pay("100.00", key="payment:7")
    before = _counts()
    again = books.pay("999.99", key="payment:7")
    assert again.pk == first.pk
    assert _counts() == before
    assert selectors.balance(account=books.recipient) == D("100.00")


def test_a_key_is_per_council_so_two_councils_each_post_under_it(books, other_books):
    """Councils number their payments independently: the same key in two councils is two postings."""
    ours = books.pay("100.00", key="payment:1")
    theirs = other_books.pay("40.00", key="payment:1")
    assert ours.pk != theirs.pk
    assert Transaction.objects.filter(key="payment:1").count() == 2
    assert selectors.balance(account=books.recipient) == D("100.00")
    assert selectors.balance(account=other_books.recipient) == D("40.00")


def test_postings_without_a_key_are_never_merged(books):
    books.pay("100.00")
    books.pay("100.00")
    assert Transaction.objects.filter(council=books.council).count() == 2
    assert selectors.balance(account=books.recipient) == D("200.00")


def test_the_database_refuses_a_second_transaction_with_the_same_key(books):
    """The unique constraint backs the service's check, should two postings race."""
    books.pay("100.00", key="payment:7")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.create(
            council=books.council,
            kind=TransactionKind.PAYMENT,
            occurred_on=MONDAY,
            description="Again",
            key="payment:7",
        )


# Reversal ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def payment_with_offset(books):
    return _post(
        books,
        kind=TransactionKind.PAYMENT,
        description="Direct payment",
        legs=[
            (books.education, D("-300.00")),
            (books.social_care, D("-75.25")),
            (books.recipient, D("375.25")),
            (books.recipient, D("-25.00")),
            (books.recoveries, D("25.00")),
        ],
    )


def test_a_reversal_negates_every_leg(books, payment_with_offset, officer):
    """The reversal has one leg per leg of the original, on the same account, of the opposite amount."""
    reversal = reverse(txn=payment_with_offset, actor=officer, reason="Paid twice", occurred_on=TUESDAY)
    original = sorted((leg.account_id, leg.amount) for leg in payment_with_offset.legs.all())
    negated = sorted((leg.account_id, -leg.amount) for leg in reversal.legs.all())
    assert negated == original
    reversal.refresh_from_db()
    assert reversal.kind == TransactionKind.REVERSAL
    assert reversal.posted is True
    assert reversal.reverses == payment_with_offset
    assert reversal.occurred_on == TUESDAY
    assert reversal.created_by == officer
    assert "Paid twice" in reversal.description
    payment_with_offset.refresh_from_db()
    assert payment_with_offset.reversed_by == reversal


def test_a_reversal_brings_every_balance_back(books, payment_with_offset, officer):
    """After the reversal every account stands where it stood before the payment."""
    books.pay("50.00", fund=books.health)
    before = {
        acct.key: selectors.balance(account=acct)
        for acct in (books.education, books.health, books.social_care, books.recipient, books.recoveries)
    }
    reverse(txn=payment_with_offset, actor=officer, reason="Wrong amount", occurred_on=TUESDAY)
    after = {
        acct.key: selectors.balance(account=acct)
        for acct in (books.education, books.health, books.social_care, books.recipient, books.recoveries)
    }
    assert after == {
        "fund:education": D("0.00"),
        "fund:health": D("-50.00"),
        "fund:social_care": D("0.00"),
        "agreement:1:recipient": D("50.00"),
        "recoveries": D("0.00"),
    }
    assert before["agreement:1:recipient"] == D("400.25")
    assert selectors.council_total(council=books.council) == 0


def test_a_reversal_of_spending_puts_the_money_back_in_the_recipient_account(books, officer):
    books.pay("100.00")
    spending = books.spend("30.00")
    reverse(txn=spending, actor=officer, reason="Spent from the wrong account", occurred_on=TUESDAY)
    assert selectors.balance(account=books.recipient) == D("100.00")
    assert selectors.balance(account=books.spending) == D("0.00")


def test_a_transaction_is_reversed_at_most_once(books, payment_with_offset, officer):
    """A second reversal is refused and writes nothing."""
    reverse(txn=payment_with_offset, actor=officer, reason="Paid twice", occurred_on=TUESDAY)
    before = _counts()
    with pytest.raises(ValidationError, match="already been reversed"):
        reverse(txn=payment_with_offset, actor=officer, reason="Paid twice", occurred_on=WEDNESDAY)
    assert _counts() == before
    assert selectors.balance(account=books.recipient) == D("0.00")


def test_a_reversal_cannot_itself_be_reversed(books, payment_with_offset, officer):
    """A reversal made in error is corrected by posting the entry again, never by reversing the reversal."""
    reversal = reverse(txn=payment_with_offset, actor=officer, reason="Paid twice", occurred_on=TUESDAY)
    before = _counts()
    with pytest.raises(ValidationError, match="cannot itself be reversed"):
        reverse(txn=reversal, actor=officer, reason="Undo the reversal", occurred_on=WEDNESDAY)
    assert _counts() == before


@pytest.mark.parametrize("reason", ["", "   ", None], ids=["empty", "blank", "none"])
def test_a_reversal_needs_a_reason(books, payment_with_offset, officer, reason):
    """Nobody reverses an entry without saying why: no reason, no reversal."""
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        reverse(txn=payment_with_offset, actor=officer, reason=reason, occurred_on=TUESDAY)
    assert "reason" in refused.value.message_dict
    assert _counts() == before
    assert not Transaction.objects.filter(reverses=payment_with_offset).exists()


def test_the_database_refuses_a_second_reversal_of_the_same_transaction(books, payment_with_offset, officer):
    """`reverses` is one-to-one: even code that skipped the service's check could not reverse twice."""
    reverse(txn=payment_with_offset, actor=officer, reason="Paid twice", occurred_on=TUESDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.create(
            council=books.council,
            kind=TransactionKind.REVERSAL,
            occurred_on=TUESDAY,
            description="Another reversal",
            reverses=payment_with_offset,
        )


# The ORM refuses to change or delete -------------------------------------------------------------------------------


@pytest.fixture
def payment(books):
    return books.pay("100.00")


def test_updating_transactions_through_the_queryset_is_refused(payment):
    with pytest.raises(LedgerImmutable):
        Transaction.objects.filter(pk=payment.pk).update(description="Changed")
    with pytest.raises(LedgerImmutable):
        Transaction.objects.update(description="Changed")
    assert Transaction.objects.get(pk=payment.pk).description == "Direct payment"


def test_deleting_transactions_through_the_queryset_is_refused(payment):
    with pytest.raises(LedgerImmutable):
        Transaction.objects.filter(pk=payment.pk).delete()
    with pytest.raises(LedgerImmutable):
        Transaction.objects.all().delete()
    assert Transaction.objects.filter(pk=payment.pk).exists()


def test_updating_legs_through_the_queryset_is_refused(payment):
    with pytest.raises(LedgerImmutable):
        Leg.objects.filter(transaction=payment).update(amount=D("1.00"))
    with pytest.raises(LedgerImmutable):
        payment.legs.update(amount=D("1.00"))
    assert sorted(leg.amount for leg in payment.legs.all()) == [D("-100.00"), D("100.00")]


def test_deleting_legs_through_the_queryset_is_refused(payment):
    with pytest.raises(LedgerImmutable):
        Leg.objects.filter(transaction=payment).delete()
    with pytest.raises(LedgerImmutable):
        payment.legs.all().delete()
    assert payment.legs.count() == 2


def test_bulk_update_of_legs_and_transactions_is_refused(payment):
    leg = payment.legs.first()
    leg.amount = D("1.00")
    # bulk_update runs in an atomic block of its own; the savepoint keeps the test's transaction usable after it.
    with pytest.raises(LedgerImmutable), transaction.atomic():
        Leg.objects.bulk_update([leg], ["amount"])
    payment.description = "Changed"
    with pytest.raises(LedgerImmutable), transaction.atomic():
        Transaction.objects.bulk_update([payment], ["description"])
    assert _amount_in_database(leg) != D("1.00")
    assert Transaction.objects.get(pk=payment.pk).description == "Direct payment"


def test_deleting_a_transaction_instance_is_refused(payment):
    with pytest.raises(LedgerImmutable):
        payment.delete()
    assert Transaction.objects.filter(pk=payment.pk).exists()


def test_saving_a_changed_transaction_instance_is_refused(payment):
    payment.description = "Changed"
    with pytest.raises(LedgerImmutable):
        payment.save()
    with pytest.raises(LedgerImmutable):
        payment.save(update_fields=["description"])
    assert Transaction.objects.get(pk=payment.pk).description == "Direct payment"


def test_saving_a_transaction_instance_unchanged_is_refused(payment):
    with pytest.raises(LedgerImmutable):
        payment.save()


def test_deleting_a_leg_instance_is_refused(payment):
    leg = payment.legs.first()
    with pytest.raises(LedgerImmutable):
        leg.delete()
    assert Leg.objects.filter(pk=leg.pk).exists()


def test_saving_a_changed_leg_instance_is_refused(payment):
    leg = payment.legs.first()
    original = leg.amount
    leg.amount = D("1.00")
    with pytest.raises(LedgerImmutable):
        leg.save()
    assert _amount_in_database(leg) == original


def test_unposting_a_posted_transaction_through_the_orm_is_refused_by_the_database(payment):
    """The ORM lets the one `posted` update through; the database refuses it once the transaction is posted."""
    payment.posted = False
    with pytest.raises(DatabaseError, match="posted ledger transactions cannot be changed"), transaction.atomic():
        payment.save(update_fields=["posted"])
    assert Transaction.objects.get(pk=payment.pk).posted is True


# The database refuses, whatever code runs against it ---------------------------------------------------------------


def _raw(sql: str, params: list) -> None:
    """Run one statement in its own savepoint, so a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _unposted(books, amounts: list[Decimal]) -> Transaction:
    """A transaction written unposted, with legs of the given amounts on the recipient and education accounts."""
    txn = Transaction.objects.create(
        council=books.council, kind=TransactionKind.PAYMENT, occurred_on=MONDAY, description="Half-written"
    )
    accounts = [books.recipient, books.education, books.health]
    Leg.objects.bulk_create(
        Leg(council=books.council, transaction=txn, account=accounts[i % len(accounts)], amount=amount)
        for i, amount in enumerate(amounts)
    )
    return txn


def test_the_database_refuses_to_change_a_legs_amount(payment):
    leg = payment.legs.get(amount__gt=0)
    with pytest.raises(DatabaseError, match="ledger legs cannot be changed"):
        _raw(f"UPDATE {LEG} SET amount = %s WHERE id = %s", [D("1.00"), leg.pk])  # noqa: S608
    assert _amount_in_database(leg) == D("100.00")


def test_the_database_refuses_to_move_a_leg_to_another_account(books, payment):
    leg = payment.legs.get(amount__gt=0)
    with pytest.raises(DatabaseError, match="ledger legs cannot be changed"):
        _raw(f"UPDATE {LEG} SET account_id = %s WHERE id = %s", [books.spending.pk, leg.pk])  # noqa: S608
    assert Leg.objects.get(pk=leg.pk).account_id == books.recipient.pk


def test_the_database_refuses_to_change_a_posted_transactions_description(payment):
    with pytest.raises(DatabaseError, match="posted ledger transactions cannot be changed"):
        _raw(f"UPDATE {TXN} SET description = %s WHERE id = %s", ["Changed", payment.pk])  # noqa: S608
    assert Transaction.objects.get(pk=payment.pk).description == "Direct payment"


def test_the_database_refuses_to_unpost_a_posted_transaction(payment):
    with pytest.raises(DatabaseError, match="posted ledger transactions cannot be changed"):
        _raw(f"UPDATE {TXN} SET posted = %s WHERE id = %s", [False, payment.pk])  # noqa: S608
    assert Transaction.objects.get(pk=payment.pk).posted is True


def test_the_database_refuses_a_leg_added_to_a_posted_transaction(books, payment):
    """Even a pair of balancing legs cannot be added once the transaction is posted."""
    before = _counts()
    sql = f"INSERT INTO {LEG} (council_id, transaction_id, account_id, amount) VALUES (%s, %s, %s, %s)"  # noqa: S608
    with pytest.raises(DatabaseError, match="a posted ledger transaction cannot gain legs"):
        _raw(sql, [books.council.pk, payment.pk, books.recipient.pk, D("5.00")])
    with pytest.raises(DatabaseError, match="a posted ledger transaction cannot gain legs"), transaction.atomic():
        Leg.objects.bulk_create(
            [
                Leg(council=books.council, transaction=payment, account=books.recipient, amount=D("5.00")),
                Leg(council=books.council, transaction=payment, account=books.education, amount=D("-5.00")),
            ]
        )
    assert _counts() == before


def test_the_database_refuses_a_zero_leg(books):
    txn = _unposted(books, [])
    sql = f"INSERT INTO {LEG} (council_id, transaction_id, account_id, amount) VALUES (%s, %s, %s, %s)"  # noqa: S608
    with pytest.raises(IntegrityError):
        _raw(sql, [books.council.pk, txn.pk, books.recipient.pk, D("0.00")])
    assert txn.legs.count() == 0


@pytest.mark.parametrize(
    "amounts",
    [
        [D("100.00"), D("-99.99")],
        [D("100.00"), D("-100.01")],
        [D("100.00"), D("-60.00"), D("-40.01")],
    ],
    ids=["a penny short", "a penny over", "three legs a penny out"],
)
def test_the_database_refuses_to_post_a_transaction_whose_legs_do_not_balance(books, amounts):
    """Marking a transaction posted is when the database checks its legs sum to zero."""
    txn = _unposted(books, amounts)
    with pytest.raises(DatabaseError, match="must sum to zero"):
        _raw(f"UPDATE {TXN} SET posted = %s WHERE id = %s", [True, txn.pk])  # noqa: S608
    txn.posted = True
    with pytest.raises(DatabaseError, match="must sum to zero"), transaction.atomic():
        txn.save(update_fields=["posted"])
    assert Transaction.objects.get(pk=txn.pk).posted is False


@pytest.mark.parametrize("amounts", [[], [D("100.00")]], ids=["no legs", "one leg"])
def test_the_database_refuses_to_post_a_transaction_with_fewer_than_two_legs(books, amounts):
    txn = _unposted(books, amounts)
    with pytest.raises(DatabaseError, match=r"two legs|sum to zero"):
        _raw(f"UPDATE {TXN} SET posted = %s WHERE id = %s", [True, txn.pk])  # noqa: S608
    assert Transaction.objects.get(pk=txn.pk).posted is False


def test_the_database_posts_a_transaction_whose_legs_balance(books):
    """The same raw path succeeds when the legs sum to zero: the refusals above are about the legs."""
    txn = _unposted(books, [D("0.10"), D("0.20"), D("-0.30")])
    _raw(f"UPDATE {TXN} SET posted = %s WHERE id = %s", [True, txn.pk])  # noqa: S608
    assert Transaction.objects.get(pk=txn.pk).posted is True


def test_the_database_refuses_a_transaction_inserted_already_posted(books):
    """A transaction is posted only after its legs are written, so it cannot be inserted posted."""
    before = _counts()
    columns = ", ".join(
        connection.ops.quote_name(c)
        for c in ("council_id", "kind", "occurred_on", "description", "key", "posted", "created_at")
    )
    with pytest.raises(DatabaseError, match="posted only after its legs are written"):
        _raw(
            f"INSERT INTO {TXN} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
            [books.council.pk, TransactionKind.PAYMENT.value, MONDAY, "Posted at once", "", True, timezone.now()],
        )
    with pytest.raises(DatabaseError, match="posted only after its legs are written"), transaction.atomic():
        Transaction.objects.create(
            council=books.council, kind=TransactionKind.PAYMENT, occurred_on=MONDAY, description="x", posted=True
        )
    assert _counts() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite keeps DELETE possible at the database level: its test flush empties tables with it",
)
def test_postgresql_refuses_to_delete_legs_and_transactions(payment):
    with pytest.raises(DatabaseError, match="ledger legs cannot be changed or deleted"):
        _raw(f"DELETE FROM {LEG} WHERE transaction_id = %s", [payment.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="ledger transactions cannot be deleted"):
        _raw(f"DELETE FROM {TXN} WHERE id = %s", [payment.pk])  # noqa: S608
    assert payment.legs.count() == 2


# Selectors ---------------------------------------------------------------------------------------------------------


def test_balance_is_the_sum_of_an_accounts_legs(books):
    books.pay("100.00")
    books.pay("0.10")
    books.spend("0.30")
    books.pay("0.20")
    assert selectors.balance(account=books.recipient) == D("100.00")
    assert selectors.balance(account=books.spending) == D("0.30")
    assert selectors.balance(account=books.education) == D("-100.30")


def test_balance_of_an_account_with_no_legs_is_zero(books):
    assert selectors.balance(account=books.refunds) == D("0.00")


def test_balance_up_to_a_date_counts_transactions_on_or_before_it(books):
    books.pay("100.00", occurred_on=MONDAY)
    books.spend("30.00", occurred_on=TUESDAY)
    books.pay("5.00", occurred_on=WEDNESDAY)
    assert selectors.balance(account=books.recipient, up_to=date(2026, 1, 4)) == D("0.00")
    assert selectors.balance(account=books.recipient, up_to=MONDAY) == D("100.00")
    assert selectors.balance(account=books.recipient, up_to=TUESDAY) == D("70.00")
    assert selectors.balance(account=books.recipient, up_to=WEDNESDAY) == D("75.00")
    assert selectors.balance(account=books.recipient) == D("75.00")


def test_balance_up_to_a_date_counts_a_reversal_from_its_own_date(books, officer):
    payment = books.pay("100.00", occurred_on=MONDAY)
    reverse(txn=payment, actor=officer, reason="Paid in error", occurred_on=WEDNESDAY)
    assert selectors.balance(account=books.recipient, up_to=TUESDAY) == D("100.00")
    assert selectors.balance(account=books.recipient, up_to=WEDNESDAY) == D("0.00")


def test_a_balance_of_pence_that_cancel_out_is_exactly_zero(books):
    """10p and 20p paid in and 30p spent leave exactly 0.00, not a float's 5.55E-17 (SQLite sums as floats)."""
    books.pay("0.10")
    books.pay("0.20")
    books.spend("0.30")
    _post(
        books,
        kind=TransactionKind.PAYMENT,
        description="Direct payment from three streams",
        legs=[
            (books.education, D("-0.01")),
            (books.health, D("-0.44")),
            (books.social_care, D("-0.02")),
            (books.recoveries, D("0.47")),
        ],
    )
    for total in (
        selectors.balance(account=books.recipient),
        selectors.balances(council=books.council, keys=["agreement:1:recipient"])["agreement:1:recipient"],
        selectors.council_total(council=books.council),
    ):
        assert total == D("0.00")
        assert total.as_tuple().exponent == -2  # in pence, e.g. Decimal('0.00'), not an exponent of -31


def test_balances_reads_several_accounts_and_a_missing_one_is_zero(books):
    """Each account's legs are summed across all its transactions; a key with no account reads 0."""
    books.pay("100.00")
    books.pay("25.50", fund=books.health)
    books.spend("10.25")
    books.spend("0.25")
    keys = ["agreement:1:recipient", "agreement:1:spending", "fund:education", "agreement:99:recipient", "recoveries"]
    assert selectors.balances(council=books.council, keys=keys) == {
        "agreement:1:recipient": D("115.00"),
        "agreement:1:spending": D("10.50"),
        "fund:education": D("-100.00"),
        "agreement:99:recipient": D("0.00"),
        "recoveries": D("0.00"),
    }


def test_balances_reads_only_the_councils_own_accounts(books, other_books):
    """Both councils have an account keyed agreement:1:recipient; each reads only its own."""
    books.pay("100.00")
    other_books.pay("7.00")
    assert selectors.balances(council=books.council, keys=["agreement:1:recipient"]) == {
        "agreement:1:recipient": D("100.00")
    }
    assert selectors.balances(council=other_books.council, keys=["agreement:1:recipient"]) == {
        "agreement:1:recipient": D("7.00")
    }


def test_the_council_total_of_all_legs_is_zero(books, other_books, officer):
    assert selectors.council_total(council=books.council) == D("0.00")
    payment = books.pay("100.00")
    books.pay("0.10", fund=books.health)
    books.pay("0.20", fund=books.social_care)
    books.spend("0.30")
    reverse(txn=payment, actor=officer, reason="Paid in error", occurred_on=TUESDAY)
    other_books.pay("3.33")
    assert selectors.council_total(council=books.council) == D("0.00")
    assert selectors.council_total(council=other_books.council) == D("0.00")


def test_entries_are_a_statement_oldest_first(books):
    """Entries come in date order whatever order they were posted in, then in posting order within a day."""
    wednesday = books.pay("3.00", occurred_on=WEDNESDAY)
    monday = books.pay("1.00", occurred_on=MONDAY)
    tuesday_first = books.spend("2.00", occurred_on=TUESDAY)
    tuesday_second = books.pay("2.50", occurred_on=TUESDAY)
    statement = list(selectors.entries(account=books.recipient))
    assert [leg.transaction_id for leg in statement] == [
        monday.pk,
        tuesday_first.pk,
        tuesday_second.pk,
        wednesday.pk,
    ]
    assert [leg.amount for leg in statement] == [D("1.00"), D("-2.00"), D("2.50"), D("3.00")]
    assert all(leg.account_id == books.recipient.pk for leg in statement)


def test_entries_of_one_transaction_on_one_account_come_in_leg_order(books):
    """A payment with an offset has two legs on the recipient account: the debit, then the offset."""
    txn = _post(
        books,
        kind=TransactionKind.PAYMENT,
        description="Direct payment, with an offset",
        legs=[
            (books.education, D("-100.00")),
            (books.recipient, D("100.00")),
            (books.recipient, D("-10.00")),
            (books.recoveries, D("10.00")),
        ],
    )
    statement = list(selectors.entries(account=books.recipient))
    assert [(leg.transaction_id, leg.amount) for leg in statement] == [(txn.pk, D("100.00")), (txn.pk, D("-10.00"))]
    assert statement[0].pk < statement[1].pk


def test_entries_leave_out_other_accounts_and_other_councils(books, other_books):
    books.pay("1.00")
    other_books.pay("2.00")
    assert [leg.amount for leg in selectors.entries(account=books.recipient)] == [D("1.00")]


def test_transactions_of_a_council_are_its_posted_ones_newest_first(books, other_books):
    first = books.pay("1.00", occurred_on=MONDAY)
    later = books.pay("2.00", occurred_on=WEDNESDAY)
    same_day = books.pay("3.00", occurred_on=MONDAY)
    other_books.pay("4.00", occurred_on=TUESDAY)
    _unposted(books, [D("1.00"), D("-1.00")])
    assert list(selectors.transactions_of(council=books.council)) == [later, same_day, first]


# Posting many at once (a payment run) --------------------------------------------------------------------------------


def _entries(books, amounts, *, prefix="payment"):
    from ehcbudgets.ledger.services import Entry

    return [
        Entry(
            kind=TransactionKind.PAYMENT,
            occurred_on=MONDAY,
            description=f"Payment {n}",
            legs=[(books.education, -amount), (books.recipient, amount)],
            key=f"{prefix}:{n}",
        )
        for n, amount in enumerate(amounts)
    ]


def test_posting_many_posts_each_balanced_transaction_under_its_key_in_order(books, officer):
    """Each entry becomes one posted transaction with its legs, returned in the order given (ADR 9)."""
    from ehcbudgets.ledger.services import post_many

    posted = post_many(council=books.council, entries=_entries(books, [D("10.00"), D("20.50")]), actor=officer)
    assert [t.key for t in posted] == ["payment:0", "payment:1"]
    stored = Transaction.objects.order_by("pk")
    assert [(t.key, t.posted, t.created_by) for t in stored] == [
        ("payment:0", True, officer),
        ("payment:1", True, officer),
    ]
    assert _legs_of(stored[1]) == {books.education.key: D("-20.50"), books.recipient.key: D("20.50")}
    assert selectors.balance(account=books.recipient) == D("30.50")


def test_posting_many_again_returns_the_first_postings_and_adds_nothing(books):
    """A key already posted (by `post` or a batch) returns its first posting: a run approved twice pays once."""
    from ehcbudgets.ledger.services import post_many

    first = books.pay(D("10.00"), key="payment:0")
    again = post_many(council=books.council, entries=_entries(books, [D("99.00"), D("5.00")]))
    assert again[0] == first
    assert _counts() == (2, 4)
    assert post_many(council=books.council, entries=_entries(books, [D("1.00"), D("1.00")])) == again
    assert _counts() == (2, 4)


def test_one_entry_a_penny_out_of_balance_refuses_the_whole_batch(books):
    """All or nothing: the batch is checked before anything is written (ADR 9)."""
    from ehcbudgets.ledger.services import post_many

    entries = _entries(books, [D("10.00"), D("20.00")])
    entries[1].legs[1] = (books.recipient, D("20.01"))
    with pytest.raises(ValidationError):
        post_many(council=books.council, entries=entries)
    assert _counts() == (0, 0)


@pytest.mark.parametrize("keys", [["a", "a"], ["a", ""]], ids=["repeated-key", "missing-key"])
def test_every_entry_of_a_batch_needs_its_own_key(books, keys):
    from ehcbudgets.ledger.services import Entry, post_many

    entries = [
        Entry(
            TransactionKind.PAYMENT, MONDAY, "Payment", [(books.education, D("-1.00")), (books.recipient, D("1.00"))], k
        )
        for k in keys
    ]
    with pytest.raises(ValidationError):
        post_many(council=books.council, entries=entries)
    assert _counts() == (0, 0)


def test_posting_many_costs_the_same_statements_for_3_entries_as_for_30(books):
    """A fixed number of statements per batch of 500, not per entry (ADR 9; docs/benchmarks.md)."""
    from django.test.utils import CaptureQueriesContext

    from ehcbudgets.ledger.services import post_many

    with CaptureQueriesContext(connection) as few:
        post_many(council=books.council, entries=_entries(books, [D("1.00")] * 3, prefix="few"))
    with CaptureQueriesContext(connection) as many:
        post_many(council=books.council, entries=_entries(books, [D("1.00")] * 30, prefix="many"))
    assert len(many) == len(few) <= 8


def test_holder_accounts_makes_the_missing_ones_and_reuses_the_rest(books):
    """One read and one insert for many holders; an account already there is the same account."""
    from ehcbudgets.ledger.services import holder_accounts

    found = holder_accounts(
        council=books.council,
        wanted={
            "agreement:1": (AccountKind.RECIPIENT, "Agreement 1: recipient"),
            "agreement:2": (AccountKind.RECIPIENT, "Agreement 2: recipient"),
        },
    )
    assert found["agreement:1"] == books.recipient
    assert (found["agreement:2"].key, found["agreement:2"].council) == ("agreement:2:recipient", books.council)
    with pytest.raises(ValidationError):
        holder_accounts(council=books.council, wanted={"agreement:3": (AccountKind.COUNCIL_FUND, "No")})


def test_the_database_still_refuses_an_unbalanced_entry_posted_in_a_batch(books, monkeypatch):
    """With the service's own check taken away, the triggers refuse the batch as it is posted: nothing is left."""
    from ehcbudgets.ledger import services
    from ehcbudgets.ledger.services import post_many

    monkeypatch.setattr(services, "_check_legs", lambda council, legs: None)
    entries = _entries(books, [D("10.00"), D("20.00")])
    entries[1].legs[1] = (books.recipient, D("20.01"))
    with pytest.raises(DatabaseError), transaction.atomic():
        post_many(council=books.council, entries=entries)
    assert _counts() == (0, 0)
