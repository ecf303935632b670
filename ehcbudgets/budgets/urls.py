from django.urls import path

from . import views

app_name = "budgets"
budget = "<int:pk>/budgets/<int:budget_pk>/"
urlpatterns = [
    path("<int:pk>/budget-requests/new/", views.request_create, name="request_create"),
    path("<int:pk>/budget-requests/<int:request_pk>/", views.request_detail, name="request"),
    path("<int:pk>/budget-requests/<int:request_pk>/cost/", views.budget_start, name="budget_start"),
    path(budget, views.budget_detail, name="budget"),
    path(budget + "lines/<int:provision_pk>/", views.line_edit, name="line_edit"),
    path(budget + "lines/<int:line_pk>/refuse-direct-payment/", views.direct_payment_refuse, name="line_refuse_dp"),
    path(budget + "direct-payments/", views.direct_payment_case, name="dp_case"),
    path(budget + "submit/", views.budget_submit, name="submit"),
    path(budget + "approve/", views.budget_approve, name="approve"),
    path(budget + "refuse/", views.budget_refuse, name="refuse"),
    path(budget + "panel/<int:referral_pk>/", views.panel_decide, name="panel"),
    path(budget + "section-j/", views.section_j, name="section_j"),
    path("<int:pk>/decisions/<int:decision_pk>/review/", views.review_request_create, name="review_request"),
    path("<int:pk>/decision-reviews/<int:review_request_pk>/", views.review_decide, name="review"),
]
