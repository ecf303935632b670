"""Personal budgets: requests, costing line by line, direct payment findings, submission, the SEN panel, decisions,
reviews of decisions and Section J.

Each route checks the role against the pages' matrix, finds the record through a scoped selector (404 outside the
caller's scope) and changes it through the budgets service, which checks the rules (and the role) again.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import READ_PROBLEMS, WRITE_PROBLEMS
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas_budgets import (
    BudgetDetailOut,
    BudgetLineIn,
    BudgetLineOut,
    BudgetOut,
    BudgetRequestDetailOut,
    BudgetRequestIn,
    BudgetRequestOut,
    BudgetStartIn,
    DecisionOut,
    DirectPaymentCaseIn,
    DirectPaymentCaseOut,
    PanelDecisionIn,
    PanelReferralOut,
    RefusalIn,
    ReviewDecisionIn,
    ReviewRequestIn,
    ReviewRequestOut,
    SubmitIn,
)
from ehcbudgets.budgets import selectors, services
from ehcbudgets.budgets.models import Budget, BudgetLine
from ehcbudgets.offer.selectors import offer_items
from ehcbudgets.people.models import Child, Contact
from ehcbudgets.people.selectors import child_get, contacts_of
from ehcbudgets.plans.selectors import provision_for

router = Router(tags=["Budgets"])

#: Staff read the budgets in their scope; families read their own children's (without the council's workings).
READ = (Perm.BUDGET_VIEW, Perm.FAMILY_VIEW)


def _budget(request: HttpRequest, budget_id: int) -> Budget:
    return selectors.budget_get(user=request.user, pk=budget_id)


def _line(budget: Budget, provision_item_id: int) -> BudgetLine:
    """The budget's line for one item of the plan's provision. Lines are named by their provision item, so one URL
    names one line whatever the method: PUT sets it (and may create it), DELETE removes it."""
    line = selectors.lines_of(budget=budget).filter(provision_item_id=provision_item_id).first()
    if line is None:
        raise Http404
    return line


def _contact(child: Child, pk: int, field: str) -> Contact:
    """One of the child's contacts, named in the body; any other id is a field error, as on the page's form."""
    contact = contacts_of(child=child).filter(pk=pk).first()
    if contact is None:
        raise ValidationError({field: "Choose someone linked to this child"})
    return contact


# Requests (DOMAIN R1, R2, R35)


def _asked_by_family(request: HttpRequest, child: Child, payload: BudgetRequestIn) -> dict:
    """A parent or young person asks online, today, as themselves: the child's contact linked to their sign-in,
    which the child's scope guarantees exists. Naming another contact is refused by the service (403)."""
    staff_only = {"channel": payload.channel, "received_on": payload.received_on}
    errors = {name: "Leave this out: a request made online is received today" for name, v in staff_only.items() if v}
    if errors:
        raise ValidationError(errors)
    if payload.requester is None:
        requester = contacts_of(child=child).filter(user=request.user).first()
    else:
        requester = _contact(child, payload.requester, "requester")
    return {"requester": requester, "channel": "online"}


def _asked_of_staff(child: Child, payload: BudgetRequestIn) -> dict:
    """Staff record a request they received, naming who asked and how."""
    errors = {}
    if payload.requester is None:
        errors["requester"] = "Choose who made the request"
    if payload.channel is None:
        errors["channel"] = "Select how the request was received"
    if errors:
        raise ValidationError(errors)
    requester = _contact(child, payload.requester, "requester")
    return {"requester": requester, "channel": payload.channel, "received_on": payload.received_on}


@router.get(
    "/children/{child_id}/budget-requests",
    response=list[BudgetRequestOut],
    summary="List a child's budget requests",
    tags=["Budget requests"],
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_budget_requests(request: HttpRequest, child_id: int):
    """A child's requests for a personal budget, newest first."""
    require_perm(request, *READ)
    child = child_get(user=request.user, pk=child_id)
    return selectors.budget_requests_of(child=child)


@router.post(
    "/children/{child_id}/budget-requests",
    response={201: BudgetRequestOut},
    summary="Ask for a personal budget",
    tags=["Budget requests"],
    openapi_extra=WRITE_PROBLEMS,
)
def create_budget_request(request: HttpRequest, child_id: int, payload: BudgetRequestIn):
    """Staff record a request received by letter, email, phone or in person, naming the contact who asked. A parent
    or young person asks online for themselves and sends only what_for. A request with no plan is refused at once,
    with reasons and a letter (DOMAIN R1)."""
    require_perm(request, Perm.BUDGET_PREPARE, Perm.BUDGET_ASK)
    child = child_get(user=request.user, pk=child_id)
    asked = _asked_by_family(request, child, payload) if request.user.is_family else _asked_of_staff(child, payload)
    return services.budget_request_record(actor=request.user, child=child, what_for=payload.what_for, **asked)


@router.get(
    "/budget-requests/{request_id}",
    response=BudgetRequestDetailOut,
    summary="Get a budget request",
    tags=["Budget requests"],
    openapi_extra=READ_PROBLEMS,
)
def get_budget_request(request: HttpRequest, request_id: int):
    """One request, with its budgets and the decisions on it."""
    require_perm(request, *READ)
    return selectors.request_get(user=request.user, pk=request_id)


# Budgets (DOMAIN R4 to R9, R27)


@router.get(
    "/children/{child_id}/budgets",
    response=list[BudgetOut],
    summary="List a child's budgets",
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_budgets(request: HttpRequest, child_id: int):
    """A child's budgets, the latest period first."""
    require_perm(request, *READ)
    child = child_get(user=request.user, pk=child_id)
    return selectors.budgets_visible_to(request.user).filter(child=child)


@router.post(
    "/budget-requests/{request_id}/budgets",
    response={201: BudgetDetailOut},
    summary="Start costing a budget",
    openapi_extra=WRITE_PROBLEMS,
)
def start_budget(request: HttpRequest, request_id: int, payload: BudgetStartIn):
    """Start costing an open request: a line for each item of the plan's provision that the local offer prices,
    held the first way the item allows; the rest are left to price by hand (DOMAIN R6, R8)."""
    require_perm(request, Perm.BUDGET_PREPARE)
    budget_request = selectors.request_get(user=request.user, pk=request_id)
    return services.budget_start(actor=request.user, request=budget_request, **payload.model_dump())


@router.get("/budgets/{budget_id}", response=BudgetDetailOut, summary="Get a budget", openapi_extra=READ_PROBLEMS)
def get_budget(request: HttpRequest, budget_id: int):
    """A budget with its lines, totals by funding stream, funder and way of holding it, and its decisions. Council
    staff also see what blocks approval, the direct payment findings and panel referrals; families do not."""
    require_perm(request, *READ)
    return _budget(request, budget_id)


@router.put(
    "/budgets/{budget_id}/lines/{provision_item_id}",
    response=BudgetLineOut,
    summary="Set a budget line",
    openapi_extra=WRITE_PROBLEMS,
)
def set_budget_line(request: HttpRequest, budget_id: int, provision_item_id: int, payload: BudgetLineIn):
    """Set the line for one item of the plan's provision: the local offer item that prices it, how it is held, its
    dates and the setting's agreement. Fields left out keep their values. A placement or block-contract item can
    never be paid to the family (DOMAIN R4, R9)."""
    require_perm(request, Perm.BUDGET_PREPARE)
    budget = _budget(request, budget_id)
    provision_item = get_object_or_404(provision_for(user=request.user, plan=budget.plan), pk=provision_item_id)
    fields = payload.changes()
    if "offer_item" in fields:
        item = offer_items(council=budget.council, active_only=False).filter(pk=fields["offer_item"]).first()
        if item is None:
            raise ValidationError({"offer_item": "Choose an item from this council's local offer"})
        fields["offer_item"] = item
    return services.budget_line_set(actor=request.user, budget=budget, provision_item=provision_item, **fields)


@router.delete(
    "/budgets/{budget_id}/lines/{provision_item_id}",
    response={204: None},
    summary="Remove a budget line",
    openapi_extra=WRITE_PROBLEMS,
)
def delete_budget_line(request: HttpRequest, budget_id: int, provision_item_id: int):
    """Take the line for one item of the plan's provision out of a budget being prepared."""
    require_perm(request, Perm.BUDGET_PREPARE)
    line = _line(_budget(request, budget_id), provision_item_id)
    services.budget_line_remove(actor=request.user, line=line)


@router.put(
    "/budgets/{budget_id}/direct-payment-case",
    response=DirectPaymentCaseOut,
    summary="Record the direct payment findings",
    openapi_extra=WRITE_PROBLEMS,
)
def set_direct_payment_case(request: HttpRequest, budget_id: int, payload: DirectPaymentCaseIn):
    """Record who would receive the direct payments and the council's evidence for each of the four R12 findings,
    replacing what was recorded before (DOMAIN R10 to R12)."""
    require_perm(request, Perm.BUDGET_PREPARE)
    budget = _budget(request, budget_id)
    fields = payload.model_dump(exclude={"recipient"})
    recipient = _contact(budget.child, payload.recipient, "recipient")
    return services.direct_payment_case_record(actor=request.user, budget=budget, recipient=recipient, **fields)


# Submission, the SEN panel and decisions (DOMAIN R5, R12, R14)


@router.post(
    "/budgets/{budget_id}/submit",
    response=BudgetDetailOut,
    summary="Send a budget for approval",
    openapi_extra=WRITE_PROBLEMS,
)
def submit_budget(request: HttpRequest, budget_id: int, payload: SubmitIn):
    """Send a costed budget for approval, or to the SEN panel first where lines are outside the local offer. A final
    amount below the costed lines is insufficient (DOMAIN R5); anything else that blocks approval is listed."""
    require_perm(request, Perm.BUDGET_PREPARE)
    budget = _budget(request, budget_id)
    return services.budget_submit(actor=request.user, budget=budget, final_amount=payload.final_amount)


@router.post(
    "/budgets/{budget_id}/approve",
    response=BudgetDetailOut,
    summary="Agree a budget",
    tags=["Decisions"],
    openapi_extra=WRITE_PROBLEMS,
)
def approve_budget(request: HttpRequest, budget_id: int):
    """Agree a budget waiting for approval; never by whoever prepared it, and only when nothing blocks it (each
    blocker is one error). The family gets the decision in writing."""
    require_perm(request, Perm.BUDGET_DECIDE)
    budget = _budget(request, budget_id)
    return services.budget_approve(actor=request.user, budget=budget)


@router.post(
    "/budgets/{budget_id}/refuse",
    response={201: DecisionOut},
    summary="Refuse a budget",
    tags=["Decisions"],
    openapi_extra=WRITE_PROBLEMS,
)
def refuse_budget(request: HttpRequest, budget_id: int, payload: RefusalIn):
    """Refuse a budget with a reason code and reasons in words; the letter gives the family's right to ask for a
    review (DOMAIN R14). Never by whoever prepared it."""
    require_perm(request, Perm.BUDGET_DECIDE)
    budget = _budget(request, budget_id)
    return services.budget_refuse(
        actor=request.user, budget=budget, reason_code=payload.reason_code or "", reasons=payload.reasons
    )


@router.post(
    "/budgets/{budget_id}/lines/{provision_item_id}/refuse-direct-payment",
    response={201: DecisionOut},
    summary="Refuse a direct payment",
    tags=["Decisions"],
    openapi_extra=WRITE_PROBLEMS,
)
def refuse_direct_payment(request: HttpRequest, budget_id: int, provision_item_id: int, payload: RefusalIn):
    """Refuse a direct payment for the line of one item of the plan's provision, with reasons and review rights; the
    council arranges that provision instead (DOMAIN R12, R14)."""
    require_perm(request, Perm.BUDGET_DECIDE)
    line = _line(_budget(request, budget_id), provision_item_id)
    return services.direct_payment_refuse(
        actor=request.user, line=line, reason_code=payload.reason_code or "", reasons=payload.reasons
    )


@router.post(
    "/panel-referrals/{referral_id}/decision",
    response=PanelReferralOut,
    summary="Record the SEN panel's decision",
    tags=["Decisions"],
    openapi_extra=WRITE_PROBLEMS,
)
def decide_panel_referral(request: HttpRequest, referral_id: int, payload: PanelDecisionIn):
    """Record the panel's decision on lines outside the local offer, with reasons: agreed, the budget goes on for
    approval; not agreed, it goes back to be prepared."""
    require_perm(request, Perm.PANEL_DECIDE)
    referral = selectors.panel_referral_get(user=request.user, pk=referral_id)
    return services.panel_decide(
        actor=request.user, referral=referral, outcome=payload.outcome or "", reasons=payload.reasons
    )


@router.post(
    "/budgets/{budget_id}/section-j",
    response=BudgetDetailOut,
    summary="Write Section J",
    openapi_extra=WRITE_PROBLEMS,
)
def issue_section_j(request: HttpRequest, budget_id: int):
    """Write Section J of the plan from the agreed budget, as a letter on the child's record (DOMAIN R7)."""
    require_perm(request, Perm.BUDGET_PREPARE)
    budget = _budget(request, budget_id)
    return services.section_j_issue(actor=request.user, budget=budget)


# Reviews of decisions (DOMAIN R14)


@router.post(
    "/decisions/{decision_id}/review-requests",
    response={201: ReviewRequestOut},
    summary="Ask for a review of a refusal",
    tags=["Decisions"],
    openapi_extra=WRITE_PROBLEMS,
)
def create_review_request(request: HttpRequest, decision_id: int, payload: ReviewRequestIn):
    """Ask the council to look again at a refusal: the family online, or staff recording a letter or call. One
    request per decision."""
    require_perm(request, Perm.BUDGET_PREPARE, Perm.FAMILY_VIEW)
    decision = selectors.decision_get(user=request.user, pk=decision_id)
    return services.decision_review_request(actor=request.user, decision=decision, **payload.model_dump())


@router.post(
    "/review-requests/{review_request_id}/decision",
    response=ReviewRequestOut,
    summary="Decide a review request",
    tags=["Decisions"],
    openapi_extra=WRITE_PROBLEMS,
)
def decide_review_request(request: HttpRequest, review_request_id: int, payload: ReviewDecisionIn):
    """Consider a review request and write to the family with the outcome and reasons. Never by whoever made the
    decision. A changed refusal goes back to the officer to cost or decide again."""
    require_perm(request, Perm.DECISION_REVIEW)
    review = selectors.review_request_get(user=request.user, pk=review_request_id)
    return services.decision_review_decide(actor=request.user, review=review, **payload.model_dump())
