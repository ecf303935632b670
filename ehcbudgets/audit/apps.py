from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ehcbudgets.audit"
    label = "audit"
