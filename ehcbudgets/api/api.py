"""The REST API under /api/v1/ (django-ninja). Thin: it calls the same selectors and services as the pages."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="ehcbudgets API",
    version="1.0.0",
    description="Personal budgets for EHC plans. Authenticate with a personal access token: "
    "`Authorization: Bearer ehc_…`. Errors are problem+json (RFC 9457).",
    urls_namespace="api",
)
