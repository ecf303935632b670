from django.urls import path

from . import family_views

app_name = "family_budgets"
urlpatterns = [
    path("children/<int:pk>/personal-budget/", family_views.budget, name="budget"),
    path("children/<int:pk>/personal-budget/ask/", family_views.ask, name="ask"),
    path("children/<int:pk>/personal-budget/ask/check/", family_views.check, name="check"),
    path("children/<int:pk>/personal-budget/requests/<int:request_pk>/", family_views.sent, name="sent"),
    path("children/<int:pk>/decisions/<int:decision_pk>/review/", family_views.review_ask, name="review"),
]
