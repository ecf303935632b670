"""Top-level routes. Each app owns its own urls module."""

from django.contrib import admin
from django.urls import include, path

from ehcbudgets.api.api import api

handler400 = "ehcbudgets.core.views.error_400"
handler403 = "ehcbudgets.core.views.error_403"
handler404 = "ehcbudgets.core.views.error_404"
handler500 = "ehcbudgets.core.views.error_500"

urlpatterns = [
    path("", include("ehcbudgets.core.urls")),
    path("account/", include("ehcbudgets.accounts.urls")),
    path("cases/", include("ehcbudgets.people.urls")),
    path("cases/", include("ehcbudgets.budgets.urls")),
    path("my/", include("ehcbudgets.people.family_urls")),
    path("councils/", include("ehcbudgets.offer.public_urls")),
    path("council/", include("ehcbudgets.offer.urls")),
    path("council/", include("ehcbudgets.payments.council_urls")),
    path("council/", include("ehcbudgets.spending.council_urls")),
    path("my/", include("ehcbudgets.budgets.family_urls")),
    path("cases/", include("ehcbudgets.payments.urls")),
    path("cases/", include("ehcbudgets.spending.urls")),
    path("my/", include("ehcbudgets.payments.family_urls")),
    path("my/", include("ehcbudgets.spending.family_urls")),
    path("my/", include("ehcbudgets.monitoring.family_urls")),
    path("", include("ehcbudgets.monitoring.urls")),
    path("payments/", include("ehcbudgets.payments.finance_urls")),
    path("api/v1/", api.urls),
    path("platform-admin/", admin.site.urls),
]
