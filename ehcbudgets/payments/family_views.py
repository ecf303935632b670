"""Pages for families: their direct payment agreement, schedule, payments, balance and notices; consent, withdraw
consent, and ask for a reconsideration (DOMAIN R15, R21 to R23)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.core.dates import today
from ehcbudgets.core.views import confirm_page, form_page
from ehcbudgets.letters.selectors import letters_for

from . import selectors, services
from .forms import ReconsiderationRequestForm, WithdrawForm
from .models import AgreementChange, AgreementStatus, ChangeKind, PaymentStatus, Recovery


def _mine(request, pk, agreement_pk):
    """An agreement of the family's child that has been sent to them (a draft is the council's work), or 404."""
    agreement = selectors.agreement_get(user=request.user, child_pk=pk, pk=agreement_pk)
    if agreement.status == AgreementStatus.DRAFT:
        raise Http404
    return agreement


def _url(agreement) -> str:
    return reverse("family_payments:agreement", args=[agreement.child_id, agreement.pk])


@require(Perm.FAMILY_VIEW)
def agreement(request, pk, agreement_pk):
    """The family's direct payments: what they are for, the next payment, payments received, the balance, the
    notices, and what they can do."""
    agreement = _mine(request, pk, agreement_pk)
    is_recipient = agreement.recipient.user_id == request.user.pk and has_perm(request.user, Perm.DP_CONSENT)
    payments = list(selectors.schedule(agreement=agreement).exclude(status=PaymentStatus.CANCELLED))
    changes = list(agreement.changes.select_related("letter").prefetch_related("reconsideration").order_by("-pk"))
    recoveries = list(agreement.recoveries.select_related("letter").order_by("-pk"))
    context = {
        "child": agreement.child,
        "agreement": agreement,
        "lines": list(agreement.lines.all()),
        "received": [p for p in payments if p.status == PaymentStatus.PAID],
        "upcoming": [p for p in payments if p.status == PaymentStatus.SCHEDULED],
        "next_payment": selectors.next_payment(agreement=agreement),
        "balance": selectors.recipient_balance(agreement=agreement),
        "changes": changes,
        "recoveries": recoveries,
        "letters": letters_for(child=agreement.child).filter(kind__startswith="dp_"),
        "is_recipient": is_recipient,
        "can_consent": is_recipient and agreement.status == AgreementStatus.AWAITING_CONSENT,
        "can_withdraw": is_recipient
        and agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED, AgreementStatus.AWAITING_CONSENT)
        and not agreement.stop_effective_on,
        "today": today(),
        "open_findings": _open_findings(agreement),
    }
    return render(request, "payments/family_agreement.html", context)


def _open_findings(agreement) -> int:
    """How many findings about the payments are open: the family is told on their first page (ADR 11)."""
    from ehcbudgets.monitoring import selectors as monitoring
    from ehcbudgets.monitoring.models import OPEN_FINDING_STATUSES

    return monitoring.findings_of(agreement=agreement).filter(status__in=OPEN_FINDING_STATUSES).count()


@require(Perm.DP_CONSENT)
def consent(request, pk, agreement_pk):
    """Check the terms and agree to them (DOMAIN R15)."""
    agreement = _mine(request, pk, agreement_pk)
    return confirm_page(
        request,
        action=lambda: services.agreement_consent(actor=request.user, agreement=agreement),
        template="payments/family_consent.html",
        context={
            "child": agreement.child,
            "agreement": agreement,
            "lines": list(agreement.lines.all()),
            "schedule": services.schedule_preview(agreement),
            "excluded": agreement.excluded_payees.splitlines(),
        },
        success_message="Thank you. You have agreed to the terms, and the payments are scheduled.",
        success_url=_url(agreement),
    )


@require(Perm.DP_CONSENT)
def withdraw(request, pk, agreement_pk):
    """Withdraw consent: the payments stop (DOMAIN R22)."""
    agreement = _mine(request, pk, agreement_pk)
    return form_page(
        request,
        form=WithdrawForm(request.POST or None),
        title="Stop receiving direct payments",
        caption=agreement.child.full_name,
        intro="If you withdraw your consent, no more payments will be made and the council will arrange the support "
        "instead. We may ask you to return money that has not been spent on the agreed support.",
        back_url=_url(agreement),
        save=lambda data: services.agreement_withdraw_consent(actor=request.user, agreement=agreement, **data),
        success_url=_url(agreement),
        success_message="You have withdrawn your consent. The payments have stopped and we have written to you.",
    )


@require(Perm.DP_CONSENT)
def reconsider(request, pk, agreement_pk, kind, subject_pk):
    """Ask once for a reduction, a stop or a recovery to be reconsidered (DOMAIN R21 to R23)."""
    agreement = _mine(request, pk, agreement_pk)
    if kind == "change":
        subject = {
            "change": get_object_or_404(
                AgreementChange, pk=subject_pk, agreement=agreement, kind__in=[ChangeKind.REDUCE, ChangeKind.STOP]
            )
        }
    else:
        subject = {"recovery": get_object_or_404(Recovery, pk=subject_pk, agreement=agreement)}
    return form_page(
        request,
        form=ReconsiderationRequestForm(request.POST or None),
        title="Ask us to reconsider",
        caption=agreement.child.full_name,
        intro="You can ask once. A manager who did not make the decision will look at it again and write to you.",
        back_url=_url(agreement),
        save=lambda data: services.reconsideration_request(actor=request.user, **subject, **data),
        success_url=_url(agreement),
        success_message="We have your request and will write to you with the outcome.",
    )
