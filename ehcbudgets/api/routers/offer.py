"""The caller's council's local offer: the catalogue a budget is priced from, and its dated rate card."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import problem_responses
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas_budgets import OfferItemOut, RateOut
from ehcbudgets.offer import selectors

router = Router(tags=["Local offer"])

#: Staff who see budgets price them from the catalogue; council admins keep it.
READ = (Perm.BUDGET_VIEW, Perm.OFFER_MANAGE)
READ_PROBLEMS = problem_responses(401, 403, 404, 422)


@router.get("/offer/items", response=list[OfferItemOut], summary="List the local offer", openapi_extra=READ_PROBLEMS)
@paginate(Pages)
def list_offer_items(request: HttpRequest, include_inactive: bool = False):
    """The council's catalogue by category and name, each item with the rate in force today; items no longer
    offered only when asked for."""
    require_perm(request, *READ)
    # Only council staff hold these permissions, so the caller always has a council: the scope of every read here.
    return selectors.offer_items(council=request.user.council, active_only=not include_inactive).order_by(
        "category", "name", "pk"
    )


@router.get(
    "/offer/items/{item_id}/rates",
    response=list[RateOut],
    summary="List an item's rates",
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_offer_item_rates(request: HttpRequest, item_id: int):
    """Every dated rate of one item of the council's catalogue, newest first; a rate is never changed, only followed
    by a new one (DOMAIN R6)."""
    require_perm(request, *READ)
    item = selectors.offer_item_get(council=request.user.council, pk=item_id)
    return selectors.rates_of(item=item)
