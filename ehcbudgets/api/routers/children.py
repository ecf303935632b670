"""Children and young people, and their family contacts."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import problem_responses
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas import (
    ChildIn,
    ChildOut,
    ChildPatch,
    ContactIn,
    ContactOut,
    ContactPatch,
    PlanStatusFilter,
)
from ehcbudgets.people import selectors, services

router = Router(tags=["Children"])

#: Staff read their scope of case records; families read the children linked to them (selectors do the scoping).
READ = (Perm.CASES_VIEW, Perm.FAMILY_VIEW)
READ_PROBLEMS = problem_responses(401, 403, 404, 422)
WRITE_PROBLEMS = problem_responses(400, 401, 403, 404, 422)


def _require_contacts_visible(request: HttpRequest) -> None:
    """Contacts are the council's case data (Perm.CONTACTS_VIEW): ICB officers and families get 403, not an empty
    list, which would say, wrongly, that the child has no contacts."""
    require_perm(request, Perm.CONTACTS_VIEW)


@router.get("/children", response=list[ChildOut], summary="List children", openapi_extra=READ_PROBLEMS)
@paginate(Pages)
def list_children(request: HttpRequest, q: str = "", plan_status: PlanStatusFilter | None = None):
    """The children the user may see, searched by name, reference or UPN, filtered by plan status ("none": no plan)."""
    require_perm(request, *READ)
    children = selectors.child_search(user=request.user, query=q.strip(), plan_status=plan_status or "")
    return children.select_related("council")


@router.post("/children", response={201: ChildOut}, summary="Add a child", openapi_extra=WRITE_PROBLEMS)
def create_child(request: HttpRequest, payload: ChildIn):
    """Record a new child or young person in the user's council."""
    require_perm(request, Perm.CHILD_EDIT)
    return services.child_create(actor=request.user, council=request.user.council, **payload.model_dump())


@router.get("/children/{child_id}", response=ChildOut, summary="Get a child", openapi_extra=READ_PROBLEMS)
def get_child(request: HttpRequest, child_id: int):
    """One child the user may see."""
    require_perm(request, *READ)
    return selectors.child_get(user=request.user, pk=child_id)


@router.patch("/children/{child_id}", response=ChildOut, summary="Change a child", openapi_extra=WRITE_PROBLEMS)
def update_child(request: HttpRequest, child_id: int, payload: ChildPatch):
    """Change a child's details; fields left out stay as they are."""
    require_perm(request, Perm.CHILD_EDIT)
    child = selectors.child_get(user=request.user, pk=child_id)
    return services.child_update(actor=request.user, child=child, **payload.changes())


@router.get(
    "/children/{child_id}/contacts",
    response=list[ContactOut],
    summary="List a child's contacts",
    tags=["Contacts"],
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_contacts(request: HttpRequest, child_id: int):
    """A child's family contacts (council staff only: see _require_contacts_visible)."""
    _require_contacts_visible(request)
    child = selectors.child_get(user=request.user, pk=child_id)
    return selectors.contacts_of(child=child).order_by("full_name", "pk")


@router.post(
    "/children/{child_id}/contacts",
    response={201: ContactOut},
    summary="Add a contact",
    tags=["Contacts"],
    openapi_extra=WRITE_PROBLEMS,
)
def create_contact(request: HttpRequest, child_id: int, payload: ContactIn):
    """Add a family contact to a child (a young person can be their own contact)."""
    require_perm(request, Perm.CONTACT_EDIT)
    child = selectors.child_get(user=request.user, pk=child_id)
    return services.contact_create(actor=request.user, child=child, **payload.model_dump())


@router.patch(
    "/children/{child_id}/contacts/{contact_id}",
    response=ContactOut,
    summary="Change a contact",
    tags=["Contacts"],
    openapi_extra=WRITE_PROBLEMS,
)
def update_contact(request: HttpRequest, child_id: int, contact_id: int, payload: ContactPatch):
    """Change a contact's details, capacity or R11 answer; fields left out stay as they are."""
    require_perm(request, Perm.CONTACT_EDIT)
    child = selectors.child_get(user=request.user, pk=child_id)
    contact = selectors.contact_get(child=child, pk=contact_id)
    return services.contact_update(actor=request.user, contact=contact, **payload.changes())
