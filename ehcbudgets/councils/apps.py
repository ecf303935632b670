from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "ehcbudgets.councils"
    label = "councils"
