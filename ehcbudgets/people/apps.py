from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "ehcbudgets.people"
    label = "people"
