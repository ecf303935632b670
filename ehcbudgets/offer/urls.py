"""The council administrator's pages (/council/...): the local offer, its rates, what direct payments cannot buy,
and the council's dated policy. Always the signed-in administrator's own council."""

from django.urls import path

from . import views

app_name = "council"
item = "offer/<int:offer_item_pk>/"
urlpatterns = [
    path("", views.settings_home, name="home"),
    path("offer/", views.offer_list, name="offer"),
    path("offer/new/", views.offer_item_create, name="offer_item_create"),
    path(item, views.offer_item_detail, name="offer_item"),
    path(item + "change/", views.offer_item_edit, name="offer_item_edit"),
    path(item + "rates/new/", views.rate_create, name="rate_create"),
    path("restrictions/", views.restriction_list, name="restrictions"),
    path("restrictions/new/", views.restriction_create, name="restriction_create"),
    path("restrictions/<int:restriction_pk>/switch/", views.restriction_switch, name="restriction_switch"),
    path("policy/", views.policy_detail, name="policy"),
    path("policy/new/", views.policy_create, name="policy_create"),
]
