from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ehcbudgets.accounts"
    label = "accounts"
