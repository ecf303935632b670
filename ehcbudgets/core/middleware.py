"""Requests refused before any view sees them."""

from django.http import HttpRequest


class RefuseNulCharacters:
    """A NUL character (%00) in the query string is refused with 400: no search, filter or address needs one, and
    PostgreSQL cannot hold or compare text containing it, so a view passing it on would fail with a server error.
    (Forms refuse it in what is posted; the API's input schemas refuse it in JSON bodies.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            return _bad_request(request)
        return self.get_response(request)


def _bad_request(request: HttpRequest):
    if request.path.startswith("/api/"):
        from ehcbudgets.api.errors import problem

        return problem(request, 400, "The address contains a NUL character (%00), which is not allowed.")
    from .views import error_400

    return error_400(request)
