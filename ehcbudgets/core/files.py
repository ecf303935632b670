"""Stored files: serving a private uploaded file (a receipt, evidence) to someone a view has already checked may see
it, and sweeping away files no record points at."""

import logging
from datetime import timedelta

from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils import timezone
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


#: The folders the service writes files under, and the model field that points at each file.
STORED_FILES = (
    ("letters", "letters.Letter", "pdf"),
    ("receipts", "spending.Receipt", "file"),
    ("evidence", "monitoring.FindingNote", "file"),
)


def orphan_files_sweep(
    *, folder: str, model: str, field: str, older_than: timedelta = timedelta(hours=1), dry_run: bool = False
) -> list[str]:
    """Remove files under `folder` that no `model.field` points at, written more than `older_than` ago; returns
    their names.

    Files and the database cannot share a transaction: a letter, receipt or answer whose transaction rolled back after
    its file was written leaves the file behind. The age limit keeps the sweep away from records whose transaction is
    still open."""
    model_class = apps.get_model(model)
    cutoff = timezone.now() - older_than
    removed = []
    for path_folder, names in _folders(default_storage, folder):
        paths = [f"{path_folder}/{name}" for name in names]
        for start in range(0, len(paths), 500):
            batch = paths[start : start + 500]
            kept = set(model_class.objects.filter(**{f"{field}__in": batch}).values_list(field, flat=True))
            for path in batch:
                if path not in kept and default_storage.get_modified_time(path) < cutoff:
                    if not dry_run:
                        default_storage.delete(path)
                    removed.append(path)
    return removed


def files_sweep(*, older_than: timedelta = timedelta(hours=1), dry_run: bool = False) -> list[str]:
    """Every stored folder swept (letters, receipts, evidence); the names removed."""
    removed = []
    for folder, model, field in STORED_FILES:
        removed += orphan_files_sweep(folder=folder, model=model, field=field, older_than=older_than, dry_run=dry_run)
    return removed


def _folders(storage, folder: str):
    """Each folder under `folder` (itself included) with the names of the files directly in it."""
    if not storage.exists(folder):
        return
    subfolders, files = storage.listdir(folder)
    if files:
        yield folder, files
    for sub in subfolders:
        yield from _folders(storage, f"{folder}/{sub}")
