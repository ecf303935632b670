from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ehcbudgets.api"
    label = "api"
