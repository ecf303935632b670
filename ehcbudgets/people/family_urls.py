from django.urls import path

from ehcbudgets.letters import views as letter_views

from . import family_views

app_name = "family"
urlpatterns = [
    path("", family_views.children, name="children"),
    path("children/<int:pk>/", family_views.child, name="child"),
    path("children/<int:pk>/letters/<int:letter_pk>/", letter_views.family_letter_detail, name="letter"),
    path("children/<int:pk>/letters/<int:letter_pk>/pdf/", letter_views.family_letter_pdf, name="letter_pdf"),
]
