"""The REST API under /api/v1/ (django-ninja). Thin: it calls the same selectors and services as the pages."""

from ninja import NinjaAPI

from .auth import SessionAuth, TokenAuth
from .errors import problem_component_schemas, register_error_handlers
from .routers import budgets, children, letters, me, monitoring, offer, payments, plans, public, spending


class EhcbudgetsAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Route function names are unique across the API, and read better in generated clients than module paths.
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {}).update(problem_component_schemas())
        return schema


api = EhcbudgetsAPI(
    title="ehcbudgets API",
    version="1.0.0",
    description="Personal budgets for EHC plans. Authenticate with a personal access token: "
    "`Authorization: Bearer ehc_…`, or use this page while signed in. Errors are problem+json (RFC 9457); bad "
    "input is answered 422 with `errors`, one `{field, message}` for each problem. List routes take `page` and "
    "`page_size` (25 by default, at most 100) and answer `{items, count, page, page_size}`.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)
register_error_handlers(api)
api.add_router("/", me.router)
api.add_router("/", children.router)
api.add_router("/", plans.router)
api.add_router("/", offer.router)
api.add_router("/", budgets.router)
api.add_router("/", letters.router)
api.add_router("/", payments.router)
api.add_router("/", spending.router)
api.add_router("/", monitoring.router)
api.add_router("/", public.router)
