"""Every refusal is problem+json (RFC 9457); bad input names each invalid field, as the pages' error summary does."""

import json
from http import HTTPStatus

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import NinjaJSONEncoder

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Where ninja says a bad value came from; clients know the field by its own name, not by the source.
_PARAM_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
# Every route names its body parameter "payload", and ninja puts that name in the error's location.
_BODY_PARAM = "payload"


class FieldError(Schema):
    field: str | None = None
    message: str


class Problem(Schema):
    """An error response (RFC 9457). `errors` is present for bad input: one entry per message, naming its field."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


def problem(request: HttpRequest, status: int, detail: str, *, errors: list[dict] | None = None) -> HttpResponse:
    """A problem+json response; the type is about:blank, so the title is the status's own phrase (RFC 9457 4.2.1)."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def _field_of(loc) -> str | None:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _PARAM_SOURCES:
        parts = parts[1:]
    if parts and parts[0] == _BODY_PARAM:
        parts = parts[1:]
    return ".".join(parts) or None


def ninja_errors(exc: NinjaValidationError) -> list[dict]:
    """Ninja's (pydantic's) errors as {field, message}; a field inside a list is named like outcomes.1."""
    return [{"field": _field_of(error.get("loc", ())), "message": error.get("msg", "")} for error in exc.errors]


def django_errors(exc: DjangoValidationError) -> list[dict]:
    """A service's ValidationError as {field, message}; a message about no one field has field null."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in exc.messages]


def _bad_input(request, errors: list[dict]) -> HttpResponse:
    return problem(request, 422, "Some of what was sent is not valid: see errors.", errors=errors)


def _unauthenticated(request, exc: AuthenticationError) -> HttpResponse:
    response = problem(
        request, 401, "Sign in, or send a personal access token as the header Authorization: Bearer ehc_…"
    )
    response["WWW-Authenticate"] = 'Bearer realm="ehcbudgets"'
    return response


def _forbidden(request, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, str(exc) or "Your role does not allow this.")


def _not_found(request, exc: Http404) -> HttpResponse:
    # The same answer whether the record does not exist or belongs to someone else, so nothing leaks.
    return problem(request, 404, "Not found.")


def _http_error(request, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, exc.message)


def register_error_handlers(api: NinjaAPI) -> None:
    """Answer ninja's errors, and the Django exceptions that services and selectors raise, as problem+json."""
    api.add_exception_handler(NinjaValidationError, lambda request, exc: _bad_input(request, ninja_errors(exc)))
    api.add_exception_handler(DjangoValidationError, lambda request, exc: _bad_input(request, django_errors(exc)))
    api.add_exception_handler(AuthenticationError, _unauthenticated)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(PermissionDenied, _forbidden)
    api.add_exception_handler(Http404, _not_found)


def problem_responses(*statuses: int) -> dict:
    """The OpenAPI responses an operation can refuse with, for its openapi_extra."""
    return {
        "responses": {
            status: {
                "description": HTTPStatus(status).phrase,
                "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
            for status in statuses
        }
    }


def problem_component_schemas() -> dict:
    """Problem and FieldError as OpenAPI components, which problem_responses refers to."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    return {"Problem": schema, **definitions}


#: What a read and a write can be refused with: every router's operations use these.
READ_PROBLEMS = problem_responses(401, 403, 404, 422)
WRITE_PROBLEMS = problem_responses(400, 401, 403, 404, 422)
