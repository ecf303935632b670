"""The files a released payment run produces: a CSV for finance, a BACS Standard 18 file and a prepaid card load.

Only payments with a net amount above zero (amount less any recovery offset) appear in any file, in payment pk
order so the same run always gives the same bytes. Money is exact Decimal arithmetic throughout.

BACS Standard 18
----------------
The data records only (no VOL1/HDR1/HDR2/UHL1/EOF/UTL1 labels: the council's Bacstel-IP software or bureau adds
those when it submits the file), in the 106-character "input record with processing date" form: the 100-character
Standard 18 input record followed by the optional processing date field. Each record ends with CRLF. Positions
are 1-based and inclusive:

    1-6      destination sorting code (6 digits)
    7-14     destination account number (8 digits)
    15       type of account: "0"
    16-17    transaction code: "99" direct credit; "17" on the contra, a debit of the council's account
    18-23    originating sorting code: the council's (6 digits)
    24-31    originating account number: the council's (8 digits)
    32-35    free format field: 4 spaces
    36-46    amount in pence, 11 digits, right-justified and zero-filled
    47-64    credit: service user's name; contra: narrative "DP RUN <run pk>" (18, left-justified, space-filled)
    65-82    credit: service user's reference "DP" + agreement pk in 8 digits; contra: "CONTRA" (18)
    83-100   credit: beneficiary's account name; contra: the service user's name (18)
    101-106  processing date, a space then YYDDD (two-digit year, day of the year), e.g. " 26032" for 1 Feb 2026

One credit record per bank payment, then one contra record whose destination and origin are both the council's
account and whose amount is the exact sum of the credits. Names and references are upper case in the BACS
character set (A-Z, 0-9, full stop, ampersand, slash, hyphen, space): accents are stripped, apostrophes dropped,
anything else becomes a space, and the result is truncated or space-padded to 18.

Prepaid card load
-----------------
Every prepaid card provider has its own bulk load layout; this is a generic CSV form for the council to map to its
provider's: card_account_reference, amount (pounds, 2 places), reference ("DP" + agreement pk), funding_reference
(the council's prepaid_funding_reference, blank if none) and load_date (ISO). Values are written as they are,
because the provider's load must see the card reference exactly.
"""

import csv
import io
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError

from ehcbudgets.payments.models import FileFormat, PaymentMethod

NAME_WIDTH = 18
CREDIT = "99"
CONTRA = "17"
MAX_PENCE = 10**11 - 1
MISSING_BANK = "Record the council's bank details before releasing a run that pays bank accounts"
CSV_HEADER = [
    *("Run", "Payment ID", "Due date", "Agreement reference", "Child's council reference", "Method"),
    *("Payee account name or card reference", "Sort code", "Account number", "Amount", "Offset", "Net amount"),
]
PREPAID_HEADER = ["card_account_reference", "amount", "reference", "funding_reference", "load_date"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOT_BACS = re.compile(r"[^A-Z0-9./& -]")


def build_files(*, run, payments, bank, processing_date) -> list[tuple[str, str, str]]:
    """(format, filename, content) for each file of a released run."""
    payable = sorted((p for p in payments if Decimal(p.net_amount) > 0), key=lambda p: p.pk)
    to_banks = [p for p in payable if p.agreement.payment_method == PaymentMethod.BANK_ACCOUNT]
    to_cards = [p for p in payable if p.agreement.payment_method == PaymentMethod.PREPAID_CARD]
    stem = f"dp-run-{run.council.code}-{run.pk}-{run.pay_up_to.isoformat()}"
    files = [(FileFormat.CSV.value, f"{stem}.csv", finance_csv(run, payable))]
    if to_banks:
        if bank is None:
            raise ValidationError(MISSING_BANK)
        files.append((FileFormat.BACS.value, f"{stem}.txt", bacs_file(run, to_banks, bank, processing_date)))
    if to_cards:
        files.append((FileFormat.PREPAID.value, f"{stem}-prepaid.csv", prepaid_csv(to_cards, bank, processing_date)))
    return files


def reference(agreement) -> str:
    """The payment reference for an agreement: DP and its pk in 8 digits, never the child's name."""
    return f"DP{agreement.pk:08d}"


def money(value) -> str:
    """Pounds with exactly 2 places, as text."""
    return f"{Decimal(value):.2f}"


def bacs_text(value: str, width: int = NAME_WIDTH) -> str:
    """Upper case in the BACS character set, truncated or space-padded to the width."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", value or "") if not unicodedata.combining(c))
    plain = NOT_BACS.sub(" ", plain.replace("'", "").replace("\u2019", "").upper())
    return " ".join(plain.split())[:width].ljust(width)


def pence(amount) -> str:
    """An amount in pounds as 11 digits of whole pence; refuses fractions of a penny or amounts too large."""
    value = Decimal(amount) * 100
    if value != value.to_integral_value() or not 0 <= value <= MAX_PENCE:
        raise ValueError(f"£{amount} cannot be paid by BACS")
    return f"{int(value):011d}"


def digits(value: str, width: int, what: str) -> str:
    """A sort code or account number, checked to be exactly the width in digits."""
    if not (isinstance(value, str) and len(value) == width and value.isdigit()):
        raise ValidationError(f"The {what} {value!r} is not {width} digits")
    return value


def julian(day) -> str:
    """The Standard 18 processing date: a space, then the two-digit year and three-digit day of the year."""
    return f" {day:%y}{day.timetuple().tm_yday:03d}"


def bacs_file(run, payments, bank, processing_date) -> str:
    """The Standard 18 credit records for the bank payments, then the contra that debits the council."""
    origin = digits(bank.sort_code, 6, "council's sort code") + digits(bank.account_number, 8, "council's account")

    def record(sort_code, account, code, amount, name, ref, payee) -> str:
        """One 106-character data record with its CRLF."""
        fields = [digits(sort_code, 6, "sort code"), digits(account, 8, "account number"), "0", code, origin]
        fields += [" " * 4, pence(amount), bacs_text(name), bacs_text(ref), bacs_text(payee), julian(processing_date)]
        return "".join(fields) + "\r\n"

    lines, total = [], Decimal("0.00")
    for payment in payments:
        agreement = payment.agreement
        if not bacs_text(agreement.account_name).strip():
            raise ValidationError(f"The account name for {reference(agreement)} has no characters BACS can carry")
        total += Decimal(payment.net_amount)
        lines.append(
            record(
                agreement.sort_code,
                agreement.account_number,
                CREDIT,
                payment.net_amount,
                bank.service_user_name,
                reference(agreement),
                agreement.account_name,
            )
        )
    contra = record(
        bank.sort_code, bank.account_number, CONTRA, total, f"DP RUN {run.pk}", "CONTRA", bank.service_user_name
    )
    return "".join([*lines, contra])


def safe_cell(value) -> str:
    """Text for a spreadsheet cell, with an apostrophe first if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def finance_csv(run, payments) -> str:
    """The finance team's CSV: one row per payment, text cells guarded against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for p in payments:
        agreement = p.agreement
        by_bank = agreement.payment_method == PaymentMethod.BANK_ACCOUNT
        text = [
            run.pk,
            p.pk,
            p.due_on.isoformat(),
            reference(agreement),
            agreement.child.council_reference,
            PaymentMethod(agreement.payment_method).label,
            agreement.account_name if by_bank else agreement.card_account_reference,
            agreement.sort_code if by_bank else "",
            agreement.account_number if by_bank else "",
        ]
        writer.writerow([safe_cell(v) for v in text] + [money(p.amount), money(p.offset), money(p.net_amount)])
    return buffer.getvalue()


def prepaid_csv(payments, bank, processing_date) -> str:
    """The generic prepaid card bulk load CSV: one load per card payment."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PREPAID_HEADER)
    funding = bank.prepaid_funding_reference if bank is not None else ""
    for p in payments:
        agreement = p.agreement
        row = [agreement.card_account_reference, money(p.net_amount), reference(agreement), funding]
        writer.writerow([*row, processing_date.isoformat()])
    return buffer.getvalue()
