"""The family's monitoring pages: every finding about their direct payments with its explanation, their answer with
evidence, and the reviews, with a way to ask for one (DOMAIN R18, R31). A family is never surprised by a finding.

Read through the agreement, which payments.selectors scopes to the family's own children (another family's is 404);
answering is for the person who keeps the records, asking for a review for the recipient (403 for anyone else)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.core.files import private_file_response
from ehcbudgets.core.views import form_page
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments.models import AgreementStatus
from ehcbudgets.payments.services import is_recipient_user
from ehcbudgets.spending.services import keeps_records

from . import selectors, services
from .forms import FindingAnswerForm, ReviewRequestForm
from .models import FindingNote, ReviewStatus, ReviewTrigger


def _agreement(request, pk, agreement_pk):
    """The agreement, to the person who holds the payments (or the organisation managing them): findings name
    statement lines and evidence, which are theirs, as the statements are. Another family's is 404."""
    agreement = payment_selectors.agreement_get(user=request.user, child_pk=pk, pk=agreement_pk)
    if agreement.status == AgreementStatus.DRAFT:
        raise Http404
    if not keeps_records(request.user, agreement):
        raise PermissionDenied
    return agreement


def _overview_url(agreement) -> str:
    return reverse("family_monitoring:overview", args=[agreement.child_id, agreement.pk])


def _finding_url(finding) -> str:
    return reverse("family_monitoring:finding", args=[finding.agreement.child_id, finding.agreement_id, finding.pk])


@require(Perm.FAMILY_VIEW)
def overview(request, pk, agreement_pk):
    """Everything the council has noticed about the payments, open first, and the reviews."""
    agreement = _agreement(request, pk, agreement_pk)
    found = list(selectors.family_findings(agreement=agreement))
    reviews = list(selectors.reviews_of(agreement=agreement).select_related("letter"))
    pending_request = any(
        r.trigger == ReviewTrigger.RECIPIENT_REQUEST and r.status == ReviewStatus.DUE for r in reviews
    )
    context = {
        "agreement": agreement,
        "child": agreement.child,
        "open_findings": [f for f in found if f.is_open],
        "closed_findings": [f for f in found if not f.is_open],
        "reviews": reviews,
        "can_ask": is_recipient_user(request.user, agreement)
        and services.reviewable(agreement)
        and not pending_request,
        "pending_request": pending_request,
    }
    return render(request, "monitoring/family_overview.html", context)


@require(Perm.FAMILY_VIEW)
def finding(request, pk, agreement_pk, finding_pk):
    """One finding, its explanation and the messages about it; the record keeper can answer it here."""
    agreement = _agreement(request, pk, agreement_pk)
    item = selectors.finding_get(agreement=agreement, pk=finding_pk)
    can_answer = item.is_open and keeps_records(request.user, agreement) and request.user.is_family
    form = FindingAnswerForm(request.POST or None, request.FILES or None) if can_answer else None
    if request.method == "POST" and not can_answer:
        raise PermissionDenied
    if form is not None and request.method == "POST":
        return form_page(
            request,
            form=form,
            title=item.get_rule_display(),
            save=lambda data: services.finding_answer(
                actor=request.user, finding=item, text=data["text"], upload=data.get("file")
            ),
            success_url=_finding_url(item),
            success_message="Your answer has been sent to the council",
            template="monitoring/family_finding.html",
            extra={"finding": item, "agreement": agreement, "child": agreement.child, "notes": _notes(item)},
        )
    context = {"finding": item, "agreement": agreement, "child": agreement.child, "notes": _notes(item), "form": form}
    return render(request, "monitoring/family_finding.html", context)


def _notes(item):
    return list(item.notes.select_related("author"))


@require(Perm.FAMILY_VIEW)
def evidence(request, pk, agreement_pk, finding_pk, note_pk):
    """A file the family sent with an answer, to the family (404 for anyone else)."""
    agreement = _agreement(request, pk, agreement_pk)
    item = selectors.finding_get(agreement=agreement, pk=finding_pk)
    note = get_object_or_404(FindingNote, pk=note_pk, finding=item, council_id=item.council_id)
    return private_file_response(note, default_name="evidence")


@require(Perm.DP_CONSENT)
def review_request(request, pk, agreement_pk):
    """The recipient asks for a review of the direct payments; the council must consider it (R18)."""
    agreement = _agreement(request, pk, agreement_pk)
    if agreement.recipient.user_id != request.user.pk:
        raise PermissionDenied
    return form_page(
        request,
        form=ReviewRequestForm(request.POST or None),
        title="Ask for a review of the direct payments",
        caption=agreement.child.full_name,
        intro="The council must consider your request. It will write to you with its decision.",
        back_url=_overview_url(agreement),
        save=lambda data: services.review_request(actor=request.user, agreement=agreement, reasons=data["reasons"]),
        success_url=_overview_url(agreement),
        success_message="Your request has been sent. The council will write to you.",
    )
