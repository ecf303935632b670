"""Letters the council sent about a child: their content as issued and the PDF, exactly as it was sent.

Council staff and families read them under the same rule as the pages (Perm.LETTERS_VIEW), through the children they
may see: another family's or council's letter is not found (404). ICB officers may not (403): a letter carries the
whole budget and the family's details, beyond the health provision.
"""

import logging

from django.http import FileResponse, Http404, HttpRequest
from django.utils.text import slugify
from ninja import Router
from ninja.pagination import paginate

from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import READ_PROBLEMS
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas_letters import LetterDetailOut, LetterOut
from ehcbudgets.letters.models import Letter
from ehcbudgets.letters.selectors import letter_get, letters_for
from ehcbudgets.people.selectors import child_get, children_visible_to

logger = logging.getLogger(__name__)

router = Router(tags=["Letters"])

#: The download's own answer, documented beside its refusals.
PDF_RESPONSES = {
    "responses": {
        200: {
            "description": "The letter's PDF, as an attachment.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        **READ_PROBLEMS["responses"],
    }
}


def _letter(request: HttpRequest, letter_id: int) -> Letter:
    """A letter about one of the children the user may see, or 404: its child is found through the user's scope
    first, then the letter through that child, as the pages find it."""
    child_id = (
        Letter.objects.filter(pk=letter_id, child__in=children_visible_to(request.user))
        .values_list("child_id", flat=True)
        .first()
    )
    if child_id is None:
        raise Http404
    child = child_get(user=request.user, pk=child_id)
    return letter_get(child=child, pk=letter_id)


@router.get(
    "/children/{child_id}/letters",
    response=list[LetterOut],
    summary="List a child's letters",
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_letters(request: HttpRequest, child_id: int):
    """The letters the council sent about a child, newest first."""
    require_perm(request, Perm.LETTERS_VIEW)
    child = child_get(user=request.user, pk=child_id)
    return letters_for(child=child)


@router.get("/letters/{letter_id}", response=LetterDetailOut, summary="Get a letter", openapi_extra=READ_PROBLEMS)
def get_letter(request: HttpRequest, letter_id: int):
    """A letter with its content as issued: the same content as its PDF. A letter never changes once issued."""
    require_perm(request, Perm.LETTERS_VIEW)
    return _letter(request, letter_id)


@router.get(
    "/letters/{letter_id}/pdf",
    summary="Download a letter's PDF",
    openapi_extra=PDF_RESPONSES,
)
def get_letter_pdf(request: HttpRequest, letter_id: int):
    """The letter's PDF exactly as it was sent, as an attachment (application/pdf)."""
    require_perm(request, Perm.LETTERS_VIEW)
    letter = _letter(request, letter_id)
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
