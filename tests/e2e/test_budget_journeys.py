"""Personal budgets in the browser (issue 3): a parent asks, an officer costs it, a manager agrees it, the family
understands it and downloads Section J. Every page goes through the harness (axe-core and phone width)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import PHONE

pytestmark = pytest.mark.e2e

OFFICER = "officer@brightwater.example"
MANAGER = "manager@brightwater.example"
PARENT = "parent@brightwater.example"

DP_LINE = "Personal assistant support at home"  # H1, delivered at home: a direct payment needs no setting's agreement
FINDINGS = {
    "(a) Evidence they will use the payments to secure the agreed provision": "Has employed a PA before.",
    "(b) Evidence the parent or nominee will act in the child's best interests": "Chose the support with the child.",
    "(c) Why direct payments will not harm other services": "No block contract covers PA support.",
    "(d) Why direct payments are an efficient use of the council's resources": "It costs no more than arranging it.",
}


def _date(group, value) -> None:
    """Fill a GOV.UK date input (a fieldset with Day, Month and Year)."""
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def _sign_out(b) -> None:
    b.follow(b.page.get_by_role("button", name=re.compile("Sign out")))


def _javascript_is_off(page) -> None:
    """base.html marks the body js-enabled from an inline script: proof that no script ran."""
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))


@pytest.fixture
def fresh_child(demo):
    """The demo parent's child with no budget request; its plan is one a budget can be costed from."""
    from ehcbudgets.accounts.models import User
    from ehcbudgets.budgets.rules import request_is_eligible
    from ehcbudgets.people.models import Child
    from ehcbudgets.plans.selectors import current_plan

    parent = User.objects.get(email=PARENT)
    child = Child.objects.filter(contacts__user=parent, budget_requests__isnull=True).order_by("pk").first()
    assert child is not None, "the demo should leave one of the parent's children without a budget request"
    plan = current_plan(child=child)
    assert request_is_eligible(plan), f"{child.full_name}'s plan ({plan and plan.status}) cannot be costed"
    assert plan.provision_items.filter(description=DP_LINE).exists(), "the demo plan should include PA support"
    return child


def _ask(b, child, what_for: str):
    """The parent, on the child's page, asks for a budget; returns the request made."""
    from ehcbudgets.budgets.models import BudgetRequest

    page = b.page
    b.follow(page.get_by_role("link", name=f"See {child.first_name}'s personal budget, or ask for one"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal budget")
    expect(page.get_by_text(f"There is no personal budget for {child.first_name} yet.")).to_be_visible()
    b.follow(page.get_by_role("button", name="Ask for a personal budget"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ask for a personal budget for {child.first_name}")
    page.get_by_label("What would you like a personal budget to help with?").fill(what_for)
    b.follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before asking")
    answers = page.locator(".govuk-summary-list")
    expect(answers.locator(".govuk-summary-list__row", has_text="Asking for")).to_contain_text(child.full_name)
    expect(answers.locator(".govuk-summary-list__row", has_text="What it would help with")).to_contain_text(what_for)
    assert not BudgetRequest.objects.filter(child=child).exists()  # nothing is sent before the check page
    b.follow(page.get_by_role("button", name="Send the request"))

    made = BudgetRequest.objects.get(child=child)
    assert (made.status, made.channel, made.what_for) == ("open", "online", what_for)
    due = f"{made.decision_due_on.day} {made.decision_due_on:%B %Y}"  # GOV.UK style, like "4 December 2026"
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Request sent")
    expect(panel).to_contain_text(due)
    expect(page.get_by_text(f"The council will decide by {due} and write to you.")).to_be_visible()
    return made


def test_a_parent_asks_an_officer_costs_a_manager_agrees_and_the_family_reads_section_j(browse, fresh_child):
    from ehcbudgets.budgets.models import Budget, BudgetLine
    from ehcbudgets.core.dates import today
    from ehcbudgets.core.money import format_money

    b, page, child = browse, browse.page, fresh_child
    parent_contact = child.contacts.get(user__email=PARENT)

    # 1. The parent asks, checks the answer and sends; the panel says by when the council will decide.
    b.sign_in(PARENT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")
    b.follow(page.get_by_role("link", name=child.full_name))
    made = _ask(b, child, "A personal assistant after school and help with travel")
    b.follow(page.get_by_role("link", name=f"Go to {child.first_name}'s personal budget"))
    expect(page.locator(".govuk-inset-text")).to_contain_text("The council will decide by")
    expect(page.get_by_role("button", name="Ask for a personal budget")).to_have_count(0)  # one open request
    _sign_out(b)

    # 2. The case officer costs the budget from the plan, makes one line a direct payment, records the recipient
    #    and the four findings, and sends it for approval.
    b.sign_in(OFFICER)
    b.visit(f"/cases/{child.pk}/")
    b.follow(page.get_by_role("link", name=re.compile(r"^View the request received ")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for a personal budget")
    expect(page.get_by_text("A personal assistant after school and help with travel")).to_be_visible()
    b.follow(page.get_by_role("button", name="Cost the budget from the plan"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Start costing the budget")
    _date(page.get_by_role("group", name="Start of the budget period"), today())
    b.follow(page.get_by_role("button", name="Start costing"))
    expect(page.get_by_text("Budget costed from the plan")).to_be_visible()

    budget = Budget.objects.get(request=made)
    assert (budget.prepared_by.email, budget.period_start, budget.status) == (OFFICER, today(), "draft")
    lines = list(BudgetLine.objects.filter(budget=budget).select_related("offer_item", "provision_item"))
    assert len(lines) == child.plans.get(pk=budget.plan_id).provision_items.count()  # every provision item priced
    table = page.get_by_role("region", name="Budget lines")
    for line in lines:
        assert line.amount > 0
        row = table.get_by_role("row", name=re.compile(re.escape(line.provision_item.description)))
        expect(row).to_contain_text(line.offer_item.name)
        expect(row).to_contain_text(format_money(line.amount))
        expect(row).to_contain_text("Arranged by the council or NHS")  # the first mode each item allows
    costed = page.locator(".govuk-summary-list__row", has=page.get_by_text("Costed lines", exact=True))
    expect(costed).to_contain_text(format_money(budget.costed_total))

    pa = next(line for line in lines if line.provision_item.description == DP_LINE)
    b.follow(table.get_by_role("link", name=f"Change {pa.offer_item.name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cost this provision")
    page.get_by_role("radio", name="Direct payment to the family").check()
    b.follow(page.get_by_role("button", name="Save the line"))
    expect(page.get_by_text("Line saved")).to_be_visible()
    pa.refresh_from_db()
    assert pa.management_mode == "direct_payment"
    pa_row = table.get_by_role("row", name=re.compile(re.escape(DP_LINE)))
    expect(pa_row).to_contain_text("Direct payment to the family")
    blockers = page.locator("#blockers + ul")
    expect(blockers).to_contain_text("Record who would receive the direct payments")
    expect(blockers).to_contain_text("Enter the final amount of the budget")

    b.follow(page.get_by_role("link", name="Record the recipient and findings"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Direct payments: recipient and findings")
    page.get_by_role("radio", name=re.compile(rf"^{parent_contact.full_name} \(parent")).check()
    for label, evidence in FINDINGS.items():
        page.get_by_label(label).fill(evidence)
    b.follow(page.get_by_role("button", name="Save the findings"))
    expect(page.get_by_text("Direct payment findings saved")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Recipient")).to_contain_text(parent_contact.full_name)
    expect(blockers).not_to_contain_text("Record who would receive")
    expect(blockers).not_to_contain_text("Record evidence")

    budget.refresh_from_db()
    b.follow(page.get_by_role("button", name="Send for approval"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the budget for approval")
    expect(page.get_by_text(f"The costed lines come to {format_money(budget.costed_total)}")).to_be_visible()
    page.get_by_label("Final amount of the budget").fill(str(budget.costed_total))  # the plain figure, like 12345.60
    b.follow(page.get_by_role("button", name="Send for approval"))
    expect(page.get_by_text("Budget sent for approval")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for approval")
    expect(page.get_by_text("Nothing is missing.")).to_be_visible()
    budget.refresh_from_db()
    assert (budget.status, budget.final_amount) == ("awaiting_approval", budget.costed_total)

    # 3. The officer who prepared it cannot agree it: a case officer may not approve anything (403).
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    approve_url = f"/cases/{child.pk}/budgets/{budget.pk}/approve/"
    b.visit(approve_url, status=403)
    expect(page.get_by_role("button", name="Approve and send the letter")).to_have_count(0)
    budget.refresh_from_db()
    assert budget.status == "awaiting_approval"
    _sign_out(b)

    # 4. The team manager agrees it; the officer then writes Section J.
    b.sign_in(MANAGER)
    b.visit(f"/cases/{child.pk}/")
    b.follow(page.locator("#budget ~ .govuk-summary-card").get_by_role("link", name=re.compile(r"to .*\d{4}$")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for approval")
    b.follow(page.get_by_role("button", name="Approve", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the personal budget")
    expect(page.get_by_text(f"A budget of {format_money(budget.final_amount)}")).to_be_visible()
    b.follow(page.get_by_role("button", name="Approve and send the letter"))
    expect(page.get_by_text("Budget agreed and the decision letter sent")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agreed")
    budget.refresh_from_db()
    assert (budget.status, budget.approved_by.email) == ("approved", MANAGER)
    _sign_out(b)

    b.sign_in(OFFICER)
    b.visit(f"/cases/{child.pk}/budgets/{budget.pk}/")
    b.follow(page.get_by_role("button", name="Write Section J"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Write Section J")
    b.follow(page.get_by_role("button", name="Write and send Section J"))
    expect(page.get_by_text("Section J written and sent")).to_be_visible()
    budget.refresh_from_db()
    assert budget.section_j is not None
    expect(page.get_by_role("link", name=budget.section_j.subject)).to_be_visible()
    _sign_out(b)

    # 5. The parent reads each line (how it is worked out, who arranges it), the total, and downloads Section J.
    b.sign_in(PARENT)
    b.follow(page.get_by_role("link", name=child.full_name))
    b.follow(page.get_by_role("link", name=f"See {child.first_name}'s personal budget, or ask for one"))
    amount = format_money(budget.final_amount)
    expect(page.get_by_text(f"{child.first_name}'s personal budget is {amount}")).to_be_visible()
    for line in BudgetLine.objects.filter(budget=budget).select_related("provision_item", "rate"):
        title = page.get_by_role("heading", name=line.provision_item.description)
        card = page.locator(".govuk-summary-card", has=title)
        expect(card).to_have_count(1)
        expect(card.locator(".govuk-summary-list__row", has_text="How much")).to_contain_text(format_money(line.amount))
        expect(card.locator(".govuk-summary-list__row", has_text="How it is worked out")).to_contain_text(
            format_money(line.rate.amount)
        )
        arranges = card.locator(".govuk-summary-list__row", has_text="Who arranges it")
        if line.provision_item.description == DP_LINE:
            expect(arranges).to_contain_text("Paid to you as a direct payment: you arrange it")
        else:
            expect(arranges).to_contain_text("The council or the NHS arranges it")
    total = page.locator(".govuk-summary-list__row", has_text="Total of the lines")
    expect(total).to_contain_text(format_money(budget.costed_total))

    link = page.get_by_role("link", name="download Section J (PDF)")
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    response = page.request.get(link.get_attribute("href"))  # the same request, with the parent's session
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    # A parent can never approve, even by typing the address.
    b.visit(approve_url, status=403)


def test_the_manager_who_prepared_a_budget_cannot_approve_it(browse, demo):
    """Maker-checker: a team manager may approve budgets, but never one they prepared, by button or by a POST."""
    from ehcbudgets.accounts.models import User
    from ehcbudgets.budgets import services
    from ehcbudgets.budgets.models import Budget, BudgetRequest
    from ehcbudgets.core.dates import today

    manager = User.objects.get(email=MANAGER)
    # The demo's request that nobody has costed yet: the manager costs it and sends it for approval.
    request = BudgetRequest.objects.get(council__code="brightwater", status="open", budgets__isnull=True)
    budget = services.budget_start(actor=manager, request=request, period_start=today())
    assert budget.lines.exists()
    budget = services.budget_submit(actor=manager, budget=budget, final_amount=budget.costed_total)
    assert budget.status == "awaiting_approval"
    child = request.child

    b, page = browse, browse.page
    b.sign_in(MANAGER)
    b.visit(f"/cases/{child.pk}/budgets/{budget.pk}/")
    expect(page.get_by_text("You prepared this budget, so another manager must approve it.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    approve_url = f"/cases/{child.pk}/budgets/{budget.pk}/approve/"
    b.visit(approve_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the personal budget")
    expect(page.locator(".govuk-inset-text")).to_have_text(
        "You prepared this budget, so another manager must approve it."
    )
    expect(page.get_by_role("button", name="Approve and send the letter")).to_have_count(0)

    # A hand-made POST (with the page's own CSRF token) is refused by the service, and changes nothing.
    page.evaluate(
        """(url) => {
          const form = document.createElement("form");
          form.method = "post";
          form.action = url;
          form.id = "hand-made";
          form.append(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
          const button = document.createElement("button");
          button.textContent = "Post anyway";
          form.append(button);
          document.querySelector("main").append(form);
        }""",
        approve_url,
    )
    b.follow(page.locator("#hand-made button"))
    assert page.url.endswith(approve_url)
    error = page.locator(".govuk-error-summary").get_by_role(
        "link", name="You prepared this budget, so another manager must approve it."
    )
    expect(page.locator(error.get_attribute("href"))).to_be_visible()  # the summary's link goes to the reason
    budget = Budget.objects.get(pk=budget.pk)
    assert (budget.status, budget.approved_by_id, budget.decided_on) == ("awaiting_approval", None, None)
    assert not budget.decisions.exists()


def test_a_parent_asks_without_javascript_and_reads_an_agreed_budget_at_phone_width(browse_without_js, fresh_child):
    """The ask flow needs no JavaScript; the family's budget page fits a phone without sideways scrolling."""
    from ehcbudgets.accounts.models import User
    from ehcbudgets.budgets.models import Budget
    from ehcbudgets.core.money import format_money
    from ehcbudgets.people.models import Child

    b, page = browse_without_js, browse_without_js.page
    b.sign_in(PARENT)
    _javascript_is_off(page)
    b.follow(page.get_by_role("link", name=fresh_child.full_name))
    _ask(b, fresh_child, "Short breaks at weekends")

    # The demo's other child has an agreed budget, with lines: the family page at 375px wide.
    parent = User.objects.get(email=PARENT)
    agreed = Budget.objects.get(child__in=Child.objects.filter(contacts__user=parent), status="approved")
    b.visit(f"/my/children/{agreed.child_id}/")
    b.follow(page.get_by_role("link", name=f"See {agreed.child.first_name}'s personal budget, or ask for one"))
    expect(page.get_by_text(format_money(agreed.final_amount)).first).to_be_visible()
    page.set_viewport_size(PHONE)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] == PHONE["width"], f"the family budget page scrolls sideways at 375px: {width}"
    expect(page.locator(".govuk-summary-card").first).to_be_visible()
