# ruff: noqa: F811 - the fixtures imported from the payments tests are requested by name below
"""Spending records posted to the ledger, split across the agreed provision lines; receipts checked by their content;
statement imports saved all or nothing (DOMAIN R16; ADR 10).

Unless a test says otherwise, today is Friday 1 May 2026 and the standard agreement (the PA line, £3,411.20, paid to
the parent) has had its first two payments, £50.01 on 1 April and £280.10 on 6 April, released that day: the
recipient holds £330.11.
"""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ehcbudgets.accounts.models import Role
from ehcbudgets.ledger import selectors as ledger_selectors
from ehcbudgets.ledger.models import Leg, Transaction, TransactionKind
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments import services as payment_services
from ehcbudgets.payments.tests.conftest import (  # noqa: F401 - fixtures shared with the payments tests
    SET_UP_ON,
    _letters_quick,
    agreement,
    case,
    catalogue,
    dp,
    finance,
    finance2,
    manager,
    on_day,
    other_manager,
    parent_user,
    pb,
    quick_pdf,
)
from ehcbudgets.payments.tests.test_agreements import create, third_party_budget, two_stream_budget  # noqa: F401
from ehcbudgets.payments.tests.test_changes import release
from ehcbudgets.people.models import Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.spending import files, services
from ehcbudgets.spending.models import (
    CsvLayout,
    ImportStatus,
    Receipt,
    SpendingPart,
    SpendingRecord,
    StatementImport,
    StatementLine,
)

#: Friday 1 May 2026: the first two payments (£50.01 and £280.10) are released on this day.
TODAY = date(2026, 5, 1)
FUNDED = Decimal("330.11")
PENNY = Decimal("0.01")


# Helpers ---------------------------------------------------------------------------------------------------------


def balance(agreement) -> Decimal:
    """The recipient's balance, from the ledger."""
    return payment_selectors.recipient_balance(agreement=agreement)


def account_balance(agreement, kind: str) -> Decimal:
    """The balance of one of the agreement's ledger accounts ("spending", "refunds", "recipient")."""
    key = f"{agreement.holder}:{kind}"
    return ledger_selectors.balances(council=agreement.council, keys=[key])[key]


def state(agreement) -> tuple:
    """What a refused change must leave as it was: records, parts, ledger transactions and legs, the balance."""
    return (
        SpendingRecord.objects.count(),
        SpendingPart.objects.count(),
        Transaction.objects.count(),
        Leg.objects.count(),
        balance(agreement),
    )


def record(actor, agreement, amount="25.00", *, spent_on=TODAY, payee="Acme Care Ltd", category="wages", **fields):
    return services.record_add(
        actor=actor,
        agreement=agreement,
        spent_on=spent_on,
        amount=Decimal(amount),
        payee=payee,
        category=category,
        **fields,
    )


def consented(officer, agreement):
    """Send the notice and record the recipient's signed consent (on paper, by the officer)."""
    agreement = payment_services.agreement_send(actor=officer, agreement=agreement)
    return payment_services.agreement_consent(actor=officer, agreement=agreement, channel="paper")


def fund(finance, finance2, agreement, on_day, up_to=TODAY):
    """Release every payment due up to a date on that date, and make it today."""
    on_day(up_to)
    release(finance, finance2, agreement.council, up_to)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def funded(agreement, finance, finance2, on_day):
    """The standard one-line agreement, £330.11 paid in; today is 1 May 2026."""
    return fund(finance, finance2, agreement, on_day)


@pytest.fixture
def two_lines(pb, case, officer, on_day):
    """An agreement with two lines: the teaching assistant (education) and the PA (social care), both to the
    parent, consented on 20 March 2026; nothing paid yet."""
    on_day(SET_UP_ON)
    agreement = consented(officer, create(officer, two_stream_budget(pb, case)))
    ta = agreement.lines.get(funding_stream="education")
    pa = agreement.lines.get(funding_stream="social_care")
    return SimpleNamespace(agreement=agreement, ta=ta, pa=pa)


@pytest.fixture
def funded_two_lines(two_lines, finance, finance2, on_day):
    fund(finance, finance2, two_lines.agreement, on_day)
    return two_lines


@pytest.fixture
def other_family(pb, dp, make_user, council):
    """A second child in the council with their own parent and a PA agreement, consented on paper."""
    other_parent = make_user(Role.PARENT_CARER, full_name="Alex Other")
    other_case = pb.case(child=ChildFactory(council=council), parent_user=other_parent)
    return SimpleNamespace(agreement=dp.active(other_case), parent=other_parent)


@pytest.fixture
def managed(third_party_budget, case, officer, make_user, finance, finance2, on_day):
    """The PA line held and managed by a third-party organisation whose staff sign in as a THIRD_PARTY user."""
    org_user = make_user(Role.THIRD_PARTY, full_name="Brightwater Care Co")
    org = ContactFactory(
        child=case.child, relationship=Relationship.THIRD_PARTY, full_name="Brightwater Care Co", user=org_user
    )
    agreement = consented(officer, create(officer, third_party_budget, managed_by=org))
    return SimpleNamespace(agreement=fund(finance, finance2, agreement, on_day), user=org_user)


# Records and the ledger (DOMAIN R16; ADR 10) ---------------------------------------------------------------------


def test_a_record_posts_one_balanced_ledger_transaction(funded, parent_user):
    """One record, one posted spending transaction of two legs summing to zero (ADR 10)."""
    before = Transaction.objects.count()
    made = record(parent_user, funded, "25.00")
    assert Transaction.objects.count() == before + 1
    txn = made.ledger_transaction
    assert txn.posted and txn.kind == TransactionKind.SPENDING and txn.occurred_on == TODAY
    assert sorted(leg.amount for leg in txn.legs.all()) == [Decimal("-25.00"), Decimal("25.00")]
    assert ledger_selectors.council_total(council=funded.council) == 0


def test_spending_lowers_the_recipient_balance_and_raises_the_spending_account(funded, parent_user):
    """£25.00 spent: the recipient holds £305.11 and the spending account shows £25.00 (ADR 10)."""
    record(parent_user, funded, "25.00")
    assert balance(funded) == FUNDED - Decimal("25.00")
    assert account_balance(funded, "spending") == Decimal("25.00")


def test_a_refund_posts_to_the_refunds_account_and_raises_the_balance(funded, parent_user):
    """A refund of £10.00 is a negative record: the balance goes up by £10.00, from the refunds account (ADR 10)."""
    made = record(parent_user, funded, "-10.00", payee="Leisure Centre", category="activity")
    assert made.is_refund
    assert made.ledger_transaction.kind == TransactionKind.REFUND
    assert balance(funded) == FUNDED + Decimal("10.00")
    assert account_balance(funded, "refunds") == Decimal("-10.00")
    assert account_balance(funded, "spending") == 0


def test_with_one_line_the_parts_can_be_left_out(funded, parent_user):
    """The agreement pays for one line: the whole amount is its part (ADR 10)."""
    made = record(parent_user, funded, "25.00")
    line = funded.lines.get()
    assert [(p.line_id, p.amount) for p in made.parts.all()] == [(line.pk, Decimal("25.00"))]


def test_with_two_lines_the_parts_cannot_be_left_out(funded_two_lines, parent_user):
    """Two lines: the family must say which support it paid for; nothing is recorded (DOMAIN R16)."""
    agreement = funded_two_lines.agreement
    before = state(agreement)
    with pytest.raises(ValidationError) as exc:
        record(parent_user, agreement, "100.00")
    assert "parts" in exc.value.message_dict
    assert state(agreement) == before


@pytest.mark.parametrize("pa_part", ["39.99", "40.01"], ids=["a-penny-under", "a-penny-over"])
def test_parts_that_do_not_add_up_exactly_are_refused(funded_two_lines, parent_user, pa_part):
    """£60.00 + £39.99 or £40.01 for £100.00: refused naming the parts, nothing recorded (ADR 10)."""
    t = funded_two_lines
    before = state(t.agreement)
    with pytest.raises(ValidationError) as exc:
        record(parent_user, t.agreement, "100.00", parts=[(t.ta, Decimal("60.00")), (t.pa, Decimal(pa_part))])
    assert "parts" in exc.value.message_dict
    assert state(t.agreement) == before


def test_parts_that_add_up_exactly_are_kept(funded_two_lines, parent_user):
    """£60.00 + £40.00 for £100.00: both parts are kept against their lines (ADR 10)."""
    t = funded_two_lines
    made = record(parent_user, t.agreement, "100.00", parts=[(t.ta, Decimal("60.00")), (t.pa, Decimal("40.00"))])
    assert sorted((p.line_id, p.amount) for p in made.parts.all()) == sorted(
        [(t.ta.pk, Decimal("60.00")), (t.pa.pk, Decimal("40.00"))]
    )


def test_parts_in_fractions_of_a_penny_are_refused(funded, parent_user):
    """£50.005 + £50.005 for £100.01 adds up only before rounding to pence: refused naming the parts (ADR 10)."""
    line = funded.lines.get()
    before = state(funded)
    with pytest.raises(ValidationError) as exc:
        record(parent_user, funded, "100.01", parts=[(line, Decimal("50.005")), (line, Decimal("50.005"))])
    assert "parts" in exc.value.message_dict
    assert state(funded) == before


def test_a_refund_s_parts_must_be_refunds_too(funded_two_lines, parent_user):
    """A -£10.00 refund cannot be split into -£20.00 and +£10.00: refused naming the parts."""
    t = funded_two_lines
    before = state(t.agreement)
    with pytest.raises(ValidationError) as exc:
        record(parent_user, t.agreement, "-10.00", parts=[(t.ta, Decimal("-20.00")), (t.pa, Decimal("10.00"))])
    assert "parts" in exc.value.message_dict
    assert state(t.agreement) == before


def test_a_part_on_another_agreement_s_line_is_refused(funded, other_family, parent_user, on_day):
    """The part names a line of another family's agreement: refused naming the parts (DOMAIN R16)."""
    on_day(TODAY)
    foreign = other_family.agreement.lines.get()
    before = state(funded)
    with pytest.raises(ValidationError) as exc:
        record(parent_user, funded, "25.00", parts=[(foreign, Decimal("25.00"))])
    assert "parts" in exc.value.message_dict
    assert state(funded) == before


@pytest.mark.parametrize(("days", "accepted"), [(0, True), (1, False)], ids=["today", "tomorrow"])
def test_spending_cannot_be_dated_in_the_future(funded, parent_user, days, accepted):
    """Dated today it is recorded; dated tomorrow it is refused naming the date."""
    spent_on = TODAY + timedelta(days=days)
    if accepted:
        assert record(parent_user, funded, spent_on=spent_on).spent_on == TODAY
        return
    before = state(funded)
    with pytest.raises(ValidationError) as exc:
        record(parent_user, funded, spent_on=spent_on)
    assert "spent_on" in exc.value.message_dict
    assert state(funded) == before


@pytest.mark.parametrize("amount", ["0.00", "0.001", "10.005", "-0.004", "1000000.00"])
def test_an_amount_that_is_not_pounds_and_pence_is_refused(funded, parent_user, amount):
    """Zero, fractions of a penny and £1,000,000 are refused naming the amount; nothing is posted."""
    before = state(funded)
    with pytest.raises(ValidationError) as exc:
        record(parent_user, funded, amount)
    assert "amount" in exc.value.message_dict
    assert state(funded) == before


@pytest.mark.parametrize("amount", ["0.01", "-0.01", "999999.99"])
def test_the_smallest_and_largest_amounts_are_recorded(funded, parent_user, amount):
    """A penny spent, a penny refunded, and £999,999.99 are recorded and posted."""
    made = record(parent_user, funded, amount)
    assert balance(funded) == FUNDED - Decimal(amount)
    assert made.amount == Decimal(amount)


def test_the_payee_is_needed(funded, parent_user):
    """A record without a payee is refused naming the payee."""
    before = state(funded)
    with pytest.raises(ValidationError) as exc:
        record(parent_user, funded, payee="   ")
    assert "payee" in exc.value.message_dict
    assert state(funded) == before


# Who may record (DOMAIN R16) -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["recipient", "officer"])
def test_the_recipient_or_an_officer_of_the_council_may_record(funded, parent_user, officer, who):
    """The parent who holds the payments, or a case officer of the council on their behalf (DOMAIN R16)."""
    actor = {"recipient": parent_user, "officer": officer}[who]
    made = record(actor, funded)
    assert made.created_by == actor
    assert balance(funded) == FUNDED - Decimal("25.00")


def test_the_third_party_managing_the_account_may_record(managed):
    """The organisation that holds the payments for the family keeps its records (DOMAIN R16)."""
    made = record(managed.user, managed.agreement, "25.00")
    assert made.created_by == managed.user
    assert balance(managed.agreement) == FUNDED - Decimal("25.00")


@pytest.mark.parametrize("who", ["another_parent", "finance_officer", "other_council_officer", "third_party"])
def test_others_may_not_record(funded, make_user, council, other_council, who):
    """Another parent, a finance officer, another council's officer and an unconnected third party are refused."""
    actor = {
        "another_parent": lambda: make_user(Role.PARENT_CARER),
        "finance_officer": lambda: make_user(Role.FINANCE_OFFICER, council=council),
        "other_council_officer": lambda: make_user(Role.CASE_OFFICER, council=other_council),
        "third_party": lambda: make_user(Role.THIRD_PARTY),
    }[who]()
    before = state(funded)
    with pytest.raises(PermissionDenied):
        record(actor, funded)
    assert state(funded) == before


def test_nothing_is_recorded_before_the_agreement_is_consented(dp, case, parent_user, on_day):
    """An agreement sent but not yet consented to has no spending (DOMAIN R15, R16)."""
    agreement = dp.sent(case)
    on_day(TODAY)
    before = state(agreement)
    with pytest.raises(ValidationError, match="once the direct payments have started"):
        record(parent_user, agreement)
    assert state(agreement) == before


# Duplicates (ADR 10) ---------------------------------------------------------------------------------------------


def test_a_second_record_with_the_same_bank_id_is_refused(funded, parent_user):
    """The bank's transaction id is already recorded: refused with a message, nothing posted (ADR 10)."""
    record(parent_user, funded, fitid="TX-1")
    before = state(funded)
    with pytest.raises(ValidationError, match="already recorded"):
        record(parent_user, funded, "30.00", payee="Someone Else", fitid="TX-1")
    assert state(funded) == before


def test_a_second_record_with_the_same_fingerprint_is_refused(funded, parent_user):
    """The same date, amount, payee and balance already recorded: refused with a message (ADR 10)."""
    record(parent_user, funded, fingerprint="f" * 64)
    before = state(funded)
    with pytest.raises(ValidationError, match="genuine repeat"):
        record(parent_user, funded, fingerprint="f" * 64)
    assert state(funded) == before


def test_keep_both_records_a_genuine_repeat(funded, parent_user):
    """Two identical £25.00 payments the family says are both real: both are recorded (ADR 10)."""
    record(parent_user, funded, fingerprint="f" * 64)
    record(parent_user, funded, fingerprint="f" * 64, keep_both=True)
    assert SpendingRecord.objects.filter(agreement=funded, fingerprint="f" * 64).count() == 2
    assert balance(funded) == FUNDED - Decimal("50.00")


def test_keep_both_does_not_record_the_same_bank_transaction_twice(funded, parent_user):
    """One bank id is one transaction: even with "keep both" the second is refused and nothing posted (ADR 10)."""
    record(parent_user, funded, fitid="TX-1")
    before = state(funded)
    with pytest.raises(ValidationError, match="already recorded"):
        record(parent_user, funded, fitid="TX-1", keep_both=True)
    assert state(funded) == before


def test_a_record_taken_back_is_no_longer_a_duplicate(funded, parent_user):
    """Taken back by mistake, the same bank transaction can be recorded again (ADR 10)."""
    first = record(parent_user, funded, fitid="TX-1")
    services.record_withdraw(actor=parent_user, record=first, reason="Wrong amount")
    again = record(parent_user, funded, "26.00", fitid="TX-1")
    assert again.pk != first.pk
    assert balance(funded) == FUNDED - Decimal("26.00")


# Taking a record back (ADR 10) -----------------------------------------------------------------------------------


def test_taking_a_record_back_reverses_its_ledger_entry(funded, parent_user):
    """The balance is restored by one reversing transaction; the record, its parts and its entry remain (ADR 10)."""
    made = record(parent_user, funded, "25.00")
    records, parts, transactions = (
        SpendingRecord.objects.count(),
        SpendingPart.objects.count(),
        Transaction.objects.count(),
    )
    services.record_withdraw(actor=parent_user, record=made, reason="Entered twice")
    assert balance(funded) == FUNDED
    assert Transaction.objects.count() == transactions + 1
    assert Transaction.objects.get(reverses=made.ledger_transaction).kind == TransactionKind.REVERSAL
    assert (SpendingRecord.objects.count(), SpendingPart.objects.count()) == (records, parts)
    made.refresh_from_db()
    assert made.withdrawn
    assert ledger_selectors.council_total(council=funded.council) == 0


def test_a_record_cannot_be_taken_back_twice(funded, parent_user):
    """The second attempt is refused and posts nothing."""
    made = record(parent_user, funded)
    services.record_withdraw(actor=parent_user, record=made, reason="Entered twice")
    before = state(funded)
    with pytest.raises(ValidationError, match="already been taken back"):
        services.record_withdraw(actor=parent_user, record=made, reason="Again")
    assert state(funded) == before


def test_taking_a_record_back_needs_a_reason(funded, parent_user):
    """No reason, no reversal: refused naming the reason."""
    made = record(parent_user, funded)
    before = state(funded)
    with pytest.raises(ValidationError) as exc:
        services.record_withdraw(actor=parent_user, record=made, reason="  ")
    assert "reason" in exc.value.message_dict
    assert state(funded) == before
    made.refresh_from_db()
    assert not made.withdrawn


@pytest.mark.parametrize(
    ("spent_on", "refused"),
    [(date(2026, 6, 30), True), (date(2026, 7, 1), False)],
    ids=["last-day-of-the-sent-period", "first-day-after-it"],
)
def test_a_record_in_a_submitted_return_cannot_be_taken_back(funded, parent_user, on_day, spent_on, refused):
    """The April to June return is sent on 2 July: a record of 30 June stays; one of 1 July can go (ADR 10)."""
    on_day(date(2026, 7, 2))
    made = record(parent_user, funded, spent_on=spent_on)
    services.return_submit(actor=parent_user, agreement=funded, period_start=date(2026, 4, 1))
    if not refused:
        services.record_withdraw(actor=parent_user, record=made, reason="Entered twice")
        assert balance(funded) == FUNDED
        return
    before = state(funded)
    with pytest.raises(ValidationError, match="return already sent"):
        services.record_withdraw(actor=parent_user, record=made, reason="Entered twice")
    assert state(funded) == before


def test_another_parent_cannot_take_a_record_back(funded, parent_user, make_user):
    """Only those who keep the records may take one back."""
    made = record(parent_user, funded)
    before = state(funded)
    with pytest.raises(PermissionDenied):
        services.record_withdraw(actor=make_user(Role.PARENT_CARER), record=made, reason="Not mine")
    assert state(funded) == before


def test_recording_is_audited(funded, parent_user, audit):
    """One audit event with the amount, date and category, against the child."""
    audit.mark()
    made = record(parent_user, funded, "25.00")
    event = audit.one()
    assert (event.action, event.actor, event.child_id) == ("spending.recorded", parent_user, funded.child_id)
    assert event.object_id == str(made.pk)
    assert event.after == {"amount": "25.00", "spent_on": "2026-05-01", "category": "wages"}


def test_taking_back_is_audited(funded, parent_user, audit):
    """One audit event naming the reason."""
    made = record(parent_user, funded)
    audit.mark()
    services.record_withdraw(actor=parent_user, record=made, reason="Entered twice")
    event = audit.one()
    assert event.action == "spending.withdrawn"
    assert "Entered twice" in event.summary


# Receipts (ADR 10) -----------------------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x00"


def upload(content: bytes, name: str = "receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def receipt(actor, made, content=PDF_BYTES, name="receipt.pdf", **kwargs):
    return services.receipt_add(actor=actor, record=made, upload=upload(content, name), **kwargs)


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF_BYTES, "invoice.pdf", "application/pdf"),
        (JPEG_BYTES, "photo.jpg", "image/jpeg"),
        (PNG_BYTES, "scan.png", "image/png"),
        (HEIC_BYTES, "IMG_0001.HEIC", "image/heic"),
    ],
    ids=["pdf", "jpeg", "png", "heic"],
)
def test_a_receipt_is_accepted_by_its_content(funded, parent_user, content, name, content_type):
    """PDF, JPEG, PNG and HEIC are known by their first bytes and stored with the right content type (ADR 10)."""
    made = record(parent_user, funded)
    kept = receipt(parent_user, made, content, name)
    assert (kept.content_type, kept.size, kept.original_name) == (content_type, len(content), name)
    assert kept.file.read() == content


def test_the_content_type_comes_from_the_bytes_not_the_name(funded, parent_user):
    """A PDF called photo.png is kept as a PDF."""
    kept = receipt(parent_user, record(parent_user, funded), PDF_BYTES, "photo.png")
    assert kept.content_type == "application/pdf"


@pytest.mark.parametrize(
    "content",
    [b"Just some text, not a picture\n", b"", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"],
    ids=["text-named-png", "empty", "mp4-video"],
)
def test_a_file_that_is_not_a_receipt_is_refused(funded, parent_user, content):
    """Text named .png, an empty file and a video are refused naming the file; nothing is stored (ADR 10)."""
    made = record(parent_user, funded)
    with pytest.raises(ValidationError) as exc:
        receipt(parent_user, made, content, "receipt.png")
    assert "file" in exc.value.message_dict
    assert Receipt.objects.count() == 0


def test_no_file_is_refused(funded, parent_user):
    """No upload at all: refused naming the file."""
    made = record(parent_user, funded)
    with pytest.raises(ValidationError) as exc:
        services.receipt_add(actor=parent_user, record=made, upload=None)
    assert "file" in exc.value.message_dict
    assert Receipt.objects.count() == 0


@pytest.mark.parametrize(("extra", "accepted"), [(0, True), (1, False)], ids=["exactly-the-limit", "a-byte-over"])
def test_a_receipt_may_be_as_large_as_the_limit_and_no_larger(funded, parent_user, monkeypatch, extra, accepted):
    """At the limit (10 MB, made 100 bytes here to stay quick) it is kept; one byte over is refused (ADR 10)."""
    monkeypatch.setattr(files, "MAX_RECEIPT_BYTES", 100)
    content = PDF_BYTES + b"0" * (100 - len(PDF_BYTES) + extra)
    made = record(parent_user, funded)
    if accepted:
        assert receipt(parent_user, made, content).size == 100
        return
    with pytest.raises(ValidationError) as exc:
        receipt(parent_user, made, content)
    assert "file" in exc.value.message_dict
    assert Receipt.objects.count() == 0


def test_the_limit_is_ten_megabytes():
    """10 MB is 10 x 1024 x 1024 bytes (ADR 10)."""
    assert files.MAX_RECEIPT_BYTES == 10 * 1024 * 1024


def test_a_receipt_can_be_for_one_part_of_the_record(funded_two_lines, parent_user):
    """An invoice for the TA part of a split record is kept against that part."""
    t = funded_two_lines
    made = record(parent_user, t.agreement, "100.00", parts=[(t.ta, Decimal("60.00")), (t.pa, Decimal("40.00"))])
    part = made.parts.get(line=t.ta)
    assert receipt(parent_user, made, part=part).part == part


def test_a_part_of_another_record_is_refused(funded, parent_user):
    """The part belongs to a different record: refused naming the part, nothing stored."""
    first, second = record(parent_user, funded), record(parent_user, funded, "30.00", payee="Swim Club")
    with pytest.raises(ValidationError) as exc:
        receipt(parent_user, second, part=first.parts.get())
    assert "part" in exc.value.message_dict
    assert Receipt.objects.count() == 0


def test_the_stored_name_has_nothing_of_the_original(funded, parent_user):
    """Stored under receipts/<council>/<random>: no name, no extension from the upload (ADR 10)."""
    kept = receipt(parent_user, record(parent_user, funded), PDF_BYTES, "Sam Parent invoice April.pdf")
    stored = kept.file.name
    assert stored.startswith(f"receipts/{funded.council.code}/")
    leaf = stored.rsplit("/", 1)[1].lower()
    for fragment in ("sam", "parent", "invoice", "april", ".pdf", "receipt"):
        assert fragment not in leaf
    assert kept.original_name == "Sam Parent invoice April.pdf"


def test_another_parent_cannot_add_a_receipt(funded, parent_user, make_user):
    """Only those who keep the records may add receipts."""
    made = record(parent_user, funded)
    with pytest.raises(PermissionDenied):
        receipt(make_user(Role.PARENT_CARER), made)
    assert Receipt.objects.count() == 0


def test_adding_a_receipt_is_audited(funded, parent_user, audit):
    """One audit event against the child."""
    made = record(parent_user, funded)
    audit.mark()
    kept = receipt(parent_user, made)
    event = audit.one()
    assert (event.action, event.object_id, event.child_id) == ("receipt.added", str(kept.pk), funded.child_id)


# Statement import: preview, save all or nothing, discard (ADR 10) ------------------------------------------------

HEADER = "Date,Payee,Description,Amount,Balance\n"


@pytest.fixture
def layout(db):
    """A signed-amount layout (money out negative) with a running balance; no transaction id column."""
    return CsvLayout.objects.create(
        name="Test bank (signed)",
        date_column="Date",
        date_format="%d/%m/%Y",
        amount_column="Amount",
        payee_column="Payee",
        description_column="Description",
        balance_column="Balance",
    )


@pytest.fixture
def id_layout(db):
    """The same with the bank's transaction id."""
    return CsvLayout.objects.create(
        name="Test bank (with ids)",
        date_column="Date",
        date_format="%d/%m/%Y",
        amount_column="Amount",
        payee_column="Payee",
        id_column="Id",
    )


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{row}\n" for row in rows)).encode()


#: Three payments out: £120.00, £35.50 and £4.99 (£160.49).
SPENDING_CSV = csv(
    "20/04/2026,Acme Care Ltd,PA wages week 1,-120.00,210.11",
    "24/04/2026,Leisure Centre,Swimming,-35.50,174.61",
    "28/04/2026,Card Services,Monthly card fee,-4.99,169.62",
)


def preview(actor, agreement, data=SPENDING_CSV, layout=None, filename="statement.csv"):
    return services.statement_preview(actor=actor, agreement=agreement, data=data, filename=filename, layout=layout)


def save(actor, statement, choices=None):
    return services.statement_save(actor=actor, statement=statement, choices=choices)


def test_a_preview_keeps_each_line_with_its_suggestion_and_reason(funded, parent_user, layout):
    """Each line is stored with its suggested line and amount, category and reason; nothing is recorded (ADR 10)."""
    before = state(funded)
    statement = preview(parent_user, funded, layout=layout)
    line = funded.lines.get()
    assert statement.status == ImportStatus.PREVIEW
    rows = list(statement.lines.order_by("line_number"))
    assert [(r.line_number, r.posted_on, r.amount, r.payee) for r in rows] == [
        (2, date(2026, 4, 20), Decimal("120.00"), "Acme Care Ltd"),
        (3, date(2026, 4, 24), Decimal("35.50"), "Leisure Centre"),
        (4, date(2026, 4, 28), Decimal("4.99"), "Card Services"),
    ]
    assert [r.suggestion for r in rows] == [[[line.pk, "120.00"]], [[line.pk, "35.50"]], [[line.pk, "4.99"]]]
    assert all(r.reason and r.suggested_category for r in rows)
    assert state(funded) == before


def test_saving_records_every_line_and_the_balance_follows(funded, parent_user, layout):
    """Three lines, three records from the statement; the balance falls by their £160.49 (ADR 10)."""
    statement = preview(parent_user, funded, layout=layout)
    made = save(parent_user, statement)
    assert len(made) == 3
    assert SpendingRecord.objects.filter(agreement=funded, source="statement").count() == 3
    assert balance(funded) == FUNDED - Decimal("160.49")
    assert all(line.record_id for line in statement.lines.all())
    statement.refresh_from_db()
    assert statement.status == ImportStatus.SAVED and statement.saved_at


def test_a_statement_cannot_be_saved_twice(funded, parent_user, layout):
    """The second save is refused and records nothing more."""
    statement = preview(parent_user, funded, layout=layout)
    save(parent_user, statement)
    before = state(funded)
    with pytest.raises(ValidationError, match="already been saved"):
        save(parent_user, statement)
    assert state(funded) == before


def test_the_same_file_again_is_all_duplicates_and_adds_nothing(funded, parent_user, layout):
    """Imported a second time, every line is marked a duplicate and saving it records nothing (ADR 10)."""
    save(parent_user, preview(parent_user, funded, layout=layout))
    again = preview(parent_user, funded, layout=layout)
    assert all(line.duplicate_of_id for line in again.lines.all())
    assert all(line.reason.startswith("Already recorded on") for line in again.lines.all())
    before = state(funded)
    assert save(parent_user, again) == []
    assert state(funded) == before


def test_the_same_bank_ids_again_are_duplicates(funded, parent_user, id_layout):
    """Lines whose transaction id is already recorded are duplicates even when the payee is written differently."""
    header = "Date,Payee,Amount,Id\n"
    save(parent_user, preview(parent_user, funded, csv("20/04/2026,ACME CARE,-120.00,TX-1", header=header), id_layout))
    again = preview(parent_user, funded, csv("21/04/2026,Acme Care Ltd,-120.00,TX-1", header=header), id_layout)
    assert again.lines.get().duplicate_of_id is not None


def test_keep_both_on_a_duplicate_line_records_it(funded, parent_user, layout):
    """The family says the swimming line is a genuine repeat: it alone is recorded again (ADR 10)."""
    save(parent_user, preview(parent_user, funded, layout=layout))
    again = preview(parent_user, funded, layout=layout)
    swim = again.lines.get(payee="Leisure Centre")
    made = save(parent_user, again, {swim.pk: {"keep_both": True}})
    assert [(r.payee, r.amount, r.keep_both) for r in made] == [("Leisure Centre", Decimal("35.50"), True)]
    assert balance(funded) == FUNDED - Decimal("160.49") - Decimal("35.50")


@pytest.mark.parametrize(
    ("posted_on", "is_payment"),
    [("08/05/2026", True), ("09/05/2026", False), ("24/04/2026", True), ("23/04/2026", False)],
    ids=["7-days-after", "8-days-after", "7-days-before", "8-days-before"],
)
def test_money_in_matching_a_council_payment_within_7_days_is_that_payment(
    funded, parent_user, layout, on_day, posted_on, is_payment
):
    """£280.10 in, paid on 1 May: within 7 days it is the council's payment, not recorded; beyond, a refund (ADR 10)."""
    on_day(date(2026, 5, 11))
    statement = preview(parent_user, funded, csv(f"{posted_on},BRIGHTWATER BC,DP payment,280.10,"), layout)
    line = statement.lines.get()
    assert line.is_payment_in is is_payment
    made = save(parent_user, statement)
    if is_payment:
        assert made == [] and line.reason.startswith("A direct payment from the council")
        assert balance(funded) == FUNDED
    else:
        assert [r.amount for r in made] == [Decimal("-280.10")]
        assert balance(funded) == FUNDED + Decimal("280.10")


def test_money_in_of_another_amount_is_a_refund(funded, parent_user, layout):
    """£280.09 in on the day of the £280.10 payment is not that payment: it is recorded as a refund (ADR 10)."""
    statement = preview(parent_user, funded, csv("01/05/2026,Leisure Centre,Refund,280.09,"), layout)
    assert not statement.lines.get().is_payment_in
    made = save(parent_user, statement)
    assert [(r.amount, r.is_refund) for r in made] == [(Decimal("-280.09"), True)]
    assert balance(funded) == FUNDED + Decimal("280.09")


#: Two identical bus fares on one day, with no running balance to tell them apart.
REPEATED_CSV = csv("20/04/2026,Bus Company,,-2.50,", "20/04/2026,Bus Company,,-2.50,")


def test_a_line_repeated_in_the_file_is_marked_and_skipped_unless_kept(funded, parent_user, layout):
    """The second identical fare is marked as a repeat and, with no choice for it, left out: one fare is recorded,
    as with any duplicate (ADR 10)."""
    statement = preview(parent_user, funded, REPEATED_CSV, layout)
    first, second = statement.lines.order_by("line_number")
    assert (first.duplicate_of_id, first.reason) == (None, "The agreement pays for one kind of support")
    assert second.reason == "The same as an earlier line in this file"
    made = save(parent_user, statement)
    assert [r.amount for r in made] == [Decimal("2.50")]
    assert balance(funded) == FUNDED - Decimal("2.50")


def test_keep_both_on_a_line_repeated_in_the_file_records_both(funded, parent_user, layout):
    """The family says both fares were real: both are recorded (ADR 10)."""
    statement = preview(parent_user, funded, REPEATED_CSV, layout)
    second = statement.lines.order_by("line_number").last()
    made = save(parent_user, statement, {second.pk: {"keep_both": True}})
    assert [r.amount for r in made] == [Decimal("2.50"), Decimal("2.50")]
    assert balance(funded) == FUNDED - Decimal("5.00")


#: For the two-line agreement: a PA payment (suggested by its words) and a corner shop (no suggestion).
MIXED_CSV = csv(
    "20/04/2026,Jo Smith,Personal assistant support at home,-120.00,",
    "22/04/2026,Corner Shop,,-12.34,",
)


def test_a_line_with_no_suggestion_and_no_choice_saves_nothing(funded_two_lines, parent_user, layout):
    """The corner shop has no suggestion: the save fails naming its line, and no line is recorded (ADR 10)."""
    agreement = funded_two_lines.agreement
    statement = preview(parent_user, agreement, MIXED_CSV, layout)
    shop = statement.lines.get(payee="Corner Shop")
    assert shop.suggestion == []
    before = state(agreement)
    with pytest.raises(ValidationError) as exc:
        save(parent_user, statement)
    assert any(f"Line {shop.line_number} (Corner Shop" in message for message in exc.value.messages)
    assert state(agreement) == before
    assert not StatementLine.objects.filter(statement=statement, record__isnull=False).exists()
    statement.refresh_from_db()
    assert statement.status == ImportStatus.PREVIEW


def test_the_family_s_choice_for_a_line_is_saved(funded_two_lines, parent_user, layout):
    """Choosing the PA line and a category for the corner shop lets the whole statement be saved."""
    t = funded_two_lines
    statement = preview(parent_user, t.agreement, MIXED_CSV, layout)
    shop = statement.lines.get(payee="Corner Shop")
    made = save(parent_user, statement, {shop.pk: {"category": "other", "parts": [(t.pa, Decimal("12.34"))]}})
    assert len(made) == 2
    assert [(p.line_id, p.amount) for p in StatementLine.objects.get(pk=shop.pk).record.parts.all()] == [
        (t.pa.pk, Decimal("12.34"))
    ]


def test_a_skipped_line_is_not_recorded(funded_two_lines, parent_user, layout):
    """Skipping the corner shop saves the rest."""
    statement = preview(parent_user, funded_two_lines.agreement, MIXED_CSV, layout)
    shop = statement.lines.get(payee="Corner Shop")
    made = save(parent_user, statement, {shop.pk: {"skip": True}})
    assert [r.payee for r in made] == ["Jo Smith"]


def test_a_zero_line_is_passed_over(funded, parent_user, layout):
    """A £0.00 card check among the lines is not recorded and does not stop the rest being saved (ADR 10)."""
    statement = preview(
        parent_user, funded, csv("20/04/2026,Card Check,,0.00,", "21/04/2026,Swim Club,,-10.00,"), layout
    )
    made = save(parent_user, statement)
    assert [r.payee for r in made] == ["Swim Club"]


@pytest.mark.parametrize(
    "data",
    [
        csv("20/04/2026,Acme Care Ltd,,-120.00,", "31/02/2026,Leisure Centre,,-35.50,"),
        csv("20/04/2026,Acme Care Ltd,,-120.00,", "21/04/2026,Leisure Centre,,ten pounds,"),
        b"%PDF-1.4 not a statement",
    ],
    ids=["impossible-date", "amount-in-words", "a-pdf"],
)
def test_a_malformed_file_is_refused_and_stores_nothing(funded, parent_user, layout, data):
    """The file is refused before anything is stored: no import, no lines, no records (ADR 10)."""
    imports, lines, before = StatementImport.objects.count(), StatementLine.objects.count(), state(funded)
    with pytest.raises(ValidationError):
        preview(parent_user, funded, data, layout)
    assert (StatementImport.objects.count(), StatementLine.objects.count(), state(funded)) == (imports, lines, before)


def test_a_malformed_line_is_named_by_its_line_number(funded, parent_user, layout):
    """The impossible date is on line 3 of the file, and the message says so (ADR 10)."""
    data = csv("20/04/2026,Acme Care Ltd,,-120.00,", "31/02/2026,Leisure Centre,,-35.50,")
    with pytest.raises(ValidationError) as exc:
        preview(parent_user, funded, data, layout)
    assert any(message.startswith("Line 3:") for message in exc.value.messages)


def test_a_discarded_statement_records_nothing_and_cannot_be_saved(funded, parent_user, layout):
    """Discarded, it stays as it was read and nothing from it is ever recorded (ADR 10)."""
    statement = preview(parent_user, funded, layout=layout)
    before = state(funded)
    services.statement_discard(actor=parent_user, statement=statement)
    statement.refresh_from_db()
    assert statement.status == ImportStatus.DISCARDED
    with pytest.raises(ValidationError):
        save(parent_user, statement)
    assert state(funded) == before


def test_a_saved_statement_cannot_be_discarded(funded, parent_user, layout):
    """Only a preview can be thrown away."""
    statement = preview(parent_user, funded, layout=layout)
    save(parent_user, statement)
    with pytest.raises(ValidationError, match="Only a statement waiting"):
        services.statement_discard(actor=parent_user, statement=statement)
    statement.refresh_from_db()
    assert statement.status == ImportStatus.SAVED


def test_another_parent_cannot_import_a_statement(funded, layout, make_user):
    """A parent who does not hold the payments is refused and nothing is stored."""
    with pytest.raises(PermissionDenied):
        preview(make_user(Role.PARENT_CARER), funded, layout=layout)
    assert StatementImport.objects.count() == 0


def test_a_statement_is_not_read_before_consent(dp, case, parent_user, layout, on_day):
    """An agreement not yet consented to has no statements."""
    agreement = dp.sent(case)
    on_day(TODAY)
    with pytest.raises(ValidationError, match="once the direct payments have started"):
        preview(parent_user, agreement, layout=layout)
    assert StatementImport.objects.count() == 0


def test_previewing_and_saving_are_audited(funded, parent_user, layout, audit):
    """One event when the file is read (with its line count) and one when it is saved (with its record count)."""
    audit.mark()
    statement = preview(parent_user, funded, layout=layout)
    read = audit.one()
    assert (read.action, read.after) == ("statement.previewed", {"lines": 3, "format": "csv"})
    audit.mark()
    save(parent_user, statement)
    saved = audit.one()
    assert (saved.action, saved.after) == ("statement.saved", {"records": 3})
