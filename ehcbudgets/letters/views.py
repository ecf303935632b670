"""A letter as a page and as a PDF download, for council staff (under /cases/) and for families (under /my/)."""

import logging

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.people.selectors import child_get

from .selectors import letter_get

logger = logging.getLogger(__name__)


def _elsewhere(user, namespace: str) -> str | None:
    """The namespace whose pages suit the user, when it is not this one: LETTERS_VIEW admits families and staff alike,
    and a family member who follows a link to a staff page (or the other way round) lands on their own page."""
    if namespace == "cases" and user.is_family:
        return "family"
    if namespace == "family" and user.is_council_staff:
        return "cases"
    return None


def _page(request, *, pk, letter_pk, namespace: str):
    child = child_get(user=request.user, pk=pk)
    letter = letter_get(child=child, pk=letter_pk)  # in scope first: out of scope is a 404 even for a redirect
    if other := _elsewhere(request.user, namespace):
        return redirect(f"{other}:letter", child.pk, letter.pk)
    context = {
        "child": child,
        "letter": letter,
        "back_url": reverse(f"{namespace}:child", args=[child.pk]) + "#letters",
        "pdf_url": reverse(f"{namespace}:letter_pdf", args=[child.pk, letter.pk]),
    }
    return render(request, "letters/letter.html", context)


def _download(request, *, pk, letter_pk, namespace: str):
    child = child_get(user=request.user, pk=pk)
    letter = letter_get(child=child, pk=letter_pk)
    if other := _elsewhere(request.user, namespace):
        return redirect(f"{other}:letter_pdf", child.pk, letter.pk)
    try:
        file = letter.pdf.open("rb")
    except FileNotFoundError:
        logger.error("The PDF of letter %s is missing from storage: %s", letter.pk, letter.pdf.name)
        raise Http404("No PDF for this letter") from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"{slugify(letter.subject)[:80] or 'letter'}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require(Perm.LETTERS_VIEW)
def letter_detail(request, pk, letter_pk):
    """A letter sent about a child, as a page: the same content as its PDF."""
    return _page(request, pk=pk, letter_pk=letter_pk, namespace="cases")


@require(Perm.LETTERS_VIEW)
def letter_pdf(request, pk, letter_pk):
    """Download a letter's PDF, exactly as it was sent."""
    return _download(request, pk=pk, letter_pk=letter_pk, namespace="cases")


@require(Perm.LETTERS_VIEW)
def family_letter_detail(request, pk, letter_pk):
    """A letter from the council about the family's child, as a page."""
    return _page(request, pk=pk, letter_pk=letter_pk, namespace="family")


@require(Perm.LETTERS_VIEW)
def family_letter_pdf(request, pk, letter_pk):
    """Download a letter from the council as a PDF."""
    return _download(request, pk=pk, letter_pk=letter_pk, namespace="family")
