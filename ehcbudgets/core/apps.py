from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ehcbudgets.core"
    label = "core"
