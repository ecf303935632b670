"""Signals for apps further down the chain (budgets), so plans need not know about them."""

from django.dispatch import Signal

#: Sent inside the transaction after provision is added or changed: plan, item, actor.
provision_changed = Signal()
#: Sent inside the transaction before provision is removed: plan, item, actor. A receiver may refuse (ValidationError).
provision_removing = Signal()
