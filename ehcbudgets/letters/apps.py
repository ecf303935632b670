from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "ehcbudgets.letters"
    label = "letters"
