"""The family's monitoring pages, under /my/ (beside the family's direct payment pages)."""

from django.urls import path

from . import family_views as views

app_name = "family_monitoring"
monitoring = "children/<int:pk>/direct-payments/<int:agreement_pk>/monitoring/"
finding = monitoring + "findings/<int:finding_pk>/"
urlpatterns = [
    path(monitoring, views.overview, name="overview"),
    path(finding, views.finding, name="finding"),
    path(finding + "evidence/<int:note_pk>/", views.evidence, name="evidence"),
    path(monitoring + "ask-for-a-review/", views.review_request, name="review_request"),
]
