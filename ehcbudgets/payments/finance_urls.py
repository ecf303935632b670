from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_pk>/", views.run_detail, name="run"),
    path("runs/<int:run_pk>/files/<str:file_format>/", views.run_file, name="run_file"),
    path("recoveries/", views.recoveries, name="recoveries"),
    path("recoveries/<int:recovery_pk>/receipt/", views.recovery_receipt, name="recovery_receipt"),
    path("ledger/", views.ledger, name="ledger"),
]
