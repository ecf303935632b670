"""Who is calling (a personal access token, or a signed-in browser session) and what their role lets them do."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from ehcbudgets.accounts.models import ApiToken
from ehcbudgets.accounts.permissions import Perm, has_perm


class TokenAuth(HttpBearer):
    """A personal access token: `Authorization: Bearer ehc_…`. Revoked tokens, inactive users and roles that may no
    longer use the API are refused (401)."""

    def authenticate(self, request: HttpRequest, token: str):
        # Skip the database for anything that cannot be one of our tokens.
        if not token.startswith(ApiToken.PREFIX):
            return None
        found = ApiToken.find_active(token)
        # A token works only while its user's role may still use the API (the role may have changed since).
        if found is None or not has_perm(found.user, Perm.API_TOKENS):
            return None
        found.mark_used()
        # Services take actor=request.user and selectors scope by it, so the token's user must be that user.
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """A signed-in browser, so /api/v1/docs can be tried out. Writes need the CSRF token (ninja's docs send it), and
    staff must have passed two-factor sign-in where it is required, as for the pages."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check moves to authenticate, so it runs only for a session user: an anonymous or token-carrying
        # request is then refused as unauthenticated (401), not as a CSRF failure (403).
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None):
        # A request that sends a token is judged by the token alone: a bad token must not fall back to the session.
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        # StaffTwoFactorMiddleware refuses these first; checked here too so the API never depends on middleware order.
        if settings.EHC_REQUIRE_STAFF_2FA and user.needs_two_factor and not user.is_verified():
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the csrftoken cookie's value as the X-CSRFToken header.")
        return user


def require_perm(request: HttpRequest, *perms: Perm) -> None:
    """Refuse (403) unless the user's role grants at least one of the permissions: the pages' matrix, unchanged."""
    if not any(has_perm(request.user, perm) for perm in perms):
        raise PermissionDenied("Your role does not allow this.")
