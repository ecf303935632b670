# ruff: noqa: F811 - the fixtures imported from the budgets, payments and API payments tests are requested by name below
"""Family spending through the API: the money picture, records and refunds posted to the ledger, receipts checked by
their content, statements previewed and saved all or nothing, linking rules (the family's and the council's), money
owed and set aside, "what can I spend it on?", and monitoring returns sent, accepted or queried. Who may do each step,
whose records each caller finds, and the services' rules answered as problem+json.

The records are made through the services with the direct payment tests' helpers, as in test_payments.py: the
standard agreement pays the PA line (£3,411.20 for 1 April 2026 to 31 March 2027) to the parent, consented on paper
on 20 March 2026; its first run (£50.01 and £280.10) is released on 1 April 2026, and unless a test says otherwise
today is Friday 1 May 2026, so the recipient holds £330.11.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets.tests.conftest import (  # noqa: F401 - fixtures shared with the payments tests
    case,
    catalogue,
    manager,
    on_day,
    other_manager,
    parent_user,
    pb,
    quick_pdf,
)
from ehcbudgets.ledger.models import Transaction
from ehcbudgets.offer.models import SpendingRestriction
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments.tests.conftest import (  # noqa: F401 - fixtures shared with the payments tests
    _letters_quick,
    bank,
    dp,
    finance,
    finance2,
)
from ehcbudgets.people.models import Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.spending import services
from ehcbudgets.spending.models import (
    Commitment,
    CsvLayout,
    EvidenceRequest,
    LinkRule,
    MonitoringReturn,
    Receipt,
    ReturnStatus,
    SavingsPot,
    SpendingRecord,
    StatementImport,
)

from .conftest import BASE, error_fields, problem_of
from .test_payments import (  # noqa: F401 - the API payments tests' fixtures
    active,
    child,
    family,
    fresh,
    make_user,
    officer,
    other_finance,
    other_officer,
    released,
)

#: Friday 1 May 2026: a month after the first run, which paid £330.11.
TODAY = date(2026, 5, 1)
FUNDED = Decimal("330.11")
JULY_1 = date(2026, 7, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HEADER = "Date,Payee,Description,Amount,Balance\n"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{row}\n" for row in rows)).encode()


#: Three payments out: £120.00, £35.50 and £4.99 (£160.49), on lines 2 to 4 of the file.
SPENDING_CSV = csv(
    "20/04/2026,Acme Care Ltd,PA wages week 1,-120.00,210.11",
    "24/04/2026,Leisure Centre,Swimming,-35.50,174.61",
    "28/04/2026,Card Services,Monthly card fee,-4.99,169.62",
)


@pytest.fixture
def funded(released, active, on_day):
    """The standard agreement with its first £330.11 paid in on 1 April; today is 1 May 2026."""
    on_day(TODAY)
    return fresh(active)


@pytest.fixture
def layout(db):
    """A signed-amount layout (money out negative) with a running balance, as the spending tests use."""
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
def admin(api_as, council_admin):
    """The council's administrator, who alone manages the council's linking rules (Perm.OFFER_MANAGE)."""
    return api_as(council_admin)


def spending(agreement, rest: str = "") -> str:
    return f"/children/{agreement.child_id}/direct-payments/{agreement.pk}/spending{rest}"


def balance(agreement) -> Decimal:
    """The recipient's balance, from the ledger."""
    return payment_selectors.recipient_balance(agreement=agreement)


def upload(api, url: str, data: dict):
    """A multipart/form-data POST, as a browser sends a file."""
    return api.client.post(BASE + url, data)


def receipt_file(content: bytes = PDF, name: str = "receipt.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def statement_file(content: bytes = SPENDING_CSV, name: str = "statement.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def record(actor, agreement, amount="25.00", *, spent_on=TODAY, payee="Acme Care Ltd", category="wages"):
    return services.record_add(
        actor=actor, agreement=agreement, spent_on=spent_on, amount=Decimal(amount), payee=payee, category=category
    )


RECORD = {"spent_on": "2026-04-20", "amount": "25.00", "payee": "Acme Care Ltd", "category": "wages"}


# The money picture (DOMAIN R32)


def test_the_overview_shows_the_money_picture_by_line_and_outcome(family, funded, parent_user):
    record(parent_user, funded, "30.00")

    response = family.get(spending(funded))

    assert response.status_code == 200, response.content
    body = response.json()
    picture = body["picture"]
    assert (picture["balance"], picture["spent"], picture["free"]) == ("300.11", "30.00", "300.11")
    assert (picture["committed"], picture["set_aside"], picture["end_date"]) == ("0.00", "0.00", "2027-03-31")
    line = funded.lines.get()
    assert [(row["line_id"], row["amount"], row["spent"]) for row in body["by_line"]] == [(line.pk, "3411.20", "30.00")]
    assert body["by_line"][0]["outcomes"] == ["To take part in lessons with less adult help"]
    assert [(row["outcome"], row["spent"]) for row in body["by_outcome"]] == [
        ("To take part in lessons with less adult help", "30.00")
    ]
    assert body["open_questions"] == [] and body["can_record"] is True


def test_staff_see_the_same_figures_and_finance_may_not_record(api, api_as, finance, funded):
    assert api.get(spending(funded)).json()["picture"]["balance"] == "330.11"
    as_finance = api_as(finance).get(spending(funded)).json()
    assert (as_finance["picture"]["balance"], as_finance["can_record"]) == ("330.11", False)


# Records and the ledger (DOMAIN R16)


def test_a_record_and_a_refund_move_the_ledger_balance(family, funded):
    line = funded.lines.get()

    paid = family.post(spending(funded, "/records"), RECORD)

    assert paid.status_code == 201, paid.content
    body = paid.json()
    assert (body["amount"], body["is_refund"], body["source"], body["withdrawn"]) == ("25.00", False, "manual", False)
    assert [(part["line_id"], part["amount"]) for part in body["parts"]] == [(line.pk, "25.00")]
    assert balance(funded) == FUNDED - Decimal("25.00")

    refund = family.post(
        spending(funded, "/records"),
        {
            **RECORD,
            "amount": "-5.00",
            "payee": "Leisure Centre",
            "category": "activity",
            "parts": [{"line_id": line.pk, "amount": "-5.00"}],
        },
    )

    assert refund.status_code == 201, refund.content
    assert (refund.json()["amount"], refund.json()["is_refund"]) == ("-5.00", True)
    assert balance(funded) == FUNDED - Decimal("20.00")
    assert family.get(spending(funded)).json()["picture"]["balance"] == "310.11"
    listed = family.get(spending(funded, "/records")).json()
    assert listed["count"] == 2
    assert {item["payee"] for item in listed["items"]} == {"Acme Care Ltd", "Leisure Centre"}


def test_an_officer_records_on_the_familys_behalf(api, funded):
    response = api.post(spending(funded, "/records"), RECORD)

    assert response.status_code == 201, response.content
    assert balance(funded) == FUNDED - Decimal("25.00")


def test_a_badly_shaped_record_is_refused_field_by_field(family, funded):
    before = Transaction.objects.count()

    response = family.post(
        spending(funded, "/records"),
        {"spent_on": "20 April 2026", "amount": 25, "category": "biscuits", "shoe_size": 9},
    )

    assert error_fields(response) == {"spent_on", "amount", "category", "shoe_size"}
    assert not SpendingRecord.objects.exists()
    assert Transaction.objects.count() == before


def test_the_services_rules_name_each_field_and_nothing_is_recorded(family, funded):
    before = (Transaction.objects.count(), balance(funded))

    response = family.post(spending(funded, "/records"), {"spent_on": "2026-05-02", "amount": "25.00"})

    assert error_fields(response) == {"spent_on", "payee", "category"}
    line = funded.lines.get()
    parts = [{"line_id": line.pk, "amount": "20.00"}]
    assert error_fields(family.post(spending(funded, "/records"), {**RECORD, "parts": parts})) == {"parts"}
    stranger = [{"line_id": 999999, "amount": "25.00"}]
    assert error_fields(family.post(spending(funded, "/records"), {**RECORD, "parts": stranger})) == {"parts"}
    refund_parts = [{"line_id": line.pk, "amount": "25.00"}]
    assert error_fields(
        family.post(spending(funded, "/records"), {**RECORD, "amount": "-25.00", "parts": refund_parts})
    ) == {"parts"}
    assert not SpendingRecord.objects.exists()
    assert (Transaction.objects.count(), balance(funded)) == before


def test_a_record_is_taken_back_with_a_reason_and_its_entry_reversed(family, funded, parent_user):
    made = record(parent_user, funded, "40.00")
    url = spending(funded, f"/records/{made.pk}")

    assert error_fields(family.post(url + "/withdraw", {})) == {"reason"}
    assert balance(funded) == FUNDED - Decimal("40.00")

    response = family.post(url + "/withdraw", {"reason": "Entered twice"})

    assert response.status_code == 200, response.content
    assert response.json()["withdrawn"] is True
    assert balance(funded) == FUNDED
    assert family.get(spending(funded, "/records")).json()["count"] == 0
    assert family.get(url).json()["withdrawn"] is True
    assert error_fields(family.post(url + "/withdraw", {"reason": "Again"})) == {None}


def test_nothing_is_recorded_before_the_payments_start(api_as, parent_user, dp, case):
    waiting = dp.sent(case)

    response = api_as(parent_user).post(spending(waiting, "/records"), RECORD)

    assert error_fields(response) == {None}
    assert not SpendingRecord.objects.exists()


# Receipts


def test_a_receipt_is_added_and_served_with_its_content_type(family, funded, parent_user):
    made = record(parent_user, funded)

    response = upload(family, spending(funded, f"/records/{made.pk}/receipts"), {"file": receipt_file(name="a.txt")})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["record_id"], body["content_type"], body["size"]) == (made.pk, "application/pdf", len(PDF))
    assert body["original_name"] == "a.txt"
    got = family.client.get(BASE + spending(funded, f"/receipts/{body['id']}"))
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Cache-Control"] == "private, no-store"
    assert b"".join(got.streaming_content) == PDF
    assert [r["id"] for r in family.get(spending(funded, f"/records/{made.pk}")).json()["receipts"]] == [body["id"]]


@pytest.mark.parametrize(
    "content",
    [b"GIF89a" + b"\x00" * 20, b"<html><script>alert(1)</script></html>", b"PK\x03\x04 a spreadsheet", b""],
    ids=["gif", "html", "zip", "empty"],
)
def test_a_receipt_that_is_not_pdf_jpeg_png_or_heic_is_refused(family, funded, parent_user, content):
    made = record(parent_user, funded)

    response = upload(
        family, spending(funded, f"/records/{made.pk}/receipts"), {"file": receipt_file(content, "receipt.pdf")}
    )

    assert error_fields(response) == {"file"}
    assert not Receipt.objects.exists()


def test_a_receipt_needs_a_file_and_a_part_of_the_same_record(family, funded, parent_user):
    made = record(parent_user, funded)
    other = record(parent_user, funded, "12.00", payee="Swim Club", category="activity")
    url = spending(funded, f"/records/{made.pk}/receipts")

    assert error_fields(upload(family, url, {})) == {"file"}
    wrong_part = other.parts.get().pk
    assert error_fields(upload(family, url, {"file": receipt_file(PNG), "part": wrong_part})) == {"part"}
    assert not Receipt.objects.exists()

    response = upload(family, url, {"file": receipt_file(PNG, "photo.png"), "part": made.parts.get().pk})

    assert response.status_code == 201, response.content
    assert (response.json()["content_type"], response.json()["part_id"]) == ("image/png", made.parts.get().pk)


def test_a_receipt_is_found_only_through_its_own_agreement(api, family, funded, parent_user, dp, pb, council):
    made = record(parent_user, funded)
    kept = services.receipt_add(actor=parent_user, record=made, upload=receipt_file())
    other = dp.active(pb.case(child=ChildFactory(council=council)))

    problem_of(api.client.get(BASE + spending(other, f"/receipts/{kept.pk}")), 404)
    problem_of(family.client.get(BASE + spending(other, f"/receipts/{kept.pk}")), 404)
    assert api.client.get(BASE + spending(funded, f"/receipts/{kept.pk}")).status_code == 200


# Statements (ADR 10)


def test_a_statement_is_previewed_with_suggestions_and_nothing_is_recorded(family, funded, layout):
    response = upload(family, spending(funded, "/statements"), {"file": statement_file(), "layout": layout.pk})

    assert response.status_code == 201, response.content
    body = response.json()
    line = funded.lines.get()
    assert (body["status"], body["file_format"], body["layout_id"], body["to_save"]) == ("preview", "csv", layout.pk, 3)
    assert [(row["line_number"], row["posted_on"], row["amount"], row["payee"]) for row in body["lines"]] == [
        (2, "2026-04-20", "120.00", "Acme Care Ltd"),
        (3, "2026-04-24", "35.50", "Leisure Centre"),
        (4, "2026-04-28", "4.99", "Card Services"),
    ]
    assert [row["suggestion"] for row in body["lines"]] == [
        [{"line_id": line.pk, "description": line.description, "amount": amount}]
        for amount in ("120.00", "35.50", "4.99")
    ]
    assert all(row["reason"] and row["suggested_category"] for row in body["lines"])
    assert not any(row["duplicate"] or row["needs_support"] for row in body["lines"])
    assert not SpendingRecord.objects.exists()
    assert family.get(spending(funded, f"/statements/{body['id']}")).json() == body


def test_saving_makes_records_and_a_second_import_is_all_duplicates(family, funded, layout):
    first = upload(family, spending(funded, "/statements"), {"file": statement_file(), "layout": layout.pk}).json()

    saved = family.post(spending(funded, f"/statements/{first['id']}/save"))

    assert saved.status_code == 200, saved.content
    assert saved.json()["statement"]["status"] == "saved"
    assert [(r["payee"], r["amount"], r["source"]) for r in saved.json()["records"]] == [
        ("Acme Care Ltd", "120.00", "statement"),
        ("Leisure Centre", "35.50", "statement"),
        ("Card Services", "4.99", "statement"),
    ]
    assert all(row["record_id"] for row in saved.json()["statement"]["lines"])
    assert balance(funded) == FUNDED - Decimal("160.49")

    again = upload(family, spending(funded, "/statements"), {"file": statement_file(), "layout": layout.pk}).json()

    assert all(row["duplicate"] and row["duplicate_of_id"] for row in again["lines"])
    assert all(row["reason"].startswith("Already recorded on") for row in again["lines"])
    assert (again["duplicates"], again["to_save"]) == (3, 0)
    assert family.post(spending(funded, f"/statements/{again['id']}/save")).json()["records"] == []
    assert SpendingRecord.objects.count() == 3
    assert error_fields(family.post(spending(funded, f"/statements/{first['id']}/save"))) == {None}


def test_choices_skip_a_line_keep_a_repeat_and_change_the_kind(family, funded, layout):
    data = csv(
        "20/04/2026,Bus Company,,-2.50,",
        "20/04/2026,Bus Company,,-2.50,",
        "21/04/2026,Leisure Centre,Swimming,-35.50,",
        "22/04/2026,Card Services,Fee,-4.99,",
    )
    body = upload(family, spending(funded, "/statements"), {"file": statement_file(data), "layout": layout.pk}).json()
    rows = {row["line_number"]: row for row in body["lines"]}
    assert (rows[3]["duplicate"], rows[3]["repeated_in_file"]) == (True, True)

    response = family.post(
        spending(funded, f"/statements/{body['id']}/save"),
        {
            "choices": [
                {"statement_line_id": rows[3]["id"], "keep_both": True},
                {"statement_line_id": rows[4]["id"], "category": "therapy"},
                {"statement_line_id": rows[5]["id"], "skip": True},
            ]
        },
    )

    assert response.status_code == 200, response.content
    made = [(r["payee"], r["amount"], r["category"]) for r in response.json()["records"]]
    assert made == [
        ("Bus Company", "2.50", rows[2]["suggested_category"]),
        ("Bus Company", "2.50", rows[3]["suggested_category"]),
        ("Leisure Centre", "35.50", "therapy"),
    ]


def test_a_repeat_in_the_file_is_left_out_unless_kept(family, funded, layout):
    data = csv("20/04/2026,Bus Company,,-2.50,", "20/04/2026,Bus Company,,-2.50,")
    body = upload(family, spending(funded, "/statements"), {"file": statement_file(data), "layout": layout.pk}).json()

    response = family.post(spending(funded, f"/statements/{body['id']}/save"), {})

    assert [r["amount"] for r in response.json()["records"]] == ["2.50"]


def test_bad_choices_are_named_and_nothing_is_saved(family, funded, layout):
    body = upload(family, spending(funded, "/statements"), {"file": statement_file(), "layout": layout.pk}).json()
    url = spending(funded, f"/statements/{body['id']}/save")

    assert error_fields(family.post(url, {"choices": [{"statement_line_id": 999999}]})) == {
        "choices.0.statement_line_id"
    }
    assert error_fields(family.post(url, {"choices": [{"statement_line_id": body["lines"][0]["id"], "x": 1}]})) == {
        "choices.0.x"
    }
    line = funded.lines.get()
    wrong_sign = [{"statement_line_id": body["lines"][0]["id"], "parts": [{"line_id": line.pk, "amount": "-120.00"}]}]
    response = family.post(url, {"choices": wrong_sign})
    assert error_fields(response) == {None}
    assert response.json()["errors"][0]["message"].startswith("Line 2 (Acme Care Ltd")
    assert not SpendingRecord.objects.exists()
    assert StatementImport.objects.get().status == "preview"


def test_a_malformed_statement_is_refused_by_line_number_and_nothing_is_stored(family, funded, layout):
    data = csv("20/04/2026,Acme Care Ltd,,-120.00,", "31/02/2026,Leisure Centre,,-35.50,", "21/04/2026,Shop,,ten,")

    response = upload(family, spending(funded, "/statements"), {"file": statement_file(data), "layout": layout.pk})

    assert error_fields(response) == {"file"}
    messages = [error["message"] for error in response.json()["errors"]]
    assert [message.split(":")[0] for message in messages] == ["Line 3", "Line 4"]
    assert not StatementImport.objects.exists()


def test_a_statement_needs_a_file_and_a_known_layout(family, funded, layout):
    assert error_fields(upload(family, spending(funded, "/statements"), {"layout": layout.pk})) == {"file"}
    assert error_fields(
        upload(family, spending(funded, "/statements"), {"file": statement_file(), "layout": 999999})
    ) == {"layout"}
    assert error_fields(
        upload(family, spending(funded, "/statements"), {"file": statement_file(), "layout": "Barclays"})
    ) == {"layout"}
    assert not StatementImport.objects.exists()


def test_a_discarded_statement_records_nothing(family, funded, layout):
    body = upload(family, spending(funded, "/statements"), {"file": statement_file(), "layout": layout.pk}).json()

    response = family.post(spending(funded, f"/statements/{body['id']}/discard"))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "discarded"
    assert error_fields(family.post(spending(funded, f"/statements/{body['id']}/save"))) == {None}
    assert not SpendingRecord.objects.exists()


def test_the_shipped_layouts_are_listed(family, db):
    body = family.get("/statement-layouts", page_size=100).json()

    names = [item["name"] for item in body["items"]]
    assert "Barclays" in names and names == sorted(names)
    barclays = next(item for item in body["items"] if item["name"] == "Barclays")
    assert (barclays["date_format"], barclays["amount_column"]) == ("%d/%m/%Y", "Amount")


# Linking rules (ADR 10)


def test_the_family_adds_a_rule_and_sees_the_councils_that_apply(family, admin, funded, catalogue):
    line = funded.lines.get()

    made = family.post(spending(funded, "/rules"), {"words": "Acme Care", "category": "wages"})

    assert made.status_code == 201, made.content
    assert (made.json()["scope"], made.json()["category"]) == ("family", "wages")
    assert made.json()["split"] == [
        {"line_id": line.pk, "offer_item_code": None, "description": line.description, "percent": "100"}
    ]
    council_rule = admin.post(
        "/council/linking-rules",
        {
            "words": "Brightwater Leisure",
            "category": "activity",
            "split": [{"item": "PA", "percent": "60"}, {"item": "TA", "percent": "40"}],
        },
    )
    assert council_rule.status_code == 201, council_rule.content
    admin.post(
        "/council/linking-rules", {"words": "Tutor", "category": "tuition", "split": [{"item": "TA", "percent": 100}]}
    )

    listed = family.get(spending(funded, "/rules")).json()

    assert [(rule["scope"], rule["words"]) for rule in listed["items"]] == [
        ("family", "Acme Care"),
        ("council", "Brightwater Leisure"),
    ]
    assert [(s["offer_item_code"], s["line_id"], s["percent"]) for s in listed["items"][1]["split"]] == [
        ("PA", line.pk, "60")
    ]
    problem_of(family.delete(spending(funded, f"/rules/{council_rule.json()['id']}")), 404)
    assert family.delete(spending(funded, f"/rules/{made.json()['id']}")).status_code == 204
    assert not LinkRule.objects.filter(agreement=funded).exists()


def test_a_family_rule_is_used_by_the_next_statement(family, funded, layout):
    family.post(spending(funded, "/rules"), {"words": "Leisure Centre", "category": "short_break"})

    body = upload(family, spending(funded, "/statements"), {"file": statement_file(), "layout": layout.pk}).json()

    swim = next(row for row in body["lines"] if row["payee"] == "Leisure Centre")
    assert swim["suggested_category"] == "short_break"
    assert "rule" in swim["reason"].lower()


def test_bad_rules_are_named_and_nothing_is_kept(family, admin, funded, catalogue):
    other_line = [{"line_id": 999999, "percent": 100}]
    assert error_fields(family.post(spending(funded, "/rules"), {"words": "  ", "category": "cake"})) == {"category"}
    assert error_fields(family.post(spending(funded, "/rules"), {"words": "  ", "category": "wages"})) == {"words"}
    assert error_fields(
        family.post(spending(funded, "/rules"), {"words": "Acme", "category": "wages", "split": other_line})
    ) == {"split"}
    halves = [{"item": "PA", "percent": "50"}, {"item": "TA", "percent": "40"}]
    assert error_fields(
        admin.post("/council/linking-rules", {"words": "Acme", "category": "wages", "split": halves})
    ) == {"split"}
    unknown = [{"item": "NOPE", "percent": "100"}]
    assert error_fields(
        admin.post("/council/linking-rules", {"words": "Acme", "category": "wages", "split": unknown})
    ) == {"split"}
    assert not LinkRule.objects.exists()


def test_council_rules_need_offer_manage(api, family, admin, api_as, make_user, other_council, catalogue):
    rule = {"words": "Swim", "category": "activity", "split": [{"item": "PA", "percent": "100"}]}

    problem_of(api.post("/council/linking-rules", rule), 403)
    problem_of(api.get("/council/linking-rules"), 403)
    problem_of(family.post("/council/linking-rules", rule), 403)
    assert not LinkRule.objects.exists()

    made = admin.post("/council/linking-rules", rule)

    assert made.status_code == 201, made.content
    assert made.json()["split"] == [
        {"line_id": None, "offer_item_code": "PA", "description": catalogue.PA.name, "percent": "100"}
    ]
    assert [item["words"] for item in admin.get("/council/linking-rules").json()["items"]] == ["Swim"]
    problem_of(api.delete(f"/council/linking-rules/{made.json()['id']}"), 403)
    elsewhere = api_as(make_user(Role.COUNCIL_ADMIN, council=other_council))
    problem_of(elsewhere.delete(f"/council/linking-rules/{made.json()['id']}"), 404)
    assert elsewhere.get("/council/linking-rules").json()["count"] == 0
    assert admin.delete(f"/council/linking-rules/{made.json()['id']}").status_code == 204
    assert not LinkRule.objects.exists()


# Money owed and set aside (DOMAIN R32)


def test_money_owed_is_added_counted_and_settled(family, funded):
    made = family.post(
        spending(funded, "/commitments"),
        {"description": "Holiday club invoice", "amount": "40.00", "due_on": "2026-05-20"},
    )

    assert made.status_code == 201, made.content
    assert (made.json()["amount"], made.json()["settled_on"]) == ("40.00", None)
    picture = family.get(spending(funded)).json()["picture"]
    assert (picture["committed"], picture["free"]) == ("40.00", "290.11")
    assert family.get(spending(funded, "/commitments")).json()["count"] == 1

    settled = family.post(spending(funded, f"/commitments/{made.json()['id']}/settle"))

    assert settled.status_code == 200, settled.content
    assert settled.json()["settled_on"] == "2026-05-01"
    assert family.get(spending(funded)).json()["picture"]["committed"] == "0.00"
    assert error_fields(family.post(spending(funded, f"/commitments/{made.json()['id']}/settle"))) == {None}


def test_bad_commitments_are_named_and_nothing_is_kept(family, funded):
    response = family.post(spending(funded, "/commitments"), {"amount": "0"})

    assert error_fields(response) == {"description", "amount", "due_on"}
    assert error_fields(family.post(spending(funded, "/commitments"), {"amount": 40})) == {"amount"}
    assert not Commitment.objects.exists()


def test_money_is_set_aside_for_a_line_and_released(family, funded):
    line = funded.lines.get()

    assert error_fields(
        family.post(spending(funded, "/savings"), {"name": "Summer break", "amount": "50.00", "line": 999999})
    ) == {"line"}
    assert error_fields(family.post(spending(funded, "/savings"), {"amount": "-5"})) == {"amount"}
    made = family.post(
        spending(funded, "/savings"),
        {"name": "Summer break", "amount": "50.00", "for_date": "2026-08-01", "line": line.pk},
    )

    assert made.status_code == 201, made.content
    assert (made.json()["line_id"], made.json()["line_description"]) == (line.pk, line.description)
    assert family.get(spending(funded)).json()["picture"]["set_aside"] == "50.00"
    assert [item["name"] for item in family.get(spending(funded, "/savings")).json()["items"]] == ["Summer break"]

    assert family.delete(spending(funded, f"/savings/{made.json()['id']}")).status_code == 204
    assert not SavingsPot.objects.exists()
    assert family.get(spending(funded)).json()["picture"]["set_aside"] == "0.00"


# What can I spend it on? (DOMAIN R16, R33)


def test_spend_check_answers_yes_no_or_ask(family, funded):
    SpendingRestriction.objects.create(
        council=funded.council, text="Alcohol", reason="It is not part of any support.", keywords="wine,beer"
    )
    line = funded.lines.get()

    yes = family.get(spending(funded, "/spend-check"), q="wages for our personal assistant").json()
    no = family.get(spending(funded, "/spend-check"), q="a case of wine").json()
    ask = family.get(spending(funded, "/spend-check"), q="a trampoline").json()

    assert (yes["verdict"], yes["line"]) == ("yes", {"id": line.pk, "description": line.description})
    assert (no["verdict"], no["line"]) == ("no", None)
    assert "alcohol" in no["reason"]
    assert ask["verdict"] == "ask" and ask["reason"]
    assert error_fields(family.get(spending(funded, "/spend-check"))) == {"q"}
    assert error_fields(family.get(spending(funded, "/spend-check"), q="x" * 201)) == {"q"}


# Monitoring returns (DOMAIN R31)


@pytest.fixture
def sent_return(funded, parent_user, on_day):
    """£60.00 spent in April, and the April to June return sent on Wednesday 1 July 2026."""
    record(parent_user, funded, "60.00", spent_on=date(2026, 4, 20))
    on_day(JULY_1)
    return services.return_submit(actor=parent_user, agreement=funded, period_start=date(2026, 4, 1))


def test_the_family_sends_a_return_once_the_period_has_ended(family, funded, parent_user, on_day):
    record(parent_user, funded, "60.00", spent_on=date(2026, 4, 20))
    early = family.post(spending(funded, "/returns"), {"period_start": "2026-04-01"})
    assert error_fields(early) == {None}
    on_day(JULY_1)

    periods = family.get(spending(funded, "/returns")).json()["items"]

    assert [(p["period_start"], p["ended"], p["can_send"], p["status"]) for p in periods[:2]] == [
        ("2026-04-01", True, True, "not_sent"),
        ("2026-07-01", False, False, "not_sent"),
    ]

    response = family.post(spending(funded, "/returns"), {"period_start": "2026-04-01", "note": "All on wages."})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["period_end"], body["submitted_on"], body["family_note"]) == (
        "submitted",
        "2026-06-30",
        "2026-07-01",
        "All on wages.",
    )
    assert (body["summary"]["records"], body["summary"]["spent"], body["summary"]["paid_in"]) == (1, "60.00", "330.11")
    assert family.get(spending(funded, f"/returns/{body['id']}")).json() == body
    assert family.get(spending(funded, "/returns")).json()["items"][0]["status"] == "submitted"


def test_a_return_needs_one_of_the_periods(family, funded, on_day):
    on_day(JULY_1)

    assert error_fields(family.post(spending(funded, "/returns"), {})) == {"period_start"}
    assert error_fields(family.post(spending(funded, "/returns"), {"period_start": "2026-04-02"})) == {"period_start"}
    assert not MonitoringReturn.objects.exists()


def test_an_officer_lists_and_accepts_a_return(api, sent_return):
    agreement = sent_return.agreement
    waiting = api.get("/direct-payments/returns", status="submitted").json()
    assert [(item["id"], item["child_id"]) for item in waiting["items"]] == [(sent_return.pk, agreement.child_id)]

    response = api.post(spending(agreement, f"/returns/{sent_return.pk}/accept"))

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["decided_on"]) == ("accepted", "2026-07-01")
    assert fresh(sent_return).status == ReturnStatus.ACCEPTED
    assert api.get("/direct-payments/returns").json()["count"] == 0
    assert error_fields(api.post(spending(agreement, f"/returns/{sent_return.pk}/accept"))) == {None}


def test_a_query_becomes_an_evidence_request_the_family_answers(api, family, sent_return):
    agreement = sent_return.agreement
    url = spending(agreement, f"/returns/{sent_return.pk}/query")

    assert error_fields(api.post(url, {"query": "  "})) == {"query"}
    assert fresh(sent_return).status == ReturnStatus.SUBMITTED and not EvidenceRequest.objects.exists()

    response = api.post(url, {"query": "Please send the receipt for the payment of 20 April."})

    assert response.status_code == 201, response.content
    asked = response.json()
    # 28 days after Wednesday 1 July 2026 is Wednesday 29 July, a working day.
    assert (asked["asked_on"], asked["due_on"], asked["monitoring_return_id"]) == (
        "2026-07-01",
        "2026-07-29",
        sent_return.pk,
    )
    assert fresh(sent_return).status == ReturnStatus.QUERIED
    overview = family.get(spending(agreement)).json()
    assert [q["id"] for q in overview["open_questions"]] == [asked["id"]]

    answer = spending(agreement, f"/evidence/{asked['id']}/answer")
    assert error_fields(family.post(answer, {"answer": ""})) == {"answer"}
    answered = family.post(answer, {"answer": "Attached to the record."})

    assert answered.status_code == 200, answered.content
    assert (answered.json()["answered_on"], answered.json()["answer"]) == ("2026-07-01", "Attached to the record.")
    assert error_fields(family.post(answer, {"answer": "Again"})) == {None}
    detail = api.get(spending(agreement, f"/returns/{sent_return.pk}")).json()
    assert [(q["id"], q["answer"]) for q in detail["evidence_requests"]] == [(asked["id"], "Attached to the record.")]


def test_a_parent_or_finance_cannot_accept_or_query_a_return(family, api_as, finance, sent_return):
    agreement = sent_return.agreement
    for caller in (family, api_as(finance)):
        problem_of(caller.post(spending(agreement, f"/returns/{sent_return.pk}/accept")), 403)
        problem_of(caller.post(spending(agreement, f"/returns/{sent_return.pk}/query"), {"query": "Why?"}), 403)
    problem_of(family.get("/direct-payments/returns"), 403)
    assert fresh(sent_return).status == ReturnStatus.SUBMITTED
    assert not EvidenceRequest.objects.exists()


# Who may do what


def test_a_finance_officer_cannot_record_spending(api_as, finance, funded, layout):
    as_finance = api_as(finance)

    problem_of(as_finance.post(spending(funded, "/records"), RECORD), 403)
    problem_of(
        upload(as_finance, spending(funded, "/statements"), {"file": statement_file(), "layout": layout.pk}), 403
    )
    problem_of(as_finance.post(spending(funded, "/commitments"), {"description": "x"}), 403)
    problem_of(as_finance.post("/children/999999/direct-payments/999999/spending/records", RECORD), 403)
    assert not SpendingRecord.objects.exists() and not StatementImport.objects.exists()
    assert as_finance.get(spending(funded, "/records")).status_code == 200


def test_a_family_member_who_does_not_hold_the_payments_may_look_but_not_record(api_as, make_user, funded, layout):
    carer = make_user(Role.PARENT_CARER, email="carer@example.test")
    ContactFactory(child=funded.child, full_name="Pat Carer", relationship=Relationship.CARER, user=carer)
    as_carer = api_as(carer)

    assert as_carer.get(spending(funded)).json()["can_record"] is False
    problem_of(as_carer.post(spending(funded, "/records"), RECORD), 403)
    problem_of(upload(as_carer, spending(funded, "/statements"), {"file": statement_file(), "layout": layout.pk}), 403)
    assert not SpendingRecord.objects.exists()


def test_another_familys_spending_is_not_found(family, dp, pb, council, make_user, on_day):
    neighbour = make_user(Role.PARENT_CARER, email="neighbour@example.test")
    theirs = dp.active(pb.case(child=ChildFactory(council=council), parent_user=neighbour))
    on_day(TODAY)
    made = record(neighbour, theirs, "10.00", spent_on=date(2026, 4, 2))

    problem_of(family.get(spending(theirs)), 404)
    problem_of(family.get(spending(theirs, "/records")), 404)
    problem_of(family.get(spending(theirs, f"/records/{made.pk}")), 404)
    problem_of(family.post(spending(theirs, "/records"), RECORD), 404)
    problem_of(family.post(spending(theirs, f"/records/{made.pk}/withdraw"), {"reason": "x"}), 404)
    assert SpendingRecord.objects.count() == 1 and not fresh(made).withdrawn


def test_another_agreements_record_is_not_found_through_this_one(family, funded, parent_user, dp, pb, council, on_day):
    other = dp.active(pb.case(child=ChildFactory(council=council), parent_user=parent_user))
    on_day(TODAY)
    made = record(parent_user, other, "10.00", spent_on=date(2026, 4, 2))

    problem_of(family.get(spending(funded, f"/records/{made.pk}")), 404)
    problem_of(family.post(spending(funded, f"/records/{made.pk}/withdraw"), {"reason": "x"}), 404)
    assert not fresh(made).withdrawn


def test_another_councils_spending_is_not_found(api_as, other_officer, other_finance, funded, sent_return):
    other = api_as(other_officer)

    problem_of(other.get(spending(funded)), 404)
    problem_of(other.post(spending(funded, "/records"), RECORD), 404)
    problem_of(other.get(spending(funded, f"/returns/{sent_return.pk}")), 404)
    problem_of(other.post(spending(funded, f"/returns/{sent_return.pk}/accept")), 404)
    assert other.get("/direct-payments/returns").json()["count"] == 0
    assert api_as(other_finance).get("/direct-payments/returns").json()["count"] == 0
    assert fresh(sent_return).status == ReturnStatus.SUBMITTED


def test_a_draft_is_not_found_by_the_family(api_as, api, parent_user, dp, case):
    draft = dp.draft(case)

    problem_of(api_as(parent_user).get(spending(draft)), 404)
    assert api.get(spending(draft)).status_code == 200


def test_anonymous_callers_are_unauthenticated(anonymous, funded):
    problem_of(anonymous.get(spending(funded)), 401)
    problem_of(anonymous.post(spending(funded, "/records"), RECORD), 401)
    problem_of(anonymous.get("/statement-layouts"), 401)


# The OpenAPI document


def test_the_openapi_document_lists_the_spending_routes(anonymous, db):
    response = anonymous.client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    base = "/api/v1/children/{child_id}/direct-payments/{agreement_id}/spending"
    expected = {
        ("get", base),
        ("get", base + "/records"),
        ("post", base + "/records"),
        ("get", base + "/records/{record_id}"),
        ("post", base + "/records/{record_id}/withdraw"),
        ("post", base + "/records/{record_id}/receipts"),
        ("get", base + "/receipts/{receipt_id}"),
        ("post", base + "/statements"),
        ("get", base + "/statements/{statement_id}"),
        ("post", base + "/statements/{statement_id}/save"),
        ("post", base + "/statements/{statement_id}/discard"),
        ("get", "/api/v1/statement-layouts"),
        ("get", base + "/rules"),
        ("post", base + "/rules"),
        ("delete", base + "/rules/{rule_id}"),
        ("get", "/api/v1/council/linking-rules"),
        ("post", "/api/v1/council/linking-rules"),
        ("delete", "/api/v1/council/linking-rules/{rule_id}"),
        ("get", base + "/commitments"),
        ("post", base + "/commitments"),
        ("post", base + "/commitments/{commitment_id}/settle"),
        ("get", base + "/savings"),
        ("post", base + "/savings"),
        ("delete", base + "/savings/{savings_id}"),
        ("get", base + "/spend-check"),
        ("get", base + "/returns"),
        ("post", base + "/returns"),
        ("get", base + "/returns/{return_id}"),
        ("post", base + "/returns/{return_id}/accept"),
        ("post", base + "/returns/{return_id}/query"),
        ("get", "/api/v1/direct-payments/returns"),
        ("post", base + "/evidence/{evidence_id}/answer"),
    }
    assert expected <= {(method, route) for route, methods in paths.items() for method in methods}
    assert "multipart/form-data" in paths[base + "/records/{record_id}/receipts"]["post"]["requestBody"]["content"]
    schemas = response.json()["components"]["schemas"]
    assert schemas["PartIn"]["properties"]["amount"]["type"] == "string"
    assert schemas["SpendingRecordOut"]["properties"]["amount"]["type"] == "string"
