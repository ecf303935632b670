"""Council staff pages for direct payments: the agreement and every notice that changes it (case officers and
managers), payment runs, recoveries and the ledger (finance)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.models import Role
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.budgets.models import Budget
from ehcbudgets.core.dates import today
from ehcbudgets.core.views import confirm_page, form_page, paginate
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.people.models import Relationship
from ehcbudgets.people.selectors import child_get, contacts_of

from . import selectors, services
from .forms import (
    AgreementEditForm,
    AgreementForm,
    BankDetailsForm,
    ChangeRecipientForm,
    ConsentForm,
    PersonalAssistantForm,
    ReceiptForm,
    ReconsiderationDecideForm,
    ReconsiderationRequestForm,
    RecoveryForm,
    ReduceForm,
    ResumeForm,
    RunForm,
    StopForm,
    SuspendForm,
    WithdrawForm,
)
from .models import (
    AgreementChange,
    AgreementStatus,
    BankDetails,
    FileFormat,
    PaymentFile,
    Reconsideration,
    Recovery,
    RunStatus,
)


def _agreement_url(agreement) -> str:
    return reverse("payments:agreement", args=[agreement.child_id, agreement.pk])


def _agreement_of(request, pk, agreement_pk):
    return selectors.agreement_get(user=request.user, child_pk=pk, pk=agreement_pk)


def _people(child):
    contacts = contacts_of(child=child)
    return contacts.exclude(relationship=Relationship.THIRD_PARTY), contacts.filter(
        relationship=Relationship.THIRD_PARTY
    )


@require(Perm.DP_MANAGE)
def agreement_create(request, pk, budget_pk):
    """Set up the direct payment agreement of an agreed budget (DOMAIN R15, R16, R35)."""
    child = child_get(user=request.user, pk=pk)
    # A budget not yet agreed shows the form too; the service refuses it with the reason.
    budget = get_object_or_404(Budget, pk=budget_pk, child=child, council_id=child.council_id)
    people, third_parties = _people(child)
    case = getattr(budget, "direct_payment_case", None)
    policy = policy_in_force(council=child.council, on=today())
    form = AgreementForm(
        request.POST or None,
        contacts=people,
        third_parties=third_parties,
        initial={
            "recipient": case.recipient_id if case else None,
            "frequency": policy.default_payment_frequency,
            "start_date": max(today(), budget.period_start),
            "end_date": budget.period_end,
        },
    )
    lines = services.agreeable_lines(budget)
    return form_page(
        request,
        form=form,
        title="Set up the direct payment agreement",
        caption=child.full_name,
        intro=f"For {len(lines)} line{'s' if len(lines) != 1 else ''} of the agreed budget paid to the family: "
        + "; ".join(line.offer_item.name for line in lines)
        + ". The amount is worked out from these lines for the dates you give.",
        back_url=reverse("budgets:budget", args=[child.pk, budget.pk]),
        save=lambda data: services.agreement_create(actor=request.user, budget=budget, **data),
        success_url=_agreement_url,
        success_message="Agreement set up. Check it, then send it to the recipient for their consent.",
    )


@require(Perm.DP_VIEW)
def agreement_detail(request, pk, agreement_pk):
    """The agreement: terms, schedule, balance, personal assistants, notices, recoveries, and what can be done."""
    agreement = _agreement_of(request, pk, agreement_pk)
    user = request.user
    changes = list(agreement.changes.select_related("letter", "decided_by", "reconsideration").order_by("-pk"))
    recoveries = list(agreement.recoveries.select_related("letter", "payer", "reconsideration").order_by("-pk"))
    context = {
        "child": agreement.child,
        "agreement": agreement,
        "lines": list(agreement.lines.all()),
        "payments": list(selectors.schedule(agreement=agreement)),
        "next_payment": selectors.next_payment(agreement=agreement),
        "balance": selectors.recipient_balance(agreement=agreement),
        "statement": selectors.statement(agreement=agreement),
        "assistants": list(agreement.personal_assistants.all()),
        "changes": changes,
        "recoveries": recoveries,
        "reconsiderations": [c.reconsideration for c in changes + recoveries if hasattr(c, "reconsideration")],
        "can_manage": has_perm(user, Perm.DP_MANAGE),
        "can_decide": has_perm(user, Perm.DP_DECIDE),
        "can_reconsider": has_perm(user, Perm.DECISION_REVIEW),
        "live": agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED)
        and not agreement.stop_effective_on,
        **_monitoring(agreement),
    }
    return render(request, "payments/agreement_detail.html", context)


def _monitoring(agreement) -> dict:
    """The agreement's open findings and its reviews, for the monitoring section of the page (ADR 11)."""
    from ehcbudgets.monitoring import selectors as monitoring

    return {
        "findings": list(monitoring.findings_of(agreement=agreement)[:50]),
        "reviews": list(monitoring.reviews_of(agreement=agreement)[:20]),
        "today": today(),
    }


def _agreement_form(request, pk, agreement_pk, *, form_class, title, save, success_message, form_kwargs=None, **extra):
    agreement = _agreement_of(request, pk, agreement_pk)
    form = form_class(request.POST or None, **(form_kwargs(agreement) if form_kwargs else {}))
    return form_page(
        request,
        form=form,
        title=title,
        caption=agreement.child.full_name,
        back_url=_agreement_url(agreement),
        save=lambda data: save(agreement, data),
        success_url=_agreement_url(agreement),
        success_message=success_message,
        **extra,
    )


@require(Perm.DP_MANAGE)
def agreement_edit(request, pk, agreement_pk):
    agreement = _agreement_of(request, pk, agreement_pk)
    initial = {name: getattr(agreement, name) for name in services.AGREEMENT_EDITABLE}
    form = AgreementEditForm(request.POST or None, contacts=None, third_parties=None, initial=initial)
    return form_page(
        request,
        form=form,
        title="Change the agreement's terms",
        caption=agreement.child.full_name,
        back_url=_agreement_url(agreement),
        save=lambda data: services.agreement_update(actor=request.user, agreement=agreement, **data),
        success_url=_agreement_url,
        success_message="Terms changed",
    )


@require(Perm.DP_MANAGE)
def agreement_send(request, pk, agreement_pk):
    agreement = _agreement_of(request, pk, agreement_pk)
    return confirm_page(
        request,
        action=lambda: services.agreement_send(actor=request.user, agreement=agreement),
        template="payments/confirm.html",
        context={
            "child": agreement.child,
            "agreement": agreement,
            "title": "Send the agreement for consent",
            "body": f"{agreement.recipient.full_name} will be sent the agreement as a letter, on their page and by "
            "post. Nothing is paid until they consent.",
            "button": "Send the agreement",
            "back_url": _agreement_url(agreement),
        },
        success_message="Agreement sent. It is waiting for the recipient's consent.",
        success_url=_agreement_url(agreement),
    )


@require(Perm.DP_MANAGE)
def agreement_consent(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=ConsentForm,
        title="Record the recipient's consent",
        intro="Record consent given on a signed copy, by email or by phone (confirmed in writing). A recipient who "
        "signs in can consent online themselves.",
        save=lambda a, data: services.agreement_consent(actor=request.user, agreement=a, **data),
        success_message="Consent recorded. The payments are scheduled.",
    )


def _managers(agreement):
    return (
        get_user_model()
        .objects.filter(council_id=agreement.council_id, role=Role.TEAM_MANAGER, is_active=True)
        .order_by("full_name")
    )


@require(Perm.DP_MANAGE)
def assistant_add(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=PersonalAssistantForm,
        form_kwargs=lambda a: {"managers": _managers(a)},
        title="Record a personal assistant",
        save=lambda a, data: services.personal_assistant_record(actor=request.user, agreement=a, **data),
        success_message="Personal assistant recorded",
    )


@require(Perm.DP_MANAGE)
def agreement_suspend(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=SuspendForm,
        title="Suspend the direct payments",
        save=lambda a, data: services.agreement_suspend(
            actor=request.user,
            agreement=a,
            reason=data["suspension_reason"],
            reasons=data["reasons"],
            away_from=data["away_from"],
            expected_until=data["expected_until"],
        ),
        success_message="Payments suspended and the family told in writing",
    )


@require(Perm.DP_MANAGE)
def agreement_resume(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=ResumeForm,
        title="Start the direct payments again",
        save=lambda a, data: services.agreement_resume(actor=request.user, agreement=a, **data),
        success_message="Payments started again and the family told in writing",
    )


@require(Perm.DP_MANAGE)
def agreement_change_recipient(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=ChangeRecipientForm,
        form_kwargs=lambda a: {"contacts": _people(a.child)[0]},
        title="Change who receives the payments",
        intro="The new recipient is sent the terms and must consent before anything is paid to them.",
        save=lambda a, data: services.agreement_change_recipient(actor=request.user, agreement=a, **data),
        success_message="New terms sent. Payments wait for the new recipient's consent.",
    )


@require(Perm.DP_MANAGE)
def agreement_withdrawal(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=WithdrawForm,
        title="Record that the recipient withdrew consent",
        intro="Record a withdrawal the recipient made in writing. The payments stop today and the family is sent a "
        "letter confirming it.",
        save=lambda a, data: services.agreement_withdraw_consent(actor=request.user, agreement=a, **data),
        success_message="Withdrawal recorded: the payments have stopped",
    )


@require(Perm.DP_DECIDE)
def agreement_reduce(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=ReduceForm,
        title="Reduce the direct payments",
        intro="The family gets written notice with your reasons and can ask for one reconsideration. The reduction "
        "cannot take effect before the council's notice period has run.",
        save=lambda a, data: services.agreement_reduce(actor=request.user, agreement=a, **data),
        success_message="Notice of the reduction sent",
    )


@require(Perm.DP_DECIDE)
def agreement_stop(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=StopForm,
        title="Stop the direct payments",
        intro="The family gets written notice with the ground and your reasons and can ask for one reconsideration.",
        save=lambda a, data: services.agreement_stop(actor=request.user, agreement=a, **data),
        success_message="Notice to stop the payments sent",
    )


@require(Perm.DP_DECIDE)
def recovery_create(request, pk, agreement_pk):
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=RecoveryForm,
        form_kwargs=lambda a: {"contacts": _people(a.child)[0], "initial": {"payer": a.recipient_id}},
        title="Recover direct payments",
        save=lambda a, data: services.recovery_raise(actor=request.user, agreement=a, **data),
        success_message="Notice to recover the money sent",
    )


def _subject(agreement, kind, subject_pk):
    if kind == "change":
        return {"change": get_object_or_404(AgreementChange, pk=subject_pk, agreement=agreement)}
    if kind == "recovery":
        return {"recovery": get_object_or_404(Recovery, pk=subject_pk, agreement=agreement)}
    raise Http404


@require(Perm.DP_MANAGE)
def reconsideration_record(request, pk, agreement_pk, kind, subject_pk):
    """An officer records a request for reconsideration made by letter, email or phone."""
    agreement = _agreement_of(request, pk, agreement_pk)
    subject = _subject(agreement, kind, subject_pk)
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=ReconsiderationRequestForm,
        title="Record a request for reconsideration",
        save=lambda a, data: services.reconsideration_request(actor=request.user, **subject, **data),
        success_message="Request for reconsideration recorded",
    )


@require(Perm.DECISION_REVIEW)
def reconsideration_decide(request, pk, agreement_pk, reconsideration_pk):
    agreement = _agreement_of(request, pk, agreement_pk)
    item = get_object_or_404(Reconsideration, pk=reconsideration_pk, council_id=agreement.council_id)
    if (item.change or item.recovery).agreement_id != agreement.pk:
        raise Http404
    return _agreement_form(
        request,
        pk,
        agreement_pk,
        form_class=ReconsiderationDecideForm,
        title="Decide the reconsideration",
        intro=f"The family's grounds: {item.grounds}",
        save=lambda a, data: services.reconsideration_decide(
            actor=request.user, reconsideration=item, outcome=data["outcome"], reasons=data["reasons"]
        ),
        success_message="Outcome recorded and the letter sent",
    )


# Finance: runs, recoveries, ledger -------------------------------------------------------------------------------


@require(Perm.PAYMENTS_RUN)
def runs(request):
    """The council's payment runs, and a form to prepare the next."""
    council = request.user.council
    form = RunForm(request.POST or None, initial={"pay_up_to": today()})
    if request.method != "POST":
        context = {
            "form": form,
            "due": selectors.due_summary(council=council, up_to=today()),
            **paginate(request, selectors.runs_of(council=council), 25),
        }
        return render(request, "payments/runs.html", context)
    return form_page(
        request,
        form=form,
        title="Prepare a payment run",
        save=lambda data: services.payment_run_prepare(actor=request.user, council=council, **data),
        success_url=lambda run: reverse("finance:run", args=[run.pk]),
        success_message="Run prepared. A second finance officer must approve it.",
        back_url=reverse("finance:runs"),
    )


@require(Perm.PAYMENTS_RUN)
def run_detail(request, run_pk):
    """One run: its payments and totals; approve (by someone other than its preparer), cancel, or download files."""
    run = selectors.run_get(user=request.user, pk=run_pk)
    action = request.POST.get("action")
    services_for = {
        "approve": (lambda: services.payment_run_approve(actor=request.user, run=run), "Run approved and released"),
        "cancel": (lambda: services.payment_run_cancel(actor=request.user, run=run), "Run cancelled"),
    }
    chosen, message = services_for.get(action, (lambda: None, ""))
    return confirm_page(
        request,
        action=chosen if action in services_for else _no_action,
        template="payments/run_detail.html",
        context={
            "run": run,
            "payments": run.payments.select_related("agreement__child", "agreement__recipient").order_by("pk"),
            "files": run.files.all(),
            "prepared_it": run.prepared_by_id == request.user.pk,
        },
        success_message=message,
        success_url=reverse("finance:run", args=[run.pk]),
    )


def _no_action():
    raise ValidationError("Choose approve or cancel")


@require(Perm.PAYMENTS_RUN)
def run_file(request, run_pk, file_format):
    """Download one file of a released run of the user's council."""
    run = selectors.run_get(user=request.user, pk=run_pk)
    if run.status != RunStatus.RELEASED or file_format not in FileFormat.values:
        raise Http404
    made = get_object_or_404(PaymentFile, run=run, format=file_format, council_id=run.council_id)
    kind = "text/plain" if file_format == FileFormat.BACS else "text/csv"
    response = HttpResponse(made.content, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@require(Perm.PAYMENTS_RUN)
def recoveries(request):
    """Recoveries not yet repaid, oldest due first."""
    context = paginate(request, selectors.open_recoveries(council=request.user.council), 25)
    return render(request, "payments/recoveries.html", {**context, "today": today()})


@require(Perm.PAYMENTS_RUN)
def recovery_receipt(request, recovery_pk):
    recovery = selectors.recovery_get(user=request.user, pk=recovery_pk)
    form = ReceiptForm(request.POST or None, initial={"received_on": today()})
    return form_page(
        request,
        form=form,
        title="Record money repaid",
        caption=f"Recovery of £{recovery.amount:,.2f} from {recovery.payer.full_name}",
        back_url=reverse("finance:recoveries"),
        save=lambda data: services.recovery_receipt_record(actor=request.user, recovery=recovery, **data),
        success_url=reverse("finance:recoveries"),
        success_message="Money received recorded in the ledger",
    )


@require(Perm.LEDGER_VIEW)
def ledger(request):
    """The council's direct payments ledger: funds, recoveries and what families hold, always summing to zero."""
    return render(request, "payments/ledger.html", selectors.ledger_summary(council=request.user.council))


@require(Perm.OFFER_MANAGE)
def bank_details(request):
    """The council administrator records the account direct payments are paid from (used in the BACS file)."""
    council = request.user.council
    details = BankDetails.objects.filter(council=council).first()
    initial = {name: getattr(details, name) for name in services.BANK_FIELDS} if details else {}
    return form_page(
        request,
        form=BankDetailsForm(request.POST or None, initial=initial),
        title="Bank details for direct payments",
        caption=council.name,
        intro="The account direct payments are paid from, as it appears in the BACS file finance sends to the bank.",
        back_url=reverse("council:home"),
        save=lambda data: services.bank_details_set(actor=request.user, council=council, **data),
        success_url=reverse("council:home"),
        success_message="Bank details saved",
    )
