from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ehcbudgets.ledger"
    label = "ledger"
    verbose_name = "Ledger"
