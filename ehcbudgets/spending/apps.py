from django.apps import AppConfig


class SpendingConfig(AppConfig):
    name = "ehcbudgets.spending"
    label = "spending"
    verbose_name = "Family spending"
