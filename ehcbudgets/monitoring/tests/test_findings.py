"""Findings move through the services: raised with the family (with the council's evidence deadline), answered by
the family (with evidence checked by its content), raised again, resolved with reasons, or escalated to a recovery
that starts with its written notice (DOMAIN R16, R23, R31; ADR 11).

Unless a test says otherwise, today is Friday 1 May 2026 and the standard agreement (the PA line, £3,411.20, paid to
the parent) has had £330.11 paid in.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from ehcbudgets.accounts.models import Role
from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.letters.models import Letter, LetterKind
from ehcbudgets.monitoring import services
from ehcbudgets.monitoring.models import Finding, FindingStatus
from ehcbudgets.payments.models import Recovery
from ehcbudgets.spending.tests.test_records import JPEG_BYTES, PDF_BYTES, PNG_BYTES

#: Friday 1 May 2026, the day the tests run on.
TODAY = date(2026, 5, 1)
#: 28 days (the default evidence deadline) after 1 May 2026: Friday 29 May 2026, a working day.
DUE_IN_28_DAYS = date(2026, 5, 29)
#: What has been paid to the recipient so far; no more can be recovered.
PAID = Decimal("330.11")
PENNY = Decimal("0.01")
MESSAGE = "Please tell us what the £120.00 left in the account is for, or send the invoices it will pay."
ANSWER = "It is for the personal assistant's holiday pay in June."


# Helpers ---------------------------------------------------------------------------------------------------------


def make_finding(agreement, *, key="surplus:2026-04-01", **fields) -> Finding:
    """A surplus finding about the agreement, as a sweep would add it: open, not yet raised with the family."""
    values = {
        "rule": "surplus",
        "explanation": "The account holds £120.00 more than 8 weeks of payments.",
        "amount": Decimal("120.00"),
        "found_on": TODAY,
    }
    return Finding.objects.create(council=agreement.council, agreement=agreement, key=key, **{**values, **fields})


def upload(content: bytes, name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def assert_refused(finding, field: str, act) -> None:
    """The call is refused with a message on the field, and the finding, its notes, the recoveries and the letters
    are as they were."""
    before = state(finding)
    with pytest.raises(ValidationError) as exc:
        act()
    assert field in exc.value.message_dict
    assert state(finding) == before


def raise_(actor, finding, message=MESSAGE):
    return services.finding_raise(actor=actor, finding=finding, message=message)


def answer(actor, finding, text=ANSWER, file=None):
    return services.finding_answer(actor=actor, finding=finding, text=text, upload=file)


def resolve(actor, finding, reason="The money is for holiday pay in June, which the agreement covers."):
    return services.finding_resolve(actor=actor, finding=finding, reason=reason)


def escalate(actor, finding, amount="120.00", reasons="The £120.00 was not spent on the agreed support.", **kw):
    return services.finding_escalate(
        actor=actor, finding=finding, amount=Decimal(amount), reasons=reasons, method=kw.pop("method", "invoice"), **kw
    )


def state(finding) -> tuple:
    """Everything a refused move must leave as it was."""
    finding.refresh_from_db()
    return (
        finding.status,
        finding.raised_on,
        finding.raised_by_id,
        finding.answer_due_on,
        finding.answered_on,
        finding.closed_on,
        finding.closed_by_id,
        finding.resolution,
        finding.recovery_id,
        list(finding.notes.values_list("pk", "text", "from_family", "file")),
        Recovery.objects.count(),
        Letter.objects.count(),
    )


@pytest.fixture
def finding(funded):
    """An open surplus finding about the funded agreement."""
    return make_finding(funded)


@pytest.fixture
def raised(finding, officer):
    return raise_(officer, finding)


@pytest.fixture
def answered(raised, parent_user):
    return answer(parent_user, raised)


@pytest.fixture
def in_state(finding, officer, parent_user, manager):
    """in_state(status) takes the open finding to that status through the services."""

    def move(status):
        if status == FindingStatus.RAISED:
            return raise_(officer, finding)
        if status == FindingStatus.ANSWERED:
            return answer(parent_user, raise_(officer, finding))
        if status == FindingStatus.RESOLVED:
            return resolve(officer, finding)
        if status == FindingStatus.ESCALATED:
            return escalate(manager, finding)
        return finding

    return move


# Raising a finding with the family (DOMAIN R31) -------------------------------------------------------------------


def test_raising_a_finding_moves_it_to_raised_with_who_and_when(finding, officer):
    """Open to raised: the day and the officer are kept."""
    raised = raise_(officer, finding)
    raised.refresh_from_db()
    assert (raised.status, raised.raised_on, raised.raised_by) == (FindingStatus.RAISED, TODAY, officer)


def test_raising_a_finding_adds_the_council_s_message_for_the_family(finding, officer):
    """The message is kept as a note from the council, not from the family."""
    raise_(officer, finding)
    note = finding.notes.get()
    assert (note.text, note.author, note.from_family, note.council_id) == (MESSAGE, officer, False, finding.council_id)
    assert not note.file


def test_the_answer_is_due_by_the_council_s_evidence_deadline(finding, officer):
    """The default 28 days from 1 May 2026 is Friday 29 May, a working day (R31)."""
    assert raise_(officer, finding).answer_due_on == DUE_IN_28_DAYS


@pytest.mark.parametrize(
    ("days", "due"),
    [
        (14, date(2026, 5, 15)),  # a Friday: as it is
        (29, date(2026, 6, 1)),  # Saturday 30 May moves to Monday 1 June
        (24, date(2026, 5, 26)),  # Monday 25 May is the spring bank holiday: Tuesday 26 May
    ],
    ids=["friday", "saturday-to-monday", "bank-holiday-to-tuesday"],
)
def test_the_answer_is_due_on_a_working_day_counting_the_council_s_own_days(finding, officer, council, days, due):
    """The council's own number of days from its policy in force; a due date on a weekend or bank holiday moves to
    the next working day (R31)."""
    CouncilPolicy.objects.create(council=council, effective_from=date(2026, 4, 1), evidence_deadline_days=days)
    assert raise_(officer, finding).answer_due_on == due


def test_raising_a_finding_is_audited(finding, officer, audit):
    """One audit event against the child, naming the due date."""
    audit.mark()
    raise_(officer, finding)
    event = audit.one()
    assert (event.action, event.object_id, event.child_id, event.actor) == (
        "finding.raised",
        str(finding.pk),
        finding.agreement.child_id,
        officer,
    )
    assert "29 May 2026" in event.summary


@pytest.mark.parametrize("message", ["", "   "])
def test_a_finding_is_raised_only_with_a_message(finding, officer, message):
    """The family must be told what is wanted: an empty message is refused naming it, and nothing changes."""
    assert_refused(finding, "message", lambda: raise_(officer, finding, message=message))


def test_a_finding_waiting_for_the_family_s_answer_is_not_raised_again(raised, officer):
    """Raised twice without an answer between: refused, and no second message."""
    before = state(raised)
    with pytest.raises(ValidationError, match="already been raised"):
        raise_(officer, raised, message="Reminder")
    assert state(raised) == before


def test_a_finding_answered_can_be_raised_again_with_a_new_deadline(answered, officer, on_day):
    """Answered to raised: asking again a week later sets a new deadline from that day (R31)."""
    on_day(date(2026, 5, 8))
    again = raise_(officer, answered, message="Please also send the June timesheet.")
    again.refresh_from_db()
    assert (again.status, again.raised_on, again.answer_due_on) == (
        FindingStatus.RAISED,
        date(2026, 5, 8),
        date(2026, 6, 5),
    )
    council_notes = again.notes.filter(from_family=False).order_by("pk")
    assert [n.text for n in council_notes] == [MESSAGE, "Please also send the June timesheet."]


# The family answers -----------------------------------------------------------------------------------------------


def test_the_family_answers_a_raised_finding_in_words(raised, parent_user):
    """Raised to answered: the answer is a note from the family, dated today."""
    answered = answer(parent_user, raised)
    answered.refresh_from_db()
    assert (answered.status, answered.answered_on) == (FindingStatus.ANSWERED, TODAY)
    note = answered.notes.get(from_family=True)
    assert (note.text, note.author, note.size) == (ANSWER, parent_user, 0)
    assert not note.file


def test_the_family_may_answer_before_being_asked(finding, parent_user):
    """Open to answered: a family that sees a finding may explain it before the council raises it."""
    answered = answer(parent_user, finding)
    answered.refresh_from_db()
    assert (answered.status, answered.answered_on, answered.raised_on) == (FindingStatus.ANSWERED, TODAY, None)


def test_the_family_may_answer_again_after_answering(answered, parent_user):
    """A second answer is kept beside the first; the finding stays answered."""
    answer(parent_user, answered, text="And here is the timesheet.")
    answered.refresh_from_db()
    assert answered.status == FindingStatus.ANSWERED
    assert list(answered.notes.filter(from_family=True).values_list("text", flat=True)) == [
        ANSWER,
        "And here is the timesheet.",
    ]


@pytest.mark.parametrize("text", ["", "  "])
def test_an_answer_needs_words(raised, parent_user, text):
    """An empty answer is refused naming it; the finding stays raised."""
    assert_refused(raised, "text", lambda: answer(parent_user, raised, text=text))


def test_answering_is_audited(raised, parent_user, audit):
    """One audit event against the child, by the parent."""
    audit.mark()
    answer(parent_user, raised)
    event = audit.one()
    assert (event.action, event.object_id, event.child_id, event.actor) == (
        "finding.answered",
        str(raised.pk),
        raised.agreement.child_id,
        parent_user,
    )
    assert "with evidence" not in event.summary


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF_BYTES, "invoice.pdf", "application/pdf"),
        (JPEG_BYTES, "photo.jpg", "image/jpeg"),
        (PNG_BYTES, "timesheet.png", "image/png"),
    ],
    ids=["pdf", "jpeg", "png"],
)
def test_an_answer_may_carry_evidence_known_by_its_content(raised, parent_user, content, name, content_type):
    """A PDF or image is kept with the answer: its type from its bytes, its size and its name as uploaded."""
    answer(parent_user, raised, file=upload(content, name))
    note = raised.notes.get(from_family=True)
    assert (note.content_type, note.size, note.original_name) == (content_type, len(content), name)
    assert note.file.read() == content


def test_evidence_type_comes_from_the_bytes_not_the_name(raised, parent_user):
    """A PDF called photo.png is kept as a PDF."""
    answer(parent_user, raised, file=upload(PDF_BYTES, "photo.png"))
    assert raised.notes.get(from_family=True).content_type == "application/pdf"


def test_evidence_is_stored_privately_under_a_random_name(raised, parent_user):
    """Stored under evidence/<council>/<random>: nothing of the family or the upload's name in the path."""
    answer(parent_user, raised, file=upload(PDF_BYTES, "Sam Parent timesheet.pdf"))
    stored = raised.notes.get(from_family=True).file.name
    assert stored.startswith(f"evidence/{raised.council.code}/")
    leaf = stored.rsplit("/", 1)[1].lower()
    for fragment in ("sam", "parent", "timesheet", ".pdf"):
        assert fragment not in leaf


def test_an_answer_with_evidence_is_audited_as_such(raised, parent_user, audit):
    """The audit summary says evidence came with the answer."""
    audit.mark()
    answer(parent_user, raised, file=upload(PDF_BYTES))
    assert "with evidence" in audit.one().summary


def test_an_answer_that_fails_after_its_evidence_was_stored_leaves_no_file_behind(raised, parent_user, monkeypatch):
    """If the audit record cannot be written, the answer is taken back whole: the finding stays raised, no note is
    kept and the stored evidence file is deleted (an orphan would hold a family's document with nothing pointing
    at it)."""
    stored = []
    real_store = services._store_evidence

    def store(note, upload):
        real_store(note, upload)
        stored.append((note.file.storage, note.file.name))

    def fail(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "_store_evidence", store)
    monkeypatch.setattr(services, "_audit", fail)
    before = state(raised)
    with pytest.raises(RuntimeError):
        answer(parent_user, raised, file=upload(PDF_BYTES))
    ((storage, name),) = stored
    assert not storage.exists(name)
    assert state(raised) == before


def test_files_left_by_a_rolled_back_answer_or_receipt_are_swept_and_kept_ones_stay(raised, parent_user, files):
    """Files cannot share the database's transaction: an answer or a receipt taken back after its file was written
    leaves the file. `sweep_files` removes such files once they are an hour old (a younger one may belong to a
    transaction still open) and never one a record points at."""
    from io import StringIO

    from django.core.management import call_command

    from ehcbudgets.core.files import files_sweep
    from ehcbudgets.spending import services as spending
    from ehcbudgets.spending.tests.test_records import record

    class Boom(Exception):
        pass

    answer(parent_user, raised, file=upload(PDF_BYTES))
    kept = raised.notes.get(from_family=True).file.name
    with pytest.raises(Boom), transaction.atomic():
        answer(parent_user, raised, file=upload(PNG_BYTES, "later.png"))
        raise Boom
    spent = record(parent_user, raised.agreement)
    with pytest.raises(Boom), transaction.atomic():
        spending.receipt_add(actor=parent_user, record=spent, upload=upload(JPEG_BYTES, "receipt.jpg"))
        raise Boom
    on_disk = sorted(p.relative_to(files).as_posix() for p in files.rglob("*") if p.is_file())
    orphans = [name for name in on_disk if name != kept]
    assert len(orphans) == 2 and {name.split("/")[0] for name in orphans} == {"evidence", "receipts"}
    assert files_sweep() == [], "younger than an hour: left alone"
    assert sorted(files_sweep(older_than=timedelta(0), dry_run=True)) == orphans
    out = StringIO()
    call_command("sweep_files", "--older-than-minutes", "0", stdout=out)
    assert out.getvalue().endswith("Removed 2 files.\n")
    assert [p.relative_to(files).as_posix() for p in files.rglob("*") if p.is_file()] == [kept]


@pytest.mark.parametrize(
    "content",
    [b"Just some text, not a picture\n", b"", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"],
    ids=["text-named-pdf", "empty", "mp4-video"],
)
def test_evidence_that_is_not_a_pdf_or_image_is_refused_and_nothing_changes(raised, parent_user, content):
    """Text called .pdf, an empty file and a video are refused naming the file; no answer is kept, the finding
    stays raised."""
    assert_refused(raised, "file", lambda: answer(parent_user, raised, file=upload(content, "evidence.pdf")))


@pytest.mark.parametrize(("extra", "accepted"), [(0, True), (1, False)], ids=["exactly-the-limit", "a-byte-over"])
def test_evidence_may_be_as_large_as_the_limit_and_no_larger(raised, parent_user, monkeypatch, extra, accepted):
    """At the limit (10 MB, made 100 bytes here to stay quick) it is kept; a byte over is refused and nothing
    changes."""
    monkeypatch.setattr(services, "MAX_EVIDENCE_BYTES", 100)
    content = PDF_BYTES + b"0" * (100 - len(PDF_BYTES) + extra)
    if accepted:
        answer(parent_user, raised, file=upload(content))
        assert raised.notes.get(from_family=True).size == 100
        return
    assert_refused(raised, "file", lambda: answer(parent_user, raised, file=upload(content)))


def test_evidence_over_ten_megabytes_is_refused(raised, parent_user):
    """A real PDF one byte over 10 x 1024 x 1024 bytes is refused naming the file; nothing changes."""
    assert services.MAX_EVIDENCE_BYTES == 10 * 1024 * 1024
    content = PDF_BYTES + b"0" * (10 * 1024 * 1024 + 1 - len(PDF_BYTES))
    before = state(raised)
    with pytest.raises(ValidationError) as exc:
        answer(parent_user, raised, file=upload(content))
    assert "10 MB" in str(exc.value.message_dict["file"])
    assert state(raised) == before


def test_a_family_member_who_does_not_hold_the_payments_cannot_answer(raised, make_user):
    """Another parent's sign-in is refused; nothing changes."""
    before = state(raised)
    with pytest.raises(PermissionDenied):
        answer(make_user(Role.PARENT_CARER, full_name="Someone Else"), raised)
    assert state(raised) == before


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_staff_cannot_answer_as_the_family(raised, request, who):
    """Even the council's own staff, who may keep records for the family, cannot answer a finding for them."""
    before = state(raised)
    with pytest.raises(PermissionDenied):
        answer(request.getfixturevalue(who), raised)
    assert state(raised) == before


# Resolving a finding ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [FindingStatus.OPEN, FindingStatus.RAISED, FindingStatus.ANSWERED])
def test_a_finding_in_any_open_state_can_be_resolved_with_reasons(in_state, officer, status):
    """Open, raised or answered to resolved: the reason is kept for the family, with who closed it and when."""
    resolved = resolve(officer, in_state(status), reason="The surplus is for June's holiday pay.")
    resolved.refresh_from_db()
    assert (resolved.status, resolved.resolution, resolved.closed_on, resolved.closed_by) == (
        FindingStatus.RESOLVED,
        "The surplus is for June's holiday pay.",
        TODAY,
        officer,
    )
    assert not resolved.is_open


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_finding_is_resolved_only_with_a_reason(raised, officer, reason):
    """No reason: refused naming it; the finding stays raised."""
    assert_refused(raised, "reason", lambda: resolve(officer, raised, reason=reason))


def test_the_database_refuses_a_resolved_finding_without_reasons(finding):
    """The constraint resolved_findings_have_reasons holds even outside the services."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.RESOLVED, resolution="")


def test_resolving_is_audited(raised, officer, audit):
    """One audit event against the child, with the reason."""
    audit.mark()
    resolve(officer, raised, reason="Holiday pay")
    event = audit.one()
    assert (event.action, event.object_id, event.child_id) == (
        "finding.resolved",
        str(raised.pk),
        raised.agreement.child_id,
    )
    assert "Holiday pay" in event.summary


# Escalating a finding to a recovery (DOMAIN R23) ------------------------------------------------------------------


@pytest.mark.parametrize("status", [FindingStatus.OPEN, FindingStatus.RAISED, FindingStatus.ANSWERED])
def test_a_finding_in_any_open_state_can_be_escalated_to_a_recovery(in_state, manager, status):
    """Open, raised or answered to escalated: the finding points at the recovery it started (R23)."""
    escalated = escalate(manager, in_state(status))
    escalated.refresh_from_db()
    recovery = Recovery.objects.get()
    assert (escalated.status, escalated.recovery, escalated.closed_on, escalated.closed_by) == (
        FindingStatus.ESCALATED,
        recovery,
        TODAY,
        manager,
    )


def test_an_escalation_starts_the_recovery_with_its_written_notice(finding, manager, funded):
    """The recovery has the amount, reasons, payer and due date, and its R23 notice letter was sent to the payer
    saying the amount, the reasons, by when and the right to a reconsideration (R23)."""
    escalate(manager, finding, amount="120.00", reasons="The £120.00 was spent on a holiday.")
    recovery = Recovery.objects.get()
    assert (recovery.amount, recovery.reasons, recovery.payer, recovery.method, recovery.agreement) == (
        Decimal("120.00"),
        "The £120.00 was spent on a holiday.",
        funded.recipient,
        "invoice",
        funded,
    )
    assert recovery.notice_on == TODAY
    letter = recovery.letter
    assert (letter.kind, letter.recipient_name) == (LetterKind.DP_RECOVERY, funded.recipient.full_name)
    for text in ("£120.00", "spent on a holiday", "20 May 2026", "reconsider"):
        assert text in letter.body_html


def test_an_escalation_may_recover_by_paying_less_later(finding, manager):
    """Offset against future payments is a recovery method too (R23)."""
    escalate(manager, finding, method="offset")
    assert Recovery.objects.get().method == "offset"


def test_escalating_is_audited(finding, manager, audit):
    """The finding's own audit event names the amount recovered."""
    audit.mark()
    escalate(manager, finding)
    events = [e for e in audit.new if e.action == "finding.escalated"]
    assert len(events) == 1
    assert (events[0].object_id, events[0].child_id) == (str(finding.pk), finding.agreement.child_id)
    assert "£120.00" in events[0].summary
    assert "recovery.raised" in [e.action for e in audit.new]


@pytest.mark.parametrize(
    ("over", "accepted"), [(Decimal("0.00"), True), (PENNY, False)], ids=["all-paid", "a-penny-over"]
)
def test_no_more_can_be_recovered_than_has_been_paid(finding, manager, over, accepted):
    """Up to the £330.11 paid is accepted; a penny more is refused naming the amount, the finding stays open and
    no recovery or notice exists (R23)."""
    amount = str(PAID + over)
    if accepted:
        escalate(manager, finding, amount=amount)
        assert Recovery.objects.get().amount == PAID
        return
    assert_refused(finding, "amount", lambda: escalate(manager, finding, amount=amount))
    assert finding.status == FindingStatus.OPEN


@pytest.mark.parametrize("amount", ["0.00", "-1.00"])
def test_an_escalation_needs_an_amount_to_recover(finding, manager, amount):
    """Nothing or less is no recovery: refused, the finding stays open and nothing is recovered (R23)."""
    assert_refused(finding, "amount", lambda: escalate(manager, finding, amount=amount))


def test_an_escalation_needs_reasons_for_the_notice(raised, manager):
    """No reasons, no notice, no recovery: refused and the finding stays raised (R23)."""
    assert_refused(raised, "reasons", lambda: escalate(manager, raised, reasons="  "))


def test_an_escalation_needs_a_way_to_recover(finding, manager):
    """An unknown method is refused naming it; nothing changes."""
    assert_refused(finding, "method", lambda: escalate(manager, finding, method="bailiffs"))


def test_a_repayment_cannot_be_due_before_the_notice_allows(finding, manager):
    """Due before 20 May 2026 (14 days after the notice is received) is refused; the finding stays open (R23)."""
    assert_refused(finding, "due_on", lambda: escalate(manager, finding, due_on=date(2026, 5, 19)))


def test_the_database_refuses_an_escalated_finding_without_a_recovery(finding):
    """The constraint escalated_findings_have_a_recovery holds even outside the services."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.ESCALATED)


# Closed findings stay closed --------------------------------------------------------------------------------------


CLOSED = [FindingStatus.RESOLVED, FindingStatus.ESCALATED]


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_finding_is_not_raised_again(in_state, officer, status):
    closed = in_state(status)
    before = state(closed)
    with pytest.raises(ValidationError, match="cannot change now"):
        raise_(officer, closed)
    assert state(closed) == before


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_finding_is_not_answered(in_state, parent_user, status):
    closed = in_state(status)
    before = state(closed)
    with pytest.raises(ValidationError, match="cannot change now"):
        answer(parent_user, closed)
    assert state(closed) == before


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_finding_is_not_resolved_again(in_state, manager, status):
    closed = in_state(status)
    before = state(closed)
    with pytest.raises(ValidationError, match="cannot change now"):
        resolve(manager, closed, reason="Another reason")
    assert state(closed) == before


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_finding_is_not_escalated(in_state, manager, status):
    """No second recovery from the same finding."""
    closed = in_state(status)
    before = state(closed)
    with pytest.raises(ValidationError, match="cannot change now"):
        escalate(manager, closed)
    assert state(closed) == before


# Who may move a finding -------------------------------------------------------------------------------------------


def test_a_case_officer_cannot_escalate_a_finding(raised, officer):
    """Recovering money is a manager's decision (DP_DECIDE): refused, nothing recovered, the finding stays raised."""
    before = state(raised)
    with pytest.raises(PermissionDenied):
        escalate(officer, raised)
    assert state(raised) == before


@pytest.mark.parametrize("who", ["finance", "parent_user"])
def test_only_staff_who_manage_direct_payments_raise_findings(finding, request, who):
    """A finance officer or the parent cannot raise a finding (DP_MANAGE)."""
    before = state(finding)
    with pytest.raises(PermissionDenied):
        raise_(request.getfixturevalue(who), finding)
    assert state(finding) == before


@pytest.mark.parametrize("who", ["finance", "parent_user"])
def test_only_staff_who_manage_direct_payments_resolve_findings(answered, request, who):
    """A finance officer or the parent cannot resolve a finding (DP_MANAGE)."""
    before = state(answered)
    with pytest.raises(PermissionDenied):
        resolve(request.getfixturevalue(who), answered)
    assert state(answered) == before


@pytest.fixture
def other_staff(make_user, other_council):
    """A team manager of another council: has every permission needed, but not for this council's findings."""
    return make_user(Role.TEAM_MANAGER, council=other_council, full_name="Other Council Manager")


def test_another_council_s_staff_cannot_raise_a_finding(finding, other_staff):
    before = state(finding)
    with pytest.raises(PermissionDenied):
        raise_(other_staff, finding)
    assert state(finding) == before


def test_another_council_s_staff_cannot_resolve_a_finding(raised, other_staff):
    before = state(raised)
    with pytest.raises(PermissionDenied):
        resolve(other_staff, raised)
    assert state(raised) == before


def test_another_council_s_staff_cannot_escalate_a_finding(raised, other_staff):
    before = state(raised)
    with pytest.raises(PermissionDenied):
        escalate(other_staff, raised)
    assert state(raised) == before


def test_another_council_s_staff_cannot_answer_a_finding(raised, other_staff):
    before = state(raised)
    with pytest.raises(PermissionDenied):
        answer(other_staff, raised)
    assert state(raised) == before
