# ruff: noqa: F811 - the fixtures imported from the payments tests are requested by name below
"""The council's spending pages, through the test client: the case officer sees the money picture from the ledger
and the records with their receipts; accepts a return or asks a question about it (an evidence request due after
the council's deadline, on a working day); sees the returns waiting to be checked; takes back a record; and the
council administrator's linking rules drive the suggestions families get. Nothing of another council or another
child is found.

The standard agreement (see ehcbudgets/payments/tests/conftest.py) pays the PA line to the parent from 1 April 2026;
its first quarterly return period is 1 April to 30 June 2026.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ehcbudgets.accounts.models import Role
from ehcbudgets.core.money import format_money
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments import services as payment_services
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
from ehcbudgets.payments.tests.factories import AgreementFactory
from ehcbudgets.spending import linking, selectors, services
from ehcbudgets.spending.models import EvidenceRequest, LinkRule, MonitoringReturn, ReturnStatus, SpendingRecord

pytestmark = pytest.mark.django_db

#: Payments due up to here are released before spending is recorded, so the account holds money.
PAID_UP_TO = date(2026, 5, 1)
FIRST_PERIOD = (date(2026, 4, 1), date(2026, 6, 30))
#: The return is sent after its period ends.
SENT_ON = date(2026, 7, 6)
#: Asked on Monday 3 August 2026, 28 days on is the summer bank holiday, Monday 31 August: due the next working day.
ASKED_ON = date(2026, 8, 3)
DUE_ON = date(2026, 9, 1)
PDF = b"%PDF-1.4\n% a till receipt\n"
PROBLEM = "There is a problem"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, agreement, *more) -> str:
    return reverse(f"spending:{name}", args=[agreement.child_id, agreement.pk, *more])


def _release(finance, finance2, council, on_day, up_to=PAID_UP_TO):
    on_day(up_to)
    run = payment_services.payment_run_prepare(actor=finance, council=council, pay_up_to=up_to)
    return payment_services.payment_run_approve(actor=finance2, run=run)


def _spend(actor, agreement, *, amount="50.00", payee="Pat Assistant", spent_on=date(2026, 4, 20), **fields):
    return services.record_add(
        actor=actor,
        agreement=agreement,
        spent_on=spent_on,
        amount=Decimal(amount),
        payee=payee,
        category=fields.pop("category", "wages"),
        **fields,
    )


@pytest.fixture
def spent(agreement, parent_user, finance, finance2, council, on_day):
    """The first payments released on 1 May 2026, then £50.00 paid to the personal assistant on 20 April."""
    _release(finance, finance2, council, on_day)
    return _spend(parent_user, agreement)


@pytest.fixture
def submitted(spent, agreement, parent_user, on_day):
    """The return for April to June 2026, sent by the parent on 6 July."""
    on_day(SENT_ON)
    return services.return_submit(
        actor=parent_user, agreement=agreement, period_start=FIRST_PERIOD[0], note="Pat's wages for April."
    )


def _other_agreement(pb, dp, make_user):
    """A second child of the same council with their own agreement, parent and records."""
    other_parent = make_user(Role.PARENT_CARER, full_name="Alex Other")
    other_case = pb.case(parent_user=other_parent)
    return dp.active(other_case, parent_user=other_parent), other_parent


# The spending page -------------------------------------------------------------------------------------------------


def test_the_spending_page_shows_the_ledger_balance_and_the_records(spent, agreement, officer):
    balance = payment_selectors.recipient_balance(agreement=agreement)
    assert balance > 0
    page = _as(officer).get(_url("agreement", agreement))
    assert page.status_code == 200
    text = page.text
    assert format_money(balance) in text
    assert "Pat Assistant" in text
    assert "£50.00 for Personal assistant support at home" in text
    assert "Personal assistant wages" in text
    assert "Added by hand" in text
    assert escape(agreement.lines.get().description) in text
    assert 'role="img"' in text  # the chart, with its figures in the tables as well


def test_the_agreement_page_links_to_its_spending(agreement, officer):
    page = _as(officer).get(reverse("payments:agreement", args=[agreement.child_id, agreement.pk]))
    assert _url("agreement", agreement) in page.text


def test_another_councils_officer_does_not_find_the_spending_page(spent, agreement, make_user, other_council):
    stranger = make_user(Role.CASE_OFFICER, council=other_council)
    assert _as(stranger).get(_url("agreement", agreement)).status_code == 404


def test_the_records_are_shown_a_page_at_a_time(spent, agreement, parent_user, officer):
    for day in range(1, 26):
        _spend(parent_user, agreement, payee=f"Payee {day:02}", amount="1.00", spent_on=date(2026, 4, day))
    first = _as(officer).get(_url("agreement", agreement)).text
    second = _as(officer).get(_url("agreement", agreement) + "?page=2").text
    assert "Payee 25" in first and "Pat Assistant" in first and "Payee 01" not in first  # the most recent first
    assert "Payee 01" in second and "Payee 25" not in second


# Receipts ------------------------------------------------------------------------------------------------------------


def _receipt(parent_user, record):
    return services.receipt_add(actor=parent_user, record=record, upload=SimpleUploadedFile("till.pdf", PDF))


def test_staff_see_a_receipt_of_the_agreement_in_the_browser(spent, agreement, parent_user, officer):
    receipt = _receipt(parent_user, spent)
    client = _as(officer)
    assert _url("receipt", agreement, receipt.pk) in client.get(_url("agreement", agreement)).text
    response = client.get(_url("receipt", agreement, receipt.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


def test_a_receipt_of_another_agreement_is_not_found(spent, agreement, pb, dp, make_user, officer):
    other, other_parent = _other_agreement(pb, dp, make_user)
    other_record = _spend(other_parent, other, payee="Someone else", spent_on=date(2026, 3, 20))
    theirs = _receipt(other_parent, other_record)
    assert _as(officer).get(_url("receipt", agreement, theirs.pk)).status_code == 404


def test_another_councils_officer_does_not_find_a_receipt(spent, agreement, parent_user, make_user, other_council):
    receipt = _receipt(parent_user, spent)
    stranger = make_user(Role.CASE_OFFICER, council=other_council)
    assert _as(stranger).get(_url("receipt", agreement, receipt.pk)).status_code == 404


# Returns -------------------------------------------------------------------------------------------------------------


def test_the_return_shows_the_figures_as_sent_and_the_familys_note(submitted, agreement, officer):
    text = _as(officer).get(_url("return", agreement, submitted.pk)).text
    assert "1 April 2026 to 30 June 2026" in text
    assert "Pat&#x27;s wages for April." in text
    assert "£50.00" in text
    assert format_money(submitted.summary["balance"]) in text
    assert "Accept the return" in text and "Ask a question" in text


def test_an_officer_accepts_a_submitted_return(submitted, agreement, officer, audit):
    audit.mark()
    response = _as(officer).post(_url("return_accept", agreement, submitted.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("return", agreement, submitted.pk)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decided_by, submitted.decided_on) == (ReturnStatus.ACCEPTED, officer, SENT_ON)
    event = audit.one()
    assert (event.action, event.actor, event.child_id) == ("return.accepted", officer, agreement.child_id)


def test_a_second_accept_is_refused_with_a_message(submitted, agreement, officer, audit):
    client = _as(officer)
    client.post(_url("return_accept", agreement, submitted.pk))
    audit.mark()
    response = client.post(_url("return_accept", agreement, submitted.pk))
    assert response.status_code == 200
    assert PROBLEM in response.text
    assert "Only a return that has been sent can be accepted" in response.text
    assert audit.new == []


def test_an_officer_who_cannot_manage_direct_payments_cannot_accept(submitted, agreement, finance):
    assert _as(finance).get(_url("return", agreement, submitted.pk)).status_code == 200
    assert _as(finance).post(_url("return_accept", agreement, submitted.pk)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED


def test_asking_a_question_creates_an_evidence_request_due_28_days_later_on_a_working_day(
    submitted, agreement, officer, on_day
):
    on_day(ASKED_ON)
    client = _as(officer)
    url = _url("return_query", agreement, submitted.pk)
    assert "1 September 2026" in client.get(url).text  # the form says when the family must answer by
    response = client.post(url, {"query": "Please send the payslip for Pat's April wages."})
    assert response["Location"] == _url("return", agreement, submitted.pk)
    request = EvidenceRequest.objects.get(monitoring_return=submitted)
    assert (request.asked_on, request.due_on, request.asked_by) == (ASKED_ON, DUE_ON, officer)
    assert request.what == "Please send the payslip for Pat's April wages."
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.QUERIED
    page = client.get(response["Location"]).text
    assert "Question sent. The family has until 1 September 2026 to answer it." in page
    assert "payslip" in page


def test_an_empty_question_changes_nothing(submitted, agreement, officer, audit):
    audit.mark()
    response = _as(officer).post(_url("return_query", agreement, submitted.pk), {"query": "   "})
    assert response.status_code == 200
    assert PROBLEM in response.text
    assert "Say what you need to know, in words the family will understand" in response.text
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED
    assert not EvidenceRequest.objects.exists()
    assert audit.new == []


def test_returns_to_check_lists_only_submitted_returns_of_the_officers_council(submitted, agreement, officer):
    MonitoringReturn.objects.create(
        council=agreement.council,
        agreement=agreement,
        period_start=date(2026, 7, 1),
        period_end=date(2026, 9, 30),
        status=ReturnStatus.ACCEPTED,
        submitted_on=date(2026, 10, 2),
    )
    elsewhere = AgreementFactory()
    MonitoringReturn.objects.create(
        council=elsewhere.council,
        agreement=elsewhere,
        period_start=elsewhere.start_date,
        period_end=elsewhere.end_date,
        status=ReturnStatus.SUBMITTED,
        submitted_on=SENT_ON,
    )
    text = _as(officer).get(reverse("spending:returns")).text
    assert _url("return", agreement, submitted.pk) in text
    assert escape(agreement.child.full_name) in text
    assert "1 July 2026 to 30 September 2026" not in text
    assert escape(elsewhere.child.full_name) not in text


def test_another_councils_officer_does_not_find_the_return(submitted, agreement, make_user, other_council):
    stranger = make_user(Role.TEAM_MANAGER, council=other_council)
    assert _as(stranger).get(_url("return", agreement, submitted.pk)).status_code == 404
    assert _as(stranger).post(_url("return_accept", agreement, submitted.pk)).status_code == 404


# Taking a record back ------------------------------------------------------------------------------------------------


def test_an_officer_takes_back_a_record_and_the_balance_is_restored(spent, agreement, officer):
    before = payment_selectors.recipient_balance(agreement=agreement)
    response = _as(officer).post(_url("record_withdraw", agreement, spent.pk), {"reason": "Recorded twice"})
    assert response["Location"] == _url("agreement", agreement)
    assert SpendingRecord.objects.get(pk=spent.pk).withdrawn
    assert payment_selectors.recipient_balance(agreement=agreement) == before + Decimal("50.00")


def test_taking_back_a_record_needs_a_reason(spent, agreement, officer):
    response = _as(officer).post(_url("record_withdraw", agreement, spent.pk), {"reason": ""})
    assert response.status_code == 200
    assert "Enter why the record is being taken back" in response.text
    assert not SpendingRecord.objects.get(pk=spent.pk).withdrawn


def test_a_record_in_a_sent_return_cannot_be_taken_back(submitted, spent, agreement, officer):
    response = _as(officer).post(_url("record_withdraw", agreement, spent.pk), {"reason": "Wrong child"})
    assert response.status_code == 200
    assert "This record is in a return already sent to the council" in response.text
    assert not SpendingRecord.objects.get(pk=spent.pk).withdrawn


# The council's linking rules -----------------------------------------------------------------------------------------


def _rule_post(**overrides) -> dict:
    return {
        "words": "Brightwater Leisure",
        "category": "activity",
        "item": "PA",
        "percent": "100",
        "second_item": "",
        "second_percent": "",
        **overrides,
    }


def test_the_council_administrator_adds_a_rule_that_drives_suggestions(agreement, council_admin):
    client = _as(council_admin)
    assert reverse("council_spending:rules") in client.get(reverse("council:home")).text
    response = client.post(reverse("council_spending:rule_add"), _rule_post())
    assert response["Location"] == reverse("council_spending:rules")
    rule = LinkRule.objects.get()
    assert (rule.council, rule.agreement, rule.split) == (agreement.council, None, [["PA", "100"]])
    assert "Brightwater Leisure" in client.get(response["Location"]).text
    suggestion = linking.suggest(
        amount=Decimal("30.00"),
        payee="BRIGHTWATER LEISURE CENTRE",
        description="Swimming",
        **selectors.linking_context(agreement=agreement),
    )
    assert suggestion.category == "activity"
    assert suggestion.parts == [(agreement.lines.get(), Decimal("30.00"))]
    assert suggestion.reason == "The council's rule: 'Brightwater Leisure'"


def test_a_rule_can_split_a_payment_between_two_items(catalogue, council_admin):
    response = _as(council_admin).post(
        reverse("council_spending:rule_add"),
        _rule_post(words="Care Co", item="PA", percent="60", second_item="SLT", second_percent="40"),
    )
    assert response.status_code == 302
    assert LinkRule.objects.get().split == [["PA", "60"], ["SLT", "40"]]


def test_a_split_that_does_not_add_up_to_100_percent_is_refused(catalogue, council_admin):
    response = _as(council_admin).post(
        reverse("council_spending:rule_add"),
        _rule_post(item="PA", percent="60", second_item="SLT", second_percent="30"),
    )
    assert response.status_code == 200
    assert PROBLEM in response.text
    assert "The shares add up to 90%, not 100%" in response.text
    assert not LinkRule.objects.exists()


def test_the_council_administrator_removes_a_rule(catalogue, council_admin, audit):
    rule = services.link_rule_add(
        actor=council_admin, council=catalogue.PA.council, words="Pat", category="wages", split=[("PA", 100)]
    )
    audit.mark()
    response = _as(council_admin).post(reverse("council_spending:rule_remove", args=[rule.pk]))
    assert response["Location"] == reverse("council_spending:rules")
    assert not LinkRule.objects.exists()
    assert audit.one().action == "link_rule.removed"


def test_another_councils_rule_is_not_found(catalogue, make_user, other_council):
    rule = services.link_rule_add(
        actor=make_user(Role.COUNCIL_ADMIN, council=catalogue.PA.council),
        council=catalogue.PA.council,
        words="Pat",
        category="wages",
        split=[("PA", 100)],
    )
    stranger = make_user(Role.COUNCIL_ADMIN, council=other_council)
    assert _as(stranger).post(reverse("council_spending:rule_remove", args=[rule.pk])).status_code == 404
    assert LinkRule.objects.filter(pk=rule.pk).exists()
