"""Serving a private uploaded file (a receipt, evidence) to someone a view has already checked may see it."""

import logging

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename

logger = logging.getLogger(__name__)


def private_file_response(item, *, default_name: str) -> FileResponse:
    """The item's file (an object with `file`, `content_type` and `original_name`) shown in the browser with the
    content type found when it was uploaded, never guessed from its name, and never cached; 404 when it has none."""
    if not item.file:
        raise Http404("No file")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        logger.error("%s %s is missing from storage: %s", type(item).__name__, item.pk, item.file.name)
        raise Http404("No file") from None
    try:
        name = get_valid_filename(item.original_name) or default_name
    except SuspiciousFileOperation:  # a name of symbols only has nothing left once cleaned
        name = default_name
    response = FileResponse(handle, content_type=item.content_type, as_attachment=False, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
