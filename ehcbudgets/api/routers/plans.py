"""EHC plans: status, outcomes (section E), provision (F, G, H1, H2) and reviews."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import problem_responses
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas import (
    OutcomeIn,
    OutcomeOut,
    OutcomePatch,
    PlanCreateIn,
    PlanDetailOut,
    PlanOut,
    PlanStatusIn,
    ProvisionIn,
    ProvisionOut,
    ProvisionPatch,
    ReviewDecisionIn,
    ReviewIn,
    ReviewOut,
)
from ehcbudgets.people.selectors import child_get
from ehcbudgets.plans import selectors, services
from ehcbudgets.plans.models import Outcome, Plan

router = Router(tags=["Plans"])

#: Staff read plans in their scope; families read their own children's plans (the family page shows the same).
READ = (Perm.CASES_VIEW, Perm.FAMILY_VIEW)
READ_PROBLEMS = problem_responses(401, 403, 404, 422)
WRITE_PROBLEMS = problem_responses(400, 401, 403, 404, 422)


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return selectors.plan_get(user=request.user, pk=plan_id)


def _outcomes_by_id(plan: Plan, ids: list[int]) -> list[Outcome]:
    """The plan's outcomes with these ids; any other id is a field error, as an unknown choice is on the page's form."""
    found = {outcome.pk: outcome for outcome in selectors.outcomes_of(plan=plan).filter(pk__in=ids)}
    if any(pk not in found for pk in ids):
        raise ValidationError({"outcomes": "Choose outcomes from this plan"})
    return [found[pk] for pk in dict.fromkeys(ids)]


# Plans


@router.get(
    "/children/{child_id}/plans", response=list[PlanOut], summary="List a child's plans", openapi_extra=READ_PROBLEMS
)
@paginate(Pages)
def list_plans(request: HttpRequest, child_id: int):
    """A child's plans, newest first (at most one has not ceased)."""
    require_perm(request, *READ)
    child = child_get(user=request.user, pk=child_id)
    return selectors.plans_visible_to(request.user).filter(child=child).order_by("-created_at", "-pk")


@router.post(
    "/children/{child_id}/plans", response={201: PlanOut}, summary="Start a plan", openapi_extra=WRITE_PROBLEMS
)
def create_plan(request: HttpRequest, child_id: int, payload: PlanCreateIn):
    """Start a plan, at needs assessment or draft, for a child under 25 with no open plan."""
    require_perm(request, Perm.PLAN_EDIT)
    child = child_get(user=request.user, pk=child_id)
    return services.plan_create(actor=request.user, child=child, status=payload.status)


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="Get a plan", openapi_extra=READ_PROBLEMS)
def get_plan(request: HttpRequest, plan_id: int):
    """A plan with its outcomes, the provision the user may see, and when its reviews are due."""
    require_perm(request, *READ)
    return _plan(request, plan_id)


@router.post(
    "/plans/{plan_id}/status", response=PlanOut, summary="Change a plan's status", openapi_extra=WRITE_PROBLEMS
)
def set_plan_status(request: HttpRequest, plan_id: int, payload: PlanStatusIn):
    """Move a plan to another status; moves the process does not allow are refused."""
    require_perm(request, Perm.PLAN_STATUS)
    plan = _plan(request, plan_id)
    return services.plan_set_status(actor=request.user, plan=plan, **payload.model_dump())


# Outcomes


@router.get(
    "/plans/{plan_id}/outcomes",
    response=list[OutcomeOut],
    summary="List a plan's outcomes",
    tags=["Outcomes"],
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_outcomes(request: HttpRequest, plan_id: int):
    """The plan's section E outcomes, oldest first."""
    require_perm(request, *READ)
    return selectors.outcomes_of(plan=_plan(request, plan_id))


@router.post(
    "/plans/{plan_id}/outcomes",
    response={201: OutcomeOut},
    summary="Add an outcome",
    tags=["Outcomes"],
    openapi_extra=WRITE_PROBLEMS,
)
def create_outcome(request: HttpRequest, plan_id: int, payload: OutcomeIn):
    """Add a section E outcome to a plan that is being drafted, reviewed or re-assessed."""
    require_perm(request, Perm.PLAN_EDIT)
    plan = _plan(request, plan_id)
    return services.outcome_create(actor=request.user, plan=plan, **payload.model_dump())


@router.patch(
    "/plans/{plan_id}/outcomes/{outcome_id}",
    response=OutcomeOut,
    summary="Change an outcome",
    tags=["Outcomes"],
    openapi_extra=WRITE_PROBLEMS,
)
def update_outcome(request: HttpRequest, plan_id: int, outcome_id: int, payload: OutcomePatch):
    """Change a section E outcome; fields left out stay as they are."""
    require_perm(request, Perm.PLAN_EDIT)
    plan = _plan(request, plan_id)
    outcome = get_object_or_404(selectors.outcomes_of(plan=plan), pk=outcome_id)
    return services.outcome_update(actor=request.user, outcome=outcome, **payload.changes())


# Provision


@router.get(
    "/plans/{plan_id}/provision",
    response=list[ProvisionOut],
    summary="List a plan's provision",
    tags=["Provision"],
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_provision(request: HttpRequest, plan_id: int):
    """The plan's provision by section; an ICB officer sees the health provision only."""
    require_perm(request, *READ)
    return selectors.provision_for(user=request.user, plan=_plan(request, plan_id))


@router.post(
    "/plans/{plan_id}/provision",
    response={201: ProvisionOut},
    summary="Add provision",
    tags=["Provision"],
    openapi_extra=WRITE_PROBLEMS,
)
def create_provision(request: HttpRequest, plan_id: int, payload: ProvisionIn):
    """Add provision to section F, G, H1 or H2, linked to outcomes of the same plan."""
    require_perm(request, Perm.PLAN_EDIT)
    plan = _plan(request, plan_id)
    fields = payload.model_dump(exclude={"outcomes"}, exclude_none=True)
    outcomes = _outcomes_by_id(plan, payload.outcomes)
    return services.provision_create(actor=request.user, plan=plan, outcomes=outcomes, **fields)


@router.patch(
    "/plans/{plan_id}/provision/{provision_id}",
    response=ProvisionOut,
    summary="Change provision",
    tags=["Provision"],
    openapi_extra=WRITE_PROBLEMS,
)
def update_provision(request: HttpRequest, plan_id: int, provision_id: int, payload: ProvisionPatch):
    """Change provision; outcomes, when sent, replace the outcomes it serves; fields left out stay as they are."""
    require_perm(request, Perm.PLAN_EDIT)
    plan = _plan(request, plan_id)
    item = get_object_or_404(selectors.provision_for(user=request.user, plan=plan), pk=provision_id)
    fields = payload.changes()
    outcomes = _outcomes_by_id(plan, fields.pop("outcomes")) if "outcomes" in fields else None
    return services.provision_update(actor=request.user, item=item, outcomes=outcomes, **fields)


@router.delete(
    "/plans/{plan_id}/provision/{provision_id}",
    response={204: None},
    summary="Remove provision",
    tags=["Provision"],
    openapi_extra=WRITE_PROBLEMS,
)
def delete_provision(request: HttpRequest, plan_id: int, provision_id: int):
    """Remove provision from a plan that is being drafted, reviewed or re-assessed."""
    require_perm(request, Perm.PLAN_EDIT)
    plan = _plan(request, plan_id)
    item = get_object_or_404(selectors.provision_for(user=request.user, plan=plan), pk=provision_id)
    services.provision_delete(actor=request.user, item=item)


# Reviews


@router.get(
    "/plans/{plan_id}/reviews",
    response=list[ReviewOut],
    summary="List a plan's reviews",
    tags=["Reviews"],
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_reviews(request: HttpRequest, plan_id: int):
    """The plan's review meetings and decisions, newest first (staff only: the family page shows due dates only)."""
    require_perm(request, Perm.CASES_VIEW)
    return selectors.reviews_of(plan=_plan(request, plan_id))


@router.post(
    "/plans/{plan_id}/reviews",
    response={201: ReviewOut},
    summary="Record a review meeting",
    tags=["Reviews"],
    openapi_extra=WRITE_PROBLEMS,
)
def create_review(request: HttpRequest, plan_id: int, payload: ReviewIn):
    """Record a review meeting of a final plan; the plan is under review until the decision (DOMAIN R28)."""
    require_perm(request, Perm.PLAN_REVIEW)
    plan = _plan(request, plan_id)
    return services.plan_review_record(actor=request.user, plan=plan, **payload.model_dump())


@router.post(
    "/plans/{plan_id}/reviews/{review_id}/decision",
    response=ReviewOut,
    summary="Record a review decision",
    tags=["Reviews"],
    openapi_extra=WRITE_PROBLEMS,
)
def decide_review(request: HttpRequest, plan_id: int, review_id: int, payload: ReviewDecisionIn):
    """Record the decision after a review (maintain, amend or cease), which moves the plan on (DOMAIN R28)."""
    require_perm(request, Perm.PLAN_REVIEW)
    plan = _plan(request, plan_id)
    review = get_object_or_404(selectors.reviews_of(plan=plan), pk=review_id)
    return services.plan_review_decide(actor=request.user, review=review, **payload.model_dump())
