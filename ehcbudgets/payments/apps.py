from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ehcbudgets.payments"
    label = "payments"
    verbose_name = "Direct payments"
