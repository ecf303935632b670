from django.urls import path

from ehcbudgets.letters import views as letter_views
from ehcbudgets.plans import views as plan_views

from . import views

app_name = "cases"
plan = "<int:pk>/plans/<int:plan_pk>/"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.child_create, name="child_create"),
    path("<int:pk>/", views.child_detail, name="child"),
    path("<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("<int:pk>/history/", views.child_history, name="child_history"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/plans/new/", plan_views.plan_create, name="plan_create"),
    path(plan + "status/", plan_views.plan_status, name="plan_status"),
    path(plan + "outcomes/new/", plan_views.outcome_create, name="outcome_create"),
    path(plan + "outcomes/<int:outcome_pk>/edit/", plan_views.outcome_edit, name="outcome_edit"),
    path(plan + "provision/new/", plan_views.provision_create, name="provision_create"),
    path(plan + "provision/<int:item_pk>/edit/", plan_views.provision_edit, name="provision_edit"),
    path(plan + "provision/<int:item_pk>/remove/", plan_views.provision_delete, name="provision_delete"),
    path(plan + "reviews/new/", plan_views.review_create, name="review_create"),
    path(plan + "reviews/<int:review_pk>/decision/", plan_views.review_decide, name="review_decide"),
    path("<int:pk>/letters/<int:letter_pk>/", letter_views.letter_detail, name="letter"),
    path("<int:pk>/letters/<int:letter_pk>/pdf/", letter_views.letter_pdf, name="letter_pdf"),
]
