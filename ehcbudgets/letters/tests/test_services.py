"""Issuing letters: a real PDF in private storage, a body kept as issued, one audit event, nothing half-saved, and
no fetching of anything while rendering."""

import re
import socket
import threading
import urllib.request
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string

from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.letters import services
from ehcbudgets.letters.models import Letter, LetterImmutable, LetterKind
from ehcbudgets.letters.pdf import BASE_URL, _offline_fetcher
from ehcbudgets.letters.selectors import letters_about
from ehcbudgets.letters.services import PRINT_TEMPLATE, letter_files_sweep, letter_issue
from ehcbudgets.plans.tests.factories import PlanFactory

from .conftest import pdf_facts

pytestmark = pytest.mark.django_db

SUBJECT = "Your request for a personal budget"
PARAGRAPHS = [
    "We have received your request for a personal budget.",
    "We will write to you with our decision by 6 December 2026.",
]


def _issue(child, actor, **overrides) -> Letter:
    arguments = {
        "actor": actor,
        "child": child,
        "kind": LetterKind.OTHER,
        "subject": SUBJECT,
        "template_name": "letters/other.html",
        "context": {"paragraphs": PARAGRAPHS},
        "recipient_name": "Pat Parent",
        "recipient_address": "1 High Street\nBrightwater\nBW1 1AA",
        **overrides,
    }
    return letter_issue(**arguments)


def _pdf(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as file:
        return file.read()


def _files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


# the PDF --------------------------------------------------------------------------------------------------------------


def test_a_letter_is_a_real_tagged_pdf_titled_with_its_subject(child, officer):
    letter = _issue(child, officer)
    data = _pdf(letter)
    assert data.startswith(b"%PDF-")
    assert 3_000 < len(data) < 500_000
    facts = pdf_facts(data)
    assert facts["pages"] >= 1
    assert facts["title"] == SUBJECT
    assert facts["lang"] == "en-GB"
    assert facts["tagged"], "a tagged PDF, so a screen reader can read the letter"


def test_the_body_is_the_rendered_template_with_the_child_and_council_available(child, officer, council):
    letter = _issue(child, officer, context={"paragraphs": PARAGRAPHS, "signed_by": "Casey Officer"})
    assert all(f'<p class="govuk-body">{p}</p>' in letter.body_html for p in PARAGRAPHS)
    assert f"SEND team, {council.name}" in letter.body_html
    assert "Casey Officer" in letter.body_html


def test_a_long_letter_is_a4_with_letterhead_date_address_and_numbered_pages(child, officer, council):
    """The print document itself: WeasyPrint's layout of it, page by page (the PDF's text is not readable here)."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    def texts(box):
        if isinstance(box, boxes.TextBox):
            yield box.text
        for inner in getattr(box, "children", None) or []:
            yield from texts(inner)

    letter = _issue(child, officer, context={"paragraphs": [" ".join(["A sentence about the budget."] * 40)] * 12})
    document_html = render_to_string(PRINT_TEMPLATE, {"letter": letter})
    document = HTML(string=document_html, base_url=BASE_URL, url_fetcher=_offline_fetcher()).render()
    pages = [list(texts(page._page_box)) for page in document.pages]
    assert len(pages) >= 2
    assert pdf_facts(_pdf(letter))["pages"] == len(pages)
    for page in document.pages:
        assert (round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) == (210, 297)  # A4 in mm
    first = pages[0]
    assert first[:6] == [
        council.name,
        format_date(today()),
        "Pat Parent",
        "1 High Street",
        "Brightwater",
        "BW1 1AA",
    ]
    assert "Dear Pat Parent," in first
    assert SUBJECT in first
    for number, page in enumerate(pages, start=1):
        assert page[-2:] == [council.name, f"Page {number} of {len(pages)}"]


def test_a_council_name_with_an_ampersand_and_quotes_prints_as_written(child, officer, council):
    council.name = 'Bath & North "East" Somerset Council'
    council.save()
    letter = _issue(child, officer)
    assert pdf_facts(_pdf(letter))["pages"] >= 1
    assert "Bath &amp; North &quot;East&quot; Somerset Council" in render_to_string(PRINT_TEMPLATE, {"letter": letter})


def test_a_letter_to_nobody_in_particular_is_addressed_to_sir_or_madam(child, officer):
    letter = _issue(child, officer, recipient_name="", recipient_address="")
    assert letter.salutation == "Dear Sir or Madam,"


# storage --------------------------------------------------------------------------------------------------------------


def test_the_pdf_is_stored_in_private_storage_by_council_and_year_and_not_under_the_static_root(
    files, child, officer, council
):
    letter = _issue(child, officer)
    assert re.fullmatch(rf"letters/brightwater/{today().year}/[0-9a-f-]{{36}}\.pdf", letter.pdf.name)
    stored = Path(default_storage.path(letter.pdf.name))
    assert stored.is_file()
    assert stored.is_relative_to(files)
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert _files_in(files) == [stored]


def test_the_configured_file_storage_is_outside_everything_served_as_static():
    from config.settings import base

    location = Path(base.STORAGES["default"]["OPTIONS"]["location"]).resolve()
    served = [
        base.STATIC_ROOT,
        base.WHITENOISE_ROOT,
        *(d[1] if isinstance(d, tuple) else d for d in base.STATICFILES_DIRS),
    ]
    for folder in served:
        assert not location.is_relative_to(Path(folder).resolve())
        assert not Path(folder).resolve().is_relative_to(location)


# a snapshot, never changed --------------------------------------------------------------------------------------------


def test_the_body_is_a_snapshot_that_later_changes_do_not_touch(child, officer):
    paragraphs = list(PARAGRAPHS)
    letter = _issue(child, officer, context={"paragraphs": paragraphs, "child": child})
    body, pdf_name = letter.body_html, letter.pdf.name
    paragraphs.append("A paragraph added after the letter was sent.")
    child.first_name = "Renamed"
    child.save()
    stored = Letter.objects.get(pk=letter.pk)
    assert stored.body_html == body
    assert stored.pdf.name == pdf_name
    assert "added after" not in stored.body_html


def test_a_letter_cannot_be_changed(child, officer):
    letter = _issue(child, officer)
    letter.subject = "Something else"
    with pytest.raises(LetterImmutable):
        letter.save()
    with pytest.raises(LetterImmutable):
        Letter.objects.filter(pk=letter.pk).update(subject="Something else")
    with pytest.raises(LetterImmutable):
        Letter.objects.bulk_update([letter], ["subject"])
    assert Letter.objects.get(pk=letter.pk).subject == SUBJECT


def test_a_letter_cannot_be_deleted(child, officer):
    letter = _issue(child, officer)
    with pytest.raises(LetterImmutable):
        letter.delete()
    with pytest.raises(LetterImmutable):
        Letter.objects.filter(pk=letter.pk).delete()
    assert Letter.objects.filter(pk=letter.pk).exists()
    assert default_storage.exists(letter.pdf.name)


# the audit trail ------------------------------------------------------------------------------------------------------


def test_issuing_a_letter_writes_one_audit_event(child, officer, audit):
    letter = _issue(child, officer)
    event = audit.one()
    assert (event.action, event.summary) == ("letter.issued", f"Sent letter: {SUBJECT}")
    assert (event.actor, event.child, event.council) == (officer, child, child.council)
    assert (event.object_type, event.object_id) == ("letters.letter", str(letter.pk))
    assert event.after["pdf"] == letter.pdf.name


def test_a_letter_the_system_sends_has_no_issuer(child, audit):
    letter = _issue(child, None)
    assert letter.issued_by is None
    assert audit.one().actor_label == "System"


def test_the_record_a_letter_is_about_is_kept_and_finds_the_letter(child, officer):
    plan = PlanFactory(child=child)
    letter = _issue(child, officer, related=plan)
    assert (letter.related_object_type, letter.related_object_id) == ("plans.plan", str(plan.pk))
    assert list(letters_about(obj=plan)) == [letter]
    assert list(letters_about(obj=PlanFactory())) == []


# bad input and failure ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"subject": "  "}, "subject"), ({"kind": "love_letter"}, "kind"), ({"subject": "x" * 201}, "subject")],
)
def test_a_letter_without_a_proper_subject_or_kind_is_refused_and_nothing_is_saved(
    files, child, officer, overrides, field
):
    before = (Letter.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        _issue(child, officer, **overrides)
    assert field in error.value.message_dict
    assert (Letter.objects.count(), AuditEvent.objects.count()) == before
    assert _files_in(files) == []


class Exploding:
    def __iter__(self):
        raise RuntimeError("the template's data could not be read")


def test_a_template_that_raises_saves_nothing_and_writes_no_file(files, child, officer):
    before = (Letter.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RuntimeError):
        _issue(child, officer, context={"paragraphs": Exploding()})
    assert (Letter.objects.count(), AuditEvent.objects.count()) == before
    assert _files_in(files) == []


def test_a_pdf_that_cannot_be_made_saves_nothing_and_writes_no_file(files, child, officer, monkeypatch):
    def fail(document_html):
        raise ValueError("WeasyPrint could not lay out the letter")

    monkeypatch.setattr(services, "html_to_pdf", fail)
    with pytest.raises(ValueError):
        _issue(child, officer)
    assert not Letter.objects.exists()
    assert _files_in(files) == []


def test_a_failure_after_the_file_is_written_removes_the_file(files, child, officer, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError):
        _issue(child, officer)
    assert not Letter.objects.exists()
    assert _files_in(files) == []


def test_a_rollback_after_issuing_leaves_a_file_the_sweep_removes(files, child, officer):
    class DecisionFailed(Exception):
        pass

    with pytest.raises(DecisionFailed), transaction.atomic():
        _issue(child, officer)
        raise DecisionFailed
    assert not Letter.objects.exists()
    [orphan] = _files_in(files)
    assert letter_files_sweep() == [], "a young file may belong to a transaction still open: left alone"
    name = orphan.relative_to(files).as_posix()
    assert letter_files_sweep(older_than=timedelta(0), dry_run=True) == [name]
    assert orphan.exists()
    assert letter_files_sweep(older_than=timedelta(0)) == [name]
    assert _files_in(files) == []


def test_the_sweep_command_lists_what_it_removes(files, child, officer):
    with pytest.raises(RuntimeError), transaction.atomic():
        _issue(child, officer)
        raise RuntimeError
    [orphan] = _files_in(files)
    out = StringIO()
    call_command("letters_sweep_files", "--older-than-minutes", "0", "--dry-run", stdout=out)
    assert out.getvalue() == f"{orphan.relative_to(files).as_posix()}\nWould remove 1 file.\n"
    call_command("letters_sweep_files", "--older-than-minutes", "0", stdout=StringIO())
    assert _files_in(files) == []


def test_the_sweep_keeps_the_files_of_letters(files, child, officer):
    letter = _issue(child, officer)
    assert letter_files_sweep(older_than=timedelta(0)) == []
    assert default_storage.exists(letter.pdf.name)


# nothing is fetched ---------------------------------------------------------------------------------------------------


@pytest.fixture
def listener():
    """A TCP server on 127.0.0.1 that counts the connections it is offered."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            connections.append(connection)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()


def test_rendering_fetches_nothing_from_the_network_or_the_disk(child, officer, letter_template, listener, monkeypatch):
    port, connections = listener
    opened = []
    real_open = urllib.request.OpenerDirector.open
    monkeypatch.setattr(
        urllib.request.OpenerDirector,
        "open",
        lambda self, url, *args, **kwargs: (
            opened.append(getattr(url, "full_url", url)) or real_open(self, url, *args, **kwargs)
        ),
    )
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
    name = letter_template(
        "fetching.html",
        f'<p class="govuk-body">Hello.</p><img src="http://127.0.0.1:{port}/x.png" alt="">'
        f'<img src="http://127.0.0.1:9/x.png" alt=""><img src="https://example.com/logo.png" alt="">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
        f'<style>@import url("http://127.0.0.1:{port}/more.css"); @font-face {{ font-family: Remote; '
        f'src: url("http://127.0.0.1:{port}/font.woff2"); }} p {{ font-family: Remote, sans-serif; }}</style>'
        f'<img src="file:///etc/hostname" alt=""><img src="relative.png" alt=""><img src="{pixel}" alt="">',
    )
    letter = _issue(child, officer, template_name=name, context={})
    assert pdf_facts(_pdf(letter))["pages"] == 1
    assert connections == []
    assert opened == [pixel], "only the inline data: image is read"
