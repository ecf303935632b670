from django.urls import path

from . import views

app_name = "payments"
agreement = "<int:pk>/direct-payments/<int:agreement_pk>/"
urlpatterns = [
    path("<int:pk>/budgets/<int:budget_pk>/direct-payments/new/", views.agreement_create, name="agreement_create"),
    path(agreement, views.agreement_detail, name="agreement"),
    path(agreement + "change/", views.agreement_edit, name="edit"),
    path(agreement + "send/", views.agreement_send, name="send"),
    path(agreement + "consent/", views.agreement_consent, name="consent"),
    path(agreement + "assistants/new/", views.assistant_add, name="assistant_add"),
    path(agreement + "suspend/", views.agreement_suspend, name="suspend"),
    path(agreement + "resume/", views.agreement_resume, name="resume"),
    path(agreement + "recipient/", views.agreement_change_recipient, name="change_recipient"),
    path(agreement + "withdrawal/", views.agreement_withdrawal, name="withdrawal"),
    path(agreement + "reduce/", views.agreement_reduce, name="reduce"),
    path(agreement + "stop/", views.agreement_stop, name="stop"),
    path(agreement + "recover/", views.recovery_create, name="recover"),
    path(
        agreement + "reconsider/<str:kind>/<int:subject_pk>/",
        views.reconsideration_record,
        name="reconsideration_record",
    ),
    path(
        agreement + "reconsiderations/<int:reconsideration_pk>/",
        views.reconsideration_decide,
        name="reconsideration_decide",
    ),
]
