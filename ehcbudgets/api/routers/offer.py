"""The caller's council's local offer: the catalogue a budget is priced from, and its dated rate card; and the
council administrator's changes to them and to the council's dated policy (Perm.OFFER_MANAGE). The offer's services
check the role and the council again."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import READ_PROBLEMS, WRITE_PROBLEMS
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas_budgets import OfferItemOut, RateOut
from ehcbudgets.api.schemas_offer import OfferItemIn, OfferItemPatch, PolicyHistoryOut, PolicyIn, PolicyOut, RateIn
from ehcbudgets.core.dates import today
from ehcbudgets.councils.selectors import policies_of, policy_in_force
from ehcbudgets.offer import selectors, services

router = Router(tags=["Local offer"])

#: Staff who see budgets price them from the catalogue; council admins keep it.
READ = (Perm.BUDGET_VIEW, Perm.OFFER_MANAGE)


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


# The council administrator's changes (Perm.OFFER_MANAGE)


@router.post("/offer/items", response={201: OfferItemOut}, summary="Add an item", openapi_extra=WRITE_PROBLEMS)
def create_offer_item(request: HttpRequest, payload: OfferItemIn):
    """Add an item to the council's local offer; its funder, left out, is the funding stream's usual one (R27). A
    placement can never be a direct payment (R9); a block contract is arranged by the council and names its
    contract (R4). The item has no price until a rate is added."""
    require_perm(request, Perm.OFFER_MANAGE)
    return services.offer_item_create(actor=request.user, council=request.user.council, **payload.changes())


@router.patch("/offer/items/{item_id}", response=OfferItemOut, summary="Change an item", openapi_extra=WRITE_PROBLEMS)
def update_offer_item(request: HttpRequest, item_id: int, payload: OfferItemPatch):
    """Change an item of the council's local offer, under the same rules as adding one; fields left out stay as
    they are. Its rates are not changed here: add a new dated rate."""
    require_perm(request, Perm.OFFER_MANAGE)
    item = selectors.offer_item_get(council=request.user.council, pk=item_id)
    return services.offer_item_update(actor=request.user, item=item, **payload.changes())


@router.post(
    "/offer/items/{item_id}/rates", response={201: RateOut}, summary="Add a rate", openapi_extra=WRITE_PROBLEMS
)
def create_offer_item_rate(request: HttpRequest, item_id: int, payload: RateIn):
    """A new price for an item from a date; earlier rates stay as they were, and an item has one rate a date
    (DOMAIN R6)."""
    require_perm(request, Perm.OFFER_MANAGE)
    item = selectors.offer_item_get(council=request.user.council, pk=item_id)
    return services.rate_add(actor=request.user, item=item, **payload.model_dump())


@router.get(
    "/council/policy",
    response=PolicyHistoryOut,
    summary="Get the council's policy",
    tags=["Council policy"],
    openapi_extra=READ_PROBLEMS,
)
def get_council_policy(request: HttpRequest):
    """The policy in force today (DOMAIN's defaults where none was recorded) and every dated policy record."""
    require_perm(request, Perm.OFFER_MANAGE)
    council = request.user.council
    return {"in_force": policy_in_force(council=council, on=today()), "history": list(policies_of(council=council))}


@router.post(
    "/council/policy",
    response={201: PolicyOut},
    summary="Add a dated policy",
    tags=["Council policy"],
    openapi_extra=WRITE_PROBLEMS,
)
def create_council_policy(request: HttpRequest, payload: PolicyIn):
    """A new policy in force from a date; a policy is never changed, only followed by a new one. Values left out
    carry over from the policy in force the day before; one policy a date."""
    require_perm(request, Perm.OFFER_MANAGE)
    values = payload.changes()
    effective_from = values.pop("effective_from")
    return services.council_policy_add(
        actor=request.user, council=request.user.council, effective_from=effective_from, **values
    )
