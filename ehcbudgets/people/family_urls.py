from django.urls import path

from . import family_views

app_name = "family"
urlpatterns = [
    path("", family_views.children, name="children"),
    path("children/<int:pk>/", family_views.child, name="child"),
]
