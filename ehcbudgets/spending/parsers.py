"""Reading the statement of a direct payment account: a bank's or card provider's CSV export, read by a CsvLayout,
or an OFX file (version 1, SGML, or version 2, XML) read with ofxtools.

An import is all or nothing: a malformed file is rejected with line numbers, and nothing from it is stored. Every
function here returns every line of the file or raises ValidationError with a list of messages a family can act on
(up to MAX_ERRORS of them, so they see several at once); nothing else escapes for any bytes uploaded.

How values are read (docs/statement-layouts.md says the same for families and councils):

- Encoding: UTF-8 with or without a byte order mark, UTF-16 with a byte order mark, otherwise Windows-1252 (many UK
  bank exports). PDFs, images, spreadsheets, NUL bytes and other binary content are refused.
- The header row may follow a few lines about the account (Nationwide's do); it is looked for in the first
  HEADER_SEARCH_ROWS rows, ignoring case and spaces. Columns may be separated by commas, semicolons or tabs.
- Line numbers are the file's own lines, as a text editor shows them: line 1 is the header when nothing comes before.
- Amounts: "£", "GBP", thousands commas ("1,234.50"), a leading "+" or "-", brackets for a negative ("(12.50)") and a
  "CR" (money in) or "DR" (money out) suffix are understood. Two signs at once ("-12.50 DR") are refused. More than 2
  decimal places are refused unless the extra digits are zeros ("12.500" is £12.50; "12.345" is refused).
- A single signed amount column follows the bank convention, money out negative; a ParsedLine has money out positive.
  With paid-out and paid-in columns, the column says which way the money went and any sign in it is ignored; a "0.00"
  counts as empty. A line of £0.00 (a card check, say) is kept with amount 0.00 for the service to pass over.
- Text: a leading apostrophe (the spreadsheet guard NatWest and Lloyds put before text) is removed, runs of spaces
  become one, the payee is cut to 200 characters and the description to 300. With no payee, the description is used.
- Dates are read with the layout's strptime format. No range check: the service checks the dates.

OFX: transactions (STMTTRN) of one bank (STMTRS) or credit card (CCSTMTRS) statement in pounds. DTPOSTED's calendar
date is taken as the bank wrote it, ignoring time and time zone, so a payment at 00:30 BST stays on its day; TRNAMT is
negated (money out is negative in OFX); NAME (or PAYEE's NAME), else MEMO, is the payee; MEMO the description; FITID
the bank's id. OFX gives no running balance per transaction, so balance is None. A file that ends early or whose tags
do not nest is refused whole rather than read in part.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from ofxtools.Parser import OFXTree, ParseError, TreeBuilder

from ehcbudgets.core.money import PENNY, format_money


@dataclass(frozen=True)
class ParsedLine:
    line_number: int  # the line in the file (CSV: 1 is the header; OFX: the transaction's position, 1-based)
    posted_on: date
    amount: Decimal  # money OUT of the account positive, money IN negative, 2 places
    payee: str  # stripped, at most 200 characters
    description: str  # at most 300 characters
    fitid: str  # the bank's transaction id ("" when the file has none)
    balance: Decimal | None  # the running balance when the file gives one


MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000
MAX_ERRORS = 20
#: How many rows from the top of a CSV may come before its header row (account name, balance, blank lines).
HEADER_SEARCH_ROWS = 20
#: The largest amount a DecimalField(max_digits=12, decimal_places=2) holds.
MAX_AMOUNT = Decimal("9999999999.99")
PAYEE_LENGTH = 200
DESCRIPTION_LENGTH = 300
FITID_LENGTH = 100
DELIMITERS = (",", ";", "\t")

UNREADABLE = "The file is not in a format we can read: save it as CSV (UTF-8) or OFX"
TOO_BIG = "The file is larger than 2 MB"
TOO_MANY_LINES = f"The file has more than {MAX_LINES:,} lines"
NO_LINES = "The file has no lines"
NO_TRANSACTIONS = "The file has no transactions in it: check the dates you chose when you downloaded it"
MORE_ERRORS = f"There are more errors after these {MAX_ERRORS}: correct these first, then upload the file again"
OFX_DAMAGED = "The OFX file is damaged or incomplete: download it again from your bank"

#: Content that is certainly not a statement export: PDF, PNG, JPEG, GIF, ZIP (so .xlsx), old Excel, RIFF (WebP),
#: TIFF, gzip.
_BINARY_SIGNATURES = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"RIFF",
    b"II*\x00",
    b"MM\x00*",
    b"\x1f\x8b",
)
#: Control characters no statement has; a few stray ones become spaces, many mean binary content.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)
_OFX_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)", re.ASCII)
_OFX_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_DATE_WORDS = {
    "d": "day",
    "e": "day",
    "m": "month",
    "b": "month",
    "B": "month",
    "Y": "year",
    "y": "year",
    "H": "hour",
    "M": "minute",
    "S": "second",
}
_LAYOUT_FIELDS = (
    "date_column",
    "amount_column",
    "paid_out_column",
    "paid_in_column",
    "payee_column",
    "description_column",
    "id_column",
    "balance_column",
)
_SYNTHETIC_OFX_HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:UTF-8\r\nCHARSET:NONE\r\n"
    "COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)


# Errors ---------------------------------------------------------------------------------------------------------------


class _Errors:
    """Collects line errors; `stop` turns true once there are more than MAX_ERRORS."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.stop = False

    def add(self, message: str) -> None:
        if len(self.messages) < MAX_ERRORS:
            self.messages.append(message)
        else:
            self.stop = True

    def raise_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages + ([MORE_ERRORS] if self.stop else []))


def _refuse(message: str) -> ValidationError:
    return ValidationError([message])


def _shown(value: str, limit: int = 40) -> str:
    """A value from the file, quoted and shortened, for an error message."""
    value = " ".join(_CONTROL.sub(" ", value).split())
    return f"'{value[:limit]}…'" if len(value) > limit else f"'{value}'"


def _listed(names: Iterable[str], limit: int = 15) -> str:
    names = [n for n in (" ".join(_CONTROL.sub(" ", str(n)).split())[:40] for n in names) if n]
    if not names:
        return "no column names"
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# Bytes to text --------------------------------------------------------------------------------------------------------


def _check_bytes(data: bytes) -> None:
    """Size and binary content, before anything is decoded."""
    if len(data) > MAX_BYTES:
        raise _refuse(TOO_BIG)
    if not data.strip():
        raise _refuse(NO_LINES)
    if data.startswith(_BINARY_SIGNATURES) or data[4:8] == b"ftyp":  # ftyp: HEIC photos and other ISO media
        raise _refuse(UNREADABLE)
    is_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not is_utf16 and b"\x00" in data:
        raise _refuse(UNREADABLE)


def _decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; binary content refused."""
    _check_bytes(data)
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(UNREADABLE)
    text = text.removeprefix("\ufeff").rstrip("\x1a")  # \x1a: the old DOS end-of-file mark
    if "\x00" in text or len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise _refuse(UNREADABLE)
    if not text.strip():
        raise _refuse(NO_LINES)
    return text


def _clean(value: str, limit: int) -> str:
    value = _CONTROL.sub(" ", value).strip()
    if value.startswith("'"):
        value = value[1:]
    return " ".join(value.split())[:limit].rstrip()


def _fitid(value: str) -> str:
    """The bank's id, stripped; one too long for the field is replaced by its hash, so it stays unique."""
    value = _clean(value, 1000)
    if len(value) > FITID_LENGTH:
        return "sha256:" + hashlib.sha256(value.encode()).hexdigest()
    return value


# Money and dates ------------------------------------------------------------------------------------------------------


class _NotMoney(ValueError):
    pass


def _pennies(number: str) -> Decimal:
    """A plain unsigned number as pounds and pence; refused with more than 2 decimal places or too large."""
    value = Decimal(number)
    if value > MAX_AMOUNT:
        raise _NotMoney(f"is more than {format_money(MAX_AMOUNT)}")
    if value != value.quantize(PENNY):
        raise _NotMoney("is not an amount of money: it has more than 2 decimal places")
    return value.quantize(PENNY)


def _zero_safe(value: Decimal) -> Decimal:
    return value if value != 0 else Decimal("0.00")


def _money(text: str) -> Decimal:
    """A money cell, signed as the bank wrote it (money in positive). Raises _NotMoney with the reason."""
    rest = text.strip()
    marks = 0  # brackets, signs and CR/DR each say which way the money went; more than one is ambiguous
    negative = False
    if rest.startswith("(") and rest.endswith(")"):
        rest, negative, marks = rest[1:-1].strip(), True, marks + 1
    suffix = rest[-2:].upper()
    if suffix in ("CR", "DR") and len(rest) > 2:
        rest, negative, marks = rest[:-2].rstrip(), suffix == "DR", marks + 1
    if rest.upper().endswith("GBP"):
        rest = rest[:-3].rstrip()
    currency = 0
    while rest:
        if rest[0] in "-−+":
            negative, marks, rest = rest[0] != "+", marks + 1, rest[1:].lstrip()
        elif rest[0] == "£":
            currency, rest = currency + 1, rest[1:].lstrip()
        elif rest[:3].upper() == "GBP":
            currency, rest = currency + 1, rest[3:].lstrip()
        else:
            break
    if marks > 1 or currency > 1 or not _NUMBER.fullmatch(rest):
        raise _NotMoney("is not an amount of money")
    value = _pennies(rest.replace(",", ""))
    return _zero_safe(-value if negative else value)


def _describe_format(fmt: str) -> str:
    """'%d/%m/%Y' -> 'day/month/year'; formats with month names or times also get an example."""
    words = re.sub(r"%(.)", lambda m: _DATE_WORDS.get(m.group(1), m.group(0)), fmt)
    if re.search(r"%[bByHMS]", fmt):
        words += f", like {datetime(2026, 11, 22, 9, 30).strftime(fmt)}"
    return words


def _parse_date(text: str, fmt: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), fmt).date()
    except ValueError:
        return None


# CSV ------------------------------------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def _columns(layout: Any) -> dict[str, str]:
    """The layout's column names by role, blank ones left out."""
    found = {}
    for field in _LAYOUT_FIELDS:
        value = (getattr(layout, field, "") or "").strip()
        if value:
            found[field] = value
    return found


def _layout_name(layout: Any) -> str:
    return str(getattr(layout, "name", "") or "this layout")


def _check_layout(layout: Any, columns: dict[str, str]) -> None:
    has_amounts = "amount_column" in columns or ("paid_out_column" in columns and "paid_in_column" in columns)
    has_format = bool(getattr(layout, "date_format", ""))
    if not (has_amounts and has_format and "date_column" in columns and "payee_column" in columns):
        raise _refuse(f"The layout {_layout_name(layout)} does not say which columns hold the date, amount and payee")


def _needed(columns: dict[str, str]) -> list[str]:
    return list(dict.fromkeys(_norm(name) for name in columns.values()))


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record in the file, cells). A blank line is a record with no cells."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger" in str(error):
                message = f"Line {last + 1}: a cell is longer than {csv.field_size_limit():,} characters"
            else:
                message = f"Line {last + 1}: this line cannot be read as CSV"
            raise _refuse(message) from error
        yield last + 1, row
        last = reader.line_num


def _top(text: str, delimiter: str, rows: int) -> list[tuple[int, list[str]]]:
    """The first `rows` records, or those before one that cannot be read (the full parse reports that one)."""
    found: list[tuple[int, list[str]]] = []
    try:
        for record in _records(text, delimiter):
            found.append(record)
            if len(found) >= rows:
                break
    except ValidationError:
        pass
    return found


@dataclass
class _Header:
    delimiter: str
    ordinal: int  # the header's position among the records
    cells: list[str]


def _find_header(tops: dict[str, list[tuple[int, list[str]]]], needed: list[str]) -> _Header | None:
    for delimiter, records in tops.items():
        for ordinal, (_line, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
            names = {_norm(c) for c in cells}
            if all(n in names for n in needed):
                return _Header(delimiter, ordinal, cells)
    return None


def _tops(text: str) -> dict[str, list[tuple[int, list[str]]]]:
    """The first records under each delimiter: enough for the header and the first line below it."""
    return {d: _top(text, d, HEADER_SEARCH_ROWS * 2) for d in DELIMITERS}


def _columns_found(tops: dict[str, list[tuple[int, list[str]]]]) -> list[str]:
    """The file's first non-blank row, split the way that gives the most cells: what a family would call its columns."""
    best: list[str] = []
    for records in tops.values():
        first = next((cells for _line, cells in records if any(c.strip() for c in cells)), [])
        if len(first) > len(best):
            best = first
    return [c.strip() for c in best]


def _mismatch(layout: Any, columns: dict[str, str], tops: dict[str, list[tuple[int, list[str]]]]) -> ValidationError:
    needs = _listed(dict.fromkeys(columns.values()))
    has = _listed(_columns_found(tops))
    return _refuse(f"The columns do not match {_layout_name(layout)}: it needs {needs} and the file has {has}")


def _parse_rows(text: str, layout: Any, columns: dict[str, str], header: _Header) -> list[ParsedLine]:
    header_cells = list(header.cells)
    while header_cells and not header_cells[-1].strip():
        header_cells.pop()
    width = len(header_cells)
    position: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        position.setdefault(_norm(cell), index)
    at = {role: position[_norm(name)] for role, name in columns.items()}

    rows: list[tuple[int, list[str]]] = []
    for ordinal, (line, cells) in enumerate(_records(text, header.delimiter)):
        if ordinal <= header.ordinal or not any(c.strip() for c in cells):
            continue
        rows.append((line, cells))
        if len(rows) > MAX_LINES:
            raise _refuse(TOO_MANY_LINES)
    if not rows:
        raise _refuse(NO_TRANSACTIONS)

    fmt = layout.date_format
    expected = _describe_format(fmt)
    errors = _Errors()
    lines: list[ParsedLine] = []
    for line, cells in rows:
        if errors.stop:
            break
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]  # a trailing comma (NatWest's rows end with one)
        if len(cells) != width:
            errors.add(f"Line {line}: it has {len(cells)} columns but the header row has {width}")
            continue
        parsed = _parse_row(line, cells, at, fmt, expected, errors)
        if parsed is not None:
            lines.append(parsed)
    errors.raise_any()
    return lines


def _parse_row(
    line: int, cells: list[str], at: dict[str, int], fmt: str, expected: str, errors: _Errors
) -> ParsedLine | None:
    def cell(role: str) -> str:
        return cells[at[role]] if role in at else ""

    problems: list[str] = []
    raw_date = cell("date_column").strip()
    posted_on = _parse_date(raw_date, fmt) if raw_date else None
    if not raw_date:
        problems.append("the date is empty")
    elif posted_on is None:
        problems.append(f"{_shown(raw_date)} is not a real date (expected {expected})")

    amount = None
    if "amount_column" in at:
        raw = cell("amount_column").strip()
        if not raw:
            problems.append("the amount is empty")
        else:
            try:
                amount = -_money(raw)
            except _NotMoney as reason:
                problems.append(f"{_shown(raw)} {reason}")
    else:
        out_raw, in_raw = cell("paid_out_column").strip(), cell("paid_in_column").strip()
        if not out_raw and not in_raw:
            problems.append("both paid out and paid in are empty")
        else:
            values = []
            for raw in (out_raw, in_raw):
                try:
                    values.append(abs(_money(raw)) if raw else Decimal("0.00"))
                except _NotMoney as reason:
                    problems.append(f"{_shown(raw)} {reason}")
            if len(values) == 2:
                paid_out, paid_in = values
                if paid_out and paid_in:
                    problems.append("both paid out and paid in have an amount")
                else:
                    amount = paid_out - paid_in

    balance = None
    raw_balance = cell("balance_column").strip()
    if raw_balance:
        try:
            balance = _money(raw_balance)
        except _NotMoney as reason:
            problems.append(f"the balance {_shown(raw_balance)} {reason}")

    payee = _clean(cell("payee_column"), PAYEE_LENGTH)
    description = ""
    if "description_column" in at and at["description_column"] != at["payee_column"]:
        description = _clean(cell("description_column"), DESCRIPTION_LENGTH)
    if not payee:
        payee = description[:PAYEE_LENGTH].rstrip()
    if not payee:
        problems.append("there is no payee or description")

    for problem in problems:
        errors.add(f"Line {line}: {problem}")
    if problems or posted_on is None or amount is None:
        return None
    return ParsedLine(
        line_number=line,
        posted_on=posted_on,
        amount=_zero_safe(amount),
        payee=payee,
        description=description,
        fitid=_fitid(cell("id_column")),
        balance=balance,
    )


def _parse_csv_text(text: str, layout: Any) -> list[ParsedLine]:
    columns = _columns(layout)
    _check_layout(layout, columns)
    tops = _tops(text)
    header = _find_header(tops, _needed(columns))
    if header is None:
        raise _mismatch(layout, columns, tops)
    return _parse_rows(text, layout, columns, header)


def parse_csv(data: bytes, layout: Any) -> list[ParsedLine]:
    """Every line of a CSV export read by `layout` (a CsvLayout or any object with its attributes), or
    ValidationError."""
    return _parse_csv_text(_decode(data), layout)


def _detect(text: str, layouts: Iterable[Any]) -> Any | None:
    """The layout whose columns are all in a header row. When several fit, the one naming the most columns wins, then
    the one whose date format reads the first line; then the first given."""
    tops = _tops(text)
    best, best_score = None, None
    for layout in layouts:
        columns = _columns(layout)
        try:
            _check_layout(layout, columns)
        except ValidationError:
            continue
        needed = _needed(columns)
        header = _find_header(tops, needed)
        if header is None:
            continue
        score = (len(needed), _first_date_reads(tops[header.delimiter], header, columns, layout.date_format))
        if best_score is None or score > best_score:
            best, best_score = layout, score
    return best


def _first_date_reads(records: list[tuple[int, list[str]]], header: _Header, columns: dict[str, str], fmt: str) -> bool:
    names = [_norm(c) for c in header.cells]
    index = names.index(_norm(columns["date_column"]))
    for _line, cells in records[header.ordinal + 1 :]:
        if any(c.strip() for c in cells):
            return index < len(cells) and _parse_date(cells[index], fmt) is not None
    return False


def detect_layout(data: bytes, layouts: Iterable[Any]) -> Any | None:
    """The layout whose columns all appear in the header row, or None (also for a file that is not text)."""
    try:
        text = _decode(data)
    except ValidationError:
        return None
    return _detect(text, layouts)


# OFX ------------------------------------------------------------------------------------------------------------------


class _StrictBuilder(TreeBuilder):
    """ofxtools' tree builder, checking that every end tag closes the element open, so a file that stops early or has
    a tag missing is refused whole instead of read in part."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> Any:  # type: ignore[override]
        self.open.append(tag)
        return super().start(tag, attrs)

    def end(self, tag: str) -> Any:  # type: ignore[override]
        if not self.open or self.open[-1] != tag:
            raise ParseError(f"</{tag}> does not close the open element")
        self.open.pop()
        return super().end(tag)


def _ofx_tree(data: bytes) -> Any:
    def parse(source: bytes) -> Any:
        builder = _StrictBuilder()
        root = OFXTree().parse(io.BytesIO(source), parser=builder)
        if builder.open or root is None or root.tag != "OFX":
            raise ParseError("the OFX element is not complete")
        return root

    raw = data.removeprefix(codecs.BOM_UTF8)
    if b"OFXHEADER" in raw[:1024].upper():
        try:
            return parse(raw)
        except (UnicodeDecodeError, SyntaxError) as error:
            # A header ofxtools cannot read (OFXHeaderError and ParseError are SyntaxErrors), or a body not in the
            # character set the header declares: read it again below with a plain header and the text we decode.
            first_error: Exception | None = error
        except Exception as error:
            raise _refuse(OFX_DAMAGED) from error
    else:
        first_error = None
    text = _decode(data)
    start = re.search(r"<OFX>", text, flags=re.IGNORECASE)
    if start is None:
        raise _refuse(OFX_DAMAGED) from first_error
    try:
        return parse((_SYNTHETIC_OFX_HEADER + text[start.start() :]).encode("utf-8"))
    except Exception as error:
        raise _refuse(OFX_DAMAGED) from error


def _ofx_text(element: Any, path: str) -> str:
    found = element.find(path)
    if found is None or found.text is None:
        return ""
    return html.unescape(found.text).strip()


def parse_ofx(data: bytes) -> list[ParsedLine]:
    """Every transaction of an OFX statement (version 1 or 2), or ValidationError."""
    _check_bytes(data)
    root = _ofx_tree(data)
    statements = [*root.iter("STMTRS"), *root.iter("CCSTMTRS")]
    if not statements:
        raise _refuse("The OFX file has no bank or card statement in it: download your account's transactions")
    if len(statements) > 1:
        raise _refuse(
            f"The file has statements for {len(statements)} accounts: download the direct payment account on its own"
        )
    statement = statements[0]
    currency = _ofx_text(statement, "CURDEF").upper() or "GBP"
    if currency != "GBP":
        raise _refuse(f"The statement is in {currency[:10]}, not pounds: download the direct payment account")
    transactions = statement.findall("BANKTRANLIST/STMTTRN")
    if not transactions:
        raise _refuse(NO_TRANSACTIONS)
    if len(transactions) > MAX_LINES:
        raise _refuse(TOO_MANY_LINES)

    errors = _Errors()
    lines: list[ParsedLine] = []
    for position, transaction in enumerate(transactions, start=1):
        if errors.stop:
            break
        parsed = _parse_transaction(position, transaction, errors)
        if parsed is not None:
            lines.append(parsed)
    errors.raise_any()
    return lines


def _parse_transaction(position: int, transaction: Any, errors: _Errors) -> ParsedLine | None:
    problems: list[str] = []
    raw_date = _ofx_text(transaction, "DTPOSTED")
    posted_on = None
    match = _OFX_DATE.match(raw_date)
    if match:
        try:
            posted_on = date(*(int(part) for part in match.groups()))
        except ValueError:
            posted_on = None
    if not raw_date:
        problems.append("the date is missing")
    elif posted_on is None:
        problems.append(f"{_shown(raw_date)} is not a real date (expected year, month, day, like 20261122)")

    amount = None
    raw_amount = _ofx_text(transaction, "TRNAMT")
    if not raw_amount:
        problems.append("the amount is missing")
    elif not _OFX_NUMBER.fullmatch(raw_amount):
        problems.append(f"{_shown(raw_amount)} is not an amount of money")
    else:
        try:
            value = _pennies(raw_amount.lstrip("+-").replace(",", ".") or "0")
            amount = _zero_safe(value if raw_amount.startswith("-") else -value)
        except (_NotMoney, InvalidOperation) as reason:
            problems.append(f"{_shown(raw_amount)} {reason}")
    if transaction.find("CURRENCY") is not None:
        problems.append("the amount is in another currency")

    memo = _clean(_ofx_text(transaction, "MEMO"), DESCRIPTION_LENGTH)
    payee = _clean(_ofx_text(transaction, "NAME") or _ofx_text(transaction, "PAYEE/NAME"), PAYEE_LENGTH)
    description = memo
    if not payee:
        payee, description = memo[:PAYEE_LENGTH].rstrip(), ""
    if not payee:
        problems.append("there is no payee or memo")

    for problem in problems:
        errors.add(f"Transaction {position}: {problem}")
    if problems or posted_on is None or amount is None:
        return None
    return ParsedLine(
        line_number=position,
        posted_on=posted_on,
        amount=amount,
        payee=payee,
        description=description,
        fitid=_fitid(_ofx_text(transaction, "FITID")),
        balance=None,
    )


# The whole statement --------------------------------------------------------------------------------------------------


def fingerprint(line: ParsedLine) -> str:
    """sha256 hex of date|amount|normalised payee|balance ("" if none): the same payment read twice hashes the same."""
    payee = " ".join(line.payee.split()).casefold()
    balance = "" if line.balance is None else f"{_zero_safe(line.balance):.2f}"
    text = f"{line.posted_on.isoformat()}|{_zero_safe(line.amount):.2f}|{payee}|{balance}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _looks_like_ofx(data: bytes, filename: str) -> bool:
    head = data[:1024].removeprefix(codecs.BOM_UTF8).upper()
    return b"OFXHEADER" in head or b"<OFX>" in head or filename.lower().endswith((".ofx", ".qfx"))


def read_statement(data: bytes, filename: str, layouts: Iterable[Any]) -> tuple[str, Any | None, list[ParsedLine]]:
    """Decide the format (OFX by content: OFXHEADER or <OFX>, or a name ending .ofx or .qfx; else CSV), pick the
    layout for a CSV (raise if none fits, naming the columns found; with one layout given, the family's choice, say
    how the file differs from it), and parse. Returns ("ofx" or "csv", the layout or None, the lines)."""
    _check_bytes(data)
    if _looks_like_ofx(data, filename):
        return "ofx", None, parse_ofx(data)
    text = _decode(data)
    if text.lstrip().startswith(("!Type:", "!Account", "!Option")):  # QIF, the old Quicken format
        raise _refuse(UNREADABLE)
    layouts = list(layouts)
    if len(layouts) == 1:  # the family chose their bank: say how the file differs from that layout
        return "csv", layouts[0], _parse_csv_text(text, layouts[0])
    layout = _detect(text, layouts)
    if layout is None:
        found = _listed(_columns_found(_tops(text)))
        raise _refuse(
            f"The columns in the file do not match any bank's layout we know: the file has {found}. "
            "Choose your bank's layout, or ask your council to add one"
        )
    return "csv", layout, _parse_csv_text(text, layout)
