"""Monitoring in the browser: a check of the rules raises a surplus that the case officer raises with the family, the
parent answers it with evidence and the officer resolves it; the first review of direct payments comes up in a
manager's work queue and, recorded as a reduction, sends the notice; and a parent answers a finding on a phone with
JavaScript off. Every page goes through the harness (axe-core at desktop and 375px, no sideways scrolling).

The services' "today" is the real date. The demo has paid the parent's direct payments (started 14 weeks ago) and run
a full check, which raised the surplus in the account with the parent: the journeys start from there, moving only
what they need (a finding taken away so a check can find it afresh, the first payment moved back about 3 months).
"""

import re
import struct
import zlib
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import _NO_JS_CONTEXTS, PHONE, _browse

pytestmark = pytest.mark.e2e

OFFICER = "officer@brightwater.example"
MANAGER = "manager@brightwater.example"  # a team manager: may record a review that reduces the payments
PARENT = "parent@brightwater.example"
SURPLUS = "Surplus in the account"
QUESTION = "Is the money set aside for something? Please tell us, and send the quote if you have one."
ANSWER = "We are saving for a holiday play scheme in the summer. The booking form is attached."
RESOLUTION = "The money is set aside for the summer play scheme in the plan, so the council will not ask for it back."
# A small, real PDF: the service checks an upload by its first bytes.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# Helpers -----------------------------------------------------------------------------------------------------------


def _sign_out(b) -> None:
    """On a phone with JavaScript on, the service navigation is folded under its Menu button: open it first."""
    menu = b.page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    b.follow(b.page.get_by_role("button", name=re.compile("Sign out")))


def _javascript_is_off(page) -> None:
    """base.html marks the body js-enabled from an inline script: proof that no script ran."""
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))


def _row(scope, key: str):
    """The summary list row whose key is exactly this, in a page or in part of one."""
    page = getattr(scope, "page", scope)
    exactly = re.compile(rf"^\s*{re.escape(key)}\s*$")
    return scope.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=exactly))


def _png(width: int = 4, height: int = 4) -> bytes:
    """A small real PNG: a grey square, made with zlib (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))  # filter 0, then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _answer_link(scope, rule_label: str):
    """The overview's link to answer a finding, named with its rule for a screen reader."""
    return scope.get_by_role("link", name=f"Answer the finding about {rule_label.lower()}")


def _tag(page):
    """The finding's or the review's state, shown as a tag under its heading."""
    return page.locator("main .govuk-tag")


def _h1(page):
    return page.get_by_role("heading", level=1)


def _family_monitoring(b, agreement) -> None:
    """From the parent's home page: the child, their direct payments, then what the council has noticed."""
    from ehcbudgets.core.dates import format_date

    page = b.page
    b.follow(page.get_by_role("link", name=agreement.child.full_name))
    b.follow(page.get_by_role("link", name=f"Direct payments from {format_date(agreement.start_date)}"))
    b.follow(page.get_by_role("link", name="What the council has noticed, and reviews"))
    expect(_h1(page)).to_have_text("What the council has noticed")


def _answer_yes_no(page, question: str, answer: str = "Yes") -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


# Fixtures ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def parents_agreement(demo):
    """The demo parent's direct payments at Brightwater: active, paid, and with the demo check's findings."""
    from ehcbudgets.payments.models import Agreement

    agreement = Agreement.objects.select_related("child", "council").get(
        council__code="brightwater", recipient__user__email=PARENT
    )
    assert agreement.status == "active" and agreement.first_paid_on is not None
    return agreement


@pytest.fixture
def surplus_to_find(parents_agreement):
    """The demo's check found the surplus and raised it with the parent. Take that finding away (with its message) so
    that the next check of the rules finds the same surplus afresh; the account still holds more than it needs."""
    from ehcbudgets.monitoring.models import Finding

    found = Finding.objects.filter(agreement=parents_agreement, rule="surplus")
    assert found.count() == 1, "the demo's check should have found a surplus in the parent's account"
    found.delete()  # its notes go with it
    return parents_agreement


@pytest.fixture
def first_review_soon(parents_agreement):
    """The first payment moved back to about 3 months ago, so that the first review (3 months after it) falls due in
    a week; the reviews are then brought up to date by the service the daily check uses."""
    from ehcbudgets.core.dates import add_months, today
    from ehcbudgets.monitoring import services
    from ehcbudgets.monitoring.models import DpReview
    from ehcbudgets.payments.models import Agreement
    from ehcbudgets.payments.rules import first_review_due

    agreement = parents_agreement
    first_paid_on = add_months(today(), -3) + timedelta(days=7)
    assert first_paid_on >= agreement.start_date
    Agreement.objects.filter(pk=agreement.pk).update(first_paid_on=first_paid_on)
    DpReview.objects.filter(agreement=agreement, trigger="first").delete()  # the demo's, from today's first payment
    services.reviews_sync(council=agreement.council, on=today())
    review = DpReview.objects.get(agreement=agreement, trigger="first", status="due")
    assert review.due_on == first_review_due(first_paid_on)
    assert today() < review.due_on <= today() + timedelta(days=28), "due within the work queue's 4 weeks"
    agreement.refresh_from_db()
    return review


@pytest.fixture
def phone_without_js(request, browser, browser_context_args, live_server, axe_source):
    """A fresh browser context at a phone's size (375 x 812) with JavaScript off."""
    context = browser.new_context(
        **{
            **browser_context_args,
            "viewport": PHONE,
            "is_mobile": True,
            "has_touch": True,
            "java_script_enabled": False,
        }
    )
    _NO_JS_CONTEXTS.add(context)
    try:
        yield from _browse(request, context.new_page(), live_server, axe_source)
    finally:
        context.close()


# 1. A check raises a surplus; the family answers it; the officer resolves it -----------------------------------------


def test_a_check_raises_a_surplus_the_family_answers_it_and_the_officer_resolves_it(browse, surplus_to_find, tmp_path):
    from ehcbudgets.core.dates import format_date, today
    from ehcbudgets.core.money import format_money
    from ehcbudgets.monitoring.models import Finding, Sweep

    b, page, agreement = browse, browse.page, surplus_to_find
    child = agreement.child
    quote = tmp_path / "play-scheme-booking.pdf"
    quote.write_bytes(PDF)

    # 1. The case officer lands on their work queue and starts a full check of the rules.
    b.sign_in(OFFICER)
    expect(_h1(page)).to_have_text("Work queue")
    b.follow(page.get_by_role("link", name="Checks of the monitoring rules"))
    expect(_h1(page)).to_have_text("Checks of the monitoring rules")
    kinds = page.get_by_role("group", name="What should be checked?")
    expect(kinds.get_by_label("Changes since the last check")).to_be_checked()
    kinds.get_by_label("Everything").check()
    b.follow(page.get_by_role("button", name="Start the check"))

    # 2. The check's page: finished (the test's tasks run at once), one new finding, the surplus.
    expect(page.get_by_text("Check started")).to_be_visible()
    expect(_h1(page)).to_have_text("Check of the monitoring rules")
    expect(page.locator("#sweep-state")).to_have_text("Finished")
    expect(_row(page, "What")).to_contain_text("Everything")
    expect(page.get_by_text(re.compile(r"^1 new finding and 0 reviews now due"))).to_be_visible()
    by_rule = page.get_by_role("table", name="New findings by rule")
    expect(by_rule.get_by_role("row")).to_have_count(2)  # the header and one rule
    expect(by_rule.get_by_role("row", name=re.compile(f"^{SURPLUS}"))).to_contain_text("1")
    sweep = Sweep.objects.filter(council=agreement.council, requested_by__email=OFFICER).get()
    assert (sweep.kind, sweep.status, sweep.summary) == ("full", "finished", {"surplus": 1})
    finding = Finding.objects.get(agreement=agreement, rule="surplus")
    assert (finding.status, finding.sweep, finding.found_on) == ("open", sweep, today())
    assert finding.amount > 0

    # 3. The open findings, then the surplus: its explanation, with the actions.
    b.follow(page.get_by_role("link", name="See the open findings"))
    expect(_h1(page)).to_have_text("Findings")
    b.follow(page.get_by_role("link", name=f"{SURPLUS} for {child.full_name}, found {format_date(today())}"))
    expect(_h1(page)).to_have_text(SURPLUS)
    expect(page.locator(".govuk-inset-text")).to_have_text(finding.explanation)
    expect(_row(page, "Amount")).to_contain_text(format_money(finding.amount))
    expect(_row(page, "Found")).to_contain_text(f"{format_date(today())} by a check of the rules")
    expect(page.get_by_role("button", name="Resolve it")).to_be_visible()
    expect(page.get_by_role("button", name="Recover money")).to_have_count(0)  # a manager's decision, not theirs
    expect(page.get_by_text("No messages yet.")).to_be_visible()

    # 4. They raise it with the family, with a question: the family has the council's deadline to answer.
    b.follow(page.get_by_role("button", name="Raise it with the family"))
    expect(_h1(page)).to_have_text("Raise the finding with the family")
    b.follow(page.get_by_role("button", name="Raise it with the family"))  # nothing written: the form says so
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Write what you would like the family to tell you or send"
    )
    page.get_by_label("What would you like the family to tell you or send?").fill(QUESTION)
    b.follow(page.get_by_role("button", name="Raise it with the family"))
    finding.refresh_from_db()
    assert (finding.status, finding.raised_by.email) == ("raised", OFFICER)
    due = format_date(finding.answer_due_on)
    expect(page.get_by_text(f"Raised with the family. They have until {due} to answer.")).to_be_visible()
    expect(_tag(page)).to_have_text("Waiting for the family")
    expect(_row(page, "Raised with the family")).to_contain_text(f"{format_date(today())}, answer due by {due}")
    expect(page.get_by_role("button", name="Raise it with the family")).to_have_count(0)
    expect(page.locator(".govuk-summary-card")).to_contain_text(QUESTION)
    _sign_out(b)

    # 5. The parent goes from their direct payments to what the council has noticed: the surplus, explained.
    b.sign_in(PARENT)
    _family_monitoring(b, agreement)
    card = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name=SURPLUS))
    expect(card).to_contain_text("Waiting for the family")
    expect(card).to_contain_text(f"Please answer by {due}.")
    expect(card).to_contain_text(finding.explanation)
    b.follow(_answer_link(card, SURPLUS))
    expect(_h1(page)).to_have_text(SURPLUS)
    expect(page.locator(".govuk-inset-text")).to_have_text(finding.explanation)
    expect(page.get_by_text(f"The council has asked you about it: please answer by {due}.")).to_be_visible()
    council_says = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name="The council"))
    expect(council_says).to_contain_text(QUESTION)

    # 6. They answer, with the play scheme's booking form.
    expect(page.get_by_role("heading", level=2, name="Answer")).to_be_visible()
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_label("Evidence (optional)").set_input_files(str(quote))
    b.follow(page.get_by_role("button", name="Send your answer"))
    expect(page.get_by_text("Your answer has been sent to the council")).to_be_visible()
    expect(_tag(page)).to_have_text("Answered")
    mine = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name=re.compile("^You, ")))
    expect(mine).to_contain_text(ANSWER)
    expect(mine.get_by_role("link", name="play-scheme-booking.pdf")).to_be_visible()
    finding.refresh_from_db()
    assert (finding.status, finding.answered_on) == ("answered", today())
    _sign_out(b)

    # 7. The officer finds the answer in their work queue, reads it and its evidence, and resolves the finding.
    b.sign_in(OFFICER)
    expect(_h1(page)).to_have_text("Work queue")
    work = page.get_by_role("region", name=re.compile("^All work"))
    b.follow(work.get_by_role("link", name=f"{SURPLUS} (answered by the family) for {child.full_name}"))
    expect(_h1(page)).to_have_text(SURPLUS)
    expect(_row(page, "Answered")).to_contain_text(format_date(today()))
    family_says = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name=re.compile("^The family")))
    expect(family_says).to_contain_text(ANSWER)
    evidence = family_says.get_by_role("link", name="play-scheme-booking.pdf")
    response = page.request.get(evidence.get_attribute("href"))  # with the officer's session
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body() == PDF
    b.follow(page.get_by_role("button", name="Resolve it"))
    expect(_h1(page)).to_have_text("Resolve the finding")
    page.get_by_label("Why is it resolved?").fill(RESOLUTION)
    b.follow(page.get_by_role("button", name="Resolve the finding"))
    expect(page.get_by_text("Finding resolved", exact=True)).to_be_visible()
    expect(_tag(page)).to_have_text("Resolved")
    expect(_row(page, "Resolved")).to_contain_text(f"{format_date(today())}: {RESOLUTION}")
    expect(page.get_by_role("button", name="Resolve it")).to_have_count(0)
    _sign_out(b)

    # 8. The family sees it closed, with the reason.
    b.sign_in(PARENT)
    _family_monitoring(b, agreement)
    closed = page.get_by_role("heading", level=2, name="Closed")
    expect(closed).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text=f"{SURPLUS}, resolved on {format_date(today())}")
    ).to_be_visible()
    expect(_answer_link(page, SURPLUS)).to_have_count(0)
    b.follow(page.get_by_role("link", name=SURPLUS, exact=True))
    expect(page.get_by_text(f"Resolved on {format_date(today())}: {RESOLUTION}")).to_be_visible()
    expect(page.get_by_role("button", name="Send your answer")).to_have_count(0)

    finding.refresh_from_db()
    assert (finding.status, finding.resolution, finding.closed_by.email) == ("resolved", RESOLUTION, OFFICER)
    notes = list(finding.notes.order_by("created_at", "pk"))
    assert [(n.from_family, n.text) for n in notes] == [(False, QUESTION), (True, ANSWER)]
    assert (notes[1].author.email, notes[1].content_type, notes[1].original_name, notes[1].size) == (
        PARENT,
        "application/pdf",
        "play-scheme-booking.pdf",
        len(PDF),
    )


# 2. The first review comes up in the work queue; recorded as a reduction, it sends the notice ------------------------


def test_the_first_review_is_in_the_work_queue_and_recorded_as_a_reduction_sends_the_notice(browse, first_review_soon):
    from ehcbudgets.core.dates import format_date, is_working_day, today
    from ehcbudgets.core.money import format_money
    from ehcbudgets.councils.selectors import policy_in_force
    from ehcbudgets.letters.models import Letter
    from ehcbudgets.monitoring.models import DpReview
    from ehcbudgets.payments.models import AgreementChange
    from ehcbudgets.payments.rules import notice_effective_from
    from ehcbudgets.plans.models import Outcome

    b, page, review = browse, browse.page, first_review_soon
    agreement = review.agreement
    child = agreement.child
    old_amount = agreement.amount
    new_amount = (old_amount * Decimal("0.9")).quantize(Decimal("1"))  # a tenth less, in whole pounds
    policy = policy_in_force(council=agreement.council, on=today())
    effective_on = notice_effective_from(
        sent_on=today(),
        notice_days=policy.reduction_notice_days,
        deemed_received_working_days=policy.notice_deemed_received_working_days,
    ) + timedelta(days=7)  # a week after the notice period runs out, on a working day
    while not is_working_day(effective_on):
        effective_on += timedelta(days=1)
    assert effective_on <= agreement.end_date
    outcomes = list(Outcome.objects.filter(plan_id=agreement.budget.plan_id))
    assert outcomes, "the plan should have outcomes to record progress towards"
    reasons = "The play scheme costs less than planned, and the account holds more than it needs."

    # 1. The manager's work queue: the first review, due in a week.
    b.sign_in(MANAGER)
    expect(_h1(page)).to_have_text("Work queue")
    counts = page.get_by_role("region", name="What is waiting")
    b.follow(counts.get_by_role("link", name="Reviews due"))
    work = page.get_by_role("region", name=re.compile("^Reviews due"))
    first = work.get_by_role("row", name=re.compile("^First review, within 3 months of the first payment"))
    expect(first).to_contain_text(child.full_name)
    expect(first).to_contain_text(f"Due {format_date(review.due_on)}")
    expect(first).not_to_contain_text("Overdue")
    b.follow(first.get_by_role("link"))

    # 2. The review's page: why and when it is due, and the payments it is about.
    expect(_h1(page)).to_have_text("Review of direct payments")
    expect(_row(page, "Why")).to_have_text(re.compile("First review, within 3 months of the first payment"))
    expect(_row(page, "Due")).to_contain_text(format_date(review.due_on))
    expect(_row(page, "Payments")).to_contain_text(format_money(old_amount))
    b.follow(page.get_by_role("button", name="Record the review"))

    # 3. The record: the five questions, the family's view, progress towards each outcome, and the outcome.
    expect(_h1(page)).to_have_text("Record the review")
    for question in (
        "Are direct payments still the right way to get the support?",
        "Are they being used well for the agreed support?",
        "Are they enough to pay for the agreed support?",
        "Do the tests for direct payments still hold",
        "Have the agreement's conditions been kept?",
    ):
        _answer_yes_no(page, question)
    _answer_yes_no(page, "Does the family want to carry on managing the direct payments?")
    _answer_yes_no(page, "Does the family need help to manage them?", "No")
    page.get_by_label("How the money has been spent, in the family's words (optional)").fill(
        "Mostly the personal assistant's wages; the play scheme was cheaper than we thought."
    )
    for outcome in outcomes:
        page.get_by_role("group", name=f"Progress towards: {outcome.text}").get_by_label("On track").check()
    page.get_by_role("group", name="Outcome of the review").get_by_label("Reduce the payments").check()
    page.get_by_label("Reasons for the outcome").fill(reasons)
    page.get_by_label("New total for the agreement's period (for an increase or a reduction)").fill(f"{new_amount}")
    when = page.get_by_role("group", name="Date the change takes effect (optional)")
    when.get_by_label("Day").fill(str(effective_on.day))
    when.get_by_label("Month").fill(str(effective_on.month))
    when.get_by_label("Year").fill(str(effective_on.year))
    b.follow(page.get_by_role("button", name="Record the review"))

    # 4. Back on the review: done, with what it found and the reduction, linked to its notice.
    expect(page.get_by_text("Review recorded and the letter sent")).to_be_visible()
    expect(_h1(page)).to_have_text("Review of direct payments")
    expect(_tag(page)).to_have_text("Done")
    expect(_row(page, "Outcome")).to_contain_text(f"Reduce the payments: {reasons}")
    expect(_row(page, "Enough for the agreed support")).to_contain_text("Yes")
    expect(_row(page, "The family needs help")).to_contain_text("No")
    for outcome in outcomes:
        expect(_row(page, outcome.text)).to_contain_text("On track")
    change_row = _row(page, "Change")
    expect(change_row).to_contain_text(f"from {format_date(effective_on)}")
    expect(page.get_by_role("button", name="Record the review")).to_have_count(0)
    b.follow(change_row.get_by_role("link", name="the notice"))

    # 5. The notice: a reduction, from the old total to the new, from the date chosen, with the reasons.
    expect(_h1(page)).to_have_text("Notice to reduce your direct payments")
    expect(page.get_by_text(re.compile("we will reduce the direct payments for"))).to_be_visible()
    letter_text = page.locator("main")
    expect(letter_text).to_contain_text(
        f"goes down from {format_money(old_amount)} to {format_money(new_amount)}, from {format_date(effective_on)}"
    )
    expect(letter_text).to_contain_text(reasons)

    review.refresh_from_db()
    agreement.refresh_from_db()
    assert (review.status, review.outcome, review.recorded_by.email) == ("recorded", "reduce", MANAGER)
    assert (review.appropriate, review.enough, review.family_needs_help) == (True, True, False)
    assert sorted(p.progress for p in review.progress.all()) == ["on_track"] * len(outcomes)
    change = AgreementChange.objects.get(agreement=agreement, kind="reduce")
    assert review.change == change
    assert (change.old_amount, change.new_amount, change.effective_on) == (old_amount, new_amount, effective_on)
    assert agreement.amount == new_amount
    notice = Letter.objects.get(pk=change.letter_id)
    assert (notice.kind, notice.child_id) == ("dp_reduction", child.pk)
    assert page.url.endswith(f"/{notice.pk}/")
    # The review of the plan due about now is covered by this one; the review's own letter went too.
    assert not DpReview.objects.filter(agreement=agreement, status="due", due_on__lte=review.due_on).exists()
    assert review.letter is not None and review.letter.kind == "dp_review"


# 3. On a phone, without JavaScript: the parent answers the finding the council raised ------------------------------


def test_the_parent_answers_a_finding_on_a_phone_without_javascript(phone_without_js, parents_agreement, tmp_path):
    from ehcbudgets.core.dates import format_date, today
    from ehcbudgets.monitoring.models import Finding

    b, page, agreement = phone_without_js, phone_without_js.page, parents_agreement
    finding = Finding.objects.get(agreement=agreement, status="raised")  # the surplus the demo raised
    photo = tmp_path / "receipt-photo.png"
    photo.write_bytes(_png())

    b.sign_in(PARENT)
    assert page.viewport_size == PHONE
    _javascript_is_off(page)
    _family_monitoring(b, agreement)
    b.follow(_answer_link(page, finding.get_rule_display()))
    expect(_h1(page)).to_have_text(finding.get_rule_display())
    expect(page.get_by_text(f"please answer by {format_date(finding.answer_due_on)}")).to_be_visible()

    # Sent with nothing written: the error summary links to the answer, and nothing is recorded.
    b.follow(page.get_by_role("button", name="Send your answer"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Write your answer")).to_be_visible()
    finding.refresh_from_db()
    assert finding.status == "raised" and not finding.notes.filter(from_family=True).exists()

    page.get_by_label("Your answer").fill("It is for the summer play scheme. Here is a photo of the booking.")
    page.get_by_label("Evidence (optional)").set_input_files(str(photo))
    b.follow(page.get_by_role("button", name="Send your answer"))
    expect(page.get_by_text("Your answer has been sent to the council")).to_be_visible()
    expect(page.get_by_role("link", name="receipt-photo.png")).to_be_visible()

    finding.refresh_from_db()
    answer = finding.notes.get(from_family=True)
    assert (finding.status, finding.answered_on) == ("answered", today())
    assert (answer.content_type, answer.original_name, answer.author.email) == (
        "image/png",
        "receipt-photo.png",
        PARENT,
    )
