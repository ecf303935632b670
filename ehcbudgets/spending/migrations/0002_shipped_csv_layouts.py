"""The CSV layouts shipped with the service: UK banks' exports we can describe from public information, and two
generic layouts. docs/statement-layouts.md documents each one and how a council adds another.

The rows are written out here, not imported from the app, so this migration always creates what it created the first
time. Reversing it deletes them by name.
"""

from django.db import migrations

_SOURCE = (
    "Source: the column names, date format and sample rows used by several independent open-source importers of "
    "this bank's CSV download, published on GitHub, read in November 2026. We found no specification published by "
    "the bank."
)

LAYOUTS = [
    {
        "name": "Barclays",
        "date_column": "Date",
        "date_format": "%d/%m/%Y",
        "amount_column": "Amount",
        "payee_column": "Memo",
        "description_column": "Subcategory",
        "notes": (
            "Barclays online banking export. Columns: Number, Date, Account, Amount, Subcategory, Memo. "
            "Dates are day/month/year (22/11/2026). One signed Amount: money out is negative. The payee is in Memo, "
            'often with the card date and a code after it ("TESCO STORES 3021 ON 21 JUL BCC"). No running balance. '
            "Number is blank, 0 or a count of the rows, not the bank's transaction id, so it is not used. " + _SOURCE
        ),
    },
    {
        "name": "Lloyds, Halifax and Bank of Scotland",
        "date_column": "Transaction Date",
        "date_format": "%d/%m/%Y",
        "paid_out_column": "Debit Amount",
        "paid_in_column": "Credit Amount",
        "payee_column": "Transaction Description",
        "description_column": "Transaction Type",
        "balance_column": "Balance",
        "notes": (
            "Lloyds Banking Group's export, the same for Lloyds, Halifax and Bank of Scotland. Columns: Transaction "
            "Date, Transaction Type, Sort Code, Account Number, Transaction Description, Debit Amount, Credit Amount, "
            "Balance. Dates are day/month/year (22/11/2026). Money out is in Debit Amount and money in in Credit "
            "Amount, both without a sign; Balance is negative when overdrawn. Transaction Type is a code such as DEB "
            "(card), DD (direct debit) or FPI (faster payment in). The sort code starts with an apostrophe. " + _SOURCE
        ),
    },
    {
        "name": "NatWest and Royal Bank of Scotland",
        "date_column": "Date",
        "date_format": "%d/%m/%Y",
        "amount_column": "Value",
        "payee_column": "Description",
        "description_column": "Type",
        "balance_column": "Balance",
        "notes": (
            "NatWest Group's export (NatWest and RBS). Header: Date, Type, Description, Value, Balance, Account "
            "Name, Account Number, with a space after each comma, then a blank line; each row ends with a comma. "
            "Dates are day/month/year (22/11/2026). One signed Value: money out is negative. Text cells start with an "
            "apostrophe, which is removed. One file can hold several accounts: download the direct payment account "
            "on its own. Newer downloads may write dates as 22 Nov 2026: see the next layout. " + _SOURCE
        ),
    },
    {
        "name": "NatWest and Royal Bank of Scotland (dates like 22 Nov 2026)",
        "date_column": "Date",
        "date_format": "%d %b %Y",
        "amount_column": "Value",
        "payee_column": "Description",
        "description_column": "Type",
        "balance_column": "Balance",
        "notes": (
            "The NatWest and RBS export with dates written as day, short month name, year (22 Nov 2026), which "
            "public importers written since 2025 describe. Same columns and signs as the layout above; the service "
            "tells the two apart by reading the first date. " + _SOURCE
        ),
    },
    {
        "name": "Nationwide",
        "date_column": "Date",
        "date_format": "%d %b %Y",
        "paid_out_column": "Paid out",
        "paid_in_column": "Paid in",
        "payee_column": "Description",
        "description_column": "Transaction type",
        "balance_column": "Balance",
        "notes": (
            "Nationwide Building Society current account download. Three lines about the account (Account Name, "
            "Account Balance, Available Balance) and a blank line come before the header: Date, Transaction type, "
            "Description, Paid out, Paid in, Balance. Dates are day, short month name, year (22 Nov 2026). Amounts "
            "carry a pound sign (£12.40) and no minus sign: the column says which way the money went. The file may "
            "be in the Windows-1252 character set (the pound sign is then one byte, A3). " + _SOURCE
        ),
    },
    {
        "name": "Monzo",
        "date_column": "Date",
        "date_format": "%d/%m/%Y",
        "amount_column": "Amount",
        "payee_column": "Name",
        "description_column": "Description",
        "id_column": "Transaction ID",
        "notes": (
            "Monzo app export. Columns: Transaction ID, Date, Time, Type, Name, Emoji, Category, Amount, Currency, "
            "Local amount, Local currency, Notes and #tags, Address, Receipt, Description, Category split. Dates are "
            "day/month/year (22/11/2026), the time in its own column. "
            "Amount is signed, money out negative, in the account's currency; Local amount (a foreign purchase) is "
            "not used. Transaction ID (tx_...) is the bank's id. No running balance. " + _SOURCE
        ),
    },
    {
        "name": "Starling",
        "date_column": "Date",
        "date_format": "%d/%m/%Y",
        "amount_column": "Amount (GBP)",
        "payee_column": "Counter Party",
        "description_column": "Reference",
        "balance_column": "Balance (GBP)",
        "notes": (
            "Starling Bank statement export. Columns: Date, Counter Party, Reference, Type, Amount (GBP), Balance "
            "(GBP), Spending Category, Notes. Dates are day/month/year (22/11/2026). Amount (GBP) is signed, money "
            "out negative. " + _SOURCE
        ),
    },
    {
        "name": "Generic: Date, Description, Amount, Balance",
        "date_column": "Date",
        "date_format": "%d/%m/%Y",
        "amount_column": "Amount",
        "payee_column": "Description",
        "balance_column": "Balance",
        "notes": (
            "Not a bank's own layout: a plain layout a family or council can save any statement as. Columns: Date, "
            "Description, Amount, Balance (others are ignored). Dates are day/month/year (22/11/2026). Amount is "
            "signed the bank's way: money out negative."
        ),
    },
    {
        "name": "Generic: Date, Description, Paid out, Paid in, Balance",
        "date_column": "Date",
        "date_format": "%d/%m/%Y",
        "paid_out_column": "Paid out",
        "paid_in_column": "Paid in",
        "payee_column": "Description",
        "balance_column": "Balance",
        "notes": (
            "Not a provider's own layout: the shape of most prepaid card and bank statements, with money out and "
            "money in in separate columns, for a card portal whose export we cannot describe from public "
            "information. Columns: Date, Description, Paid out, Paid in, Balance (others are ignored). Dates are "
            "day/month/year (22/11/2026). Each row fills Paid out or Paid in, without a sign."
        ),
    },
]


def add_layouts(apps, schema_editor):
    CsvLayout = apps.get_model("spending", "CsvLayout")
    for layout in LAYOUTS:
        CsvLayout.objects.get_or_create(name=layout["name"], defaults=layout)


def remove_layouts(apps, schema_editor):
    CsvLayout = apps.get_model("spending", "CsvLayout")
    CsvLayout.objects.filter(name__in=[layout["name"] for layout in LAYOUTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("spending", "0001_initial")]

    operations = [migrations.RunPython(add_layouts, remove_layouts)]
