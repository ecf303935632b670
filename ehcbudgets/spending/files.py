"""Receipts are checked by what the file is, not what it is called (ARCHITECTURE: uploads checked by content)."""

from django.core.exceptions import ValidationError

MAX_RECEIPT_BYTES = 10 * 1024 * 1024

#: What a receipt may be, and its content type.
PDF, JPEG, PNG, HEIC = "application/pdf", "image/jpeg", "image/png", "image/heic"
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}


def sniff(head: bytes) -> str | None:
    """The content type of a receipt from its first bytes, or None when it is not a PDF, JPEG, PNG or HEIC image."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    # HEIC (photos from iPhones): an ISO base media file whose first box is 'ftyp' with a HEIF brand.
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    return None


def read_upload(upload, *, noun: str, max_bytes: int | None = None) -> tuple[bytes, str]:
    """An uploaded receipt or piece of evidence, read whole and checked: its bytes and its content type, or a
    ValidationError on "file" naming it by its noun ("receipt", "file")."""
    if upload is None:
        raise ValidationError({"file": f"Choose a {noun} to upload"})
    max_bytes = MAX_RECEIPT_BYTES if max_bytes is None else max_bytes
    if upload.size > max_bytes:
        raise ValidationError({"file": f"The {noun} must be smaller than {max_bytes // (1024 * 1024)} MB"})
    if upload.size == 0:
        raise ValidationError({"file": f"The {noun} is empty"})
    data = upload.read()
    content_type = sniff(data[:64])
    if content_type is None:
        raise ValidationError({"file": f"The {noun} must be a PDF, JPG, PNG or HEIC file"})
    return data, content_type
