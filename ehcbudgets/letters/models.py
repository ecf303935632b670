"""Letters the council sends: the content as issued and its PDF. A letter never changes once issued."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ehcbudgets.councils.models import CouncilOwned


class LetterImmutable(Exception):
    """Raised on any attempt to change or delete a letter: a correction is a new letter."""


class LetterKind(models.TextChoices):
    """What a letter is. A new kind is one line here and a migration that changes no table."""

    BUDGET_REQUEST_REFUSED = "budget_request_refused", "Personal budget request refused"
    BUDGET_DECISION = "budget_decision", "Personal budget decision"
    BUDGET_REFUSAL = "budget_refusal", "Personal budget refused"
    DIRECT_PAYMENT_REFUSAL = "direct_payment_refusal", "Direct payments refused"
    DECISION_REVIEW_OUTCOME = "decision_review_outcome", "Outcome of a decision review"
    PANEL_DECISION = "panel_decision", "SEN panel decision"
    SECTION_J = "section_j", "Section J: personal budget"
    DP_AGREEMENT = "dp_agreement", "Direct payment agreement"
    DP_REDUCTION = "dp_reduction", "Notice to reduce direct payments"
    DP_STOP = "dp_stop", "Notice to stop direct payments"
    DP_SUSPENSION = "dp_suspension", "Direct payments suspended"
    DP_RESUMPTION = "dp_resumption", "Direct payments resumed"
    DP_RECIPIENT_CHANGE = "dp_recipient_change", "Direct payments: new recipient"
    DP_CONSENT_WITHDRAWN = "dp_consent_withdrawn", "Direct payments: consent withdrawn"
    DP_RECOVERY = "dp_recovery", "Notice to recover direct payments"
    DP_RECONSIDERATION = "dp_reconsideration", "Outcome of a reconsideration"
    DP_INCREASE = "dp_increase", "Direct payments increased"
    DP_CONDITIONS = "dp_conditions", "Direct payments: new conditions"
    DP_REVIEW = "dp_review", "Review of direct payments"
    DP_REVIEW_REQUEST = "dp_review_request", "Request for a review of direct payments"
    OTHER = "other", "Letter"


def letter_pdf_path(letter: "Letter", filename: str) -> str:
    """letters/<council code>/<year issued>/<random uuid>.pdf: nothing about the child in the file's name."""
    year = timezone.localtime(letter.issued_at).year
    return f"letters/{letter.council.code}/{year}/{uuid.uuid4()}.pdf"


class LetterQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LetterImmutable("Letters cannot be changed once issued; send a new letter instead.")

    def delete(self):
        raise LetterImmutable("Letters cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise LetterImmutable("Letters cannot be changed once issued; send a new letter instead.")


class Letter(CouncilOwned):
    """A letter as issued: its body (a snapshot, never re-rendered) and the PDF made from it."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=40, choices=LetterKind.choices)
    subject = models.CharField(max_length=200)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_address = models.TextField(blank=True)
    body_html = models.TextField(help_text="The letter's content as issued (an HTML fragment).")
    pdf = models.FileField(upload_to=letter_pdf_path, max_length=200)
    related_object_type = models.CharField(
        max_length=80, blank=True, help_text="The record the letter is about, as app_label.model."
    )
    related_object_id = models.CharField(max_length=40, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system sent the letter.",
    )

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["council", "child", "-issued_at"]),
            models.Index(fields=["related_object_type", "related_object_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(subject=""), name="letter_has_a_subject"),
            models.CheckConstraint(
                condition=Q(related_object_type="", related_object_id="")
                | (~Q(related_object_type="") & ~Q(related_object_id="")),
                name="letter_related_type_and_id_together",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise LetterImmutable("Letters cannot be changed once issued; send a new letter instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LetterImmutable("Letters cannot be deleted.")

    @property
    def salutation(self) -> str:
        """Dear Ada Ashdown, or Dear Sir or Madam when the letter names nobody."""
        return f"Dear {self.recipient_name}," if self.recipient_name else "Dear Sir or Madam,"

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.recipient_address.splitlines() if line.strip()]
