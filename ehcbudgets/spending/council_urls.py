"""The council administrator's linking rules (/council/linking-rules/...): always their own council's."""

from django.urls import path

from . import views

app_name = "council_spending"
urlpatterns = [
    path("linking-rules/", views.council_rules, name="rules"),
    path("linking-rules/new/", views.council_rule_add, name="rule_add"),
    path("linking-rules/<int:council_rule_pk>/remove/", views.council_rule_remove, name="rule_remove"),
]
