"""What the letter routes read: a letter as issued (never changed), its content, and where its PDF is."""

from datetime import datetime

from ninja import Field, Schema

from ehcbudgets.letters.models import LetterKind


class LetterOut(Schema):
    id: int
    child_id: int
    kind: LetterKind
    subject: str
    recipient_name: str
    issued_at: datetime
    related_object_type: str = Field(description="The record the letter is about, as app_label.model; may be empty.")
    related_object_id: str


class LetterDetailOut(LetterOut):
    """A letter with its content as issued; the same content as its PDF (GET /letters/{letter_id}/pdf)."""

    recipient_address: str
    body_html: str = Field(description="The letter's content as issued, an HTML fragment.")
