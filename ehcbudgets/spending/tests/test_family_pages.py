# ruff: noqa: F811 - the fixtures imported from the payments tests are requested by name below
"""The family's spending pages, through the test client: the money picture from the ledger with a chart and a table
of the same figures; records and refunds added by hand; receipts checked by their content and shown only to those
who may see the agreement; a statement imported, previewed and saved in one step, and a second import of the same
file saving nothing new; a malformed file refused with line numbers; "what can I spend it on?"; and the quarterly
return sent in one step (DOMAIN R16, R31 to R33; ADR 10).

Unless a test says otherwise, today is Friday 1 May 2026 and the standard agreement (the PA line, £3,411.20, paid to
the parent) has had its first two payments, £50.01 due on 1 April and £280.10 due on 6 April, released that day.
"""

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ehcbudgets.accounts.models import Role
from ehcbudgets.core.money import format_money
from ehcbudgets.offer.models import SpendingRestriction
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments import services as payment_services
from ehcbudgets.payments.models import Agreement
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
    parent_user,
    pb,
    quick_pdf,
)
from ehcbudgets.payments.tests.test_agreements import create, two_stream_budget
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.spending import files
from ehcbudgets.spending.models import (
    CsvLayout,
    MonitoringReturn,
    Receipt,
    ReturnStatus,
    SpendingRecord,
    StatementImport,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 1)
PROBLEM = "There is a problem"
#: The smallest real PNG: a 1 x 1 pixel image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
GENERIC = "Generic: Date, Description, Amount, Balance"
#: Two payments out, and the council's own £280.10 paid in on the day it was released.
STATEMENT = (
    b"Date,Description,Amount,Balance\n"
    b"02/04/2026,ACME CARE LTD,-48.00,2.01\n"
    b"20/04/2026,PA WAGES J SMITH,-120.00,-117.99\n"
    b"01/05/2026,BRIGHTWATER BC DIRECT PAYMENT,280.10,162.11\n"
)
#: Line 3 has a date that does not exist, line 4 an amount that is not money.
MALFORMED = (
    b"Date,Description,Amount,Balance\n"
    b"02/04/2026,ACME CARE LTD,-48.00,2.01\n"
    b"31/02/2026,PA WAGES,-120.00,-117.99\n"
    b"03/04/2026,SWIM CLUB,twelve,-130.00\n"
)


# Helpers ---------------------------------------------------------------------------------------------------------


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, agreement, *args) -> str:
    return reverse(f"family_spending:{name}", args=[agreement.child_id, agreement.pk, *args])


def _date(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def _record_post(**overrides) -> dict:
    data = {
        "direction": "out",
        **_date("spent_on", date(2026, 4, 20)),
        "amount": "25.60",
        "payee": "Jo Smith",
        "description": "PA wages, week of 13 April",
        "category": "wages",
    }
    data.update(overrides)
    return data


def balance(agreement) -> Decimal:
    return payment_selectors.recipient_balance(agreement=agreement)


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _generic_layout() -> CsvLayout:
    """The shipped generic layout (migration 0002), or the same made here if the migration has not shipped it."""
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
def funded(agreement, finance, finance2, on_day):
    """The standard agreement with its first two payments released on 1 May 2026, which is today."""
    on_day(TODAY)
    run = payment_services.payment_run_prepare(actor=finance, council=agreement.council, pay_up_to=TODAY)
    payment_services.payment_run_approve(actor=finance2, run=run)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def family(funded, parent_user):
    return _as(parent_user)


@pytest.fixture
def other_family(pb, dp, make_user, council):
    """Another child of the council, with their own parent and agreement."""
    parent = make_user(Role.PARENT_CARER, full_name="Alex Other")
    other = pb.case(child=ChildFactory(council=council), parent_user=parent)
    return SimpleNamespace(agreement=dp.active(other), client=_as(parent))


@pytest.fixture
def a_record(funded, family):
    family.post(_url("record_add", funded), _record_post())
    return SpendingRecord.objects.get(agreement=funded)


def _between(html: str, start: str, end: str) -> str:
    match = re.search(re.escape(start) + r"(.*?)" + re.escape(end), html, re.S)
    assert match, f"{start!r} ... {end!r} not found"
    return match.group(1)


# The overview ----------------------------------------------------------------------------------------------------


def test_the_overview_shows_the_balance_from_the_ledger_in_a_chart_and_a_table_of_the_same_figures(funded, family):
    held = balance(funded)
    assert held > 0
    response = family.get(_url("overview", funded))
    html = response.content.decode()
    assert response.status_code == 200
    chart = _between(html, '<svg class="app-chart"', "</svg>")
    table = _between(html, 'id="money-table"', "</table>")
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    for figure in (held, Decimal("0.00")):
        assert format_money(figure) in chart
        assert format_money(figure) in table
    for label in ("Balance", "Owed", "Set aside", "Free to spend", "Still to come"):
        assert f">{label}</text>" in chart
        assert f">{label}<br>" in table
    # The charts of spending by support and by outcome have their tables too, with the support named.
    assert 'id="line-table"' in html and 'id="outcome-table"' in html
    assert "Personal assistant support at home" in _between(html, 'id="line-table"', "</table>")
    assert "<script" not in _between(html, '<main class="govuk-main-wrapper"', "</main>")


def test_the_agreement_page_links_to_the_spending_overview(funded, family):
    response = family.get(reverse("family_payments:agreement", args=[funded.child_id, funded.pk]))
    assert _url("overview", funded) in response.content.decode()


def test_another_family_cannot_see_the_spending_and_a_draft_is_not_found(funded, other_family, dp, case, parent_user):
    assert other_family.client.get(_url("overview", funded)).status_code == 404
    assert other_family.client.get(_url("records", funded)).status_code == 404
    Agreement.objects.filter(pk=funded.pk).update(status="draft")
    assert _as(parent_user).get(_url("overview", funded)).status_code == 404


def test_a_family_member_who_does_not_hold_the_payments_sees_them_but_cannot_record(funded, make_user, case):
    other_parent = make_user(Role.PARENT_CARER, full_name="Robin Parent")
    ContactFactory(child=case.child, full_name="Robin Parent", user=other_parent)
    client = _as(other_parent)
    page = client.get(_url("overview", funded))
    assert page.status_code == 200
    assert _url("record_add", funded) not in page.content.decode()
    assert client.get(_url("record_add", funded)).status_code == 403
    assert client.post(_url("record_add", funded), _record_post()).status_code == 403
    assert not SpendingRecord.objects.exists()


# Records ---------------------------------------------------------------------------------------------------------


def test_a_payment_added_through_the_form_takes_the_family_to_it_and_lowers_the_balance(funded, family):
    before = balance(funded)
    response = family.post(_url("record_add", funded), _record_post())
    record = SpendingRecord.objects.get(agreement=funded)
    assert response.status_code == 302
    assert response["Location"] == _url("record", funded, record.pk)
    assert (record.amount, record.payee, record.category) == (Decimal("25.60"), "Jo Smith", "wages")
    assert [(p.line, p.amount) for p in record.parts.all()] == [(funded.lines.get(), Decimal("25.60"))]
    assert balance(funded) == before - Decimal("25.60")
    page = family.get(response["Location"]).content.decode()
    assert "Payment to Jo Smith" in page and "£25.60" in page
    assert _url("receipt_add", funded, record.pk) in page
    assert "Jo Smith" in family.get(_url("records", funded)).content.decode()


def test_a_refund_is_money_in_and_raises_the_balance(funded, family):
    before = balance(funded)
    response = family.post(_url("record_add", funded), _record_post(direction="in", payee="Acme Care", amount="10"))
    record = SpendingRecord.objects.get(agreement=funded)
    assert response.status_code == 302
    assert record.amount == Decimal("-10.00") and record.is_refund
    assert [p.amount for p in record.parts.all()] == [Decimal("-10.00")]
    assert balance(funded) == before + Decimal("10.00")
    assert "Refund from Acme Care" in family.get(response["Location"]).content.decode()


def test_no_payee_and_an_amount_with_three_decimal_places_show_errors_and_record_nothing(funded, family):
    before = balance(funded)
    response = family.post(_url("record_add", funded), _record_post(payee="", amount="12.345"))
    html = response.content.decode()
    assert response.status_code == 200
    assert PROBLEM in html
    assert "Enter who was paid" in html
    assert "Enter the amount in pounds and pence, like 25.60" in html
    assert not SpendingRecord.objects.exists()
    assert balance(funded) == before


def test_a_date_in_the_future_is_refused_by_the_service_and_shown_on_the_form(funded, family):
    response = family.post(_url("record_add", funded), _record_post(**_date("spent_on", date(2026, 5, 2))))
    assert response.status_code == 200
    assert "The date must be today or in the past" in response.content.decode()
    assert not SpendingRecord.objects.exists()


def test_a_record_taken_back_gives_the_money_back_to_the_balance(a_record, funded, family):
    before = balance(funded)
    url = _url("record_withdraw", funded, a_record.pk)
    assert PROBLEM in family.post(url, {"reason": ""}).content.decode()
    response = family.post(url, {"reason": "Entered twice"})
    assert response.status_code == 302
    a_record.refresh_from_db()
    assert a_record.withdrawn
    assert balance(funded) == before + Decimal("25.60")


# Receipts --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"), [("till.png", PNG, "image/png"), ("invoice.pdf", PDF, "application/pdf")]
)
def test_a_real_png_or_pdf_is_accepted_as_a_receipt(a_record, funded, family, name, content, content_type):
    response = family.post(_url("receipt_add", funded, a_record.pk), {"file": _upload(name, content)})
    assert response.status_code == 302
    assert response["Location"] == _url("record", funded, a_record.pk)
    receipt = Receipt.objects.get(record=a_record)
    assert (receipt.content_type, receipt.size, receipt.original_name) == (content_type, len(content), name)


def test_the_receipt_form_offers_pdfs_and_images(a_record, funded, family):
    html = family.get(_url("receipt_add", funded, a_record.pk)).content.decode()
    assert 'type="file"' in html and 'accept="application/pdf,image/jpeg,image/png' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_png_that_is_really_text_is_refused(a_record, funded, family):
    response = family.post(
        _url("receipt_add", funded, a_record.pk), {"file": _upload("receipt.png", b"just some text", "image/png")}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert PROBLEM in html and "The receipt must be a PDF, JPG, PNG or HEIC file" in html
    assert not Receipt.objects.exists()


def test_a_receipt_over_the_size_limit_is_refused(a_record, funded, family, monkeypatch):
    monkeypatch.setattr(files, "MAX_RECEIPT_BYTES", 64)
    response = family.post(_url("receipt_add", funded, a_record.pk), {"file": _upload("big.png", PNG + b"\0" * 64)})
    assert response.status_code == 200
    assert "The receipt must be smaller than 10 MB" in response.content.decode()
    assert not Receipt.objects.exists()


def test_the_family_can_open_a_receipt_and_another_family_cannot(a_record, funded, family, other_family):
    family.post(_url("receipt_add", funded, a_record.pk), {"file": _upload("till.png", PNG)})
    receipt = Receipt.objects.get()
    url = _url("receipt", funded, receipt.pk)
    assert url in family.get(_url("record", funded, a_record.pk)).content.decode()
    response = family.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert other_family.client.get(url).status_code == 404
    # Nor under the other family's own agreement's address.
    assert other_family.client.get(_url("receipt", other_family.agreement, receipt.pk)).status_code == 404


# Importing a statement -------------------------------------------------------------------------------------------


def _import(client, agreement, content: bytes = STATEMENT, *, layout=None):
    data = {"file": _upload("statement.csv", content, "text/csv")}
    if layout is not None:
        data["layout"] = str(layout.pk)
    return client.post(_url("statement_upload", agreement), data)


def test_a_statement_is_previewed_saved_in_one_step_and_a_second_import_saves_nothing_new(funded, family):
    layout = _generic_layout()
    before = balance(funded)
    response = _import(family, funded, layout=layout)
    statement = StatementImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("statement", funded, statement.pk)
    assert not SpendingRecord.objects.exists()  # nothing recorded until the family saves

    preview = family.get(response["Location"]).content.decode()
    assert "ACME CARE LTD" in preview and "PA WAGES J SMITH" in preview
    assert "From the council" in preview  # the council's own payment, already in the balance
    assert "Personal assistant support at home" in preview  # the suggestion
    acme = statement.lines.get(payee="ACME CARE LTD")
    assert acme.reason and escape(acme.reason) in preview  # and its reason
    assert "Save these records" in preview

    saved = family.post(response["Location"])
    assert saved.status_code == 302 and saved["Location"] == _url("overview", funded)
    records = SpendingRecord.objects.filter(agreement=funded).order_by("spent_on")
    assert [(r.payee, r.amount, r.source) for r in records] == [
        ("ACME CARE LTD", Decimal("48.00"), "statement"),
        ("PA WAGES J SMITH", Decimal("120.00"), "statement"),
    ]
    assert balance(funded) == before - Decimal("168.00")

    again = _import(family, funded, layout=layout)
    second = StatementImport.objects.latest("pk")
    preview = family.get(again["Location"]).content.decode()
    assert preview.count(">Already recorded</strong>") == 2
    assert "Keep both" in preview
    assert family.post(again["Location"]).status_code == 302
    second.refresh_from_db()
    assert second.status == "saved"
    assert SpendingRecord.objects.filter(agreement=funded).count() == 2
    assert balance(funded) == before - Decimal("168.00")


def test_the_layout_is_worked_out_from_the_file_when_none_is_chosen(funded, family):
    _generic_layout()
    response = _import(family, funded)
    assert response.status_code == 302
    assert StatementImport.objects.get().layout.name == GENERIC


def test_a_duplicate_the_family_says_to_keep_is_recorded_again(funded, family):
    layout = _generic_layout()
    family.post(_import(family, funded, layout=layout)["Location"])
    again = _import(family, funded, layout=layout)
    second = StatementImport.objects.latest("pk")
    acme = second.lines.get(payee="ACME CARE LTD")
    family.post(again["Location"], {f"keep_{acme.pk}": "on"})
    assert SpendingRecord.objects.filter(agreement=funded, payee="ACME CARE LTD").count() == 2
    assert SpendingRecord.objects.filter(agreement=funded, payee="PA WAGES J SMITH").count() == 1


def test_a_line_can_be_skipped(funded, family):
    layout = _generic_layout()
    response = _import(family, funded, layout=layout)
    acme = StatementImport.objects.get().lines.get(payee="ACME CARE LTD")
    family.post(response["Location"], {f"skip_{acme.pk}": "on"})
    assert list(SpendingRecord.objects.values_list("payee", flat=True)) == ["PA WAGES J SMITH"]


def test_a_malformed_statement_shows_the_lines_at_fault_and_stores_nothing(funded, family):
    response = _import(family, funded, MALFORMED, layout=_generic_layout())
    html = response.content.decode()
    assert response.status_code == 200
    assert PROBLEM in html and "govuk-error-summary" in html
    assert "Line 3:" in html and "Line 4:" in html
    assert not StatementImport.objects.exists()
    assert not SpendingRecord.objects.exists()


def test_a_statement_can_be_discarded(funded, family):
    response = _import(family, funded, layout=_generic_layout())
    statement = StatementImport.objects.get()
    assert family.post(_url("statement_discard", funded, statement.pk)).status_code == 302
    statement.refresh_from_db()
    assert statement.status == "discarded"
    assert "Save these records" not in family.get(response["Location"]).content.decode()
    assert not SpendingRecord.objects.exists()


# What can I spend it on? (DOMAIN R16, R33) -----------------------------------------------------------------------


@pytest.fixture
def restricted(funded):
    Agreement.objects.filter(pk=funded.pk).update(excluded_payees="Uncle Bob Smith")
    SpendingRestriction.objects.create(
        council=funded.council, text="Alcohol", keywords="alcohol,beer,wine", reason="The law does not allow it."
    )
    return funded


@pytest.mark.parametrize(
    ("question", "verdict", "reason"),
    [
        ("Pay Uncle Bob Smith for babysitting", "No", "must not be used to pay Uncle Bob Smith"),
        ("A bottle of wine for the carer", "No", "cannot be used for alcohol"),
        ("Personal assistant wages", "Yes", "This fits the agreed support: Personal assistant support at home"),
    ],
)
def test_the_spend_check_answers_from_the_agreement_and_the_councils_policy(
    restricted, family, question, verdict, reason
):
    response = family.get(_url("spend_check", restricted), {"q": question})
    answer = _between(response.content.decode(), 'id="answer"', "</div>")
    assert response.status_code == 200
    assert f">{verdict}</strong>" in answer
    assert reason in answer


def test_the_spend_check_page_asks_the_question_first(restricted, family):
    html = family.get(_url("spend_check", restricted)).content.decode()
    assert "What would you like to buy?" in html and 'id="answer"' not in html


# Returns (DOMAIN R31) --------------------------------------------------------------------------------------------


def test_the_return_for_an_ended_period_is_sent_in_one_step_and_shows_as_sent(a_record, funded, family, on_day):
    on_day(date(2026, 7, 6))
    overview = family.get(_url("overview", funded)).content.decode()
    send_url = _url("return_send", funded, "2026-04-01")
    assert f'action="{send_url}"' in overview and "Send the return" in overview
    check = family.get(send_url).content.decode()
    assert "£25.60" in check and "Personal assistant support at home" in check

    response = family.post(send_url)
    assert response.status_code == 302
    sent = MonitoringReturn.objects.get(agreement=funded)
    assert (sent.status, sent.period_start, sent.period_end) == (
        ReturnStatus.SUBMITTED,
        date(2026, 4, 1),
        date(2026, 6, 30),
    )
    assert sent.summary["spent"] == "25.60"
    returns = family.get(_url("returns", funded)).content.decode()
    assert "Sent</strong> on 6 July 2026" in returns
    assert f'action="{send_url}"' not in family.get(_url("overview", funded)).content.decode()


def test_a_return_cannot_be_sent_before_its_period_ends(funded, family):
    send_url = _url("return_send", funded, "2026-04-01")
    assert "You can send this return after 30 June 2026" in family.get(send_url).content.decode()
    response = family.post(send_url)
    assert response.status_code == 200 and PROBLEM in response.content.decode()
    assert not MonitoringReturn.objects.exists()


def test_a_period_that_is_not_one_of_the_agreement_is_not_found(funded, family):
    assert family.get(_url("return_send", funded, "2026-04-02")).status_code == 404
    assert family.get(_url("return_send", funded, "not-a-date")).status_code == 404


# Rules, money owed and set aside, the council's questions ---------------------------------------------------------


def test_every_page_opens_for_the_family_who_holds_the_payments(a_record, funded, family):
    for name, args in [
        ("overview", []),
        ("records", []),
        ("record_add", []),
        ("record", [a_record.pk]),
        ("receipt_add", [a_record.pk]),
        ("record_withdraw", [a_record.pk]),
        ("statement_upload", []),
        ("rules", []),
        ("rule_add", []),
        ("owed", []),
        ("commitment_add", []),
        ("savings_add", []),
        ("spend_check", []),
        ("returns", []),
        ("return_send", ["2026-04-01"]),
    ]:
        response = family.get(_url(name, funded, *args))
        assert response.status_code == 200, name


def test_before_the_payments_start_the_write_pages_lead_back_to_the_overview(dp, case, parent_user):
    sent = dp.sent(case)
    client = _as(parent_user)
    response = client.get(_url("record_add", sent))
    assert response.status_code == 302 and response["Location"] == _url("overview", sent)
    overview = client.get(_url("overview", sent)).content.decode()
    assert "You can record spending once you have agreed to the terms" in overview


def test_a_rule_added_through_the_form_suggests_the_support_and_can_be_removed(funded, family):
    response = family.post(_url("rule_add", funded), {"words": "Acme Care", "category": "short_break"})
    assert response.status_code == 302
    rule = funded.link_rules.get()
    assert (rule.words, rule.category, rule.split) == ("Acme Care", "short_break", [[funded.lines.get().pk, "100"]])
    assert "Acme Care" in family.get(_url("rules", funded)).content.decode()
    _import(family, funded, layout=_generic_layout())
    line = StatementImport.objects.get().lines.get(payee="ACME CARE LTD")
    assert (line.suggested_category, line.reason) == ("short_break", "Your rule: 'Acme Care'")
    assert family.post(_url("rule_remove", funded, rule.pk)).status_code == 302
    assert not funded.link_rules.exists()


def test_money_owed_and_set_aside_change_what_is_free_to_spend(funded, family):
    held = balance(funded)
    response = family.post(
        _url("commitment_add", funded),
        {"description": "Holiday club invoice", "amount": "40", **_date("due_on", TODAY)},
    )
    assert response.status_code == 302
    family.post(_url("savings_add", funded), {"name": "Summer short break", "amount": "100.00"})
    page = family.get(_url("owed", funded)).content.decode()
    assert "Holiday club invoice" in page and "Summer short break" in page
    assert format_money(held - Decimal("140.00")) in page
    commitment, pot = funded.commitments.get(), funded.savings.get()
    assert family.post(_url("commitment_settle", funded, commitment.pk)).status_code == 302
    assert family.post(_url("savings_remove", funded, pot.pk)).status_code == 302
    commitment.refresh_from_db()
    assert commitment.settled_on == TODAY and not funded.savings.exists()


def test_a_question_from_the_council_is_shown_first_and_answered(a_record, funded, family, officer, on_day):
    from ehcbudgets.spending import services

    on_day(date(2026, 7, 6))
    family.post(_url("return_send", funded, "2026-04-01"))
    question = services.return_query(
        actor=officer, monitoring_return=MonitoringReturn.objects.get(), query="Please send the invoice for Jo Smith"
    )
    overview = family.get(_url("overview", funded)).content.decode()
    banner = _between(overview, 'class="govuk-notification-banner"', "</div>\n</div>")
    assert "Please send the invoice for Jo Smith" in banner
    answer_url = _url("evidence_answer", funded, question.pk)
    assert answer_url in banner
    assert PROBLEM in family.post(answer_url, {"answer": ""}).content.decode()
    assert family.post(answer_url, {"answer": "I have added it to the record"}).status_code == 302
    question.refresh_from_db()
    assert question.answer == "I have added it to the record" and question.answered_on
    # The queried return can be sent again.
    assert family.post(_url("return_send", funded, "2026-04-01")).status_code == 302
    assert MonitoringReturn.objects.get().status == ReturnStatus.SUBMITTED


# An agreement with two lines: the support is chosen, and a payment can be split ----------------------------------


@pytest.fixture
def two_lines(pb, case, officer, finance, finance2, on_day):
    """The teaching assistant (education) and PA (social care) lines, both paid to the parent, consented on paper
    on 20 March 2026 and funded on 1 May 2026."""
    on_day(SET_UP_ON)
    agreement = payment_services.agreement_send(actor=officer, agreement=create(officer, two_stream_budget(pb, case)))
    agreement = payment_services.agreement_consent(actor=officer, agreement=agreement, channel="paper")
    on_day(TODAY)
    run = payment_services.payment_run_prepare(actor=finance, council=agreement.council, pay_up_to=TODAY)
    payment_services.payment_run_approve(actor=finance2, run=run)
    return SimpleNamespace(
        agreement=agreement,
        ta=agreement.lines.get(funding_stream="education"),
        pa=agreement.lines.get(funding_stream="social_care"),
    )


def test_with_two_lines_the_family_chooses_the_support_or_splits_the_payment(two_lines, parent_user):
    agreement, client = two_lines.agreement, _as(parent_user)
    url = _url("record_add", agreement)
    missing = client.post(url, _record_post()).content.decode()
    assert "Select the support it paid for" in missing
    client.post(url, _record_post(support=str(two_lines.pa.pk)))
    assert [(p.line, p.amount) for p in SpendingRecord.objects.get().parts.all()] == [(two_lines.pa, Decimal("25.60"))]
    wrong = client.post(
        url, _record_post(support="split", **{f"part_{two_lines.pa.pk}": "20", f"part_{two_lines.ta.pk}": "5"})
    )
    assert "The parts add up to £25.00, not £25.60" in wrong.content.decode()
    assert SpendingRecord.objects.count() == 1
    client.post(
        url, _record_post(support="split", **{f"part_{two_lines.pa.pk}": "20", f"part_{two_lines.ta.pk}": "5.60"})
    )
    split = SpendingRecord.objects.latest("pk")
    assert sorted((p.line.pk, p.amount) for p in split.parts.all()) == sorted(
        [(two_lines.pa.pk, Decimal("20.00")), (two_lines.ta.pk, Decimal("5.60"))]
    )


def test_a_statement_line_with_no_suggestion_must_be_chosen_before_saving(two_lines, parent_user):
    agreement, client = two_lines.agreement, _as(parent_user)
    content = b"Date,Description,Amount,Balance\n02/04/2026,CORNER SHOP,-9.99,100.00\n"
    response = _import(client, agreement, content, layout=_generic_layout())
    line = StatementImport.objects.get().lines.get()
    assert line.suggestion == []
    refused = client.post(response["Location"])
    assert refused.status_code == 200
    assert "Line 2: choose the support" in refused.content.decode()
    assert not SpendingRecord.objects.exists()
    saved = client.post(
        response["Location"], {f"support_{line.pk}": str(two_lines.ta.pk), f"category_{line.pk}": "equipment"}
    )
    assert saved.status_code == 302
    record = SpendingRecord.objects.get()
    assert (record.category, [(p.line, p.amount) for p in record.parts.all()]) == (
        "equipment",
        [(two_lines.ta, Decimal("9.99"))],
    )


def test_a_line_of_nothing_is_passed_over_and_a_line_repeated_in_the_file_is_kept_only_when_asked(funded, family):
    content = (
        b"Date,Description,Amount,Balance\n"
        b"02/04/2026,CARD CHECK,0.00,\n"
        b"03/04/2026,SWIM CLUB,-5.00,\n"
        b"03/04/2026,SWIM CLUB,-5.00,\n"
    )
    response = _import(family, funded, content, layout=_generic_layout())
    preview = family.get(response["Location"]).content.decode()
    assert "Nothing to record" in preview and "Repeated in this file" in preview
    family.post(response["Location"])
    assert list(SpendingRecord.objects.values_list("payee", "amount")) == [("SWIM CLUB", Decimal("5.00"))]

    response = _import(family, funded, content.replace(b"03/04", b"04/04"), layout=_generic_layout())
    repeat = StatementImport.objects.latest("pk").lines.order_by("line_number").last()
    family.post(response["Location"], {f"keep_{repeat.pk}": "on"})
    assert SpendingRecord.objects.filter(spent_on=date(2026, 4, 4)).count() == 2


def test_from_a_statement_file_to_a_sent_return_in_three_actions(funded, family, on_day):
    """Upload, save the suggestions, send the return (ADR 10: "in two actions, and send the return in a third")."""
    _generic_layout()
    on_day(date(2026, 7, 6))
    preview = _import(family, funded)  # 1. upload
    overview = family.post(preview["Location"])  # 2. save these records
    assert overview["Location"] == _url("overview", funded)
    assert f'action="{_url("return_send", funded, "2026-04-01")}"' in family.get(overview["Location"]).content.decode()
    assert family.post(_url("return_send", funded, "2026-04-01")).status_code == 302  # 3. send the return
    sent = MonitoringReturn.objects.get(agreement=funded)
    assert (sent.status, sent.summary["records"], sent.summary["spent"]) == (ReturnStatus.SUBMITTED, 2, "168.00")


def test_the_layout_chosen_once_is_offered_next_time(funded, family):
    """After a statement in a layout is saved, the upload page offers that layout first (the mapping is chosen once
    and remembered)."""
    layout = _generic_layout()
    family.post(_import(family, funded, layout=layout)["Location"])
    page = family.get(_url("statement_upload", funded)).content.decode()
    assert re.search(rf'<option value="{layout.pk}"[^>]*selected', page)
