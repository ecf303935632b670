"""Each council's public pages about personal budgets, open to anyone (DOMAIN R3): /councils/<council code>/..."""

from django.urls import path

from . import public_views as views

app_name = "public"
urlpatterns = [
    path("", views.council_list, name="councils"),
    path("<slug:code>/", views.council_home, name="council"),
    path("<slug:code>/what-it-can-pay-for/", views.can_pay_for, name="can_pay_for"),
    path("<slug:code>/what-it-cannot-pay-for/", views.cannot_pay_for, name="cannot_pay_for"),
]
