from django.urls import path

from . import views

app_name = "council_payments"
urlpatterns = [path("bank-details/", views.bank_details, name="bank_details")]
