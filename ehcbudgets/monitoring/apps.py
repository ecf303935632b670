from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ehcbudgets.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring and reviews"
