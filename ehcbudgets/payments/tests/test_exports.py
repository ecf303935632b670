"""The files a released payment run produces: the finance CSV, the BACS Standard 18 file and the prepaid card load."""

import csv
import io
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from ehcbudgets.councils.models import Council
from ehcbudgets.payments import exports
from ehcbudgets.payments.exports import build_files
from ehcbudgets.payments.models import (
    Agreement,
    BankDetails,
    FileFormat,
    PaymentMethod,
    PaymentRun,
    ScheduledPayment,
)
from ehcbudgets.people.models import Child

PROCESSING = date(2026, 2, 1)  # day 32 of 2026
RUN = SimpleNamespace(pk=7, council=SimpleNamespace(code="brightwater"), pay_up_to=date(2026, 1, 31))
BANK = SimpleNamespace(
    service_user_number="123456",
    service_user_name="Brightwater Council",
    sort_code="401234",
    account_number="87654321",
    prepaid_provider="Cardco",
    prepaid_funding_reference="FUND-42",
)


def agreement(pk=1, *, card=False, name="Jane Smith", sort_code="309430", account="00733445", ref="CR-1"):
    """An agreement shaped like the model, paying a bank account or (card=True) a prepaid card."""
    return SimpleNamespace(
        pk=pk,
        payment_method=PaymentMethod.PREPAID_CARD if card else PaymentMethod.BANK_ACCOUNT,
        account_name="" if card else name,
        sort_code="" if card else sort_code,
        account_number="" if card else account,
        card_account_reference=f"CARD{pk:04d}" if card else "",
        child=SimpleNamespace(council_reference=ref, first_name="Alfie", last_name="Moon"),
    )


def payment(pk, amount, offset="0.00", *, agr=None, **kwargs):
    """A scheduled payment shaped like the model, with its net amount worked out as the model does."""
    amount, offset = Decimal(amount), Decimal(offset)
    return SimpleNamespace(
        pk=pk,
        agreement=agr or agreement(pk, **kwargs),
        amount=amount,
        offset=offset,
        net_amount=amount - offset,
        due_on=date(2026, 1, 15),
    )


def files_of(payments, bank=BANK):
    """The files build_files makes, keyed by format."""
    files = build_files(run=RUN, payments=payments, bank=bank, processing_date=PROCESSING)
    assert len({f[0] for f in files}) == len(files)
    return {fmt: (filename, content) for fmt, filename, content in files}


def bacs_records(payments, bank=BANK):
    """The BACS file's records, checked to end with CRLF and split into lines without it."""
    content = files_of(payments, bank)[FileFormat.BACS][1]
    assert content.endswith("\r\n")
    assert "\n" not in content.replace("\r\n", "")
    return content.split("\r\n")[:-1]


def parse(record):
    """A Standard 18 record read back by slicing at the documented positions."""
    return {
        "dest_sort": record[0:6],
        "dest_account": record[6:14],
        "type": record[14],
        "code": record[15:17],
        "orig_sort": record[17:23],
        "orig_account": record[23:31],
        "free": record[31:35],
        "pence": int(record[35:46]),
        "name": record[46:64],
        "ref": record[64:82],
        "payee": record[82:100],
        "date": record[100:106],
    }


def csv_rows(content):
    """The rows of a CSV file, as dictionaries, read with the csv module."""
    return list(csv.DictReader(io.StringIO(content, newline="")))


# BACS Standard 18


def test_every_record_is_106_characters():
    payments = [payment(i, "769.23", name="A Very Long Account Holder Name Indeed") for i in range(1, 6)]
    records = bacs_records(payments)
    assert len(records) == 6
    assert all(len(record) == 106 for record in records)


def test_credit_record_fields_are_at_their_positions():
    [credit, _contra] = bacs_records([payment(3, "769.23", name="Jane Smith", sort_code="309430", account="00733445")])
    fields = parse(credit)
    assert fields == {
        "dest_sort": "309430",
        "dest_account": "00733445",
        "type": "0",
        "code": "99",
        "orig_sort": "401234",
        "orig_account": "87654321",
        "free": "    ",
        "pence": 76923,
        "name": "BRIGHTWATER COUNCI",
        "ref": "DP00000003        ",
        "payee": "JANE SMITH        ",
        "date": " 26032",
    }
    assert credit[35:46] == "00000076923"


def test_contra_debits_the_councils_account_for_the_total():
    records = bacs_records([payment(1, "100.00"), payment(2, "50.50")])
    contra = parse(records[-1])
    assert contra["code"] == "17"
    assert (contra["dest_sort"], contra["dest_account"]) == ("401234", "87654321")
    assert (contra["orig_sort"], contra["orig_account"]) == ("401234", "87654321")
    assert contra["pence"] == 15050
    assert contra["ref"] == "CONTRA".ljust(18)
    assert contra["name"] == "DP RUN 7".ljust(18)
    assert contra["payee"] == "BRIGHTWATER COUNCI"
    assert contra["date"] == " 26032"
    assert [parse(r)["code"] for r in records[:-1]] == ["99", "99"]


def test_contra_total_is_the_exact_sum_of_awkward_credits():
    payments = [payment(i, "769.23") for i in range(1, 13)] + [payment(13, "769.24")]
    records = bacs_records(payments)
    credits = [parse(r)["pence"] for r in records[:-1]]
    assert credits == [76923] * 12 + [76924]
    assert parse(records[-1])["pence"] == sum(credits) == 1_000_000


def test_offsets_are_taken_off_before_encoding():
    records = bacs_records([payment(1, "769.23", "100.10"), payment(2, "0.10", "0.09")])
    assert [parse(r)["pence"] for r in records] == [66913, 1, 66914]


@pytest.mark.parametrize(
    ("amount", "encoded"),
    [("0.01", "00000000001"), ("99999.99", "00009999999"), ("1234.50", "00000123450")],
)
def test_amounts_are_whole_pence_in_11_digits(amount, encoded):
    [credit, contra] = bacs_records([payment(1, amount)])
    assert credit[35:46] == encoded
    assert contra[35:46] == encoded


def test_pence_refuses_a_fraction_of_a_penny_and_an_amount_too_large():
    with pytest.raises(ValueError, match="cannot be paid"):
        exports.pence(Decimal("1.005"))
    with pytest.raises(ValueError, match="cannot be paid"):
        exports.pence(Decimal("1000000000.00"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Zoë O'Brien-Smith", "ZOE OBRIEN-SMITH  "),
        ("Åsa Müller & Sons (Ltd.), 2nd a/c", "ASA MULLER & SONS "),
        ("jean-luc d’arçy", "JEAN-LUC DARCY    "),
        ("Ms  Ann_Lee #1 !", "MS ANN LEE 1      "),
        ("Straße", "STRASSE           "),
    ],
)
def test_names_come_out_in_the_bacs_character_set(name, expected):
    assert exports.bacs_text(name) == expected


def test_payee_names_in_the_file_use_only_the_bacs_character_set():
    [credit, _contra] = bacs_records([payment(1, "10.00", name="Zoë & Hélène's café, Pty (Ltd)")])
    payee = parse(credit)["payee"]
    assert payee == "ZOE & HELENES CAFE"
    assert set(credit[46:100]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- ")


def test_reference_is_the_agreement_not_the_child():
    [credit, _contra] = bacs_records([payment(1, "10.00", agr=agreement(4321))])
    assert parse(credit)["ref"].strip() == "DP00004321"
    assert "ALFIE" not in credit and "MOON" not in credit


def test_processing_date_is_julian_with_a_leading_space():
    assert exports.julian(date(2026, 2, 1)) == " 26032"
    assert exports.julian(date(2024, 12, 31)) == " 24366"
    assert exports.julian(date(2030, 1, 1)) == " 30001"


def test_records_are_in_payment_pk_order_whatever_order_they_come_in():
    payments = [payment(9, "3.00"), payment(2, "1.00"), payment(5, "2.00")]
    records = bacs_records(payments)
    assert [parse(r)["ref"].strip() for r in records[:-1]] == ["DP00000002", "DP00000005", "DP00000009"]
    assert files_of(payments) == files_of(list(reversed(payments)))


def test_missing_bank_details_stop_a_run_that_pays_bank_accounts():
    with pytest.raises(ValidationError) as raised:
        files_of([payment(1, "10.00")], bank=None)
    assert raised.value.messages == ["Record the council's bank details before releasing a run that pays bank accounts"]


def test_a_bad_sort_code_is_refused_not_written():
    with pytest.raises(ValidationError, match="sort code"):
        files_of([payment(1, "10.00", sort_code="30-94-30")])


def test_a_name_with_nothing_bacs_can_carry_is_refused():
    with pytest.raises(ValidationError, match="DP00000001"):
        files_of([payment(1, "10.00", name="李小龍")])


# Which files


def test_fully_offset_payments_appear_in_no_file():
    files = files_of([payment(1, "50.00", "50.00"), payment(2, "20.00"), payment(3, "30.00", "30.00", card=True)])
    assert set(files) == {FileFormat.CSV, FileFormat.BACS}
    assert [r["Payment ID"] for r in csv_rows(files[FileFormat.CSV][1])] == ["2"]
    bacs = files[FileFormat.BACS][1].split("\r\n")[:-1]
    assert [parse(r)["ref"].strip() for r in bacs] == ["DP00000002", "CONTRA"]


def test_no_bacs_file_when_the_only_bank_payment_is_fully_offset():
    files = files_of([payment(1, "50.00", "50.00"), payment(2, "20.00", card=True)], bank=None)
    assert set(files) == {FileFormat.CSV, FileFormat.PREPAID}


def test_no_bacs_file_when_every_payment_is_to_a_card():
    files = files_of([payment(1, "10.00", card=True), payment(2, "20.00", card=True)])
    assert set(files) == {FileFormat.CSV, FileFormat.PREPAID}


def test_no_prepaid_file_when_every_payment_is_to_a_bank():
    files = files_of([payment(1, "10.00"), payment(2, "20.00")])
    assert set(files) == {FileFormat.CSV, FileFormat.BACS}


def test_only_a_csv_when_nothing_is_payable():
    files = files_of([payment(1, "10.00", "10.00")], bank=None)
    assert set(files) == {FileFormat.CSV}
    assert files[FileFormat.CSV][1] == ",".join(exports.CSV_HEADER) + "\r\n"


def test_filenames_name_the_council_run_and_date():
    files = files_of([payment(1, "10.00"), payment(2, "20.00", card=True)])
    assert files[FileFormat.CSV][0] == "dp-run-brightwater-7-2026-01-31.csv"
    assert files[FileFormat.BACS][0] == "dp-run-brightwater-7-2026-01-31.txt"
    assert files[FileFormat.PREPAID][0] == "dp-run-brightwater-7-2026-01-31-prepaid.csv"


# Finance CSV


def test_csv_parses_back_to_the_same_amounts():
    payments = [payment(i, "769.23") for i in range(1, 13)] + [payment(13, "769.24", "0.24", card=True)]
    rows = csv_rows(files_of(payments)[FileFormat.CSV][1])
    assert len(rows) == 13
    assert [Decimal(r["Net amount"]) for r in rows] == [p.net_amount for p in payments]
    assert sum(Decimal(r["Net amount"]) for r in rows) == Decimal("9999.76")
    last = rows[-1]
    assert (last["Amount"], last["Offset"], last["Net amount"]) == ("769.24", "0.24", "769.00")
    assert last["Method"] == "Prepaid card account"
    assert last["Payee account name or card reference"] == "CARD0013"
    assert (last["Sort code"], last["Account number"]) == ("", "")


def test_csv_row_for_a_bank_payment():
    [row] = csv_rows(files_of([payment(3, "769.23", "1.00", ref="EHC/0042")])[FileFormat.CSV][1])
    assert row == {
        "Run": "7",
        "Payment ID": "3",
        "Due date": "2026-01-15",
        "Agreement reference": "DP00000003",
        "Child's council reference": "EHC/0042",
        "Method": "Dedicated bank account",
        "Payee account name or card reference": "Jane Smith",
        "Sort code": "309430",
        "Account number": "00733445",
        "Amount": "769.23",
        "Offset": "1.00",
        "Net amount": "768.23",
    }


@pytest.mark.parametrize("evil", ["=HYPERLINK(1)", "+441234", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_csv_guards_against_formula_injection(evil):
    payments = [payment(1, "10.00", name=evil, ref=evil), payment(2, "10.00", card=True)]
    payments[1].agreement.card_account_reference = evil
    rows = csv_rows(files_of(payments)[FileFormat.CSV][1])
    assert rows[0]["Payee account name or card reference"] == f"'{evil}"
    assert rows[0]["Child's council reference"] == f"'{evil}"
    assert rows[1]["Payee account name or card reference"] == f"'{evil}"
    assert rows[0]["Net amount"] == "10.00"


def test_csv_leaves_ordinary_text_alone():
    assert exports.safe_cell("Jane Smith") == "Jane Smith"
    assert exports.safe_cell("a=b") == "a=b"
    assert exports.safe_cell(None) == ""


# Prepaid card load


def test_prepaid_load_file():
    payments = [payment(2, "20.00", "5.50", card=True), payment(1, "10.00", card=True), payment(3, "1.00")]
    content = files_of(payments)[FileFormat.PREPAID][1]
    assert content == (
        "card_account_reference,amount,reference,funding_reference,load_date\r\n"
        "CARD0001,10.00,DP00000001,FUND-42,2026-02-01\r\n"
        "CARD0002,14.50,DP00000002,FUND-42,2026-02-01\r\n"
    )


def test_prepaid_funding_reference_is_blank_without_bank_details():
    rows = csv_rows(files_of([payment(1, "10.00", card=True)], bank=None)[FileFormat.PREPAID][1])
    assert rows == [
        {
            "card_account_reference": "CARD0001",
            "amount": "10.00",
            "reference": "DP00000001",
            "funding_reference": "",
            "load_date": "2026-02-01",
        }
    ]


# The real models


def test_works_with_unsaved_model_instances():
    council = Council(code="brightwater")
    run = PaymentRun(pk=7, council=council, pay_up_to=date(2026, 1, 31))
    bank = BankDetails(service_user_name="Brightwater", sort_code="401234", account_number="87654321")
    child = Child(council_reference="CR-9")
    by_bank = Agreement(
        pk=11,
        child=child,
        payment_method=PaymentMethod.BANK_ACCOUNT,
        account_name="Jane Smith",
        sort_code="309430",
        account_number="00733445",
    )
    by_card = Agreement(pk=12, child=child, payment_method=PaymentMethod.PREPAID_CARD, card_account_reference="C12")
    payments = [
        ScheduledPayment(pk=21, agreement=by_bank, due_on=date(2026, 1, 15), amount=Decimal("769.23")),
        ScheduledPayment(
            pk=22, agreement=by_card, due_on=date(2026, 1, 15), amount=Decimal("100.00"), offset=Decimal("0.01")
        ),
    ]
    files = build_files(run=run, payments=payments, bank=bank, processing_date=PROCESSING)
    by_format = {fmt: content for fmt, _name, content in files}
    [credit, contra] = by_format[FileFormat.BACS].split("\r\n")[:-1]
    assert parse(credit)["pence"] == parse(contra)["pence"] == 76923
    assert "C12,99.99,DP00000012,,2026-02-01" in by_format[FileFormat.PREPAID]
