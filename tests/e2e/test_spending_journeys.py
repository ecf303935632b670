"""Family spending in the browser, on a phone: a parent whose direct payments are active and paid imports a bank
statement, saves the suggested records, adds a receipt and sends the first quarterly return; a case officer checks
the return and accepts it. Every page goes through the harness (axe-core, no sideways scrolling at 375px).

The services' "today" is the real date: the fixture agrees a budget whose period began 100 days ago, so the
agreement started then, its first quarterly return period has ended, and the run pays everything due up to today.
The statement and the receipt are real files the test writes, chosen with the page's file inputs.
"""

import csv
import io
import re
import struct
import zlib
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, _browse

pytestmark = pytest.mark.e2e

OFFICER = "officer@brightwater.example"
MANAGER = "manager@brightwater.example"
FINANCE = "finance@brightwater.example"
CHECKER = "finance2@brightwater.example"  # the demo's second finance officer, who approves runs
PARENT = "parent@brightwater.example"
CARD = "PPC-0001-2345"
PA_LINE = "Personal assistant support at home"  # delivered at home: a direct payment needs no setting's agreement
GENERIC = "Generic: Date, Description, Amount, Balance"
STARTED_DAYS_AGO = 100  # more than a quarter: the first return period has ended
FINDINGS = {
    "will_secure_provision": "Has employed a personal assistant before.",
    "best_interests": "Chose the support with the child.",
    "no_harm_to_services": "No block contract covers personal assistant support.",
    "efficient_use": "It costs no more than the council arranging it.",
}


# Helpers -----------------------------------------------------------------------------------------------------------


def _sign_out(b) -> None:
    """On a phone the service navigation is folded under its Menu button (with JavaScript on): open it first."""
    menu = b.page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    b.follow(b.page.get_by_role("button", name=re.compile("Sign out")))


def _javascript_is_off(page) -> None:
    """base.html marks the body js-enabled from an inline script: proof that no script ran."""
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))


def _row(scope, key: str):
    """The summary list row with this key, in a page or in part of one."""
    page = getattr(scope, "page", scope)  # a locator's `has` must be made from the page
    return scope.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=key))


def _card(page, line_number: int):
    """A line of the statement preview, by its line in the file."""
    return page.locator(f"#line-{line_number}")


def _statement(rows, *, balances: bool = True) -> bytes:
    """A CSV in the generic layout (Date, Description, Amount, Balance): money out negative, as banks write it. Some
    card portals leave the balance out, and then two identical payments on one day look the same."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Date", "Description", "Amount", "Balance"])
    balance = Decimal("500.00")
    for on, payee, amount in rows:
        balance += amount
        writer.writerow([on.strftime("%d/%m/%Y"), payee, f"{amount:.2f}", f"{balance:.2f}" if balances else ""])
    return out.getvalue().encode("utf-8")


def _png(width: int = 4, height: int = 4) -> bytes:
    """A small real PNG: a grey square, made with zlib (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))  # filter 0, then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# Fixtures ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def shipped_layouts(transactional_db):
    """The CSV layouts the spending migration ships. A transactional test's flush empties every table, migration
    data included, so a later journey in the session would find none (and the demo's statement needs one)."""
    migration = import_module("ehcbudgets.spending.migrations.0002_shipped_csv_layouts")
    from ehcbudgets.spending.models import CsvLayout

    for layout in migration.LAYOUTS:
        CsvLayout.objects.get_or_create(name=layout["name"], defaults=layout)


@pytest.fixture
def phone(request, browser, browser_context_args, live_server, axe_source):
    """A fresh browser context with JavaScript on, at a phone's size (375 x 812), as a parent would use it."""
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True})
    try:
        yield from _browse(request, context.new_page(), live_server, axe_source)
    finally:
        context.close()


@pytest.fixture
def paid(shipped_layouts, demo):
    """Direct payments that started 100 days ago for the demo parent's child who had no budget, for the personal
    assistant line, consented to by the parent and paid up to today by a run one finance officer prepared and
    another approved. Made through the services as the pages would."""
    from ehcbudgets.accounts.models import User
    from ehcbudgets.budgets import services as budgets
    from ehcbudgets.budgets.models import BudgetLine
    from ehcbudgets.core.dates import today
    from ehcbudgets.payments import services as payments
    from ehcbudgets.people.models import Child

    officer, manager = User.objects.get(email=OFFICER), User.objects.get(email=MANAGER)
    finance, checker = User.objects.get(email=FINANCE), User.objects.get(email=CHECKER)
    parent = User.objects.get(email=PARENT)
    child = Child.objects.filter(contacts__user=parent, budget_requests__isnull=True).order_by("pk").first()
    assert child is not None, "the demo should leave one of the parent's children without a budget request"
    contact = child.contacts.get(user=parent)
    start = today() - timedelta(days=STARTED_DAYS_AGO)

    request = budgets.budget_request_record(actor=officer, child=child, requester=contact, channel="letter")
    budget = budgets.budget_start(actor=officer, request=request, period_start=start)
    line = BudgetLine.objects.get(budget=budget, provision_item__description=PA_LINE)
    budgets.budget_line_set(
        actor=officer, budget=budget, provision_item=line.provision_item, line=line, management_mode="direct_payment"
    )
    budgets.direct_payment_case_record(actor=officer, budget=budget, recipient=contact, **FINDINGS)
    budget.refresh_from_db()
    budgets.budget_submit(actor=officer, budget=budget, final_amount=budget.costed_total)
    budget = budgets.budget_approve(actor=manager, budget=budget)

    agreement = payments.agreement_create(
        actor=officer, budget=budget, start_date=start, payment_method="prepaid_card", card_account_reference=CARD
    )
    agreement = payments.agreement_send(actor=officer, agreement=agreement)
    agreement = payments.agreement_consent(actor=parent, agreement=agreement)
    run = payments.payment_run_prepare(actor=finance, council=budget.council, pay_up_to=today())
    payments.payment_run_approve(actor=checker, run=run)
    agreement.refresh_from_db()
    assert agreement.status == "active" and agreement.start_date == start
    assert agreement.payments.filter(status="paid").exists()
    return agreement


def _first_period(agreement):
    from ehcbudgets.core.dates import today
    from ehcbudgets.spending import selectors

    start, end = selectors.return_periods(agreement=agreement)[0]
    assert end < today(), "the first return period must have ended for the return to be sent"
    return start, end


def _open_spending(b, agreement) -> None:
    """From the parent's home page: the child, their direct payments, then the spending overview."""
    from ehcbudgets.core.dates import format_date

    page = b.page
    b.follow(page.get_by_role("link", name=agreement.child.full_name))
    b.follow(page.get_by_role("link", name=f"Direct payments from {format_date(agreement.start_date)}"))
    b.follow(page.get_by_role("link", name="Spending, receipts and returns"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Spending the direct payments")


# The journey -------------------------------------------------------------------------------------------------------


def test_a_parent_on_a_phone_imports_a_statement_adds_a_receipt_and_sends_a_return_an_officer_accepts_it(
    phone, browse, paid, tmp_path
):
    from ehcbudgets.core.dates import format_date, today
    from ehcbudgets.core.money import format_money
    from ehcbudgets.payments import selectors as payment_selectors
    from ehcbudgets.spending.models import MonitoringReturn, Receipt, SpendingRecord, StatementImport

    b, page, agreement = phone, phone.page, paid
    child = agreement.child
    start, end = _first_period(agreement)
    council_payment = agreement.payments.filter(status="paid").order_by("due_on").first()
    balance_before = payment_selectors.recipient_balance(agreement=agreement)
    wages_on, second_wages_on, payroll_on = (start + timedelta(days=n) for n in (9, 16, 23))
    statement = tmp_path / "statement.csv"
    statement.write_bytes(
        _statement(
            [
                (wages_on, "PA WAGES J SMITH", Decimal("-64.00")),
                (second_wages_on, "PA WAGES J SMITH", Decimal("-48.00")),
                (payroll_on, "PAYROLL BUREAU LTD", Decimal("-12.50")),
                (today(), "BRIGHTWATER BC DIRECT PAYMENT", council_payment.amount - council_payment.offset),
            ]
        )
    )
    receipt = tmp_path / "wages-slip.png"
    receipt.write_bytes(_png())

    # 1. The parent opens the spending overview: the balance is the ledger's, and the first return is due.
    b.sign_in(PARENT)
    assert page.viewport_size == PHONE
    _open_spending(b, agreement)
    expect(page.get_by_text(format_money(balance_before)).first).to_be_visible()
    returns_due = page.get_by_role("heading", name="Returns to send")
    expect(returns_due).to_be_visible()
    expect(page.get_by_role("heading", name=f"{format_date(start)} to {format_date(end)}")).to_be_visible()

    # 2. They add the statement downloaded from their bank, choosing the generic layout it is saved in.
    b.follow(page.get_by_role("button", name="Add a statement"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a bank or card statement")
    page.get_by_label("Bank or card statement").set_input_files(str(statement))
    page.get_by_label("Which bank or card is it from? (optional)").select_option(label=GENERIC)
    b.follow(page.get_by_role("button", name="Upload and check"))

    # 3. The preview: every line with its suggestion and why; the council's own payment in is not recorded again.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your statement")
    expect(page.get_by_text(f"We read 4 lines from statement.csv ({GENERIC})")).to_be_visible()
    expect(page.get_by_text("3 will be recorded when you save.")).to_be_visible()
    expect(page.get_by_text("1 is a payment from the council, already in your balance.")).to_be_visible()
    wages = _card(page, 2)
    expect(wages.get_by_role("heading", level=3)).to_have_text("PA WAGES J SMITH: £64.00")
    expect(_row(wages, "Date")).to_contain_text(format_date(wages_on))
    expect(_row(wages, "We suggest")).to_contain_text(PA_LINE)
    expect(_row(wages, "We suggest")).to_contain_text("Personal assistant wages")
    expect(_row(wages, "Why").locator("dd")).not_to_have_text("")  # a reason is always given
    expect(_row(_card(page, 4), "Why")).to_contain_text("The council's rule: 'payroll bureau'")
    expect(_row(_card(page, 4), "We suggest")).to_contain_text(PA_LINE)
    payment_in = _card(page, 5)
    expect(payment_in).to_contain_text("From the council")
    expect(_row(payment_in, "Why")).to_have_text(re.compile("A direct payment from the council"))
    assert not SpendingRecord.objects.filter(agreement=agreement).exists()  # nothing is recorded before saving

    # 4. They accept the suggestions in one step.
    b.follow(page.get_by_role("button", name="Save these records"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Spending the direct payments")
    expect(page.get_by_text("3 records saved from statement.csv.")).to_be_visible()
    saved = StatementImport.objects.get(agreement=agreement)
    assert saved.status == "saved"
    records = SpendingRecord.objects.filter(agreement=agreement).order_by("spent_on")
    assert [(r.payee, r.amount, r.source) for r in records] == [
        ("PA WAGES J SMITH", Decimal("64.00"), "statement"),
        ("PA WAGES J SMITH", Decimal("48.00"), "statement"),
        ("PAYROLL BUREAU LTD", Decimal("12.50"), "statement"),
    ]
    assert [r.category for r in records] == ["wages", "wages", "employer_costs"]
    assert all([p.line.description for p in r.parts.all()] == [PA_LINE] for r in records)
    balance_after = balance_before - Decimal("124.50")
    assert payment_selectors.recipient_balance(agreement=agreement) == balance_after
    expect(page.get_by_text(format_money(balance_after)).first).to_be_visible()

    # 5. They open the first wages record from the latest records and add a photo of the wage slip.
    latest = page.get_by_role("region", name="Latest records")
    b.follow(latest.get_by_role("link", name=re.compile(rf"^PA WAGES J SMITH\s*, {format_date(wages_on)}$")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment to PA WAGES J SMITH")
    expect(_row(page, "Amount")).to_contain_text("£64.00")
    expect(page.get_by_text("No receipt yet.")).to_be_visible()
    b.follow(page.get_by_role("button", name="Add a receipt"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a receipt")
    page.get_by_label("Receipt or invoice").set_input_files(str(receipt))
    b.follow(page.get_by_role("button", name="Upload the receipt"))
    expect(page.get_by_text("The receipt is saved.")).to_be_visible()
    kept = Receipt.objects.get(record__agreement=agreement)
    assert (kept.content_type, kept.size, kept.original_name) == ("image/png", len(_png()), "wages-slip.png")
    receipt_link = page.get_by_role("link", name="wages-slip.png")
    expect(receipt_link).to_be_visible()
    response = page.request.get(receipt_link.get_attribute("href"))  # with the parent's session
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert response.body() == _png()

    # 6. Back to the overview, then the returns: the first period's return is filled in from the records.
    b.follow(page.get_by_role("link", name="All records"))
    b.follow(page.get_by_role("link", name="Spending", exact=True))
    b.follow(page.get_by_role("link", name="Returns to the council"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns to the council")
    first = page.get_by_role("row", name=re.compile(f"^{format_date(start)} to {format_date(end)}"))
    expect(first).to_contain_text("Ready to send")
    b.follow(first.get_by_role("link", name=f"Send the return for {format_date(start)} to {format_date(end)}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Return for {format_date(start)} to {format_date(end)}")
    expect(_row(page, "Records")).to_have_text(re.compile("3, 1 with a receipt"))
    expect(_row(page, "Spent")).to_contain_text("£124.50")
    page.get_by_label("Anything you want to tell the council (optional)").fill("The wage slip is on the first record.")
    b.follow(page.get_by_role("button", name="Send the return"))
    expect(
        page.get_by_text(f"Your return for {format_date(start)} to {format_date(end)} has been sent to the council.")
    ).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(f"^{format_date(start)} to {format_date(end)}"))).to_contain_text(
        f"Sent on {format_date(today())}"
    )
    sent = MonitoringReturn.objects.get(agreement=agreement, period_start=start)
    assert (sent.status, sent.period_end, sent.summary["records"], sent.summary["with_receipts"]) == (
        "submitted",
        end,
        3,
        1,
    )
    _sign_out(b)

    # 7. A case officer opens the returns waiting to be checked, the family's return, and accepts it.
    o, officer_page = browse, browse.page
    o.sign_in(OFFICER)
    o.visit("/cases/direct-payments/returns/")
    expect(officer_page.get_by_role("heading", level=1)).to_have_text("Returns to check")
    o.follow(
        officer_page.get_by_role(
            "link", name=f"Check the return of {child.full_name} for {format_date(start)} to {format_date(end)}"
        )
    )
    expect(officer_page.get_by_role("heading", level=1)).to_have_text(
        f"Monitoring return for {format_date(start)} to {format_date(end)}"
    )
    expect(_row(officer_page, "The family's note")).to_contain_text("The wage slip is on the first record.")
    expect(_row(officer_page, "Records")).to_contain_text("3, 1 with a receipt")
    expect(_row(officer_page, "Spent")).to_contain_text("£124.50")
    o.follow(officer_page.get_by_role("button", name="Accept the return"))
    expect(officer_page.get_by_role("heading", level=1)).to_have_text(
        f"Accept the return for {format_date(start)} to {format_date(end)}"
    )
    o.follow(officer_page.get_by_role("button", name="Accept the return"))
    expect(
        officer_page.get_by_text(f"Return for {format_date(start)} to {format_date(end)} accepted", exact=True)
    ).to_be_visible()
    expect(_row(officer_page, "Accepted")).to_contain_text(format_date(today()))
    sent.refresh_from_db()
    assert (sent.status, sent.decided_by.email) == ("accepted", OFFICER)
    o.visit("/cases/direct-payments/returns/")
    expect(
        officer_page.get_by_role("link", name=re.compile(f"Check the return of {re.escape(child.full_name)} "))
    ).to_have_count(0)


# Without JavaScript ------------------------------------------------------------------------------------------------


def test_the_statement_preview_and_save_work_without_javascript(browse_without_js, paid, tmp_path):
    """Two identical fares on one day: the second is marked a repeat and left out unless "Keep both" is ticked, which
    needs no script; saving records both."""
    from ehcbudgets.spending.models import SpendingRecord

    b, page, agreement = browse_without_js, browse_without_js.page, paid
    start, _ = _first_period(agreement)
    on = start + timedelta(days=12)
    statement = tmp_path / "fares.csv"
    statement.write_bytes(_statement([(on, "CITY TAXIS", Decimal("-9.40"))] * 2, balances=False))

    b.sign_in(PARENT)
    _javascript_is_off(page)
    b.visit(f"/my/children/{agreement.child_id}/direct-payments/{agreement.pk}/spending/statements/add/")
    page.get_by_label("Bank or card statement").set_input_files(str(statement))
    page.get_by_label("Which bank or card is it from? (optional)").select_option(label=GENERIC)
    b.follow(page.get_by_role("button", name="Upload and check"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your statement")
    expect(page.get_by_text("1 will be recorded when you save.")).to_be_visible()
    repeat = _card(page, 3)
    expect(repeat).to_contain_text("Repeated in this file")
    expect(_row(repeat, "Why")).to_contain_text("The same as an earlier line in this file")
    repeat.get_by_label(re.compile("^Keep both: this is a genuine repeat")).check()
    b.follow(page.get_by_role("button", name="Save these records"))
    expect(page.get_by_text("2 records saved from fares.csv.")).to_be_visible()
    records = SpendingRecord.objects.filter(agreement=agreement)
    assert sorted((r.payee, r.amount, r.keep_both) for r in records) == [
        ("CITY TAXIS", Decimal("9.40"), False),
        ("CITY TAXIS", Decimal("9.40"), True),
    ]
