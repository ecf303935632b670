"""Issuing letters: the one way a letter comes to exist (ARCHITECTURE convention 2)."""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ehcbudgets.audit.services import audit_record
from ehcbudgets.core.files import orphan_files_sweep

from .models import Letter, LetterKind
from .pdf import html_to_pdf

logger = logging.getLogger(__name__)

PRINT_TEMPLATE = "letters/print.html"


def letter_issue(
    *,
    actor,
    child,
    kind: str,
    subject: str,
    template_name: str,
    context: dict,
    recipient_name: str = "",
    recipient_address: str = "",
    related: models.Model | None = None,
) -> Letter:
    """Render a letter's body and its PDF, store both, and record that it was sent (a system letter: actor None).

    `template_name` renders the body (an HTML fragment, GOV.UK typography classes) from `context`, which also gets
    `child` and `council` unless it sets them. The body is kept as issued and never rendered again. Nothing is saved
    if rendering fails. Call it inside the transaction of the decision the letter reports, after that decision's
    checks: the PDF is written before the commit, so a rollback after this call leaves a file that no letter points
    at (`letters_sweep_files` removes such files).
    """
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": "Enter the letter's subject"})
    if kind not in LetterKind.values:
        raise ValidationError({"kind": f"Unknown kind of letter: {kind}"})
    related_type, related_id = ("", "")
    if related is not None:
        if related.pk is None:
            raise ValidationError("A letter can only be about a record that has been saved")
        related_type, related_id = related._meta.label_lower, str(related.pk)

    letter = Letter(
        council=child.council,
        child=child,
        kind=kind,
        subject=subject,
        recipient_name=(recipient_name or "").strip(),
        recipient_address=(recipient_address or "").strip(),
        related_object_type=related_type,
        related_object_id=related_id,
        issued_at=timezone.now(),
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    # Render before opening the transaction: rendering takes a fifth of a second, and on SQLite an open write
    # transaction holds the database's write lock for everyone else.
    letter.body_html = render_to_string(template_name, {"child": child, "council": child.council, **context})
    letter.full_clean(exclude=["pdf"])
    pdf = html_to_pdf(render_to_string(PRINT_TEMPLATE, {"letter": letter}))

    with transaction.atomic():
        letter.pdf.save("letter.pdf", ContentFile(pdf), save=False)
        try:
            letter.save()
            audit_record(
                actor=actor,
                action="letter.issued",
                obj=letter,
                child=child,
                summary=f"Sent letter: {subject}",
                after={
                    "kind": kind,
                    "subject": subject,
                    "recipient_name": letter.recipient_name,
                    "related_object_type": related_type,
                    "related_object_id": related_id,
                    "pdf": letter.pdf.name,
                },
            )
        except BaseException:
            _delete_file(letter.pdf.name, storage=letter.pdf.storage)
            raise
    return letter


def _delete_file(name: str, *, storage) -> None:
    try:
        storage.delete(name)
    except OSError:  # the original error matters more; the sweep removes the file later
        logger.exception("Could not remove the PDF of a letter that was not saved: %s", name)


def letter_files_sweep(*, older_than: timedelta = timedelta(hours=1), dry_run: bool = False) -> list[str]:
    """Remove PDFs under letters/ that no letter points at, written more than `older_than` ago; returns their names
    (`core.files.orphan_files_sweep`)."""
    return orphan_files_sweep(
        folder="letters", model="letters.Letter", field="pdf", older_than=older_than, dry_run=dry_run
    )
