"""Direct payments in the browser: an officer sets up and sends the agreement for an agreed budget, the parent
consents, one finance officer prepares a run and another approves it, and the parent sees the payment and what
they hold. Every page goes through the harness (axe-core at desktop and 375px, no sideways scrolling).

The services' "today" is the real date here: the fixture agrees a budget whose period starts today, so the agreement
starts today, its first payment is due today, and the run pays up to today.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

OFFICER = "officer@brightwater.example"
MANAGER = "manager@brightwater.example"
FINANCE = "finance@brightwater.example"
CHECKER = "finance2@brightwater.example"  # the demo's second finance officer, who approves runs
PARENT = "parent@brightwater.example"
CARD = "PPC-0001-2345"
PA_LINE = "Personal assistant support at home"  # delivered at home: a direct payment needs no setting's agreement
FINDINGS = {
    "will_secure_provision": "Has employed a personal assistant before.",
    "best_interests": "Chose the support with the child.",
    "no_harm_to_services": "No block contract covers personal assistant support.",
    "efficient_use": "It costs no more than the council arranging it.",
}


def _sign_out(b) -> None:
    b.follow(b.page.get_by_role("button", name=re.compile("Sign out")))


def _javascript_is_off(page) -> None:
    """base.html marks the body js-enabled from an inline script: proof that no script ran."""
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))


def _row(page, key: str):
    return page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=key))


@pytest.fixture
def agreed(demo):
    """A budget agreed today for the demo parent's child who has none yet (the demo's own agreed budget already has
    its direct payments), with the personal assistant line paid to the parent as a direct payment. Made through the
    budget services by the demo's case officer and team manager, as the pages would."""
    from ehcbudgets.accounts.models import User
    from ehcbudgets.budgets import services
    from ehcbudgets.budgets.models import BudgetLine
    from ehcbudgets.core.dates import today
    from ehcbudgets.payments.services import agreeable_lines
    from ehcbudgets.people.models import Child

    officer, manager = User.objects.get(email=OFFICER), User.objects.get(email=MANAGER)
    parent = User.objects.get(email=PARENT)
    child = Child.objects.filter(contacts__user=parent, budget_requests__isnull=True).order_by("pk").first()
    assert child is not None, "the demo should leave one of the parent's children without a budget request"
    contact = child.contacts.get(user=parent)
    request = services.budget_request_record(actor=officer, child=child, requester=contact, channel="letter")
    budget = services.budget_start(actor=officer, request=request, period_start=today())
    line = BudgetLine.objects.get(budget=budget, provision_item__description=PA_LINE)
    services.budget_line_set(
        actor=officer, budget=budget, provision_item=line.provision_item, line=line, management_mode="direct_payment"
    )
    services.direct_payment_case_record(actor=officer, budget=budget, recipient=contact, **FINDINGS)
    budget.refresh_from_db()
    services.budget_submit(actor=officer, budget=budget, final_amount=budget.costed_total)
    budget = services.budget_approve(actor=manager, budget=budget)
    assert [line.provision_item.description for line in agreeable_lines(budget)] == [PA_LINE]
    return budget


def test_an_agreement_is_set_up_consented_paid_by_a_run_two_officers_release_and_the_parent_sees_it(browse, agreed):
    from ehcbudgets.core.dates import format_date, today
    from ehcbudgets.core.money import format_money
    from ehcbudgets.payments.models import Agreement, PaymentRun

    b, page, budget = browse, browse.page, agreed
    child = budget.child
    parent_contact = child.contacts.get(user__email=PARENT)
    budget_url = f"/cases/{child.pk}/budgets/{budget.pk}/"

    # 1. The case officer sets up the agreement from the agreed budget: the recipient, frequency and dates come
    #    from the budget and the council's policy; the money goes to a bank account in the parent's name.
    b.sign_in(OFFICER)
    b.visit(budget_url)
    b.follow(page.get_by_role("button", name="Set up the direct payment agreement"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up the direct payment agreement")
    expect(
        page.get_by_role("radio", name=re.compile(rf"^{re.escape(parent_contact.full_name)} \(parent"))
    ).to_be_checked()
    expect(page.get_by_role("radio", name="Every 4 weeks")).to_be_checked()
    start = page.get_by_role("group", name="Date the payments start")
    expect(start.get_by_label("Day")).to_have_value(str(today().day))
    page.get_by_role("radio", name="Dedicated bank account").check()
    page.get_by_label("Name on the account (for a bank account)").fill(parent_contact.full_name)
    page.get_by_label("Sort code").fill("30-94-3")  # a digit short: the service refuses it, and sets up nothing
    page.get_by_label("Account number").fill("12345678")
    b.follow(page.get_by_role("button", name="Save the agreement"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter a valid sort code like 309430")).to_be_visible()
    assert not Agreement.objects.filter(budget=budget).exists()
    page.get_by_label("Sort code").fill("30-94-30")
    b.follow(page.get_by_role("button", name="Save the agreement"))
    expect(
        page.get_by_text("Agreement set up. Check it, then send it to the recipient for their consent.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Being set up")
    agreement = Agreement.objects.get(budget=budget)
    assert (agreement.status, agreement.recipient, agreement.start_date) == ("draft", parent_contact, today())
    expect(_row(page, "Amount")).to_contain_text(format_money(agreement.amount))
    expect(_row(page, "Paid into")).to_contain_text("sort code 30-94-30, account ending 5678")

    # 2. It is sent: the letter is written and it waits for the parent's consent.
    b.follow(page.get_by_role("button", name="Send for consent"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the agreement for consent")
    b.follow(page.get_by_role("button", name="Send the agreement"))
    expect(page.get_by_text("Agreement sent. It is waiting for the recipient's consent.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for the recipient's consent")
    expect(_row(page, "Consent")).to_contain_text(f"Waiting: sent {format_date(today())}")
    expect(page.get_by_role("link", name="Your direct payment agreement")).to_be_visible()
    _sign_out(b)

    # 3. The parent reads the terms and agrees; the payments are scheduled.
    b.sign_in(PARENT)
    b.follow(page.get_by_role("link", name=child.full_name))
    b.follow(page.get_by_role("link", name=f"Direct payments from {format_date(agreement.start_date)}"))
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("We need you to agree to the terms before we can make any payment.")
    b.follow(banner.get_by_role("link", name="Read the terms and agree to them"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Agree to the direct payment terms")
    b.follow(page.get_by_role("button", name="I agree to these terms"))
    expect(page.get_by_text("Thank you. You have agreed to the terms, and the payments are scheduled.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
    agreement.refresh_from_db()
    first = agreement.payments.order_by("due_on").first()
    assert (agreement.status, agreement.consent_channel, first.due_on) == ("active", "online", today())
    expect(_row(page, "Next payment")).to_contain_text(
        f"{format_money(first.amount)} on or after {format_date(today())}"
    )
    expect(page.locator("#balance + p")).to_have_text("£0.00")
    _sign_out(b)

    # 4. A finance officer prepares a run of everything due up to today; they cannot approve their own run.
    b.sign_in(FINANCE)
    b.visit("/payments/runs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment runs")
    expect(page.get_by_text(f"1 payment of {format_money(first.amount)} is due up to today")).to_be_visible()
    expect(page.get_by_role("group", name="Pay everything due up to").get_by_label("Day")).to_have_value(
        str(today().day)
    )
    b.follow(page.get_by_role("button", name="Prepare the run"))
    expect(page.get_by_text("Run prepared. A second finance officer must approve it.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for approval")
    expect(page.get_by_text("You prepared this run, so another finance officer must approve it.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Approve"))).to_have_count(0)
    run = PaymentRun.objects.get(council=budget.council, status="prepared")  # the demo released one today too
    assert (run.status, run.payment_count, run.total, run.pay_up_to) == ("prepared", 1, first.amount, today())
    _sign_out(b)

    # 5. A second finance officer approves and releases it: the files are made and the payment is in the ledger.
    b.sign_in(CHECKER)
    b.visit("/payments/runs/")
    b.follow(page.get_by_role("link", name=f"{format_date(today())} (run {run.pk})"))
    b.follow(page.get_by_role("button", name=f"Approve and release {format_money(first.amount)}"))
    expect(page.get_by_text("Run approved and released")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approved and released")
    expect(_row(page, "Approved by")).to_contain_text("Finance officer who approves runs (demo)")
    csv_link = page.get_by_role("link", name=re.compile(r"^CSV: dp-run-brightwater-"))
    expect(page.get_by_role("link", name=re.compile(r"^BACS Standard 18: dp-run-brightwater-"))).to_be_visible()
    response = page.request.get(csv_link.get_attribute("href"))  # with the signed-in officer's session
    assert response.status == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="dp-run-brightwater-')
    assert f"{first.amount:.2f}" in response.text()
    run.refresh_from_db()
    assert (run.status, run.approved_by.email) == ("released", CHECKER)

    # The agreement's page, from the run: paid, the first review set, and what the recipient holds.
    b.follow(page.get_by_role("link", name=child.full_name))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Direct payment agreement")
    expect(_row(page, "Balance held")).to_contain_text(format_money(first.amount))
    expect(_row(page, "First review due")).to_be_visible()
    schedule = page.get_by_role("region", name="Payment schedule")
    expect(schedule.get_by_role("row").nth(1)).to_contain_text(f"Paid {format_date(today())}")

    b.visit("/payments/ledger/")
    total = page.get_by_role("row", name=re.compile("^Total"))
    expect(total).to_contain_text("£0.00")
    _sign_out(b)

    # 6. The parent sees the payment received and the balance they hold.
    b.sign_in(PARENT)
    b.follow(page.get_by_role("link", name=child.full_name))
    b.follow(page.get_by_role("link", name=f"Direct payments from {format_date(agreement.start_date)}"))
    expect(page.locator("#balance + p")).to_have_text(format_money(first.amount))
    expect(_row(page, "Paid so far")).to_have_text(re.compile("1 payment$"))
    received = page.get_by_role("region", name="Payments you have received")
    expect(received).to_contain_text(f"Paid {format_date(today())}")
    expect(received).to_contain_text(format_money(first.amount))
    expect(page.get_by_role("region", name="Important")).to_have_count(0)


@pytest.fixture
def sent(agreed):
    """The agreed budget's agreement, set up and sent by the case officer through the services."""
    from ehcbudgets.accounts.models import User
    from ehcbudgets.payments import services

    officer = User.objects.get(email=OFFICER)
    draft = services.agreement_create(
        actor=officer,
        budget=agreed,
        start_date=agreed.period_start,
        payment_method="prepaid_card",
        card_account_reference=CARD,
    )
    return services.agreement_send(actor=officer, agreement=draft)


def test_the_parent_consents_without_javascript(browse_without_js, sent):
    from ehcbudgets.core.dates import format_date

    b, page, agreement = browse_without_js, browse_without_js.page, sent
    b.sign_in(PARENT)
    _javascript_is_off(page)
    b.visit(f"/my/children/{agreement.child_id}/direct-payments/{agreement.pk}/")
    b.follow(page.get_by_role("link", name="Read the terms and agree to them"))
    assert not agreement.payments.exists()  # the schedule is made at consent: this page shows a preview
    summary = page.get_by_text(re.compile(r"^See the \d+ payments$"))
    summary.click()  # <details> opens without JavaScript
    expect(page.locator(".govuk-details__text")).to_contain_text(format_date(agreement.start_date))
    b.follow(page.get_by_role("button", name="I agree to these terms"))
    expect(page.get_by_text("You have agreed to the terms, and the payments are scheduled.")).to_be_visible()
    agreement.refresh_from_db()
    assert (agreement.status, agreement.consent_channel) == ("active", "online")
    expect(page.get_by_role("region", name="Payments to come")).to_contain_text(format_date(agreement.start_date))
