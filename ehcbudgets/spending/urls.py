"""Council staff pages for a family's spending, under /cases/ (mounted beside the cases and payments apps)."""

from django.urls import path

from . import views

app_name = "spending"
spending = "<int:pk>/direct-payments/<int:agreement_pk>/spending/"
monitoring_return = spending + "returns/<int:return_pk>/"
urlpatterns = [
    path("direct-payments/returns/", views.returns_to_check, name="returns"),
    path(spending, views.spending, name="agreement"),
    path(spending + "receipts/<int:receipt_pk>/", views.receipt, name="receipt"),
    path(spending + "records/<int:record_pk>/take-back/", views.record_withdraw, name="record_withdraw"),
    path(monitoring_return, views.return_detail, name="return"),
    path(monitoring_return + "accept/", views.return_accept, name="return_accept"),
    path(monitoring_return + "question/", views.return_query, name="return_query"),
]
