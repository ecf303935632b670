from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "ehcbudgets.plans"
    label = "plans"
