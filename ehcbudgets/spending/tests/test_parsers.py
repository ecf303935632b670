"""Reading statements: real bytes through the real parsers, CSV by every shipped layout and OFX 1 and 2 through
ofxtools. An import is all or nothing: every malformed file is refused with its line numbers and nothing returned."""

import codecs
import csv
import hashlib
import importlib
import io
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from ehcbudgets.spending import parsers
from ehcbudgets.spending.models import CsvLayout
from ehcbudgets.spending.parsers import (
    MAX_BYTES,
    MAX_ERRORS,
    MAX_LINES,
    ParsedLine,
    detect_layout,
    fingerprint,
    parse_csv,
    parse_ofx,
    read_statement,
)

SHIPPED = importlib.import_module("ehcbudgets.spending.migrations.0002_shipped_csv_layouts").LAYOUTS
#: The shipped layouts as unsaved CsvLayout instances, so most tests need no database.
LAYOUTS = [CsvLayout(**spec) for spec in SHIPPED]
BY_NAME = {layout.name: layout for layout in LAYOUTS}
GENERIC = BY_NAME["Generic: Date, Description, Amount, Balance"]
GENERIC_TWO = BY_NAME["Generic: Date, Description, Paid out, Paid in, Balance"]
NATWEST = "NatWest and Royal Bank of Scotland"
NATWEST_NAMED_MONTHS = "NatWest and Royal Bank of Scotland (dates like 22 Nov 2026)"

UNREADABLE = "The file is not in a format we can read: save it as CSV (UTF-8) or OFX"


def refused(call, *args) -> list[str]:
    """The messages of the ValidationError the call raises (it must raise one: nothing is returned)."""
    with pytest.raises(ValidationError) as caught:
        call(*args)
    return caught.value.messages


def line(n, on, amount, payee, description="", fitid="", balance=None) -> ParsedLine:
    return ParsedLine(
        line_number=n,
        posted_on=on,
        amount=Decimal(amount),
        payee=payee,
        description=description,
        fitid=fitid,
        balance=None if balance is None else Decimal(balance),
    )


def generic(*rows: str, header: str = "Date,Description,Amount,Balance") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


# Every shipped layout, from a sample of its bank's file ---------------------------------------------------------------

BARCLAYS = b"""Number,Date,Account,Amount,Subcategory,Memo
,03/08/2026,20-00-00 12345678,-10.99,PAYMENT,NETFLIX.COM         ON 02 AUG          BCC
0,15/07/2026,20-00-00 12345678,500.00,DIRECTDEP,BRIGHTWATER COUNCIL DP
0,16/07/2026,20-00-00 12345678,-1234.56,FT,SUNNY DAYS PLAYSCHEME
"""

LLOYDS = b"""\
Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,\
Balance
28/08/2026,FPI,'30-91-74,02344812,BRIGHTWATER COUNCIL DP,,500.00,512.50
29/08/2026,DEB,'30-91-74,02344812,SWIM ACADEMY,45.00,,467.50
30/08/2026,DD,'30-91-74,02344812,PAYROLL BUREAU,472.50,,-5.00
"""

NATWEST_SLASHES = b"""Date, Type, Description, Value, Balance, Account Name, Account Number

31/10/2026,D/D,"'PAYROLL BUREAU",-40.00,1781.21,"'DP ACCOUNT","'600008-49127454",
02/11/2026,POS,"'4545 01NOV26 , SENSORY TOYS LTD, LEEDS GB",-8.64,1772.57,"'DP ACCOUNT","'600008-49127454",
03/11/2026,BAC,"'BRIGHTWATER BC",600.00,2372.57,"'DP ACCOUNT","'600008-49127454",
"""

NATWEST_MONTHS = b"""Date,Type,Description,Value,Balance,Account Name,Account Number
15 Apr 2026,POS,COFFEE AND CRAFT CLUB,-3.50,996.50,DP ACCOUNT,600008-49127454
16 Apr 2026,BAC,BRIGHTWATER BC,1200.00,2196.50,DP ACCOUNT,600008-49127454
"""

NATIONWIDE = (
    '"Account Name:","FlexAccount ****45678"\r\n'
    '"Account Balance:","£1,252.70"\r\n'
    '"Available Balance: ","£1,252.70"\r\n'
    "\r\n"
    '"Date","Transaction type","Description","Paid out","Paid in","Balance"\r\n'
    '"02 Oct 2026","Contactless payment","Café Rêve £5 deal","£12.40","","£987.60"\r\n'
    '"04 Oct 2026","Transfer from","BRIGHTWATER BC","","£1,250.00","£2,237.60"\r\n'
).encode("cp1252")

MONZO = (
    "Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,Local currency,"
    "Notes and #tags,Address,Receipt,Description,Category split\r\n"
    "tx_0000AbCdEf1,05/11/2026,10:14:02,Card payment,Riverside Leisure,🏊,entertainment,-24.00,GBP,-24.00,GBP,"
    ",1 River Road,,RIVERSIDE LEISURE LONDON GBR,\r\n"
    "tx_0000AbCdEf2,06/11/2026,09:00:00,Card payment,Toy Shop,,shopping,-27.50,GBP,-32.00,EUR,,,,TOY SHOP PARIS,\r\n"
    "tx_0000AbCdEf3,07/11/2026,12:00:00,Card payment,Riverside Leisure,,entertainment,6.00,GBP,6.00,GBP,"
    "refund,,,RIVERSIDE LEISURE LONDON GBR,\r\n"
).encode()

STARLING = b"""Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes
03/06/2026,Brightwater BC,DP JUNE,FASTER PAYMENT,600.00,1210.44,INCOME,
04/06/2026,Sam Carer,WAGES WK 22,FASTER PAYMENT,-210.00,1000.44,GENERAL,
"""

GENERIC_AMOUNTS = b"""Date,Description,Amount,Balance
01/11/2026,Therapy Rooms Ltd,-60.00,940.00
02/11/2026,Brightwater BC,500.00,1440.00
"""

GENERIC_PAID = b"""Date,Description,Paid out,Paid in,Balance
01/11/2026,Card fee,1.50,,98.50
02/11/2026,Card load,,250.00,348.50
"""

SAMPLES = [
    (
        "Barclays",
        BARCLAYS,
        [
            line(2, date(2026, 8, 3), "10.99", "NETFLIX.COM ON 02 AUG BCC", "PAYMENT"),
            line(3, date(2026, 7, 15), "-500.00", "BRIGHTWATER COUNCIL DP", "DIRECTDEP"),
            line(4, date(2026, 7, 16), "1234.56", "SUNNY DAYS PLAYSCHEME", "FT"),
        ],
    ),
    (
        "Lloyds, Halifax and Bank of Scotland",
        LLOYDS,
        [
            line(2, date(2026, 8, 28), "-500.00", "BRIGHTWATER COUNCIL DP", "FPI", balance="512.50"),
            line(3, date(2026, 8, 29), "45.00", "SWIM ACADEMY", "DEB", balance="467.50"),
            line(4, date(2026, 8, 30), "472.50", "PAYROLL BUREAU", "DD", balance="-5.00"),
        ],
    ),
    (
        NATWEST,
        NATWEST_SLASHES,
        [
            line(3, date(2026, 10, 31), "40.00", "PAYROLL BUREAU", "D/D", balance="1781.21"),
            line(4, date(2026, 11, 2), "8.64", "4545 01NOV26 , SENSORY TOYS LTD, LEEDS GB", "POS", balance="1772.57"),
            line(5, date(2026, 11, 3), "-600.00", "BRIGHTWATER BC", "BAC", balance="2372.57"),
        ],
    ),
    (
        NATWEST_NAMED_MONTHS,
        NATWEST_MONTHS,
        [
            line(2, date(2026, 4, 15), "3.50", "COFFEE AND CRAFT CLUB", "POS", balance="996.50"),
            line(3, date(2026, 4, 16), "-1200.00", "BRIGHTWATER BC", "BAC", balance="2196.50"),
        ],
    ),
    (
        "Nationwide",
        NATIONWIDE,
        [
            line(6, date(2026, 10, 2), "12.40", "Café Rêve £5 deal", "Contactless payment", balance="987.60"),
            line(7, date(2026, 10, 4), "-1250.00", "BRIGHTWATER BC", "Transfer from", balance="2237.60"),
        ],
    ),
    (
        "Monzo",
        MONZO,
        [
            line(2, date(2026, 11, 5), "24.00", "Riverside Leisure", "RIVERSIDE LEISURE LONDON GBR", "tx_0000AbCdEf1"),
            line(3, date(2026, 11, 6), "27.50", "Toy Shop", "TOY SHOP PARIS", "tx_0000AbCdEf2"),
            line(4, date(2026, 11, 7), "-6.00", "Riverside Leisure", "RIVERSIDE LEISURE LONDON GBR", "tx_0000AbCdEf3"),
        ],
    ),
    (
        "Starling",
        STARLING,
        [
            line(2, date(2026, 6, 3), "-600.00", "Brightwater BC", "DP JUNE", balance="1210.44"),
            line(3, date(2026, 6, 4), "210.00", "Sam Carer", "WAGES WK 22", balance="1000.44"),
        ],
    ),
    (
        "Generic: Date, Description, Amount, Balance",
        GENERIC_AMOUNTS,
        [
            line(2, date(2026, 11, 1), "60.00", "Therapy Rooms Ltd", balance="940.00"),
            line(3, date(2026, 11, 2), "-500.00", "Brightwater BC", balance="1440.00"),
        ],
    ),
    (
        "Generic: Date, Description, Paid out, Paid in, Balance",
        GENERIC_PAID,
        [
            line(2, date(2026, 11, 1), "1.50", "Card fee", balance="98.50"),
            line(3, date(2026, 11, 2), "-250.00", "Card load", balance="348.50"),
        ],
    ),
]


def test_every_shipped_layout_has_a_sample_here():
    assert sorted(name for name, _data, _lines in SAMPLES) == sorted(BY_NAME)


@pytest.mark.parametrize(("name", "data", "expected"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_each_shipped_layout_reads_its_banks_file(name, data, expected):
    assert parse_csv(data, BY_NAME[name]) == expected
    file_format, layout, lines = read_statement(data, "statement.csv", LAYOUTS)
    assert (file_format, layout.name, lines) == ("csv", name, expected)


@pytest.mark.parametrize(("name", "data"), [(s[0], s[1]) for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_detect_layout_picks_the_banks_layout_whatever_the_order(name, data):
    assert detect_layout(data, LAYOUTS).name == name
    assert detect_layout(data, list(reversed(LAYOUTS))).name == name


def test_detect_layout_prefers_the_layout_naming_more_columns():
    # A Nationwide file has every column of the generic paid-out/paid-in layout too.
    assert detect_layout(NATIONWIDE, [GENERIC_TWO, BY_NAME["Nationwide"]]).name == "Nationwide"


def test_detect_layout_tells_layouts_with_the_same_columns_apart_by_the_first_date():
    both = [BY_NAME[NATWEST], BY_NAME[NATWEST_NAMED_MONTHS]]
    assert detect_layout(NATWEST_SLASHES, both).name == NATWEST
    assert detect_layout(NATWEST_MONTHS, both).name == NATWEST_NAMED_MONTHS
    assert detect_layout(NATWEST_MONTHS, list(reversed(both))).name == NATWEST_NAMED_MONTHS


@pytest.mark.parametrize(
    "data",
    [
        b"Posted,Merchant,Spent\n01/11/2026,Shop,1.00\n",
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"Date,Description\n01/11/2026,Shop\n",
    ],
    ids=["unknown columns", "empty", "png", "too few columns"],
)
def test_detect_layout_is_none_for_a_file_no_layout_fits(data):
    assert detect_layout(data, LAYOUTS) is None


@pytest.mark.django_db
def test_the_migration_ships_every_layout_with_its_notes():
    saved = {layout.name: layout for layout in CsvLayout.objects.all()}
    assert set(saved) >= set(BY_NAME)
    for spec in SHIPPED:
        layout = saved[spec["name"]]
        layout.full_clean()
        for field, value in spec.items():
            assert getattr(layout, field) == value
        assert layout.notes and ("day/month/year" in layout.notes or "22 Nov 2026" in layout.notes)


@pytest.mark.django_db
def test_reading_with_the_saved_layouts():
    file_format, layout, lines = read_statement(STARLING, "starling.csv", CsvLayout.objects.all())
    assert (file_format, layout, len(lines)) == ("csv", CsvLayout.objects.get(name="Starling"), 2)
    assert detect_layout(LLOYDS, CsvLayout.objects.all()).name == "Lloyds, Halifax and Bank of Scotland"


# Encodings ------------------------------------------------------------------------------------------------------------

ACCENTED = "01/11/2026,Café £ Crème,-4.20,95.80"


def test_utf8_with_a_byte_order_mark():
    data = codecs.BOM_UTF8 + generic(ACCENTED)
    assert read_statement(data, "s.csv", LAYOUTS)[2] == [
        line(2, date(2026, 11, 1), "4.20", "Café £ Crème", balance="95.80")
    ]


def test_windows_1252_pound_sign_and_accent():
    data = generic(ACCENTED).decode().encode("cp1252")
    assert b"\xa3" in data and b"\xe9" in data  # one byte each: not UTF-8
    assert parse_csv(data, GENERIC)[0].payee == "Café £ Crème"


def test_utf16_with_a_byte_order_mark_and_tabs_as_excel_saves_unicode_text():
    text = "Date\tDescription\tAmount\tBalance\r\n01/11/2026\tCafé £ Crème\t-4.20\t95.80\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert parse_csv(data, GENERIC)[0].payee == "Café £ Crème"


def test_bytes_no_encoding_reads_are_refused():
    # 0x81 is not a character in Windows-1252, and 0xC3 0x28 is not UTF-8.
    data = b"Date,Description,Amount,Balance\r\n01/11/2026,Shop \x81\xc3(,-1.00,1\r\n"
    assert refused(parse_csv, data, GENERIC) == [UNREADABLE]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
        b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00\x00\x00\x18ftypheic",
        b"Date,Description,Amount,Balance\r\n01/11/2026,Shop\x00,-1.00,1\r\n",
        b"Date,Description,Amount,Balance\r\n" + bytes(range(1, 9)) * 20,
    ],
    ids=["pdf", "png", "jpeg", "xlsx", "xls", "heic", "nul byte", "control characters"],
)
def test_binary_content_uploaded_by_mistake_is_refused(data):
    assert refused(read_statement, data, "statement.csv", LAYOUTS) == [UNREADABLE]
    assert refused(parse_csv, data, GENERIC) == [UNREADABLE]


def test_a_quicken_qif_file_is_refused():
    data = b"!Type:Bank\nD01/11/2026\nT-12.50\nPShop\n^\n"
    assert refused(read_statement, data, "statement.qif", LAYOUTS) == [UNREADABLE]


# Sizes ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\r\n  \r\n", codecs.BOM_UTF8], ids=["empty", "blank lines", "bom only"])
def test_an_empty_file_has_no_lines(data):
    assert refused(read_statement, data, "s.csv", LAYOUTS) == ["The file has no lines"]
    assert refused(parse_csv, data, GENERIC) == ["The file has no lines"]


def test_a_header_with_no_lines_below_it_is_refused():
    assert refused(parse_csv, generic(), GENERIC) == [parsers.NO_TRANSACTIONS]


def test_a_file_just_over_2_mb_is_refused_before_it_is_read():
    row = b"01/11/2026,Shop,-1.00,1.00\r\n"
    whole = b"Date,Description,Amount,Balance\r\n" + row * (MAX_BYTES // len(row) + 1)
    data = whole[: MAX_BYTES + 1]
    for call, args in [(parse_csv, (data, GENERIC)), (read_statement, (data, "s.csv", LAYOUTS)), (parse_ofx, (data,))]:
        assert refused(call, *args) == ["The file is larger than 2 MB"]
    # Exactly 2 MB is not too large (these rows are too many, though).
    assert refused(parse_csv, whole[:MAX_BYTES], GENERIC) == ["The file has more than 5,000 lines"]


def test_5000_lines_are_read_and_5001_refused():
    rows = [
        f"{date(2026, 1, 1) + timedelta(days=i % 300):%d/%m/%Y},Shop {i},-1.00,{i}.00" for i in range(MAX_LINES + 1)
    ]
    assert len(parse_csv(generic(*rows[:MAX_LINES]), GENERIC)) == MAX_LINES
    assert refused(parse_csv, generic(*rows), GENERIC) == ["The file has more than 5,000 lines"]


def test_a_cell_too_long_for_csv_is_refused_with_its_line():
    data = generic("01/11/2026,Shop,-1.00,1.00", f'02/11/2026,"{"x" * 200_000}",-1.00,1.00')
    [message] = refused(parse_csv, data, GENERIC)
    assert message.startswith("Line 3: a cell is longer than")


# Malformed lines: refused with the line number, nothing returned ------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("31/02/2026,Shop,-1.00,1", "Line 2: '31/02/2026' is not a real date (expected day/month/year)"),
        ("2026-02-03,Shop,-1.00,1", "Line 2: '2026-02-03' is not a real date (expected day/month/year)"),
        (",Shop,-1.00,1", "Line 2: the date is empty"),
        ("01/11/2026,Shop,12.3.4,1", "Line 2: '12.3.4' is not an amount of money"),
        ("01/11/2026,Shop,,1", "Line 2: the amount is empty"),
        (
            "01/11/2026,Shop,12.345,1",
            "Line 2: '12.345' is not an amount of money: it has more than 2 decimal places",
        ),
        ("01/11/2026,Shop,10000000000.00,1", "Line 2: '10000000000.00' is more than £9,999,999,999.99"),
        ("01/11/2026,Shop,-1.00,lots", "Line 2: the balance 'lots' is not an amount of money"),
        ("01/11/2026,,-1.00,1", "Line 2: there is no payee or description"),
        ("01/11/2026,Shop,-1.00", "Line 2: it has 3 columns but the header row has 4"),
        ("01/11/2026,Shop,-1.00,1,extra", "Line 2: it has 5 columns but the header row has 4"),
    ],
)
def test_a_malformed_line_is_refused_with_its_number(row, message):
    data = generic(row, "04/11/2026,Fine,-3.00,2")  # the bad row is line 2
    assert refused(parse_csv, data, GENERIC) == [message]


def test_the_date_message_describes_a_month_name_format():
    data = NATWEST_MONTHS.replace(b"16 Apr 2026", b"31 Apr 2026")
    assert refused(parse_csv, data, BY_NAME[NATWEST_NAMED_MONTHS]) == [
        "Line 3: '31 Apr 2026' is not a real date (expected day month year, like 22 Nov 2026)"
    ]


def test_paid_out_and_paid_in_both_empty_or_both_filled():
    data = b"".join(
        [
            GENERIC_PAID,
            *[b"03/11/2026,Card load,,5.00,353.50\n"] * 5,
            b"09/11/2026,Mystery,,,353.50\n",  # line 9
            b"10/11/2026,Both,2.00,3.00,354.50\n",
        ]
    )
    assert refused(parse_csv, data, GENERIC_TWO) == [
        "Line 9: both paid out and paid in are empty",
        "Line 10: both paid out and paid in have an amount",
    ]


def test_a_zero_in_the_other_column_counts_as_empty_and_a_zero_line_is_kept():
    data = GENERIC_PAID + b"03/11/2026,Card check,0.00,,348.50\n04/11/2026,Shop,2.00,0.00,346.50\n"
    lines = parse_csv(data, GENERIC_TWO)
    assert [(x.amount, str(x.amount)) for x in lines[2:]] == [(Decimal("0.00"), "0.00"), (Decimal("2.00"), "2.00")]


def test_several_errors_are_shown_at_once_in_line_order():
    data = generic(
        "01/11/2026,Fine,-1.00,1",
        "99/11/2026,Shop,-1.00,1",
        "01/11/2026,Fine,-1.00,1",
        "01/11/2026,Shop,abc,x",
    )
    assert refused(parse_csv, data, GENERIC) == [
        "Line 3: '99/11/2026' is not a real date (expected day/month/year)",
        "Line 5: 'abc' is not an amount of money",
        "Line 5: the balance 'x' is not an amount of money",
    ]


def test_at_most_20_errors_then_a_note_that_there_are_more():
    data = generic(*[f"0{i % 9 + 1}/13/2026,Shop,-1.00,1" for i in range(30)])
    messages = refused(parse_csv, data, GENERIC)
    assert len(messages) == MAX_ERRORS + 1
    assert messages[0].startswith("Line 2: ") and messages[MAX_ERRORS - 1].startswith("Line 21: ")
    assert messages[-1] == parsers.MORE_ERRORS


def test_the_wrong_columns_for_the_chosen_layout():
    [message] = refused(parse_csv, STARLING, BY_NAME["Barclays"])
    assert message == (
        "The columns do not match Barclays: it needs Date, Amount, Memo, Subcategory and the file has Date, "
        "Counter Party, Reference, Type, Amount (GBP), Balance (GBP), Spending Category, Notes"
    )


def test_a_layout_that_is_any_object_with_the_attributes():
    layout = plain_layout(
        date_column="When", date_format="%Y-%m-%d", paid_out_column="Out", paid_in_column="In", payee_column="Who"
    )
    layout.id_column = "Ref"
    data = b"When,Who,Out,In,Ref\n2026-11-22,Sam Carer,210.00,,R1\n"
    assert parse_csv(data, layout) == [line(2, date(2026, 11, 22), "210.00", "Sam Carer", fitid="R1")]
    [message] = refused(parse_csv, GENERIC_AMOUNTS, layout)
    assert message.startswith("The columns do not match this layout: it needs When, Out, In, Who, Ref and the file")


def test_a_file_that_does_not_fit_the_layout_the_family_chose():
    [message] = refused(read_statement, STARLING, "s.csv", [BY_NAME["Monzo"]])
    assert message.startswith(
        "The columns do not match Monzo: it needs Date, Amount, Name, Description, Transaction ID"
    )
    assert read_statement(STARLING, "s.csv", [BY_NAME["Starling"]])[1].name == "Starling"


def test_a_file_whose_columns_no_layout_knows_is_refused_naming_its_columns():
    data = b"Posted,Merchant,Spent\n01/11/2026,Shop,1.00\n"
    assert refused(read_statement, data, "s.csv", LAYOUTS) == [
        "The columns in the file do not match any bank's layout we know: the file has Posted, Merchant, Spent. "
        "Choose your bank's layout, or ask your council to add one"
    ]


# How amounts and text are read ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("-12.50", "12.50"),  # money out is negative in the file and positive in ParsedLine
        ("12.50", "-12.50"),
        ("+12.50", "-12.50"),
        ("−12.50", "12.50"),  # a typographic minus sign
        ("£1,234.50", "-1234.50"),
        ("-£1,234.50", "1234.50"),
        ("£-12.50", "12.50"),
        ("GBP 12.50", "-12.50"),
        ("12.50 GBP", "-12.50"),
        ("(12.50)", "12.50"),
        ("(£1,000.00)", "1000.00"),
        ("12.50 DR", "12.50"),
        ("12.50CR", "-12.50"),
        ("12", "-12.00"),
        ("12.5", "-12.50"),
        ("12.500", "-12.50"),
        ("0.00", "0.00"),
        ("-0.00", "0.00"),
        ("9,999,999,999.99", "-9999999999.99"),
    ],
)
def test_amount_styles_that_are_understood(cell, amount):
    [parsed] = parse_csv(generic(f'01/11/2026,Shop,"{cell}",1'), GENERIC)
    assert (parsed.amount, str(parsed.amount)) == (Decimal(amount), amount)


@pytest.mark.parametrize(
    "cell",
    ["12.3.4", "1,23.00", "12,50", "--12", "-12.50 DR", "(-12.50)", "££12", "1e5", "NaN", "Infinity", "abc", "£", "DR"],
)
def test_amount_styles_that_are_refused(cell):
    [message] = refused(parse_csv, generic(f'01/11/2026,Shop,"{cell}",1'), GENERIC)
    assert message == f"Line 2: '{cell}' is not an amount of money"


def test_text_is_tidied_and_cut_to_the_fields_lengths():
    long_payee, long_reference = "P" * 250, "R" * 350
    data = (
        "Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP)\r\n"
        f'01/11/2026,"  \'Sam   Carer\t ",Wages,X,-1.00,1.00\r\n'
        f"02/11/2026,{long_payee},{long_reference},X,-1.00,0.00\r\n"
        f"03/11/2026,,Only a reference,X,-1.00,-1.00\r\n"
    ).encode()
    first, second, third = parse_csv(data, BY_NAME["Starling"])
    assert (first.payee, first.description) == ("Sam Carer", "Wages")
    assert (second.payee, second.description) == ("P" * 200, "R" * 300)
    assert (third.payee, third.description) == ("Only a reference", "Only a reference")


def test_a_quoted_cell_over_two_lines_keeps_the_file_line_numbers():
    data = generic('01/11/2026,"Page and\r\nSpine Books",-12.40,87.60', "02/11/2026,Shop,-1.00,86.60")
    assert [(x.line_number, x.payee) for x in parse_csv(data, GENERIC)] == [(2, "Page and Spine Books"), (4, "Shop")]


def plain_layout(**fields) -> SimpleNamespace:
    """A layout that is not a model: any object with CsvLayout's attributes."""
    return SimpleNamespace(**{**dict.fromkeys(parsers._LAYOUT_FIELDS, ""), "date_format": "%d/%m/%Y", **fields})


def test_semicolons_and_a_long_id_are_handled():
    layout = plain_layout(date_column="Date", amount_column="Amount", payee_column="Payee", id_column="Id")
    long_id = "ID" * 60
    data = f"Date;Payee;Amount;Id\n01/11/2026;Shop;-1,00;{long_id}\n".encode()
    assert refused(parse_csv, data, layout) == ["Line 2: '-1,00' is not an amount of money"]
    [parsed] = parse_csv(data.replace(b"-1,00", b"-1.00"), layout)
    assert parsed.fitid == "sha256:" + hashlib.sha256(long_id.encode()).hexdigest()


# OFX ------------------------------------------------------------------------------------------------------------------

OFX1 = (
    b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n"
    b"COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
    b"<OFX>\r\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261122120000"
    b"<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\r\n"
    b"<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n"
    b"<STMTRS><CURDEF>GBP<BANKACCTFROM><BANKID>309174<ACCTID>02344812<ACCTTYPE>CHECKING</BANKACCTFROM>\r\n"
    b"<BANKTRANLIST><DTSTART>20261101<DTEND>20261122\r\n"
    b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261103<TRNAMT>-12.50<FITID>20261103-001"
    b"<NAME>Caf\xe9 M&amp;S \xa3 deal<MEMO>CARD 1234</STMTTRN>\r\n"
    b"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261104120000.000[0:GMT]<TRNAMT>600.00<FITID>20261104-002"
    b"<NAME>BRIGHTWATER BC</STMTTRN>\r\n"
    b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261105<TRNAMT>-210<FITID>20261105-003"
    b"<PAYEE><NAME>Sam Carer<ADDR1>1 High Street<CITY>Brightwater<STATE>BW<POSTALCODE>BW1 1AA</PAYEE>"
    b"<MEMO>Wages week 44</STMTTRN>\r\n"
    b"</BANKTRANLIST><LEDGERBAL><BALAMT>377.50<DTASOF>20261122</LEDGERBAL></STMTRS></STMTTRNRS>"
    b"</BANKMSGSRSV1>\r\n</OFX>\r\n"
)

OFX1_LINES = [
    line(1, date(2026, 11, 3), "12.50", "Café M&S £ deal", "CARD 1234", "20261103-001"),
    line(2, date(2026, 11, 4), "-600.00", "BRIGHTWATER BC", "", "20261104-002"),
    line(3, date(2026, 11, 5), "210.00", "Sam Carer", "Wages week 44", "20261105-003"),
]

OFX2 = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
    <DTSERVER>20261122120000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
  <CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
    <CCSTMTRS><CURDEF>GBP</CURDEF><CCACCTFROM><ACCTID>5555000011112222</ACCTID></CCACCTFROM>
      <BANKTRANLIST><DTSTART>20261001</DTSTART><DTEND>20261031</DTEND>
        <STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20261025003000.000[+1:BST]</DTPOSTED><TRNAMT>-45.00</TRNAMT>
          <FITID>CC-9001</FITID><NAME>Riverside Leisure</NAME><MEMO>Swimming lessons</MEMO></STMTTRN>
        <STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20261026</DTPOSTED><TRNAMT>+250.00</TRNAMT>
          <FITID>CC-9002</FITID><NAME>Card load – Brightwater</NAME></STMTTRN>
        <STMTTRN><TRNTYPE>FEE</TRNTYPE><DTPOSTED>20261027</DTPOSTED><TRNAMT>-1,50</TRNAMT>
          <FITID>CC-9003</FITID><MEMO>Monthly card fee</MEMO></STMTTRN>
      </BANKTRANLIST>
      <LEDGERBAL><BALAMT>203.50</BALAMT><DTASOF>20261031</DTASOF></LEDGERBAL>
    </CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1>
</OFX>
""".encode()

OFX2_LINES = [
    line(1, date(2026, 10, 25), "45.00", "Riverside Leisure", "Swimming lessons", "CC-9001"),
    line(2, date(2026, 10, 26), "-250.00", "Card load – Brightwater", "", "CC-9002"),
    line(3, date(2026, 10, 27), "1.50", "Monthly card fee", "", "CC-9003"),
]


def test_ofx_version_1_sgml_bank_statement():
    assert parse_ofx(OFX1) == OFX1_LINES
    assert read_statement(OFX1, "statement.ofx", LAYOUTS) == ("ofx", None, OFX1_LINES)


def test_ofx_version_2_xml_credit_card_statement_keeps_the_banks_calendar_date():
    # 00:30 BST on 25 October is 23:30 GMT on the 24th: the statement's date is the 25th.
    assert parse_ofx(OFX2) == OFX2_LINES
    assert read_statement(OFX2, "download.qfx", LAYOUTS) == ("ofx", None, OFX2_LINES)


def test_ofx_is_found_by_its_content_whatever_the_file_is_called():
    assert read_statement(OFX1, "statement.csv", LAYOUTS)[0] == "ofx"
    assert read_statement(codecs.BOM_UTF8 + OFX2, "statement.txt", LAYOUTS)[0] == "ofx"


def test_ofx_with_no_header_or_a_header_wrong_about_its_characters():
    body = OFX1[OFX1.index(b"<OFX>") :]
    assert parse_ofx(body) == OFX1_LINES
    assert parse_ofx(OFX1.replace(b"CHARSET:1252", b"CHARSET:NONE")) == OFX1_LINES


def transactions(ofx: bytes, count: int) -> bytes:
    one = b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261103<TRNAMT>-1.00<FITID>F%d<NAME>Shop</STMTTRN>\r\n"
    start, end = ofx.index(b"<STMTTRN>"), ofx.index(b"</BANKTRANLIST>")
    return ofx[:start] + b"".join(one % i for i in range(count)) + ofx[end:]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (OFX1[: len(OFX1) // 2], parsers.OFX_DAMAGED),
        (OFX1[: OFX1.index(b"</BANKTRANLIST>")], parsers.OFX_DAMAGED),
        (OFX1.replace(b"</STMTRS>", b""), parsers.OFX_DAMAGED),
        (OFX2.replace(b"</NAME>", b"</MEMO>", 1), parsers.OFX_DAMAGED),
        (b"OFXHEADER:100\r\nthis is not OFX at all\r\n", parsers.OFX_DAMAGED),
        (GENERIC_AMOUNTS, parsers.OFX_DAMAGED),  # a CSV named .ofx
        (OFX1.replace(b"<CURDEF>GBP", b"<CURDEF>EUR"), "The statement is in EUR, not pounds"),
        (transactions(OFX1, 0), parsers.NO_TRANSACTIONS),
        (transactions(OFX1, MAX_LINES + 1), "The file has more than 5,000 lines"),
    ],
    ids=[
        "cut in half",
        "ends early",
        "tag missing",
        "tags do not nest",
        "garbage",
        "csv",
        "euros",
        "no transactions",
        "too many",
    ],
)
def test_malformed_ofx_is_refused_whole(data, message):
    [refusal] = refused(read_statement, data, "statement.ofx", LAYOUTS)
    assert refusal.startswith(message)


def test_ofx_elements_the_service_does_not_use_are_passed_over():
    extra = OFX2.replace(b"<SIGNONMSGSRSV1>", b"<INTU.BID>00012</INTU.BID><EMPTY></EMPTY><SIGNONMSGSRSV1>")
    assert parse_ofx(extra) == OFX2_LINES


def test_ofx_with_two_accounts_is_refused():
    start, end = OFX1.index(b"<STMTTRNRS>"), OFX1.index(b"</BANKMSGSRSV1>")
    twice = OFX1[:end] + OFX1[start:end] + OFX1[end:]
    assert refused(parse_ofx, twice) == [
        "The file has statements for 2 accounts: download the direct payment account on its own"
    ]


def test_bad_ofx_transactions_are_refused_with_their_positions():
    data = (
        OFX1.replace(b"<DTPOSTED>20261103", b"<DTPOSTED>20260231")
        .replace(b"<TRNAMT>600.00", b"<TRNAMT>6.0.0")
        .replace(b"<TRNAMT>-210", b"<TRNAMT>-210.125")
    )
    assert refused(parse_ofx, data) == [
        "Transaction 1: '20260231' is not a real date (expected year, month, day, like 20261122)",
        "Transaction 2: '6.0.0' is not an amount of money",
        "Transaction 3: '-210.125' is not an amount of money: it has more than 2 decimal places",
    ]
    missing = OFX1.replace(b"<DTPOSTED>20261103", b"").replace(b"<TRNAMT>600.00", b"")
    assert refused(parse_ofx, missing) == ["Transaction 1: the date is missing", "Transaction 2: the amount is missing"]


# fingerprint ----------------------------------------------------------------------------------------------------------


def test_fingerprint_is_the_sha256_of_date_amount_payee_and_balance():
    paid = line(7, date(2026, 11, 22), "12.50", "  TESCO   Stores ", "anything", "F1", balance="100.00")
    expected = hashlib.sha256(b"2026-11-22|12.50|tesco stores|100.00").hexdigest()
    assert fingerprint(paid) == expected
    assert len(expected) == 64


def test_fingerprint_is_stable_and_ignores_what_is_not_the_payment():
    paid = line(2, date(2026, 11, 22), "12.50", "Tesco Stores", balance="100.00")
    same = line(9, date(2026, 11, 22), "12.5", "TESCO  STORES", "other words", "FIT", balance="100")
    assert fingerprint(paid) == fingerprint(same) == fingerprint(paid)


def test_fingerprint_differs_when_the_balance_or_payment_differs():
    paid = line(2, date(2026, 11, 22), "12.50", "Tesco Stores", balance="100.00")
    others = [
        line(2, date(2026, 11, 22), "12.50", "Tesco Stores", balance="87.50"),
        line(2, date(2026, 11, 22), "12.50", "Tesco Stores"),
        line(2, date(2026, 11, 23), "12.50", "Tesco Stores", balance="100.00"),
        line(2, date(2026, 11, 22), "-12.50", "Tesco Stores", balance="100.00"),
        line(2, date(2026, 11, 22), "12.50", "Tesco Express", balance="100.00"),
    ]
    assert len({fingerprint(x) for x in [paid, *others]}) == 6
    assert (
        fingerprint(line(2, date(2026, 11, 22), "12.50", "Tesco Stores"))
        == hashlib.sha256(b"2026-11-22|12.50|tesco stores|").hexdigest()
    )


def test_the_same_payment_read_twice_has_the_same_fingerprint():
    first = parse_csv(GENERIC_AMOUNTS, GENERIC)
    again = parse_csv(b"\r\n\r\n" + GENERIC_AMOUNTS.replace(b"\n", b"\r\n"), GENERIC)
    assert [fingerprint(x) for x in first] == [fingerprint(x) for x in again]


# Properties: whatever the bytes, every line or a ValidationError ------------------------------------------------------


def outcome(call, *args):
    try:
        return call(*args)
    except ValidationError as error:
        assert error.messages and all(isinstance(m, str) and m for m in error.messages)
        return None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_give_lines_or_a_validation_error(data):
    result = outcome(read_statement, data, "upload", LAYOUTS)
    if result is not None:
        assert result[0] in ("csv", "ofx") and result[2]
    outcome(parse_ofx, data)
    outcome(parse_csv, data, GENERIC)
    detect_layout(data, LAYOUTS)


CSVISH = st.text(alphabet="0123456789,.;/-+£()\"'\r\n\t abcDRCReé\x00\x1a", max_size=400)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LAYOUTS), CSVISH, st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]))
def test_csvish_text_below_a_real_header_gives_lines_or_a_validation_error(layout, body, encoding):
    header = ",".join(dict.fromkeys(parsers._columns(layout).values()))
    data = (header + "\n" + body).encode(encoding, errors="replace")
    lines = outcome(parse_csv, data, layout)
    if lines is not None:
        assert all(isinstance(x, ParsedLine) and x.amount == x.amount.quantize(Decimal("0.01")) for x in lines)
    outcome(read_statement, data, "s.csv", LAYOUTS)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(OFX1)), st.integers(min_value=0, max_value=200))
def test_ofx_with_a_piece_cut_out_gives_lines_or_a_validation_error(start, length):
    lines = outcome(parse_ofx, OFX1[:start] + OFX1[start + length :])
    if lines is not None:
        assert len(lines) <= 3


WORDS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789&-.,/", min_size=1, max_size=8)
TEXT = st.lists(WORDS, min_size=1, max_size=4).map(" ".join).filter(lambda s: s[0].isalnum())
MONEY = st.decimals(min_value=-99999, max_value=99999, places=2, allow_nan=False, allow_infinity=False)
BREAKS = ["date", "amount", "empty amount", "columns", "payee", "balance"]


@st.composite
def statement_rows(draw):
    """A layout, a header in any order (with a column it ignores), and rows each valid or broken in a known way."""
    layout = draw(st.sampled_from(LAYOUTS))
    columns = parsers._columns(layout)
    names = draw(st.permutations([*dict.fromkeys(columns.values()), "Ignored"]))
    rows, expected, broken = [], [], []
    for number in range(2, 2 + draw(st.integers(min_value=1, max_value=8))):
        on = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
        amount = draw(MONEY)  # money out positive, as ParsedLine has it
        payee, description = draw(TEXT), draw(TEXT)
        balance = draw(st.none() | MONEY)
        cells = {"Ignored": draw(TEXT)}
        cells[columns["date_column"]] = on.strftime(layout.date_format)
        if "amount_column" in columns:
            cells[columns["amount_column"]] = f"{-amount:.2f}"
        else:
            cells[columns["paid_out_column"]] = f"{amount:.2f}" if amount > 0 else ""
            cells[columns["paid_in_column"]] = f"{-amount:.2f}" if amount <= 0 else ""
        cells[columns["payee_column"]] = payee
        if "description_column" in columns:
            cells[columns["description_column"]] = description
        if "id_column" in columns:
            cells[columns["id_column"]] = f"tx_{number}"
        if "balance_column" in columns:
            cells[columns["balance_column"]] = "" if balance is None else f"{balance:.2f}"
        fault = draw(st.sampled_from([*[None] * len(BREAKS), *BREAKS]))  # half the rows are broken
        if fault == "date":
            cells[columns["date_column"]] = "31/02/2026"
        elif fault == "amount":
            cells[columns.get("amount_column") or columns["paid_out_column"]] = "12.3.4"
        elif fault == "empty amount":
            for role in ("amount_column", "paid_out_column", "paid_in_column"):
                if role in columns:
                    cells[columns[role]] = ""
        elif fault == "payee":
            cells[columns["payee_column"]] = ""
            if "description_column" in columns:
                cells[columns["description_column"]] = "  "
        elif fault == "balance" and "balance_column" in columns:
            cells[columns["balance_column"]] = "lots"
        row = [cells[name] for name in names]
        if fault == "columns":
            row = row[:-1]
        if fault is None or (fault == "balance" and "balance_column" not in columns):
            expected.append(
                line(
                    number,
                    on,
                    f"{amount:.2f}",
                    payee,
                    description if "description_column" in columns else "",
                    f"tx_{number}" if "id_column" in columns else "",
                    None if balance is None or "balance_column" not in columns else f"{balance:.2f}",
                )
            )
        else:
            broken.append(number)
        rows.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([names, *rows])
    return layout, out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))), expected, broken


@settings(max_examples=200, deadline=None)
@given(statement_rows())
def test_random_rows_for_a_layout_parse_to_exactly_the_valid_rows_or_are_refused(case):
    layout, data, expected, broken = case
    if not broken:
        assert parse_csv(data, layout) == expected
        assert read_statement(data, "s.csv", [layout])[2] == expected
    else:
        messages = refused(parse_csv, data, layout)
        assert messages[0].startswith(f"Line {broken[0]}: ")
        assert {int(m.split(":")[0].removeprefix("Line ")) for m in messages} <= set(broken)


@settings(max_examples=200, deadline=None)
@given(MONEY, st.sampled_from(["plain", "pound", "commas", "brackets", "crdr", "gbp"]))
def test_amounts_written_any_understood_way_read_back_exactly(value, style):
    signed = -value  # in the file money out is negative
    size = f"{abs(signed):,.2f}"
    cell = {
        "plain": f"{signed:.2f}",
        "pound": f"{'-' if signed < 0 else ''}£{abs(signed):.2f}",
        "commas": f"{'-' if signed < 0 else ''}£{size}",
        "brackets": f"({size})" if signed < 0 else size,
        "crdr": f"{size} {'DR' if signed < 0 else 'CR'}",
        "gbp": f"{signed:.2f} GBP",
    }[style]
    [parsed] = parse_csv(generic(f'01/11/2026,Shop,"{cell}",1'), GENERIC)
    assert parsed.amount == value and str(parsed.amount) == f"{value:.2f}".replace("-0.00", "0.00")
