"""Council staff pages for monitoring: the work queue, findings, checks of the rules and reviews."""

from django.urls import path

from . import views

app_name = "monitoring"
agreement = "cases/<int:pk>/direct-payments/<int:agreement_pk>/"
finding = agreement + "findings/<int:finding_pk>/"
review = agreement + "reviews/<int:dp_review_pk>/"
urlpatterns = [
    path("work/", views.work_queue, name="queue"),
    path("monitoring/findings/", views.findings, name="findings"),
    path("monitoring/reviews/", views.reviews, name="reviews"),
    path("monitoring/checks/", views.sweeps, name="sweeps"),
    path("monitoring/checks/<int:sweep_pk>/", views.sweep, name="sweep"),
    path(finding, views.finding, name="finding"),
    path(finding + "raise/", views.finding_raise, name="finding_raise"),
    path(finding + "resolve/", views.finding_resolve, name="finding_resolve"),
    path(finding + "recover/", views.finding_escalate, name="finding_escalate"),
    path(finding + "evidence/<int:note_pk>/", views.evidence, name="evidence"),
    path(review, views.review, name="review"),
    path(review + "record/", views.review_record, name="review_record"),
    path(review + "decline/", views.review_decline, name="review_decline"),
]
