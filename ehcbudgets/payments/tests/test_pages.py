"""Direct payment pages, through the test client: officers set up, send and record consent; the recipient consents
online; finance prepares a run and a second finance officer approves it (maker-checker); the family sees what was
paid and what they hold; notices are refused when too early; the ledger adds up to zero.

The standard agreement (see conftest.py) pays £3,411.20 for 1 April 2026 to 31 March 2027, 4-weekly on the
council's cycle from Monday 6 April 2026, so its first payment, due 1 April, is for 5 days of a 28-day cycle:
3,411.20 x (5/28) / (5/28 + 12) = 3,411.20 x 5 / 341; 12 full payments follow (the last also covers the 24 days
left after 7 March 2027), 13 in all (ADR 9).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ehcbudgets.accounts.models import Role
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.core.money import format_money
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.ledger.models import Transaction
from ehcbudgets.payments import rules, services
from ehcbudgets.payments.models import (
    Agreement,
    AgreementChange,
    AgreementStatus,
    PaymentRun,
    PaymentStatus,
    Reconsideration,
    RunStatus,
)
from ehcbudgets.people.tests.factories import ContactFactory

from .conftest import PA_AMOUNT, PERIOD_END, PERIOD_START, SET_UP_ON

pytestmark = pytest.mark.django_db

PAY_DAY = date(2026, 4, 1)  # the first payment's due date
FIRST_PAYMENT = Decimal("50.01")  # 3,411.20 x 5 / 341, in whole pence
PROBLEM = "There is a problem"


def _date(name: str, value) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _agreement_url(agreement) -> str:
    return reverse("payments:agreement", args=[agreement.child_id, agreement.pk])


def _family_url(agreement, name: str = "agreement") -> str:
    return reverse(f"family_payments:{name}", args=[agreement.child_id, agreement.pk])


def _first_payment(agreement):
    return agreement.payments.exclude(status=PaymentStatus.CANCELLED).order_by("due_on").first()


def _agreement_post(case, **overrides) -> dict:
    data = {
        "recipient": str(case.parent.pk),
        "frequency": "four_weekly",
        **_date("start_date", PERIOD_START),
        **_date("end_date", PERIOD_END),
        "payment_method": "bank_account",
        "card_account_reference": "",
        "account_name": "Sam Parent",
        "sort_code": "30-94-30",
        "account_number": "00733445",
        "conditions": "",
        "excluded_payees": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def prepared(agreement, finance, on_day):
    """A run prepared on 1 April 2026 by the first finance officer, paying the agreement's first payment."""
    on_day(PAY_DAY)
    return services.payment_run_prepare(actor=finance, council=agreement.council, pay_up_to=PAY_DAY)


@pytest.fixture
def released(prepared, finance2):
    """The prepared run, approved and released by the second finance officer."""
    return services.payment_run_approve(actor=finance2, run=prepared)


# Setting up, sending and consenting ----------------------------------------------------------------------------


def test_an_officer_sets_up_an_agreement_through_the_form_and_is_taken_to_it(dp, case, officer):
    budget = dp.agreed_budget(case)
    url = reverse("payments:agreement_create", args=[case.child.pk, budget.pk])
    response = _as(officer).post(url, _agreement_post(case))
    agreement = Agreement.objects.get(budget=budget)
    assert response.status_code == 302
    assert response["Location"] == _agreement_url(agreement)
    assert (agreement.status, agreement.amount, agreement.recipient) == (AgreementStatus.DRAFT, PA_AMOUNT, case.parent)
    assert (agreement.account_name, agreement.sort_code, agreement.account_number) == (
        "SAM PARENT",
        "309430",
        "00733445",
    )


def test_a_five_digit_sort_code_shows_the_error_summary_and_sets_up_nothing(dp, case, officer):
    budget = dp.agreed_budget(case)
    url = reverse("payments:agreement_create", args=[case.child.pk, budget.pk])
    response = _as(officer).post(url, _agreement_post(case, sort_code="12345"))
    assert response.status_code == 200
    assert PROBLEM in response.text
    assert 'href="#id_sort_code"' in response.text
    assert "Enter a valid sort code like 309430" in response.text
    assert not Agreement.objects.exists()


def test_sending_the_agreement_writes_the_letter_and_shows_it_waiting_for_consent(dp, case, officer):
    agreement = dp.draft(case)
    officer_client = _as(officer)
    response = officer_client.post(reverse("payments:send", args=[case.child.pk, agreement.pk]))
    assert response["Location"] == _agreement_url(agreement)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AWAITING_CONSENT
    assert agreement.notice_letter.subject == "Your direct payment agreement"
    page = officer_client.get(_agreement_url(agreement)).text
    assert escape("Waiting for the recipient's consent") in page
    assert f"Waiting: sent {format_date(SET_UP_ON)}" in page
    assert agreement.notice_letter.subject in page


def test_an_officer_records_consent_given_on_a_signed_paper_copy(dp, case, officer):
    agreement = dp.sent(case)
    url = reverse("payments:consent", args=[case.child.pk, agreement.pk])
    response = _as(officer).post(url, {"channel": "paper", **_date("consented_on", SET_UP_ON)})
    assert response["Location"] == _agreement_url(agreement)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.consent_channel, agreement.consented_on) == ("active", "paper", SET_UP_ON)
    assert agreement.consent_recorded_by == officer
    assert agreement.payments.filter(status=PaymentStatus.SCHEDULED).count() == 13


def test_the_consent_banner_shows_only_to_the_recipient(dp, case, parent_user, make_user):
    agreement = dp.sent(case)
    other_parent = make_user(Role.PARENT_CARER, full_name="Alex Otherparent")
    ContactFactory(child=case.child, full_name="Alex Otherparent", user=other_parent)
    banner = "We need you to agree to the terms before we can make any payment."
    assert banner in _as(parent_user).get(_family_url(agreement)).text
    page = _as(other_parent).get(_family_url(agreement))
    assert page.status_code == 200
    assert banner not in page.text


def test_the_recipient_consents_online_and_then_sees_the_schedule(dp, case, parent_user):
    agreement = dp.sent(case)
    family = _as(parent_user)
    terms = family.get(_family_url(agreement, "consent")).text
    assert "Agree to the direct payment terms" in terms and "See the 13 payments" in terms
    response = family.post(_family_url(agreement, "consent"))
    assert response["Location"] == _family_url(agreement)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.consent_channel) == ("active", "online")
    page = family.get(_family_url(agreement)).text
    assert "You have agreed to the terms, and the payments are scheduled." in page
    assert "We need you to agree to the terms" not in page
    assert page.count("Scheduled</td>") == agreement.payments.count() == 13  # the schedule, under "Payments to come"
    first = _first_payment(agreement)
    assert first.amount == FIRST_PAYMENT
    assert f"{format_money(first.amount)} on or after {format_date(first.due_on)}" in page  # the next payment


def test_a_family_member_who_is_not_the_recipient_cannot_consent(dp, case, make_user):
    agreement = dp.sent(case)
    other_parent = make_user(Role.PARENT_CARER, full_name="Alex Otherparent")
    ContactFactory(child=case.child, full_name="Alex Otherparent", user=other_parent)
    response = _as(other_parent).post(_family_url(agreement, "consent"))
    assert response.status_code == 200
    assert "Only the person who receives the payments can consent to them." in response.text
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AWAITING_CONSENT
    assert not agreement.payments.exists()


def test_a_draft_agreement_is_not_shown_to_the_family(dp, case, parent_user):
    agreement = dp.draft(case)
    assert _as(parent_user).get(_family_url(agreement)).status_code == 404


# Payment runs: prepared by one finance officer, approved by another ----------------------------------------------


def test_a_finance_officer_prepares_a_run_from_the_runs_page(agreement, finance, on_day):
    on_day(PAY_DAY)
    finance_client = _as(finance)
    runs_page = finance_client.get(reverse("finance:runs")).text
    assert f"1 payment of {format_money(FIRST_PAYMENT)} is due up to today" in runs_page
    response = finance_client.post(reverse("finance:runs"), _date("pay_up_to", PAY_DAY))
    run = PaymentRun.objects.get()
    assert response["Location"] == reverse("finance:run", args=[run.pk])
    assert (run.status, run.prepared_by, run.payment_count, run.total) == ("prepared", finance, 1, FIRST_PAYMENT)


def test_a_run_with_nothing_due_shows_the_problem_and_prepares_nothing(agreement, finance, on_day):
    on_day(SET_UP_ON)
    response = _as(finance).post(reverse("finance:runs"), _date("pay_up_to", SET_UP_ON))
    assert PROBLEM in response.text
    assert f"Nothing is due up to {format_date(SET_UP_ON)}" in response.text
    assert not PaymentRun.objects.exists()


def test_the_officer_who_prepared_a_run_is_told_another_must_approve_it_and_has_no_approve_button(prepared, finance):
    page = _as(finance).get(reverse("finance:run", args=[prepared.pk])).text
    assert "You prepared this run, so another finance officer must approve it." in page
    assert 'value="approve"' not in page
    assert "Approve and release" not in page


def test_the_officer_who_prepared_a_run_cannot_approve_it_by_posting(prepared, finance):
    response = _as(finance).post(reverse("finance:run", args=[prepared.pk]), {"action": "approve"})
    assert response.status_code == 200
    assert PROBLEM in response.text
    prepared.refresh_from_db()
    assert (prepared.status, prepared.approved_by) == (RunStatus.PREPARED, None)
    assert not Transaction.objects.exists()


def test_a_second_finance_officer_approves_and_the_run_shows_released_with_its_files(prepared, finance2):
    finance_client = _as(finance2)
    url = reverse("finance:run", args=[prepared.pk])
    assert f"Approve and release {format_money(FIRST_PAYMENT)}" in finance_client.get(url).text
    response = finance_client.post(url, {"action": "approve"})
    assert response["Location"] == url
    prepared.refresh_from_db()
    assert (prepared.status, prepared.approved_by) == (RunStatus.RELEASED, finance2)
    page = finance_client.get(url).text
    assert "Run approved and released" in page
    assert "Approved and released" in page
    assert reverse("finance:run_file", args=[prepared.pk, "csv"]) in page
    assert reverse("finance:run_file", args=[prepared.pk, "prepaid"]) in page  # the agreement pays a prepaid card


def test_the_runs_csv_downloads_as_an_attachment(released, finance):
    response = _as(finance).get(reverse("finance:run_file", args=[released.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="dp-run-brightwater-{released.pk}-{PAY_DAY.isoformat()}.csv"'
    )
    body = response.content.decode()
    assert body.startswith("Run,Payment ID,Due date")
    assert str(FIRST_PAYMENT) in body


def test_approving_a_released_run_again_shows_an_error_and_pays_nothing_more(released, finance2, agreement):
    before = Transaction.objects.count()
    response = _as(finance2).post(reverse("finance:run", args=[released.pk]), {"action": "approve"})
    assert response.status_code == 200
    assert PROBLEM in response.text
    assert "This run is approved and released: it cannot be approved" in response.text
    assert 'href="#confirm"' in response.text and 'id="confirm"' in response.text  # the summary links to the status
    assert Transaction.objects.count() == before == 1
    assert agreement.payments.filter(status=PaymentStatus.PAID).count() == 1


def test_after_the_run_the_family_sees_the_payment_received_and_the_balance(released, agreement, parent_user):
    first = _first_payment(agreement)
    assert (first.status, first.amount) == (PaymentStatus.PAID, FIRST_PAYMENT)
    page = _as(parent_user).get(_family_url(agreement)).text
    assert f'<p class="govuk-heading-xl" aria-describedby="balance">{format_money(first.amount)}</p>' in page
    assert f"Paid {format_date(PAY_DAY)}" in page
    assert "1 payment</dd>" in page  # paid so far
    following = agreement.payments.filter(status=PaymentStatus.SCHEDULED).order_by("due_on").first()
    assert f"{format_money(following.amount)} on or after {format_date(following.due_on)}" in page


def test_the_ledger_page_adds_up_to_zero(released, manager):
    page = _as(manager).get(reverse("finance:ledger")).text
    assert "<strong>£0.00</strong>" in page  # the total
    assert format_money(-FIRST_PAYMENT) in page  # out of the social care fund
    assert "Direct payment for 1 April 2026 to 5 April 2026" in page


# Notices and reconsideration -----------------------------------------------------------------------------------


def _earliest_reduction(agreement):
    policy = policy_in_force(council=agreement.council, on=today())
    return rules.notice_effective_from(
        sent_on=today(),
        notice_days=policy.reduction_notice_days,
        deemed_received_working_days=policy.notice_deemed_received_working_days,
    )


def test_a_reduction_a_day_before_the_notice_period_runs_out_shows_the_problem(agreement, manager):
    earliest = _earliest_reduction(agreement)
    url = reverse("payments:reduce", args=[agreement.child_id, agreement.pk])
    response = _as(manager).post(
        url,
        {
            "new_amount": "3000.00",
            **_date("effective_on", earliest - timedelta(days=1)),
            "reasons": "Fewer hours are needed.",
        },
    )
    assert response.status_code == 200
    assert PROBLEM in response.text
    assert 'href="#id_effective_on"' in response.text
    assert f"The change cannot take effect before {format_date(earliest)}" in response.text
    agreement.refresh_from_db()
    assert agreement.amount == PA_AMOUNT
    assert not AgreementChange.objects.exists()


def test_a_reduction_from_the_earliest_date_sends_the_notice(agreement, manager):
    earliest = _earliest_reduction(agreement)
    url = reverse("payments:reduce", args=[agreement.child_id, agreement.pk])
    response = _as(manager).post(
        url, {"new_amount": "3000.00", **_date("effective_on", earliest), "reasons": "Fewer hours are needed."}
    )
    assert response["Location"] == _agreement_url(agreement)
    change = AgreementChange.objects.get()
    assert (change.kind, change.effective_on, change.new_amount) == ("reduce", earliest, Decimal("3000.00"))


def test_the_recipient_asks_for_a_reduction_to_be_reconsidered(agreement, manager, parent_user):
    change = services.agreement_reduce(
        actor=manager, agreement=agreement, new_amount=Decimal("3000.00"), reasons="Fewer hours are needed."
    )
    family = _as(parent_user)
    url = reverse("family_payments:reconsider", args=[agreement.child_id, agreement.pk, "change", change.pk])
    assert url in family.get(_family_url(agreement)).text  # the notice offers it
    response = family.post(url, {"grounds": "The hours are still needed after school."})
    assert response["Location"] == _family_url(agreement)
    item = Reconsideration.objects.get(change=change)
    assert (item.status, item.grounds) == ("open", "The hours are still needed after school.")
    page = family.get(_family_url(agreement)).text
    assert "Waiting for the council to reconsider" in page
    assert url not in page  # one request only


def test_a_reconsideration_cannot_be_asked_for_twice(agreement, manager, parent_user):
    change = services.agreement_reduce(
        actor=manager, agreement=agreement, new_amount=Decimal("3000.00"), reasons="Fewer hours are needed."
    )
    services.reconsideration_request(actor=parent_user, change=change, grounds="Still needed.")
    url = reverse("family_payments:reconsider", args=[agreement.child_id, agreement.pk, "change", change.pk])
    response = _as(parent_user).post(url, {"grounds": "Asking again."})
    assert PROBLEM in response.text
    assert "A reconsideration has already been asked for: the law allows one" in response.text
    assert Reconsideration.objects.count() == 1


def test_the_officers_page_shows_the_recipients_account_statement_from_the_ledger(released, agreement, officer):
    """Each ledger entry of the recipient's account, with the balance after it."""
    text = _as(officer).get(_agreement_url(agreement)).content.decode()
    assert "Account statement, from the ledger" in text
    assert text.count(format_money(FIRST_PAYMENT)) >= 3  # the entry, the balance after it, and the balance held


@pytest.mark.parametrize(("days_after", "tag"), [(-1, "Stopping on"), (0, "Stopped"), (1, "Stopped")])
def test_a_stop_shows_as_stopping_until_the_day_it_takes_effect(agreement, manager, officer, on_day, days_after, tag):
    """The day before the stop takes effect the agreement is stopping; from that day it shows as stopped (R22)."""
    on_day(PAY_DAY)
    change = services.agreement_stop(
        actor=manager, agreement=agreement, ground="cannot_secure", reasons="The provider has closed."
    )
    on_day(change.effective_on + timedelta(days=days_after))
    text = _as(officer).get(_agreement_url(agreement)).content.decode()
    assert tag in text
    if tag == "Stopped":
        assert "Stopping on" not in text
