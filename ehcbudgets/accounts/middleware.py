"""Council staff must confirm a one-time code after signing in, when the setting requires it."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Only the pages needed to finish signing in (or leave) are open before the second factor, so a password alone
# cannot create an API token or reach any record.
EXEMPT_PREFIXES = (
    "/account/sign-in/",
    "/account/sign-out/",
    "/account/signed-out/",
    "/account/two-factor/",
    "/static/",
    "/assets/",
    "/accessibility/",
    "/privacy/",
    "/health/",
)


def needs_second_factor(request) -> bool:
    """Whether this signed-in session still owes its second factor (DOMAIN: staff sign-in safety, ADR 3)."""
    user = getattr(request, "user", None)
    return bool(
        settings.EHC_REQUIRE_STAFF_2FA
        and user is not None
        and user.is_authenticated
        and user.needs_two_factor
        and not user.is_verified()
    )


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request) and not request.path.startswith(EXEMPT_PREFIXES):
            if request.path.startswith("/api/"):
                # A bearer token was made after a full sign-in; a bare session must finish signing in first.
                if not request.headers.get("Authorization"):
                    return JsonResponse(
                        {
                            "type": "about:blank",
                            "title": "Two-factor sign-in needed",
                            "status": 403,
                            "detail": "Finish signing in with your security code before using the API.",
                        },
                        status=403,
                        content_type="application/problem+json",
                    )
            else:
                return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
