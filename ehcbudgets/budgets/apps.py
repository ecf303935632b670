from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "ehcbudgets.budgets"
    label = "budgets"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the receivers
