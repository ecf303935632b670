"""Direct payments: the agreement of an agreed budget and every notice that changes or ends it (case officers and
managers), the family's consent, withdrawal and reconsideration; payment runs, recoveries and the ledger (finance).

Each route checks the role against the pages' matrix before it looks anything up, finds the record through a scoped
selector (404 outside the caller's scope; a draft agreement is not found by a family) and changes it through the
direct payment services, which check the rules, the role and the council again.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from ehcbudgets.accounts.models import Role
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.api.agreements import AGREEMENT, agreement_or_404
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import READ_PROBLEMS, WRITE_PROBLEMS
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas_payments import (
    AgreementChangeOut,
    AgreementDetailOut,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    ChangeRecipientIn,
    ConsentIn,
    LedgerOut,
    PaymentRunDetailOut,
    PaymentRunOut,
    PersonalAssistantIn,
    PersonalAssistantOut,
    PrepareRunIn,
    ReceiptIn,
    ReceiptOut,
    ReconsiderationDecisionIn,
    ReconsiderationIn,
    ReconsiderationOut,
    RecoveryIn,
    RecoveryListStatus,
    RecoveryOut,
    ReduceIn,
    ResumeIn,
    StopIn,
    SuspendIn,
    WithdrawConsentIn,
)
from ehcbudgets.budgets.selectors import budget_get
from ehcbudgets.ledger.models import AccountKind
from ehcbudgets.payments import selectors, services
from ehcbudgets.payments.models import AgreementStatus, FileFormat, Reconsideration, RunStatus
from ehcbudgets.people.models import Child, Contact, Relationship
from ehcbudgets.people.selectors import child_get, contacts_of

router = Router(tags=["Direct payments"])

#: Staff see the agreements in their council; families see their own children's, once sent to them.
READ = (Perm.DP_VIEW, Perm.FAMILY_VIEW)
#: The recipient acts for themselves online; an officer records what they said in writing or by phone.
RECIPIENT_OR_OFFICER = (Perm.DP_CONSENT, Perm.DP_MANAGE)
RUNS, RECOVERIES, LEDGER = ["Payment runs"], ["Recoveries"], ["Ledger"]
#: The file download's own answer, documented beside its refusals.
FILE_RESPONSES = {
    "responses": {
        200: {
            "description": "The file, as an attachment: the BACS file as text/plain, the others as text/csv.",
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **READ_PROBLEMS["responses"],
    }
}


def _contact(child: Child, pk: int | None, field: str, message: str, *, third_party: bool = False) -> Contact | None:
    """One of the child's contacts named in the body (None when left out); any other id is a field error, as an
    unknown choice is on the page's form. People and third-party organisations are offered apart, as on the page."""
    if pk is None:
        return None
    contacts = contacts_of(child=child)
    if third_party:
        contacts = contacts.filter(relationship=Relationship.THIRD_PARTY)
    else:
        contacts = contacts.exclude(relationship=Relationship.THIRD_PARTY)
    contact = contacts.filter(pk=pk).first()
    if contact is None:
        raise ValidationError({field: message})
    return contact


def _payees(fields: dict) -> dict:
    """The list of payees the recipient must not pay, stored one to a line as the page's form sends it."""
    if "excluded_payees" in fields:
        fields["excluded_payees"] = "\n".join(fields["excluded_payees"])
    return fields


# Agreements (DOMAIN R10, R11, R15, R16, R35)


@router.get(
    "/children/{child_id}/direct-payments",
    response=list[AgreementOut],
    summary="List a child's direct payment agreements",
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_direct_payment_agreements(request: HttpRequest, child_id: int):
    """A child's direct payment agreements, the latest start first. Families see those sent to them."""
    require_perm(request, *READ)
    child = child_get(user=request.user, pk=child_id)
    agreements = selectors.agreements_of(child=child)
    if not has_perm(request.user, Perm.DP_VIEW):
        agreements = agreements.exclude(status=AgreementStatus.DRAFT)
    return agreements


@router.get(
    AGREEMENT, response=AgreementDetailOut, summary="Get a direct payment agreement", openapi_extra=READ_PROBLEMS
)
def get_direct_payment_agreement(request: HttpRequest, child_id: int, agreement_id: int):
    """An agreement with its terms and lines, its schedule (each payment's status, amount by funding stream and any
    recovery offset), the next payment, the balance the recipient holds (from the ledger), and its notices,
    recoveries and reconsiderations. Staff also see the personal assistants."""
    require_perm(request, *READ)
    return agreement_or_404(request, child_id, agreement_id)


@router.post(
    "/budgets/{budget_id}/direct-payments",
    response={201: AgreementDetailOut},
    summary="Set up a direct payment agreement",
    openapi_extra=WRITE_PROBLEMS,
)
def create_direct_payment_agreement(request: HttpRequest, budget_id: int, payload: AgreementIn):
    """Set up the agreement for an agreed budget's lines paid to the family: who receives the payments, how often,
    from when to when, where the money goes and any conditions. The amount is worked out from the lines for the
    dates given. Nothing is paid until it is sent and the recipient consents (DOMAIN R15, R16, R35)."""
    require_perm(request, Perm.DP_MANAGE)
    budget = budget_get(user=request.user, pk=budget_id)
    errors, people = {}, {}
    for field, message, third_party in (
        ("recipient", "Choose who receives the payments, from the people linked to this child", False),
        ("managed_by", "Choose a third-party organisation linked to this child", True),
    ):
        try:
            people[field] = _contact(budget.child, getattr(payload, field), field, message, third_party=third_party)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    terms = _payees(payload.model_dump(exclude={"recipient", "managed_by"}))
    return services.agreement_create(actor=request.user, budget=budget, **people, **terms)


@router.patch(
    AGREEMENT,
    response=AgreementDetailOut,
    summary="Change a draft agreement's terms",
    openapi_extra=WRITE_PROBLEMS,
)
def update_direct_payment_agreement(request: HttpRequest, child_id: int, agreement_id: int, payload: AgreementPatch):
    """Change the terms of an agreement not yet sent; fields left out keep their values. Once sent, the terms change
    only by a notice (reduce, stop, suspend, change of recipient)."""
    require_perm(request, Perm.DP_MANAGE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return services.agreement_update(actor=request.user, agreement=agreement, **_payees(payload.changes()))


@router.post(
    AGREEMENT + "/send",
    response=AgreementDetailOut,
    summary="Send an agreement for consent",
    openapi_extra=WRITE_PROBLEMS,
)
def send_direct_payment_agreement(request: HttpRequest, child_id: int, agreement_id: int):
    """Send the agreement to the recipient as a letter listing the provision, amount, frequency, schedule and
    conditions; it waits for their consent (DOMAIN R15, R16)."""
    require_perm(request, Perm.DP_MANAGE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return services.agreement_send(actor=request.user, agreement=agreement)


@router.post(
    AGREEMENT + "/consent",
    response=AgreementDetailOut,
    summary="Consent to an agreement",
    openapi_extra=WRITE_PROBLEMS,
)
def consent_to_direct_payment_agreement(
    request: HttpRequest, child_id: int, agreement_id: int, payload: ConsentIn | None = None
):
    """The recipient consents online to the terms sent to them, with no body (today, as themselves); or an officer
    records consent given on a signed copy, by email, by phone or in person, with the channel and the date. The
    schedule is made then; nothing is paid before (DOMAIN R15)."""
    require_perm(request, *RECIPIENT_OR_OFFICER)
    agreement = agreement_or_404(request, child_id, agreement_id)
    payload = payload or ConsentIn()
    if request.user.is_family:
        sent = {"channel": payload.channel, "consented_on": payload.consented_on}
        errors = {name: "Leave this out: consent given online is given today" for name, v in sent.items() if v}
        if errors:
            raise ValidationError(errors)
        return services.agreement_consent(actor=request.user, agreement=agreement)
    return services.agreement_consent(
        actor=request.user, agreement=agreement, channel=payload.channel or "", consented_on=payload.consented_on
    )


@router.post(
    AGREEMENT + "/personal-assistants",
    response={201: PersonalAssistantOut},
    summary="Record a personal assistant",
    openapi_extra=WRITE_PROBLEMS,
)
def create_personal_assistant(request: HttpRequest, child_id: int, agreement_id: int, payload: PersonalAssistantIn):
    """Record a personal assistant the recipient employs, with the DBS check and employer's liability insurance. A
    close relative living in the household, or one under the council's minimum age, needs an exception approved by a
    team manager, with the reason (DOMAIN R26, R34)."""
    require_perm(request, Perm.DP_MANAGE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    fields = payload.model_dump(exclude={"exception_approved_by"})
    approver = None
    if payload.exception_approved_by is not None:
        managers = get_user_model().objects.filter(
            council_id=agreement.council_id, role=Role.TEAM_MANAGER, is_active=True
        )
        approver = managers.filter(pk=payload.exception_approved_by).first()
        if approver is None:
            raise ValidationError(
                {"exception_approved_by": "An exception is approved by a team manager of the council"}
            )
    return services.personal_assistant_record(
        actor=request.user, agreement=agreement, exception_approved_by=approver, **fields
    )


# Notices that change or end the payments (DOMAIN R20 to R22, R35)


@router.post(
    AGREEMENT + "/suspend",
    response={201: AgreementChangeOut},
    summary="Suspend direct payments",
    openapi_extra=WRITE_PROBLEMS,
)
def suspend_direct_payments(request: HttpRequest, child_id: int, agreement_id: int, payload: SuspendIn):
    """Suspend running payments, for example while the child is in hospital or abroad for longer than the council's
    policy allows; nothing is paid while suspended, and the family is told in writing."""
    require_perm(request, Perm.DP_MANAGE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return services.agreement_suspend(
        actor=request.user,
        agreement=agreement,
        reason=payload.suspension_reason or "",
        reasons=payload.reasons,
        away_from=payload.away_from,
        expected_until=payload.expected_until,
    )


@router.post(
    AGREEMENT + "/resume",
    response={201: AgreementChangeOut},
    summary="Resume direct payments",
    openapi_extra=WRITE_PROBLEMS,
)
def resume_direct_payments(request: HttpRequest, child_id: int, agreement_id: int, payload: ResumeIn):
    """Start suspended payments again; payments that fell due while suspended are not paid."""
    require_perm(request, Perm.DP_MANAGE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return services.agreement_resume(actor=request.user, agreement=agreement, **payload.model_dump())


@router.post(
    AGREEMENT + "/recipient",
    response={201: AgreementChangeOut},
    summary="Change who receives direct payments",
    openapi_extra=WRITE_PROBLEMS,
)
def change_direct_payment_recipient(request: HttpRequest, child_id: int, agreement_id: int, payload: ChangeRecipientIn):
    """Pay someone else, into an account in their name: the new recipient must be eligible, is sent the terms, and
    nothing is paid until they consent (DOMAIN R10, R11, R15, R20)."""
    require_perm(request, Perm.DP_MANAGE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    new_recipient = _contact(
        agreement.child,
        payload.new_recipient,
        "new_recipient",
        "Choose the new recipient from the people linked to this child",
    )
    return services.agreement_change_recipient(
        actor=request.user,
        agreement=agreement,
        new_recipient=new_recipient,
        **payload.model_dump(exclude={"new_recipient"}),
    )


@router.post(
    AGREEMENT + "/withdraw-consent",
    response={201: AgreementChangeOut},
    summary="Withdraw consent to direct payments",
    openapi_extra=WRITE_PROBLEMS,
)
def withdraw_direct_payment_consent(
    request: HttpRequest, child_id: int, agreement_id: int, payload: WithdrawConsentIn | None = None
):
    """The recipient withdraws their consent online, or an officer records a withdrawal made in writing: no payment
    is made from today, and the council writes to confirm and to say how the support will be arranged (DOMAIN R22)."""
    require_perm(request, *RECIPIENT_OR_OFFICER)
    agreement = agreement_or_404(request, child_id, agreement_id)
    reasons = payload.reasons if payload else ""
    return services.agreement_withdraw_consent(actor=request.user, agreement=agreement, reasons=reasons)


@router.post(
    AGREEMENT + "/reduce",
    response={201: AgreementChangeOut},
    summary="Reduce direct payments",
    openapi_extra=WRITE_PROBLEMS,
)
def reduce_direct_payments(request: HttpRequest, child_id: int, agreement_id: int, payload: ReduceIn):
    """Reduce the agreement's total with written notice and reasons; it takes effect no sooner than the council's
    notice period after the notice reaches the family, and payments from then are shared out again (DOMAIN R21)."""
    require_perm(request, Perm.DP_DECIDE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return services.agreement_reduce(actor=request.user, agreement=agreement, **payload.model_dump())


@router.post(
    AGREEMENT + "/stop",
    response={201: AgreementChangeOut},
    summary="Stop direct payments",
    openapi_extra=WRITE_PROBLEMS,
)
def stop_direct_payments(request: HttpRequest, child_id: int, agreement_id: int, payload: StopIn):
    """Stop the payments on one of the grounds the law gives, with written notice, reasons and the right to one
    reconsideration; never at once (DOMAIN R22)."""
    require_perm(request, Perm.DP_DECIDE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return services.agreement_stop(
        actor=request.user,
        agreement=agreement,
        ground=payload.ground or "",
        reasons=payload.reasons,
        effective_on=payload.effective_on,
    )


# Recovery and reconsideration (DOMAIN R21 to R23)


@router.post(
    AGREEMENT + "/recoveries",
    response={201: RecoveryOut},
    summary="Recover direct payments",
    openapi_extra=WRITE_PROBLEMS,
)
def create_recovery(request: HttpRequest, child_id: int, agreement_id: int, payload: RecoveryIn):
    """Ask for money paid back, with a notice of the reasons, the amount, who pays and by when: by invoice, or by
    paying less from future payments. No more than has been paid and not already recovered (DOMAIN R23)."""
    require_perm(request, Perm.DP_DECIDE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    payer = _contact(agreement.child, payload.payer, "payer", "Choose who pays from the people linked to this child")
    return services.recovery_raise(
        actor=request.user,
        agreement=agreement,
        amount=payload.amount,
        reasons=payload.reasons,
        method=payload.method or "",
        payer=payer,
        due_on=payload.due_on,
    )


@router.post(
    AGREEMENT + "/changes/{change_id}/reconsiderations",
    response={201: ReconsiderationOut},
    summary="Ask for a reduction or stop to be reconsidered",
    openapi_extra=WRITE_PROBLEMS,
)
def create_change_reconsideration(
    request: HttpRequest, child_id: int, agreement_id: int, change_id: int, payload: ReconsiderationIn
):
    """Ask once for a reduction or a stop to be looked at again: the recipient online, or an officer recording a
    request made by letter, email or phone (DOMAIN R21, R22)."""
    require_perm(request, *RECIPIENT_OR_OFFICER)
    agreement = agreement_or_404(request, child_id, agreement_id)
    change = get_object_or_404(agreement.changes.all(), pk=change_id)
    return services.reconsideration_request(actor=request.user, change=change, grounds=payload.grounds)


@router.post(
    AGREEMENT + "/recoveries/{recovery_id}/reconsiderations",
    response={201: ReconsiderationOut},
    summary="Ask for a recovery to be reconsidered",
    openapi_extra=WRITE_PROBLEMS,
)
def create_recovery_reconsideration(
    request: HttpRequest, child_id: int, agreement_id: int, recovery_id: int, payload: ReconsiderationIn
):
    """Ask once for a recovery to be looked at again: the recipient or the person asked to repay, online, or an
    officer recording a request made by letter, email or phone (DOMAIN R23)."""
    require_perm(request, *RECIPIENT_OR_OFFICER)
    agreement = agreement_or_404(request, child_id, agreement_id)
    recovery = get_object_or_404(agreement.recoveries.all(), pk=recovery_id)
    return services.reconsideration_request(actor=request.user, recovery=recovery, grounds=payload.grounds)


@router.post(
    AGREEMENT + "/reconsiderations/{reconsideration_id}/decision",
    response=ReconsiderationOut,
    summary="Decide a reconsideration",
    openapi_extra=WRITE_PROBLEMS,
)
def decide_reconsideration(
    request: HttpRequest, child_id: int, agreement_id: int, reconsideration_id: int, payload: ReconsiderationDecisionIn
):
    """Decide a reconsideration and write to the family with reasons; never by the manager who made the decision.
    Changed, the decision is undone: a reduction restored, a stop lifted, a recovery withdrawn and any money received
    repaid through the ledger (DOMAIN R21 to R23)."""
    require_perm(request, Perm.DECISION_REVIEW)
    agreement = agreement_or_404(request, child_id, agreement_id)
    item = get_object_or_404(Reconsideration.objects.filter(council_id=agreement.council_id), pk=reconsideration_id)
    if (item.change or item.recovery).agreement_id != agreement.pk:
        raise Http404
    return services.reconsideration_decide(
        actor=request.user, reconsideration=item, outcome=payload.outcome or "", reasons=payload.reasons
    )


# Payment runs (DOMAIN R35): prepared by one finance officer, approved by another


@router.get(
    "/payment-runs", response=list[PaymentRunOut], summary="List payment runs", tags=RUNS, openapi_extra=READ_PROBLEMS
)
@paginate(Pages)
def list_payment_runs(request: HttpRequest):
    """The council's payment runs, the latest prepared first."""
    require_perm(request, Perm.PAYMENTS_RUN)
    return selectors.runs_of(council=request.user.council)


@router.post(
    "/payment-runs",
    response={201: PaymentRunDetailOut},
    summary="Prepare a payment run",
    tags=RUNS,
    openapi_extra=WRITE_PROBLEMS,
)
def prepare_payment_run(request: HttpRequest, payload: PrepareRunIn):
    """Gather every payment due up to a date (at most 31 days ahead) of agreements the recipient consented to, once,
    with any recovery offsets, for a second finance officer to approve. A date already run finds nothing more to
    pay, and is refused."""
    require_perm(request, Perm.PAYMENTS_RUN)
    return services.payment_run_prepare(actor=request.user, council=request.user.council, pay_up_to=payload.pay_up_to)


@router.get(
    "/payment-runs/{run_id}",
    response=PaymentRunDetailOut,
    summary="Get a payment run",
    tags=RUNS,
    openapi_extra=READ_PROBLEMS,
)
def get_payment_run(request: HttpRequest, run_id: int):
    """A run with its payments and, once released, the files made for it."""
    require_perm(request, Perm.PAYMENTS_RUN)
    return selectors.run_get(user=request.user, pk=run_id)


@router.post(
    "/payment-runs/{run_id}/approve",
    response=PaymentRunDetailOut,
    summary="Approve and release a payment run",
    tags=RUNS,
    openapi_extra=WRITE_PROBLEMS,
)
def approve_payment_run(request: HttpRequest, run_id: int):
    """Approve a prepared run and release it: never by the officer who prepared it (403). Each payment is posted to
    the ledger once, and the BACS, CSV and prepaid card files are made. A run already released or cancelled is
    refused and nothing more is paid."""
    require_perm(request, Perm.PAYMENTS_RUN)
    run = selectors.run_get(user=request.user, pk=run_id)
    return services.payment_run_approve(actor=request.user, run=run)


@router.post(
    "/payment-runs/{run_id}/cancel",
    response=PaymentRunDetailOut,
    summary="Cancel a payment run",
    tags=RUNS,
    openapi_extra=WRITE_PROBLEMS,
)
def cancel_payment_run(request: HttpRequest, run_id: int):
    """Cancel a run waiting for approval: its payments go back to the schedule for the next run."""
    require_perm(request, Perm.PAYMENTS_RUN)
    run = selectors.run_get(user=request.user, pk=run_id)
    return services.payment_run_cancel(actor=request.user, run=run)


@router.get(
    "/payment-runs/{run_id}/files/{file_format}",
    summary="Download a payment run's file",
    tags=RUNS,
    openapi_extra=FILE_RESPONSES,
)
def get_payment_run_file(request: HttpRequest, run_id: int, file_format: FileFormat):
    """One file of a released run, as an attachment: bacs18 (BACS Standard 18, text/plain), csv (for finance) or
    prepaid (the prepaid card load). A run not released has no files (404)."""
    require_perm(request, Perm.PAYMENTS_RUN)
    run = selectors.run_get(user=request.user, pk=run_id)
    if run.status != RunStatus.RELEASED:
        raise Http404
    made = get_object_or_404(run.files.filter(council_id=run.council_id), format=file_format)
    kind = "text/plain" if file_format == FileFormat.BACS else "text/csv"
    response = HttpResponse(made.content, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Recoveries to be repaid, and the ledger (finance)


@router.get(
    "/recoveries", response=list[RecoveryOut], summary="List recoveries", tags=RECOVERIES, openapi_extra=READ_PROBLEMS
)
@paginate(Pages)
def list_recoveries(request: HttpRequest, status: RecoveryListStatus = RecoveryListStatus.OPEN):
    """Recoveries not yet fully repaid, the earliest due first (open is the only status finance lists)."""
    require_perm(request, Perm.PAYMENTS_RUN)
    recoveries = selectors.open_recoveries(council=request.user.council)
    return recoveries.select_related("reconsideration").prefetch_related("receipts")


@router.post(
    "/recoveries/{recovery_id}/receipts",
    response={201: ReceiptOut},
    summary="Record money repaid",
    tags=RECOVERIES,
    openapi_extra=WRITE_PROBLEMS,
)
def create_recovery_receipt(request: HttpRequest, recovery_id: int, payload: ReceiptIn):
    """Record money repaid against a recovery by invoice; it leaves the recipient's account in the ledger. No more
    than is outstanding; fully repaid, the recovery is recovered (DOMAIN R23)."""
    require_perm(request, Perm.PAYMENTS_RUN)
    recovery = selectors.recovery_get(user=request.user, pk=recovery_id)
    return services.recovery_receipt_record(actor=request.user, recovery=recovery, **payload.model_dump())


@router.get("/ledger", response=LedgerOut, summary="Get the ledger", tags=LEDGER, openapi_extra=READ_PROBLEMS)
def get_ledger(request: HttpRequest):
    """The council's direct payments ledger: each fund's balance and recoveries, what recipients hold and spent in
    total, the latest transactions, and the total of every entry, which is always 0.00."""
    require_perm(request, Perm.LEDGER_VIEW)
    summary = selectors.ledger_summary(council=request.user.council)
    kind_of = {label: kind for kind, label in AccountKind.choices}
    return {
        "funds": [
            {
                "key": account.key,
                "name": account.name,
                "kind": account.kind,
                "funding_stream": account.funding_stream or None,
                "balance": balance,
            }
            for account, balance in summary["funds"]
        ],
        "held": [{"kind": kind_of[label], "label": label, "total": total} for label, total in summary["held"]],
        "total": summary["total"],
        "transactions": list(summary["transactions"]),
    }
