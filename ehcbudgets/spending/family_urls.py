"""The family's spending pages, under /my/ (mounted beside the family's direct payment pages)."""

from django.urls import path

from . import family_views as views

app_name = "family_spending"
spending = "children/<int:pk>/direct-payments/<int:agreement_pk>/spending/"
record = spending + "records/<int:record_pk>/"
statement = spending + "statements/<int:statement_pk>/"
urlpatterns = [
    path(spending, views.overview, name="overview"),
    path(spending + "records/", views.records, name="records"),
    path(spending + "records/add/", views.record_add, name="record_add"),
    path(record, views.record, name="record"),
    path(record + "receipts/add/", views.receipt_add, name="receipt_add"),
    path(record + "take-back/", views.record_withdraw, name="record_withdraw"),
    path(spending + "receipts/<int:receipt_pk>/", views.receipt, name="receipt"),
    path(spending + "statements/add/", views.statement_upload, name="statement_upload"),
    path(statement, views.statement, name="statement"),
    path(statement + "discard/", views.statement_discard, name="statement_discard"),
    path(spending + "rules/", views.link_rules, name="rules"),
    path(spending + "rules/add/", views.link_rule_add, name="rule_add"),
    path(spending + "rules/<int:rule_pk>/remove/", views.link_rule_remove, name="rule_remove"),
    path(spending + "owed-and-set-aside/", views.owed, name="owed"),
    path(spending + "owed/add/", views.commitment_add, name="commitment_add"),
    path(spending + "owed/<int:commitment_pk>/paid/", views.commitment_settle, name="commitment_settle"),
    path(spending + "set-aside/add/", views.savings_add, name="savings_add"),
    path(spending + "set-aside/<int:pot_pk>/remove/", views.savings_remove, name="savings_remove"),
    path(spending + "what-can-i-buy/", views.spend_check, name="spend_check"),
    path(spending + "returns/", views.returns, name="returns"),
    path(spending + "returns/<str:period_start>/send/", views.return_send, name="return_send"),
    path(spending + "questions/<int:evidence_pk>/answer/", views.evidence_answer, name="evidence_answer"),
]
