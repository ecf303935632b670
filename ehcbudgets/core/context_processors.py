"""Values every page needs: the service name, the header's organisation, and the navigation for the user's role."""

from django.conf import settings
from django.urls import reverse

from ehcbudgets.accounts.permissions import Perm, has_perm


def _navigation(request):
    user = request.user
    items = []
    if has_perm(user, Perm.WORK_QUEUE):
        items.append(("Work queue", reverse("monitoring:queue"), "/work/"))
    if has_perm(user, Perm.CASES_VIEW):
        items.append(("Cases", reverse("cases:list"), "/cases/"))
    if has_perm(user, Perm.FAMILY_VIEW):
        items.append(
            ("Your children" if user.role != "young_person" else "Your plan", reverse("family:children"), "/my/")
        )
    if has_perm(user, Perm.DP_VIEW) and not has_perm(user, Perm.WORK_QUEUE):
        items.append(("Findings", reverse("monitoring:findings"), "/monitoring/"))
    if has_perm(user, Perm.PAYMENTS_RUN):
        items.append(("Payments", reverse("finance:runs"), "/payments/"))
    elif has_perm(user, Perm.LEDGER_VIEW):
        items.append(("Ledger", reverse("finance:ledger"), "/payments/ledger/"))
    if has_perm(user, Perm.OFFER_MANAGE):
        items.append(("Council settings", reverse("council:home"), "/council/"))
    if has_perm(user, Perm.API_TOKENS):
        items.append(("API tokens", reverse("accounts:api_tokens"), "/account/api-tokens/"))
    # The item whose address is the longest match is the current one ("Returns to check" lives under /cases/).
    matching = [p for _, _, p in items if request.path.startswith(p)]
    current = max(matching, key=len) if matching else None
    return [{"text": t, "href": h, "current": p == current} for t, h, p in items]


def service(request):
    """The header's service name and organisation name, and the signed-in user's navigation."""
    user = getattr(request, "user", None)
    context = {"service_name": settings.EHC_SERVICE_NAME, "organisation_name": None, "navigation": []}
    if user is not None and user.is_authenticated:
        context["organisation_name"] = user.organisation_name
        context["navigation"] = _navigation(request)
        context["perms_api_tokens"] = has_perm(user, Perm.API_TOKENS)
    return context
