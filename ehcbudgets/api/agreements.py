"""What the routers under an agreement's address share: finding the agreement as the pages do, and how a private
file (a receipt, evidence) is described in the OpenAPI document."""

from django.http import Http404, HttpRequest

from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments.models import Agreement, AgreementStatus

#: The address of one agreement, under which its payments, spending, findings and reviews sit.
AGREEMENT = "/children/{child_id}/direct-payments/{agreement_id}"

#: The content types an uploaded receipt or piece of evidence may have (spending.files.sniff).
UPLOAD_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/heic")


def agreement_or_404(request: HttpRequest, child_id: int, agreement_id: int) -> Agreement:
    """An agreement of a child the user may see, or 404. A draft is the council's work: not found by a family, as on
    the family's pages."""
    agreement = payment_selectors.agreement_get(user=request.user, child_pk=child_id, pk=agreement_id)
    if agreement.status == AgreementStatus.DRAFT and not has_perm(request.user, Perm.DP_VIEW):
        raise Http404
    return agreement


def private_file_responses(what: str, problems: dict) -> dict:
    """The responses of an endpoint that shows an uploaded file: the file with the content type found from its
    content, or one of the problems."""
    return {
        "responses": {
            200: {
                "description": f"The {what}, shown in the browser, with the content type found from its content.",
                "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in UPLOAD_TYPES},
            },
            **problems["responses"],
        }
    }
