from django.apps import AppConfig


class OfferConfig(AppConfig):
    name = "ehcbudgets.offer"
    label = "offer"
