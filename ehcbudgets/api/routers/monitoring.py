"""Monitoring of direct payments: the findings the monitoring rules raise and how an officer deals with each (raise it
with the family, resolve it, escalate it to a recovery) while the family answers with evidence; checks of the rules
over the council's agreements (sweeps) and their progress; reviews of direct payments, asked for by the recipient,
declined or recorded with their outcome; and the work queue (DOMAIN R16 to R23, R26, R28, R29, R31 to R33; ADR 11).

As on the pages: each route checks the role before it looks anything up (403), finds the agreement through the
payments selector scoped to the caller (404 outside it; a draft is not found by a family), finds findings and reviews
only through their own agreement, and changes things only through the monitoring services, which check the role, the
council and the person again. Families see every finding about their child's agreement and answer it when they hold
the payments, see the agreement's reviews and (the recipient) ask for one; the rest is the council's.
"""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, UploadedFile
from ninja.pagination import paginate

from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.api.agreements import AGREEMENT, agreement_or_404, private_file_responses
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import READ_PROBLEMS, WRITE_PROBLEMS
from ehcbudgets.api.pagination import PageQuery, Pages
from ehcbudgets.api.schemas_monitoring import (
    DpReviewDeclineIn,
    DpReviewDetailOut,
    DpReviewOut,
    DpReviewRecordIn,
    DpReviewRequestIn,
    FindingDetailOut,
    FindingEscalateIn,
    FindingOut,
    FindingRaiseIn,
    FindingResolveIn,
    OptionalFindingListStatus,
    OptionalFindingRule,
    OptionalWorkKind,
    ReviewListState,
    SweepIn,
    SweepOut,
    WorkQueueOut,
    WorkSort,
)
from ehcbudgets.core.files import private_file_response
from ehcbudgets.monitoring import selectors, services
from ehcbudgets.monitoring.models import OPEN_FINDING_STATUSES, FindingNote, FindingStatus
from ehcbudgets.payments.models import Agreement
from ehcbudgets.plans.selectors import outcomes_of

router = Router(tags=["Monitoring"])

#: Staff see the findings of agreements in their council; families see those about their own children's.
READ = (Perm.DP_VIEW, Perm.FAMILY_VIEW)
FINDINGS, REVIEWS = AGREEMENT + "/findings", AGREEMENT + "/reviews"
FINDING = FINDINGS + "/{finding_id}"
REVIEW = REVIEWS + "/{review_id}"
FINDING_TAGS, REVIEW_TAGS, WORK_TAGS = ["Findings"], ["Direct payment reviews"], ["Work queue"]
#: The service names the answers to a review's questions by themselves; the API by their place in the body.
ANSWER_FIELDS = frozenset(
    {*services.REVIEW_QUESTIONS, *(f"{name}_note" for name in services.REVIEW_QUESTIONS), "family_words"}
)
EVIDENCE_RESPONSES = private_file_responses("evidence", READ_PROBLEMS)


# Finding the agreement, its findings and reviews


def _readable(request: HttpRequest, child_id: int, agreement_id: int) -> Agreement:
    """The agreement, for reading its monitoring: staff who may see it, or in the family the person who holds the
    payments (findings name statement lines and evidence, which are theirs, as the statements are)."""
    agreement = agreement_or_404(request, child_id, agreement_id)
    if request.user.is_family and not services.keeps_records(request.user, agreement):
        raise PermissionDenied("Only the person who holds the direct payments can see this.")
    return agreement


def _finding(request: HttpRequest, child_id: int, agreement_id: int, finding_id: int):
    agreement = _readable(request, child_id, agreement_id)
    return selectors.finding_get(agreement=agreement, pk=finding_id)


def _review(request: HttpRequest, child_id: int, agreement_id: int, review_id: int):
    agreement = agreement_or_404(request, child_id, agreement_id)
    return selectors.review_get(agreement=agreement, pk=review_id)


# Findings (DOMAIN R16, R23, R26, R31 to R33)


@router.get(
    FINDINGS,
    response=list[FindingOut],
    summary="List an agreement's findings",
    tags=FINDING_TAGS,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_agreement_findings(
    request: HttpRequest, child_id: int, agreement_id: int, status: OptionalFindingListStatus = None
):
    """What the monitoring rules found about one agreement, each explained in plain English, the latest found first.
    status=open lists those not yet closed (open, raised or answered); any other status lists that one. Families
    see every finding about their child's agreement."""
    require_perm(request, *READ)
    agreement = _readable(request, child_id, agreement_id)
    found = selectors.findings_of(agreement=agreement).select_related("agreement__child")
    if status == FindingStatus.OPEN:
        return found.filter(status__in=OPEN_FINDING_STATUSES)
    return found.filter(status=status) if status else found


@router.get(FINDING, response=FindingDetailOut, summary="Get a finding", tags=FINDING_TAGS, openapi_extra=READ_PROBLEMS)
def get_finding(request: HttpRequest, child_id: int, agreement_id: int, finding_id: int):
    """One finding with every message about it: the council's question, and the family's answers with evidence."""
    require_perm(request, *READ)
    return _finding(request, child_id, agreement_id, finding_id)


@router.post(
    FINDING + "/raise",
    response=FindingDetailOut,
    summary="Raise a finding with the family",
    tags=FINDING_TAGS,
    openapi_extra=WRITE_PROBLEMS,
)
def raise_finding(request: HttpRequest, child_id: int, agreement_id: int, finding_id: int, payload: FindingRaiseIn):
    """Ask the family about an open finding: they see the message beside its explanation, with the council's evidence
    deadline (28 days unless its policy says otherwise, on a working day) to answer by (DOMAIN R31)."""
    require_perm(request, Perm.DP_MANAGE)
    finding = _finding(request, child_id, agreement_id, finding_id)
    services.finding_raise(actor=request.user, finding=finding, message=payload.message)
    return _finding(request, child_id, agreement_id, finding_id)


@router.post(
    FINDING + "/answer",
    response=FindingDetailOut,
    summary="Answer a finding",
    tags=FINDING_TAGS,
    openapi_extra=WRITE_PROBLEMS,
)
def answer_finding(
    request: HttpRequest,
    child_id: int,
    agreement_id: int,
    finding_id: int,
    text: Annotated[str, Form(description="The family's answer (required).")] = "",
    file: Annotated[
        UploadedFile | None, File(description="Evidence: a PDF, JPEG, PNG or HEIC file smaller than 10 MB.")
    ] = None,
):
    """The person who holds the direct payments answers a finding about them, as multipart/form-data, with evidence
    if they have it; the officer then decides. The file is checked by its content, not its name or the content type
    sent, and stored privately under a random name."""
    require_perm(request, Perm.SPENDING_RECORD)
    finding = _finding(request, child_id, agreement_id, finding_id)
    services.finding_answer(actor=request.user, finding=finding, text=text, upload=file)
    return _finding(request, child_id, agreement_id, finding_id)


@router.post(
    FINDING + "/resolve",
    response=FindingDetailOut,
    summary="Resolve a finding",
    tags=FINDING_TAGS,
    openapi_extra=WRITE_PROBLEMS,
)
def resolve_finding(request: HttpRequest, child_id: int, agreement_id: int, finding_id: int, payload: FindingResolveIn):
    """Close an open finding with the reason, which the family reads."""
    require_perm(request, Perm.DP_MANAGE)
    finding = _finding(request, child_id, agreement_id, finding_id)
    services.finding_resolve(actor=request.user, finding=finding, reason=payload.reason)
    return _finding(request, child_id, agreement_id, finding_id)


@router.post(
    FINDING + "/escalate",
    response=FindingDetailOut,
    summary="Escalate a finding to a recovery",
    tags=FINDING_TAGS,
    openapi_extra=WRITE_PROBLEMS,
)
def escalate_finding(
    request: HttpRequest, child_id: int, agreement_id: int, finding_id: int, payload: FindingEscalateIn
):
    """A manager asks for money back over an open finding: the recovery sends the written notice (the reasons, the
    amount, who pays and by when, the right to a reconsideration) before anything is recovered, and the finding
    closes with the recovery's id (DOMAIN R23). Refused, nothing changes."""
    require_perm(request, Perm.DP_DECIDE)
    finding = _finding(request, child_id, agreement_id, finding_id)
    services.finding_escalate(
        actor=request.user,
        finding=finding,
        amount=payload.amount,
        reasons=payload.reasons,
        method=payload.method or "",
        due_on=payload.due_on,
    )
    return _finding(request, child_id, agreement_id, finding_id)


@router.get(
    FINDING + "/notes/{note_id}/file",
    summary="Get the evidence sent with an answer",
    tags=FINDING_TAGS,
    openapi_extra=EVIDENCE_RESPONSES,
)
def get_finding_evidence(request: HttpRequest, child_id: int, agreement_id: int, finding_id: int, note_id: int):
    """The file the family sent with an answer, shown in the browser with the content type found when it was
    uploaded (never guessed from its name); only a note of this finding that has a file."""
    require_perm(request, *READ)
    finding = _finding(request, child_id, agreement_id, finding_id)
    note = get_object_or_404(
        FindingNote.objects.filter(finding=finding, council_id=finding.council_id).exclude(file=""), pk=note_id
    )
    return private_file_response(note, default_name="evidence")


@router.get(
    "/monitoring/findings",
    response=list[FindingOut],
    summary="List the council's findings",
    tags=FINDING_TAGS,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_findings(request: HttpRequest, status: OptionalFindingListStatus = None, rule: OptionalFindingRule = None):
    """The council's findings about the children the caller may see, the oldest found first. status=open lists those
    not yet closed (open, raised or answered); rule lists one rule's."""
    require_perm(request, Perm.DP_VIEW)
    return selectors.findings_filtered(user=request.user, status=status or "", rule=rule or "")


# Checks of the monitoring rules (ADR 11)


@router.post(
    "/monitoring/sweeps", response={202: SweepOut}, summary="Start a check of the rules", openapi_extra=WRITE_PROBLEMS
)
def start_sweep(request: HttpRequest, payload: SweepIn | None = None):
    """Start a check of the monitoring rules over the council's live agreements, as a background task: incremental
    looks only at what changed since the last finished check (everything, the first time); full re-checks
    everything. One at a time per council: while one waits or runs another is refused. Follow its progress with
    GET /monitoring/sweeps/{sweep_id}."""
    require_perm(request, Perm.MONITORING_RUN)
    payload = payload or SweepIn()
    council = request.user.council
    sweep = services.sweep_start(actor=request.user, council=council, kind=payload.kind)
    return selectors.sweep_get(council=council, pk=sweep.pk)


@router.get(
    "/monitoring/sweeps", response=list[SweepOut], summary="List checks of the rules", openapi_extra=READ_PROBLEMS
)
@paginate(Pages)
def list_sweeps(request: HttpRequest):
    """The council's checks of the monitoring rules, the latest first, each with its progress and what it raised."""
    require_perm(request, Perm.DP_VIEW)
    return selectors.sweeps_of(council=request.user.council)


@router.get(
    "/monitoring/sweeps/{sweep_id}",
    response=SweepOut,
    summary="Get a check of the rules",
    openapi_extra=READ_PROBLEMS,
)
def get_sweep(request: HttpRequest, sweep_id: int):
    """One check and its progress: its status, the agreements to check and checked so far (percent), the findings
    raised for each rule, the reviews it added, and why it failed if it did."""
    require_perm(request, Perm.DP_VIEW)
    return selectors.sweep_get(council=request.user.council, pk=sweep_id)


# Reviews of direct payments (DOMAIN R17 to R22, R28, R29)


def _progress(agreement: Agreement, rows) -> dict:
    """The progress the body gives, in the form review_record takes ({outcome id: (progress, note)}): each outcome of
    the child's plan at most once; any other id is a field error."""
    ids = set(outcomes_of(plan=agreement.budget.plan).values_list("pk", flat=True))
    progress, errors = {}, {}
    for index, row in enumerate(rows):
        if row.outcome_id not in ids:
            errors[f"progress.{index}.outcome_id"] = "Choose an outcome of the child's plan"
        elif row.outcome_id in progress:
            errors[f"progress.{index}.outcome_id"] = "Give the progress towards each outcome once"
        else:
            progress[row.outcome_id] = (row.progress, row.note)
    if errors:
        raise ValidationError(errors)
    return progress


@router.get(
    REVIEWS,
    response=list[DpReviewOut],
    summary="List an agreement's reviews",
    tags=REVIEW_TAGS,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_agreement_reviews(request: HttpRequest, child_id: int, agreement_id: int):
    """The reviews of an agreement's direct payments, the latest due first: due, recorded, covered by another
    review, or (a request from the recipient) declined, each with the letter sent. Families see them too; the answers
    and progress of one review are the council's (GET .../reviews/{review_id})."""
    require_perm(request, *READ)
    agreement = _readable(request, child_id, agreement_id)
    return selectors.reviews_of(agreement=agreement).select_related("agreement__child")


@router.post(
    REVIEWS,
    response={201: DpReviewDetailOut},
    summary="Ask for a review of direct payments",
    tags=REVIEW_TAGS,
    openapi_extra=WRITE_PROBLEMS,
)
def request_dp_review(request: HttpRequest, child_id: int, agreement_id: int, payload: DpReviewRequestIn):
    """The person who receives the direct payments asks for a review, saying why: the council must consider it by its
    decision target in working days (DOMAIN R18). One request at a time."""
    require_perm(request, Perm.DP_CONSENT)
    agreement = agreement_or_404(request, child_id, agreement_id)
    review = services.review_request(actor=request.user, agreement=agreement, reasons=payload.reasons)
    return selectors.review_get(agreement=agreement, pk=review.pk)


@router.get(REVIEW, response=DpReviewDetailOut, summary="Get a review", tags=REVIEW_TAGS, openapi_extra=READ_PROBLEMS)
def get_dp_review(request: HttpRequest, child_id: int, agreement_id: int, review_id: int):
    """One review: why and when it is due, and once recorded the answers to the questions of DOMAIN R19, the progress
    towards each outcome, the outcome with its reasons, the notice it started and the letter sent."""
    require_perm(request, Perm.DP_VIEW)
    return _review(request, child_id, agreement_id, review_id)


@router.post(
    REVIEW + "/decline",
    response=DpReviewDetailOut,
    summary="Decline a request for a review",
    tags=REVIEW_TAGS,
    openapi_extra=WRITE_PROBLEMS,
)
def decline_dp_review(
    request: HttpRequest, child_id: int, agreement_id: int, review_id: int, payload: DpReviewDeclineIn
):
    """Consider the recipient's request and decide not to review now, with written reasons sent to them in a letter
    (DOMAIN R18). Only a review the recipient asked for can be declined."""
    require_perm(request, Perm.DP_MANAGE)
    review = _review(request, child_id, agreement_id, review_id)
    services.review_decline(actor=request.user, review=review, reasons=payload.reasons)
    return _review(request, child_id, agreement_id, review_id)


@router.post(
    REVIEW + "/record",
    response=DpReviewDetailOut,
    summary="Record a review",
    tags=REVIEW_TAGS,
    openapi_extra=WRITE_PROBLEMS,
)
def record_dp_review(request: HttpRequest, child_id: int, agreement_id: int, review_id: int, payload: DpReviewRecordIn):
    """Record a due review in one step: the answers to the questions of DOMAIN R19, the progress towards every
    outcome of the plan, and the outcome, which starts its notice and letter at once (an increase, a reduction, a
    stop or added conditions: a manager's decision). Other reviews due about now are covered by it. Anything
    refused, the outcome's notice included, records nothing (DOMAIN R17 to R22)."""
    require_perm(request, Perm.DP_MANAGE)
    review = _review(request, child_id, agreement_id, review_id)
    progress = _progress(review.agreement, payload.progress)
    try:
        services.review_record(
            actor=request.user,
            review=review,
            answers=payload.answers.model_dump(),
            progress=progress,
            outcome=payload.outcome or "",
            outcome_reasons=payload.outcome_reasons,
            new_amount=payload.new_amount,
            effective_on=payload.effective_on,
            ground=payload.ground or "",
            conditions=payload.conditions,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {(f"answers.{name}" if name in ANSWER_FIELDS else name): errors for name, errors in exc.error_dict.items()}
        ) from exc
    return _review(request, child_id, agreement_id, review_id)


@router.get(
    "/monitoring/reviews",
    response=list[DpReviewOut],
    summary="List the council's reviews",
    tags=REVIEW_TAGS,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_dp_reviews(request: HttpRequest, state: ReviewListState = ReviewListState.DUE):
    """The council's reviews of direct payments for the children the caller may see: due (within 4 weeks, or
    overdue) and overdue, the soonest due first; recorded (and declined or covered), the latest first."""
    require_perm(request, Perm.DP_VIEW)
    return selectors.reviews_filtered(user=request.user, state=state)


# The work queue (DOMAIN R18, R31, R35)


@router.get(
    "/work-queue", response=WorkQueueOut, summary="Get the work queue", tags=WORK_TAGS, openapi_extra=READ_PROBLEMS
)
def get_work_queue(
    request: HttpRequest,
    pages: Query[PageQuery],
    kind: OptionalWorkKind = None,
    overdue: bool = False,
    sort: WorkSort = WorkSort.OLDEST,
):
    """The work waiting for the caller, of the kinds their role can act on, for the children they may see: reviews
    due within 4 weeks or overdue, open findings, budget requests past their decision target, budgets awaiting
    approval, returns to check, payment runs awaiting approval. The counts of each kind (all, and overdue) and the
    totals do not depend on the filter; the items are the filter's, sorted as asked, a page at a time."""
    require_perm(request, Perm.WORK_QUEUE)
    queue = selectors.work_queue(user=request.user, kind=kind or "", overdue_only=overdue, sort=sort)
    first = (pages.page - 1) * pages.page_size
    return {
        "counts": [{"kind": key, **count} for key, count in queue["counts"].items()],
        "total": queue["total"],
        "overdue": queue["overdue"],
        "items": queue["items"][first : first + pages.page_size],
        "count": len(queue["items"]),
        "page": pages.page,
        "page_size": pages.page_size,
    }
