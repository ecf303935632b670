"""The public local offer: each council's catalogue, rates and spending restrictions, open to anyone without a token
or a session, as the council's public pages are (DOMAIN R3). It shows what those pages show and nothing more."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from ehcbudgets.api.errors import problem_responses
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas_offer import PublicCouncilOut, PublicOfferOut
from ehcbudgets.core.dates import today
from ehcbudgets.councils.selectors import council_by_code, councils_all
from ehcbudgets.offer.models import Category
from ehcbudgets.offer.selectors import offer_items, offer_items_priced, restrictions

router = Router(tags=["Public local offer"])

PUBLIC_PROBLEMS = problem_responses(404, 422)


@router.get(
    "/public/councils",
    response=list[PublicCouncilOut],
    auth=None,
    summary="List the councils",
    openapi_extra=PUBLIC_PROBLEMS,
)
@paginate(Pages)
def list_public_councils(request: HttpRequest):
    """The councils using the service, by name. No token or session needed."""
    return councils_all()


@router.get(
    "/public/councils/{code}/offer",
    response=PublicOfferOut,
    auth=None,
    summary="A council's local offer",
    openapi_extra=PUBLIC_PROBLEMS,
)
def get_public_offer(request: HttpRequest, code: str):
    """What a personal budget can pay for in the council, by category and name, with the rate in force today and
    how each item may be held; the places at a school, college or setting a budget never pays for (DOMAIN R9); and
    what direct payments cannot be spent on (R33). No token or session needed; an unknown council is 404."""
    council = council_by_code(code=code)
    on = today()
    # As the public pages: placements are costed in the catalogue, but a personal budget never pays for them (R9).
    priced = offer_items_priced(council=council, on=on).exclude(category=Category.PLACEMENT)
    category_order = {value: index for index, value in enumerate(Category.values)}
    items = sorted(priced, key=lambda item: (category_order[item.category], item.name, item.pk))
    return {
        "council": council,
        "advice_text": council.advice_text,
        "on": on,
        "items": items,
        "placements": offer_items(council=council).filter(category=Category.PLACEMENT).order_by("name"),
        "restrictions": restrictions(council=council),
    }
