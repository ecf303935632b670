from django.urls import path

from . import family_views

app_name = "family_payments"
agreement = "children/<int:pk>/direct-payments/<int:agreement_pk>/"
urlpatterns = [
    path(agreement, family_views.agreement, name="agreement"),
    path(agreement + "consent/", family_views.consent, name="consent"),
    path(agreement + "withdraw/", family_views.withdraw, name="withdraw"),
    path(agreement + "reconsider/<str:kind>/<int:subject_pk>/", family_views.reconsider, name="reconsider"),
]
