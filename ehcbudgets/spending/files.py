"""Receipts are checked by what the file is, not what it is called (ARCHITECTURE: uploads checked by content)."""

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
