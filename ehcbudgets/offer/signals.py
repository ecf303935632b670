"""Signals for apps further down the chain (budgets)."""

from django.dispatch import Signal

#: Sent inside the transaction after a new dated rate is added: rate, actor.
rate_added = Signal()
