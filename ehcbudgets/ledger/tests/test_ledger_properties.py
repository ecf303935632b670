"""Property: whatever sequence of payments, spending, refunds, recovery repayments and reversals is posted, the ledger
stays whole, and every balance it reports is what a plain-Python model of the same money flows says it should be.

Hypothesis drives a state machine: each example starts a fresh council inside a savepoint that is rolled back at the
end of the example, so no example sees another's postings. After every step the invariants are checked against the
model, which is kept in Decimals and never reads the database.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from ehcbudgets.councils.tests.factories import CouncilFactory
from ehcbudgets.ledger import selectors
from ehcbudgets.ledger.models import AccountKind, Leg, Transaction, TransactionKind
from ehcbudgets.ledger.services import fund_account, holder_account, post, recoveries_account, reverse

STREAMS = ["education", "health", "social_care"]
AGREEMENTS = [1, 2]
FIRST_DAY = date(2026, 4, 1)
DAYS = 60

pence = st.integers(min_value=1, max_value=500_000)  # £0.01 to £5,000.00
days = st.integers(min_value=0, max_value=DAYS - 1)
agreements = st.sampled_from(AGREEMENTS)


def money(p: int) -> Decimal:
    """Whole pence as pounds: 1234 -> Decimal('12.34')."""
    return Decimal(p).scaleb(-2)


@dataclass
class Posted:
    """The model of one posted transaction: its kind, its effect on each account and on each flow it represents."""

    txn: Transaction
    kind: str
    occurred_on: date
    deltas: dict[str, Decimal]  # account key -> net change to its balance
    flows: dict[tuple[str, str], Decimal]  # (flow, agreement or stream) -> amount, e.g. ("paid", "1")
    is_reversal: bool = False
    reversed: bool = False
    legs: int = 0


@dataclass
class Model:
    posted: list[Posted] = field(default_factory=list)

    def balance(self, key: str, up_to: date | None = None) -> Decimal:
        return sum(
            (p.deltas.get(key, Decimal(0)) for p in self.posted if up_to is None or p.occurred_on <= up_to),
            Decimal("0.00"),
        )

    def flow(self, name: str, who: str) -> Decimal:
        """A flow's total net of reversals: a reversal's flows are the reversed transaction's, negated."""
        return sum((p.flows.get((name, who), Decimal(0)) for p in self.posted), Decimal("0.00"))

    @property
    def legs(self) -> int:
        return sum(p.legs for p in self.posted)


class LedgerMachine(RuleBasedStateMachine):
    """Random money flows through one council's ledger, checked step by step against the model."""

    def __init__(self):
        super().__init__()
        # Every example runs inside a savepoint rolled back by teardown(): each starts from an empty ledger.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.council = CouncilFactory()
        self.funds = {s: fund_account(council=self.council, funding_stream=s) for s in STREAMS}
        self.recoveries = recoveries_account(council=self.council)
        self.recipient, self.spending, self.refunds = {}, {}, {}
        for n in AGREEMENTS:
            holder = f"agreement:{n}"
            self.recipient[n] = holder_account(
                council=self.council, holder=holder, kind=AccountKind.RECIPIENT, name=f"{n}: recipient"
            )
            self.spending[n] = holder_account(
                council=self.council, holder=holder, kind=AccountKind.SPENDING, name=f"{n}: spending"
            )
            self.refunds[n] = holder_account(
                council=self.council, holder=holder, kind=AccountKind.REFUNDS, name=f"{n}: refunds"
            )
        self.accounts = [
            *self.funds.values(),
            self.recoveries,
            *self.recipient.values(),
            *self.spending.values(),
            *self.refunds.values(),
        ]
        self.model = Model()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # Posting ----------------------------------------------------------------------------------------------------------

    def _post(self, kind, day, legs, flows) -> None:
        txn = post(
            council=self.council,
            kind=kind,
            occurred_on=FIRST_DAY + timedelta(days=day),
            description=kind,
            legs=legs,
        )
        deltas: dict[str, Decimal] = defaultdict(Decimal)
        for account, amount in legs:
            deltas[account.key] += amount
        self.model.posted.append(
            Posted(txn=txn, kind=kind, occurred_on=txn.occurred_on, deltas=dict(deltas), flows=flows, legs=len(legs))
        )

    @rule(
        agreement=agreements,
        parts=st.dictionaries(st.sampled_from(STREAMS), pence, min_size=1, max_size=3),
        with_offset=st.booleans(),
        day=days,
        data=st.data(),
    )
    def payment(self, agreement, parts, with_offset, day, data):
        """Credit each stream's fund, debit the recipient; an offset credits the recipient and debits recoveries."""
        total = sum(parts.values())
        legs = [(self.funds[s], -money(p)) for s, p in parts.items()]
        legs.append((self.recipient[agreement], money(total)))
        flows = {("paid", str(agreement)): money(total)}
        flows.update({("from_fund", s): money(p) for s, p in parts.items()})
        if with_offset:
            offset = data.draw(st.integers(min_value=1, max_value=total), label="offset")  # 1p to the whole payment
            legs += [(self.recipient[agreement], -money(offset)), (self.recoveries, money(offset))]
            flows[("offset", str(agreement))] = money(offset)
        self._post(TransactionKind.PAYMENT, day, legs, flows)

    @rule(agreement=agreements, amount=pence, day=days)
    def spend(self, agreement, amount, day):
        """Debit the agreement's spending account, credit the recipient."""
        self._post(
            TransactionKind.SPENDING,
            day,
            [(self.spending[agreement], money(amount)), (self.recipient[agreement], -money(amount))],
            {("spent", str(agreement)): money(amount)},
        )

    @rule(agreement=agreements, amount=pence, day=days)
    def refund(self, agreement, amount, day):
        """A supplier's refund: debit the recipient, credit the agreement's refunds account."""
        self._post(
            TransactionKind.REFUND,
            day,
            [(self.recipient[agreement], money(amount)), (self.refunds[agreement], -money(amount))],
            {("refunded", str(agreement)): money(amount)},
        )

    @rule(agreement=agreements, amount=pence, day=days)
    def recovery_repaid(self, agreement, amount, day):
        """Money recovered: debit recoveries, credit the recipient."""
        self._post(
            TransactionKind.RECOVERY,
            day,
            [(self.recoveries, money(amount)), (self.recipient[agreement], -money(amount))],
            {("repaid", str(agreement)): money(amount)},
        )

    def _reversible(self) -> list[Posted]:
        return [p for p in self.model.posted if not p.is_reversal and not p.reversed]

    def _not_reversible(self) -> list[Posted]:
        return [p for p in self.model.posted if p.is_reversal or p.reversed]

    @precondition(lambda self: self._reversible())
    @rule(day=days, data=st.data())
    def reversal(self, day, data):
        """Reverse an earlier transaction that is not a reversal and not yet reversed: every leg negated."""
        target = data.draw(st.sampled_from(self._reversible()), label="target")
        event(f"reversal of a {target.kind}")
        occurred_on = FIRST_DAY + timedelta(days=day)
        txn = reverse(txn=target.txn, actor=None, reason="Posted in error", occurred_on=occurred_on)
        assert txn.reverses_id == target.txn.pk
        target.reversed = True
        self.model.posted.append(
            Posted(
                txn=txn,
                kind=TransactionKind.REVERSAL,
                occurred_on=occurred_on,
                deltas={key: -amount for key, amount in target.deltas.items()},
                flows={flow: -amount for flow, amount in target.flows.items()},
                is_reversal=True,
                legs=target.legs,
            )
        )

    @precondition(lambda self: self._not_reversible())
    @rule(day=days, data=st.data())
    def reversal_refused(self, day, data):
        """Reversing a reversal, or a transaction already reversed, is refused and writes nothing."""
        target = data.draw(st.sampled_from(self._not_reversible()), label="target")
        event("reversal refused: " + ("a reversal" if target.is_reversal else "already reversed"))
        before = (Transaction.objects.filter(council=self.council).count(), self._legs_in_database())
        with pytest.raises(ValidationError):
            reverse(txn=target.txn, actor=None, reason="Posted in error", occurred_on=FIRST_DAY + timedelta(days=day))
        assert (Transaction.objects.filter(council=self.council).count(), self._legs_in_database()) == before

    # Invariants, checked after every step ----------------------------------------------------------------------------

    def _legs_in_database(self) -> int:
        return Leg.objects.filter(council=self.council).count()

    @invariant()
    def every_transaction_is_posted_with_nonzero_legs_summing_to_zero(self):
        """Summed in Python from the stored legs, so the check is exact on every database."""
        totals: dict[int, Decimal] = defaultdict(Decimal)
        legs = 0
        for transaction_id, amount in Leg.objects.filter(council=self.council).values_list("transaction_id", "amount"):
            assert amount != 0
            totals[transaction_id] += amount
            legs += 1
        assert set(totals) == {p.txn.pk for p in self.model.posted}
        assert all(total == 0 for total in totals.values()), totals
        assert legs == self.model.legs
        assert not Leg.objects.filter(council=self.council, amount=0).exists()
        posted = Transaction.objects.filter(council=self.council).values_list("posted", flat=True)
        assert len(posted) == len(self.model.posted)
        assert all(posted)

    @invariant()
    def the_council_total_of_all_legs_is_zero(self):
        assert selectors.council_total(council=self.council) == 0

    @invariant()
    def every_balance_is_the_models_and_follows_the_money_flows(self):
        m = self.model
        got = {account.key: selectors.balance(account=account) for account in self.accounts}
        assert got == {account.key: m.balance(account.key) for account in self.accounts}
        assert all(value.as_tuple().exponent == -2 for value in got.values()), got  # whole pence, never a float's tail
        assert selectors.balances(council=self.council, keys=list(got)) == got

        for n in AGREEMENTS:
            who = str(n)
            paid, offset, spent = m.flow("paid", who), m.flow("offset", who), m.flow("spent", who)
            refunded, repaid = m.flow("refunded", who), m.flow("repaid", who)
            assert got[self.recipient[n].key] == paid - offset - spent + refunded - repaid
            assert got[self.spending[n].key] == spent
            assert got[self.refunds[n].key] == -refunded
        for stream, account in self.funds.items():
            assert got[account.key] == -m.flow("from_fund", stream)
        repaid_or_offset = sum((m.flow("offset", str(n)) + m.flow("repaid", str(n)) for n in AGREEMENTS), Decimal(0))
        assert got[self.recoveries.key] == repaid_or_offset

    @invariant()
    def balances_up_to_a_date_are_the_models(self):
        middle = FIRST_DAY + timedelta(days=DAYS // 2)
        for account in (self.recipient[1], self.funds["education"]):
            assert selectors.balance(account=account, up_to=middle) == self.model.balance(account.key, middle)


@pytest.mark.django_db
def test_the_ledger_stays_balanced_and_matches_the_model_through_any_sequence_of_postings():
    """Payments (several streams, offsets), spending, refunds, repayments and reversals keep every invariant."""
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=40, stateful_step_count=25, deadline=None),
    )
