# ruff: noqa: F811 - the fixtures imported from the payments tests are requested by name below
"""Statement import is all or nothing, for any file a family uploads (ADR 10), tested at the service level.

Generated CSV files in the generic layout (Date, Description, Amount, Balance) mix good rows with broken cells (dates
that do not exist, amounts that are not money, cells missing or extra, no payee), are written in UTF-8, UTF-8 with a
byte order mark, Windows-1252 or UTF-16, and come with or without lines about the account above the header; besides
them come empty files, header-only files and random bytes. For every file `statement_preview` either refuses it
with ValidationError and stores nothing, or keeps a preview with one line for each row of the file, read as it was
written. Then `statement_save` either records every remaining line, or refuses and records none. Nothing else
escapes.

Today is Friday 1 May 2026 and the standard agreement (the PA line, to the parent, from 1 April 2026) has had its
first two payments, £50.01 and £280.10, released that day. Spending may be dated from 1 March 2026 (a month before
the start) to today; the files also have dates outside that, which the preview keeps and the save refuses.
"""

import codecs
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ehcbudgets.ledger.models import Leg, Transaction
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments.tests.conftest import (  # noqa: F401 - fixtures shared with the payments tests
    _letters_quick,
    agreement,
    case,
    catalogue,
    dp,
    finance,
    finance2,
    manager,
    on_day,
    parent_user,
    pb,
    quick_pdf,
)
from ehcbudgets.payments.tests.test_changes import release
from ehcbudgets.spending import services
from ehcbudgets.spending.models import (
    CsvLayout,
    ImportStatus,
    SpendingPart,
    SpendingRecord,
    StatementImport,
    StatementLine,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 1)
EARLIEST = date(2026, 3, 1)  # the agreement starts on 1 April 2026: spending may be dated up to 31 days before
GENERIC = "Generic: Date, Description, Amount, Balance"
HEADER = ["Date", "Description", "Amount", "Balance"]
ZERO = Decimal("0.00")


class _RollBack(Exception):
    """Raised at the end of each example to undo everything it stored."""


# Fixtures and helpers --------------------------------------------------------------------------------------------


@pytest.fixture
def generic(db):
    """The shipped generic layout (made again if an earlier transactional test flushed the migration's rows)."""
    layout, _ = CsvLayout.objects.get_or_create(
        name=GENERIC,
        defaults={
            "date_column": "Date",
            "date_format": "%d/%m/%Y",
            "amount_column": "Amount",
            "payee_column": "Description",
            "balance_column": "Balance",
        },
    )
    return layout


@pytest.fixture
def funded(agreement, finance, finance2, on_day, generic):
    """The standard agreement with its first run released: active, £330.11 paid in; today is 1 May 2026."""
    on_day(TODAY)
    release(finance, finance2, agreement.council, TODAY)
    agreement.refresh_from_db()
    assert agreement.status == "active"
    return agreement


def balance(agreement) -> Decimal:
    return payment_selectors.recipient_balance(agreement=agreement)


def state(agreement) -> tuple:
    """Everything an import may store: imports and their lines, records and their parts, the ledger, the balance."""
    return (
        StatementImport.objects.count(),
        StatementLine.objects.count(),
        SpendingRecord.objects.count(),
        SpendingPart.objects.count(),
        Transaction.objects.count(),
        Leg.objects.count(),
        balance(agreement),
    )


def preview(actor, agreement, data: bytes, layout=None, filename="statement.csv"):
    return services.statement_preview(actor=actor, agreement=agreement, data=data, filename=filename, layout=layout)


def csv_file(*rows: str, header: str = "Date,Description,Amount,Balance") -> bytes:
    return "\r\n".join([header, *rows, ""]).encode()


# Generated files -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    valid: bool
    amount: Decimal | None  # as the preview should keep it: money out positive


@dataclass(frozen=True)
class Statement:
    data: bytes
    rows: tuple[Row, ...]  # the data rows (blank lines are not rows)
    expect: str  # "read": every row must be kept; "refuse": ValidationError; "either": random bytes

    @property
    def amounts(self) -> list[Decimal]:
        return [row.amount for row in self.rows]


#: Payees as banks print them, some with characters every encoding used here can write.
PAYEES = st.sampled_from(
    [
        "PA WAGES J SMITH",
        "PAYROLL BUREAU LTD",
        "Riverside Swimming Club",
        "Café Brûlée £ deal",
        '\'=HYPERLINK("x")',  # the spreadsheet guard some banks put before text
        "ACME CARE LTD; REF 12",
        'Quote "Ltd", with commas',
        "TWO\nLINES",
        "  lots   of   spaces  ",
        "BRIGHTWATER BC DIRECT PAYMENT",
        "X" * 250,  # cut to 200 characters
    ]
)
BROKEN_PAYEES = st.sampled_from(["", "   ", "'"])
IN_RANGE = st.dates(min_value=EARLIEST, max_value=TODAY)
OUT_OF_RANGE = st.one_of(
    st.dates(min_value=date(2026, 1, 1), max_value=EARLIEST - timedelta(days=1)),
    st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2026, 6, 30)),
)
BROKEN_DATES = st.sampled_from(["31/02/2026", "2026-04-20", "", "yesterday", "20.04.2026", "32/01/2026", "1/13/2026"])
#: Signed the bank's way (money in positive): mostly small sums; now and then the council's own payments in, zero, a
#: penny in, the largest sum a record takes and one too large.
SMALL_AMOUNTS = st.decimals(min_value=-500, max_value=500, places=2, allow_nan=False, allow_infinity=False)
SPECIAL_AMOUNTS = st.sampled_from(
    [Decimal(v) for v in ("280.10", "50.01", "0.00", "0.01", "-999999.99", "-1000000.00")]
)
BROKEN_AMOUNTS = st.sampled_from(
    ["twelve", "12.345", "", "--5.00", "-12.50 DR", "£", "1,2,3", "12.5.0", "10,00", "1e3", "NaN", "£-£5", "(-5)"]
)
BROKEN_BALANCES = st.sampled_from(["n/a", "1.234", "£££"])


def _written(value: Decimal, style: str) -> str:
    """A signed amount as one bank or another writes it."""
    size = abs(value)
    match style:
        case "plain":
            return f"{value:.2f}"
        case "pounds":
            return f"{'-' if value < 0 else ''}£{size:.2f}"
        case "thousands":
            return f"{value:,.2f}"
        case "brackets":
            return f"({size:.2f})" if value < 0 else f"{size:.2f}"
        case "dr_cr":
            return f"{size:.2f} {'DR' if value < 0 else 'CR'}"
        case "plus":
            return f"-{size:.2f}" if value < 0 else f"+{size:.2f}"
        case "gbp":
            return f"{value:.2f} GBP"
        case _:  # "padded": extra zeros and spaces
            return f"  {value:.2f}0  "


@st.composite
def good_rows(draw) -> Row:
    on = draw(OUT_OF_RANGE) if draw(st.integers(0, 19)) == 0 else draw(IN_RANGE)
    day = on.strftime("%d/%m/%Y")
    if draw(st.booleans()):
        day = f" {day} "
    value = draw(SPECIAL_AMOUNTS) if draw(st.integers(0, 4)) == 0 else draw(SMALL_AMOUNTS)
    style = draw(st.sampled_from(["plain", "pounds", "thousands", "brackets", "dr_cr", "plus", "gbp", "padded"]))
    running = draw(st.one_of(st.just(""), st.decimals(-9999, 9999, places=2).map(lambda d: f"{d:.2f}")))
    cells = [day, draw(PAYEES), _written(value, style), running]
    if draw(st.integers(0, 5)) == 0:
        cells.append("")  # a trailing comma, as NatWest's rows have
    amount = -value if value else ZERO
    return Row(tuple(cells), True, amount)


@st.composite
def broken_rows(draw) -> Row:
    row = draw(good_rows())
    cells = list(row.cells[:4])
    match draw(st.sampled_from(["date", "amount", "balance", "payee", "missing", "extra"])):
        case "date":
            cells[0] = draw(BROKEN_DATES)
        case "amount":
            cells[2] = draw(BROKEN_AMOUNTS)
        case "balance":
            cells[3] = draw(BROKEN_BALANCES)
        case "payee":
            cells[1] = draw(BROKEN_PAYEES)
        case "missing":
            del cells[draw(st.integers(0, 3))]
        case "extra":
            cells.append(draw(st.sampled_from(["x", "12.00", "note"])))
    return Row(tuple(cells), False, None)


def _line(cells) -> str:
    """One CSV record: cells quoted when they need it."""

    def quoted(cell: str) -> str:
        if any(ch in cell for ch in ',"\r\n'):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    return ",".join(quoted(cell) for cell in cells)


ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-sig": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "cp1252": lambda text: text.encode("cp1252"),
    "utf-16": lambda text: text.encode("utf-16"),  # with its byte order mark
}


@st.composite
def csv_statements(draw) -> Statement:
    rows = draw(
        st.lists(st.integers(0, 9).flatmap(lambda n: broken_rows() if n == 0 else good_rows()), min_size=1, max_size=8)
    )
    if rows and draw(st.integers(0, 3)) == 0:  # the same payment twice: the same date, amount, payee and balance
        rows.insert(draw(st.integers(0, len(rows))), rows[draw(st.integers(0, len(rows) - 1))])
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    records = []
    if draw(st.booleans()):  # lines about the account above the header, as Nationwide's exports have
        records += [_line(["Account Name:", "Direct payment account"]), _line(["Balance:", "£330.11"]), ""]
    records.append(_line(HEADER))
    for row in rows:
        if draw(st.integers(0, 6)) == 0:
            records.append("")  # a blank line between rows: not a row
        records.append(_line(row.cells))
    text = newline.join(records) + (newline if draw(st.booleans()) else "")
    data = ENCODINGS[draw(st.sampled_from(sorted(ENCODINGS)))](text)
    readable = bool(rows) and all(row.valid for row in rows)
    return Statement(data, tuple(rows), "read" if readable else "refuse")


ODD_FILES = st.sampled_from(
    [
        b"",
        b"\r\n \r\n",
        codecs.BOM_UTF8,
        b"Date,Description,Amount,Balance\r\n",  # no transactions
        b"Posted,Payee,Value\r\n01/04/2026,Someone,-5.00\r\n",  # no layout has these columns
        b"%PDF-1.4 not a statement",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"<OFX><STMTTRN><TRNAMT>-5.00",  # OFX that stops early
        b"!Type:Bank\nD01/04/2026\nT-5.00\n^\n",  # QIF
        b"Date,Description,Amount,Balance\x00\r\n01/04/2026,NUL,-5.00,\r\n",
    ]
)


@st.composite
def statements(draw) -> Statement:
    kind = draw(st.sampled_from(["csv"] * 6 + ["odd", "bytes"]))
    if kind == "csv":
        return draw(csv_statements())
    if kind == "odd":
        return Statement(draw(ODD_FILES), (), "refuse")
    return Statement(draw(st.binary(max_size=400)), (), "either")


# The property ------------------------------------------------------------------------------------------------------


def _expected_save(lines, choices) -> tuple[bool, list]:
    """What saving must do: refuse (True) when a line it would record is dated before the agreement allows or after
    today, or is £1,000,000 or more; otherwise record the lines it would record. It passes over the council's own
    payments in, lines of £0.00, lines the family skips, and a line the same as one already recorded (here, an
    earlier line of the file: the same date, amount, payee and balance) unless the family keeps both (ADR 10)."""
    recorded, seen = [], set()
    for line in lines:
        choice = choices.get(line.pk, {})
        keep_both = bool(choice.get("keep_both"))
        if choice.get("skip") or line.is_payment_in or line.amount == 0 or (line.duplicate_of_id and not keep_both):
            continue
        if line.fingerprint in seen and not keep_both:
            continue
        seen.add(line.fingerprint)
        recorded.append(line)
    fails = any(not EARLIEST <= line.posted_on <= TODAY or abs(line.amount) >= Decimal("1000000") for line in recorded)
    return fails, recorded


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statement=statements(), detect=st.booleans(), data=st.data())
def test_any_file_is_read_whole_or_refused_and_saved_whole_or_not_at_all(
    funded, parent_user, generic, statement, detect, data
):
    try:
        with transaction.atomic():
            _check_one_file(funded, parent_user, None if detect else generic, statement, data)
            raise _RollBack
    except _RollBack:
        pass


def _check_one_file(agreement, actor, layout, statement: Statement, data) -> None:
    before = state(agreement)

    # The preview: refused with nothing stored, or every row kept as it was written.
    try:
        item = preview(actor, agreement, statement.data, layout)
    except ValidationError as error:
        event(f"preview refused ({statement.expect})")
        assert statement.expect != "read", f"a good file was refused: {error.messages}"
        assert error.messages and all(isinstance(m, str) and m for m in error.messages)
        assert state(agreement) == before, "a refused file stored something"
        return
    event(f"preview kept ({statement.expect})")
    assert statement.expect != "refuse", "a file with a broken row was read"
    lines = list(item.lines.order_by("line_number"))
    assert item.status == ImportStatus.PREVIEW
    if statement.expect == "read":
        assert len(lines) == len(statement.rows)
        assert [line.amount for line in lines] == statement.amounts
    assert all(line.record_id is None for line in lines)
    assert state(agreement)[2:] == before[2:], "a preview recorded spending or touched the ledger"

    # The save: every remaining line recorded, or none.
    choices = {}
    for line in lines:
        choice = data.draw(st.sampled_from([{}, {}, {"skip": True}, {"keep_both": True}]), label=f"line {line.pk}")
        if choice:
            choices[line.pk] = choice
    fails, remaining = _expected_save(lines, choices)
    saved_before = state(agreement)
    try:
        made = services.statement_save(actor=actor, statement=item, choices=choices)
    except ValidationError as error:
        event("save refused")
        assert fails, f"the save was refused for no reason: {error.messages}"
        assert state(agreement) == saved_before, "a refused save recorded something"
        assert not StatementLine.objects.filter(statement=item, record__isnull=False).exists()
        item.refresh_from_db()
        assert item.status == ImportStatus.PREVIEW
        return
    event(f"save recorded {min(len(made), 3)}{'+' if len(made) >= 3 else ''} lines")
    assert not fails, "a save that should have been refused was not"
    assert sorted(r.pk for r in made) == sorted(
        StatementLine.objects.filter(statement=item, record__isnull=False).values_list("record_id", flat=True)
    )
    assert [r.amount for r in made] == [line.amount for line in remaining]
    spent = sum((line.amount for line in remaining), ZERO)
    after = state(agreement)
    assert after[2] == saved_before[2] + len(remaining)
    assert after[6] == saved_before[6] - spent, "the balance did not follow the records"
    item.refresh_from_db()
    assert item.status == ImportStatus.SAVED


# Plain tests: duplicates and OFX -----------------------------------------------------------------------------------

#: Two payments out and the council's £280.10 paid in on the day it was released (not recorded again).
STATEMENT = csv_file(
    "20/04/2026,PA WAGES J SMITH,-120.00,210.11",
    "24/04/2026,Riverside Swimming Club,-35.50,174.61",
    "01/05/2026,BRIGHTWATER BC DIRECT PAYMENT,280.10,454.71",
)


def test_the_same_file_imported_twice_adds_nothing_the_second_time(funded, parent_user, generic):
    first = services.statement_save(actor=parent_user, statement=preview(parent_user, funded, STATEMENT, generic))
    assert [(r.payee, r.amount) for r in first] == [
        ("PA WAGES J SMITH", Decimal("120.00")),
        ("Riverside Swimming Club", Decimal("35.50")),
    ]
    recorded = state(funded)
    again = preview(parent_user, funded, STATEMENT, generic)
    payments, duplicates = [], []
    for line in again.lines.order_by("line_number"):
        (payments if line.is_payment_in else duplicates).append(line)
    assert [line.payee for line in payments] == ["BRIGHTWATER BC DIRECT PAYMENT"]
    assert [line.duplicate_of_id for line in duplicates] == [r.pk for r in first]
    assert all(line.reason.startswith("Already recorded on") for line in duplicates)
    assert services.statement_save(actor=parent_user, statement=again) == []
    assert state(funded)[2:] == recorded[2:]  # no record, no ledger entry, the same balance
    again.refresh_from_db()
    assert again.status == ImportStatus.SAVED


def test_keep_both_records_a_duplicate_line(funded, parent_user, generic):
    services.statement_save(actor=parent_user, statement=preview(parent_user, funded, STATEMENT, generic))
    held = balance(funded)
    again = preview(parent_user, funded, STATEMENT, generic)
    swim = again.lines.get(payee="Riverside Swimming Club")
    made = services.statement_save(actor=parent_user, statement=again, choices={swim.pk: {"keep_both": True}})
    assert [(r.payee, r.amount, r.keep_both) for r in made] == [("Riverside Swimming Club", Decimal("35.50"), True)]
    assert SpendingRecord.objects.filter(agreement=funded, payee="Riverside Swimming Club").count() == 2
    assert balance(funded) == held - Decimal("35.50")


def ofx(*transactions: tuple[str, str, str, str]) -> bytes:
    """An OFX 2 (XML) bank statement in pounds: (FITID, DTPOSTED, TRNAMT, NAME) for each transaction."""
    body = "".join(
        f"<STMTTRN><TRNTYPE>{'CREDIT' if amount[0] != '-' else 'DEBIT'}</TRNTYPE><DTPOSTED>{posted}</DTPOSTED>"
        f"<TRNAMT>{amount}</TRNAMT><FITID>{fitid}</FITID><NAME>{name}</NAME></STMTTRN>\n"
        for fitid, posted, amount, name in transactions
    )
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
    <DTSERVER>20260501120000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
  <BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
    <STMTRS><CURDEF>GBP</CURDEF>
      <BANKACCTFROM><BANKID>309430</BANKID><ACCTID>12345678</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
      <BANKTRANLIST><DTSTART>20260401</DTSTART><DTEND>20260501</DTEND>
{body}      </BANKTRANLIST>
      <LEDGERBAL><BALAMT>454.71</BALAMT><DTASOF>20260501</DTASOF></LEDGERBAL>
    </STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
""".encode()


#: Wages, a swim at 10:30 BST (its calendar date is the bank's), a card fee, and the council's £280.10 paid in.
OFX = ofx(
    ("DP-0001", "20260420", "-120.00", "PA WAGES J SMITH"),
    ("DP-0002", "20260424103000.000[+1:BST]", "-35.50", "Riverside Swimming Club"),
    ("DP-0003", "20260428", "-1.50", "CARD ACCOUNT FEE"),
    ("DP-0004", "20260501", "280.10", "BRIGHTWATER BC"),
)


def test_an_ofx_file_is_imported_and_a_second_import_is_all_duplicates(funded, parent_user):
    """Every spending line is recorded with its bank id; the council's payment in is not. Imported again, every line
    is the transaction its id names: nothing more is recorded (ADR 10)."""
    item = preview(parent_user, funded, OFX, filename="statement.ofx")
    assert (item.file_format, item.layout) == ("ofx", None)
    lines = list(item.lines.order_by("line_number"))
    assert [(line.fitid, line.posted_on, line.amount, line.is_payment_in) for line in lines] == [
        ("DP-0001", date(2026, 4, 20), Decimal("120.00"), False),
        ("DP-0002", date(2026, 4, 24), Decimal("35.50"), False),
        ("DP-0003", date(2026, 4, 28), Decimal("1.50"), False),
        ("DP-0004", date(2026, 5, 1), Decimal("-280.10"), True),
    ]
    made = services.statement_save(actor=parent_user, statement=item)
    assert [r.fitid for r in made] == ["DP-0001", "DP-0002", "DP-0003"]
    assert balance(funded) == Decimal("330.11") - Decimal("157.00")
    recorded = state(funded)

    again = preview(parent_user, funded, OFX, filename="statement-again.ofx")
    spending = [line for line in again.lines.order_by("line_number") if not line.is_payment_in]
    assert [line.duplicate_of_id for line in spending] == [r.pk for r in made]
    assert all(line.reason.startswith("Already recorded on") for line in spending)
    assert services.statement_save(actor=parent_user, statement=again) == []
    assert state(funded)[2:] == recorded[2:]  # no record, no ledger entry, the same balance


def test_two_identical_payments_on_one_day_with_their_own_bank_ids_are_both_recorded(funded, parent_user):
    """Two swims of £35.50 on the same day are two bank transactions (DP-0002 and DP-0003): both are recorded, as the
    preview says they will be, and the balance falls by both."""
    data = ofx(
        ("DP-0002", "20260424", "-35.50", "Riverside Swimming Club"),
        ("DP-0003", "20260424", "-35.50", "Riverside Swimming Club"),
    )
    item = preview(parent_user, funded, data, filename="statement.ofx")
    assert [line.duplicate_of_id for line in item.lines.all()] == [None, None]
    assert [line.reason for line in item.lines.order_by("line_number")][1] != "The same as an earlier line in this file"
    made = services.statement_save(actor=parent_user, statement=item)
    assert [r.fitid for r in made] == ["DP-0002", "DP-0003"]
    assert balance(funded) == Decimal("330.11") - Decimal("71.00")
