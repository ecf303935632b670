# ruff: noqa: F811 - the fixtures imported from the conftest and the sweep tests are requested by name below
"""The work queue (what waits for each member of staff, of the kinds their role acts on, counted, filtered, sorted,
scoped to their council, each with a link to where it is done) and the daily reminders (one email a day to each
person with something overdue or due soon) (DOMAIN R18, R31, R35; ADR 11).

Today is Friday 1 May 2026 unless a test says otherwise; the standard agreement's first payment was released that
day. The services' clock follows the day set (see `on_day` in test_sweeps.py).
"""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import resolve

from ehcbudgets.accounts.models import Role, User
from ehcbudgets.budgets import services as budget_services
from ehcbudgets.budgets.models import Budget, BudgetStatus
from ehcbudgets.budgets.tests.conftest import PERIOD_START
from ehcbudgets.monitoring import selectors, services
from ehcbudgets.monitoring.models import (
    DpReview,
    Finding,
    FindingRule,
    FindingStatus,
    Reminder,
    ReviewStatus,
    ReviewTrigger,
)
from ehcbudgets.monitoring.tests.conftest import TODAY
from ehcbudgets.monitoring.tests.test_sweeps import on_day  # noqa: F401 - the clock that follows the day set
from ehcbudgets.payments import services as payment_services
from ehcbudgets.payments.models import PaymentRun
from ehcbudgets.people.models import Child
from ehcbudgets.people.tests.factories import ChildFactory
from ehcbudgets.spending.models import EvidenceRequest, MonitoringReturn, ReturnStatus

DAY = timedelta(days=1)


# Helpers ------------------------------------------------------------------------------------------------------------


def review(agreement, due_on, key, status=ReviewStatus.DUE, trigger=ReviewTrigger.PLAN_REVIEW, **extra) -> DpReview:
    return DpReview.objects.create(
        council=agreement.council,
        agreement=agreement,
        trigger=trigger,
        trigger_key=key,
        due_on=due_on,
        status=status,
        **extra,
    )


def finding(agreement, key, found_on, status=FindingStatus.OPEN, rule=FindingRule.SURPLUS, **extra) -> Finding:
    return Finding.objects.create(
        council=agreement.council,
        agreement=agreement,
        rule=rule,
        key=key,
        explanation="What was found, in plain English.",
        found_on=found_on,
        status=status,
        **extra,
    )


def submitted_return(agreement, period_start, submitted_on, user, status=ReturnStatus.SUBMITTED) -> MonitoringReturn:
    return MonitoringReturn.objects.create(
        council=agreement.council,
        agreement=agreement,
        period_start=period_start,
        period_end=period_start + timedelta(days=90),
        status=status,
        submitted_on=submitted_on,
        submitted_by=user,
    )


def rename(child, first, last):
    Child.objects.filter(pk=child.pk).update(first_name=first, last_name=last)


def kinds(items) -> set[str]:
    return {item.kind for item in items}


# The world of the queue ---------------------------------------------------------------------------------------------


@pytest.fixture
def queue(funded, pb, officer, finance, parent_user, council):
    """Ava Able's agreement (the standard one) with reviews, findings and returns waiting; Zac Zephyr's budget
    request, received on 1 April 2026 and now past its decision target, with a budget awaiting approval; and a
    payment run to 4 May 2026 prepared by finance.

    Waiting for an officer on 1 May 2026 (10 items, 5 overdue):
    reviews due 30 April (overdue), 1 May and 29 May (28 days ahead; 30 May and a covered one are not shown);
    findings found 2 April (29 days: overdue) and 3 April (28 days), one raised with its answer due 30 April
    (overdue) and one raised with its answer due 18 May (a resolved one is not shown); returns sent on 2 April
    (29 days: overdue) and 21 April; Zac's request (overdue)."""
    rename(funded.child, "Ava", "Able")
    agreement = funded
    reviews = SimpleNamespace(
        overdue=review(agreement, TODAY - DAY, "overdue"),
        today=review(agreement, TODAY, "today"),
        soon=review(agreement, TODAY + 28 * DAY, "soon"),
        later=review(agreement, TODAY + 29 * DAY, "later"),
        covered=review(agreement, TODAY - 10 * DAY, "covered", status=ReviewStatus.COVERED),
    )
    findings = SimpleNamespace(
        old=finding(agreement, "old", date(2026, 4, 2)),
        new=finding(agreement, "new", date(2026, 4, 3), rule=FindingRule.RECEIPT_MISSING),
        late=finding(
            agreement,
            "late",
            date(2026, 3, 25),
            status=FindingStatus.RAISED,
            raised_on=date(2026, 4, 1),
            answer_due_on=TODAY - DAY,
        ),
        raised=finding(
            agreement,
            "raised",
            date(2026, 4, 18),
            status=FindingStatus.RAISED,
            raised_on=date(2026, 4, 20),
            answer_due_on=date(2026, 5, 18),
        ),
        resolved=finding(
            agreement, "resolved", date(2026, 4, 1), status=FindingStatus.RESOLVED, resolution="Explained"
        ),
    )
    returns = SimpleNamespace(
        old=submitted_return(agreement, date(2026, 4, 1), date(2026, 4, 2), parent_user),
        new=submitted_return(agreement, date(2026, 7, 1), date(2026, 4, 21), parent_user),
    )
    zac = pb.case(child=ChildFactory(council=council, first_name="Zac", last_name="Zephyr"))
    request = pb.request(zac, received_on=date(2026, 4, 1))
    budget = pb.awaiting_approval(
        budget_services.budget_start(actor=officer, request=request, period_start=PERIOD_START)
    )
    run = payment_services.payment_run_prepare(actor=finance, council=council, pay_up_to=date(2026, 5, 4))
    return SimpleNamespace(
        agreement=agreement,
        reviews=reviews,
        findings=findings,
        returns=returns,
        zac=zac,
        request=request,
        budget=budget,
        run=run,
    )


# What each role sees ------------------------------------------------------------------------------------------------


def test_an_officer_sees_reviews_findings_returns_and_requests_with_their_counts(queue, officer):
    """The officer's queue: reviews due within 4 weeks or overdue, open findings, returns to check and requests past
    their decision target, counted per kind, all and overdue (DOMAIN R18, R31, R35)."""
    found = selectors.work_queue(user=officer)
    assert kinds(found["items"]) == {"review", "finding", "return", "request"}
    assert (found["total"], found["overdue"]) == (10, 5)
    counts = {key: (value["all"], value["overdue"]) for key, value in found["counts"].items()}
    assert counts == {
        "review": (3, 1),
        "recipient": (0, 0),
        "finding": (4, 2),
        "return": (2, 1),
        "request": (1, 1),
        "approval": (0, 0),
        "run": (0, 0),
    }
    assert found["counts"]["review"]["label"] == "Reviews due"


def test_the_queue_shows_reviews_due_within_4_weeks_or_overdue_but_not_later_or_closed(queue, officer):
    """A review due in 28 days is shown, one due in 29 days is not yet, a covered one never (DOMAIN R18)."""
    reviews = [i for i in selectors.work_items(user=officer) if i.kind == "review"]
    assert sorted((i.date, i.overdue, i.age_days) for i in reviews) == [
        (TODAY - DAY, True, 1),
        (TODAY, False, 0),
        (TODAY + 28 * DAY, False, -28),
    ]
    assert {i.date_label for i in reviews} == {"Due"}
    assert {i.what for i in reviews} == {"Review of the EHC plan"}


def test_open_findings_are_overdue_after_the_evidence_deadline_or_their_answer_date(queue, officer):
    """An open finding is overdue after the council's 28 days; one raised with the family is overdue once its answer
    date has passed, counted from when it was raised; closed findings are not shown (DOMAIN R31)."""
    findings = {
        (i.date, i.overdue, i.age_days, i.what) for i in selectors.work_items(user=officer) if i.kind == "finding"
    }
    assert findings == {
        (date(2026, 4, 2), True, 29, "Surplus in the account (open)"),
        (date(2026, 4, 3), False, 28, "Receipt missing (open)"),
        (date(2026, 4, 1), True, 30, "Surplus in the account (raised with the family)"),
        (date(2026, 4, 20), False, 11, "Surplus in the account (raised with the family)"),
    }


def test_an_answered_finding_waits_from_the_day_the_family_answered(queue, officer):
    """The officer's 28 days run from the family's answer, not the day it was found (DOMAIN R31)."""
    Finding.objects.filter(pk=queue.findings.old.pk).update(status=FindingStatus.ANSWERED, answered_on=TODAY - DAY)
    item = next(i for i in selectors.work_items(user=officer) if i.what.endswith("(answered by the family)"))
    assert (item.date, item.overdue, item.age_days) == (TODAY - DAY, False, 1)


def test_returns_to_check_are_overdue_after_the_evidence_deadline(queue, officer):
    """A return sent 29 days ago is overdue for checking; one sent 10 days ago is not; an accepted one is not
    shown (DOMAIN R31)."""
    MonitoringReturn.objects.create(
        council=queue.agreement.council,
        agreement=queue.agreement,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        status=ReturnStatus.ACCEPTED,
        submitted_on=date(2026, 3, 1),
    )
    returns = sorted((i.date, i.overdue, i.what) for i in selectors.work_items(user=officer) if i.kind == "return")
    assert returns == [
        (date(2026, 4, 2), True, "Return for 1 April 2026 to 30 June 2026"),
        (date(2026, 4, 21), False, "Return for 1 July 2026 to 29 September 2026"),
    ]


def test_a_request_is_listed_only_once_past_its_decision_target(queue, officer):
    """Zac's request, received on 1 April, is past its 10 working days; it is listed as overdue with the day its
    decision was due (DOMAIN R35)."""
    (item,) = [i for i in selectors.work_items(user=officer) if i.kind == "request"]
    assert item.overdue is True
    assert item.date == queue.request.decision_due_on < TODAY
    assert (item.child, item.what) == ("Zac Zephyr", "Budget request received 1 April 2026")
    assert not [i for i in selectors.work_items(user=officer, on=queue.request.decision_due_on) if i.kind == "request"]


def test_a_manager_also_sees_budgets_awaiting_approval(queue, manager):
    """Managers decide budgets: their queue adds those waiting for approval to the officer's kinds (DOMAIN R35).
    Zac's late request waits for that approval, so it is listed once, as the approval, overdue."""
    items = selectors.work_items(user=manager)
    assert kinds(items) == {"review", "finding", "return", "approval"}
    (approval,) = [i for i in items if i.kind == "approval"]
    assert (approval.child, approval.date, approval.overdue) == ("Zac Zephyr", TODAY, True)
    assert [i.child for i in items if i.child == "Zac Zephyr"] == ["Zac Zephyr"]


def test_a_managers_late_request_without_a_budget_awaiting_approval_is_still_listed(queue, manager, officer):
    """Once the budget goes back to the officer, the manager's queue shows the late request again (DOMAIN R35)."""
    Budget.objects.filter(pk=queue.budget.pk).update(status=BudgetStatus.DRAFT)
    assert [(i.kind, i.child) for i in selectors.work_items(user=manager) if i.child == "Zac Zephyr"] == [
        ("request", "Zac Zephyr")
    ]
    assert [(i.kind, i.child) for i in selectors.work_items(user=officer) if i.child == "Zac Zephyr"] == [
        ("request", "Zac Zephyr")
    ]


def test_finance_sees_only_payment_runs(queue, finance):
    """A finance officer's queue holds the payment runs waiting for approval and nothing about families (R35)."""
    found = selectors.work_queue(user=finance)
    assert kinds(found["items"]) == {"run"}
    (run,) = found["items"]
    assert (run.child, run.date, run.overdue) == ("", TODAY, False)
    assert run.what.startswith("Payment run to 4 May 2026: ")


def test_a_payment_run_is_overdue_once_the_day_it_pays_up_to_has_passed(queue, finance, on_day):
    """A run to 4 May not approved by 5 May is overdue (DOMAIN R35)."""
    on_day(date(2026, 5, 4))
    assert [i.overdue for i in selectors.work_items(user=finance)] == [False]
    on_day(date(2026, 5, 5))
    assert [i.overdue for i in selectors.work_items(user=finance)] == [True]


@pytest.mark.parametrize("role", [Role.COUNCIL_ADMIN, Role.PANEL_MEMBER])
def test_staff_without_the_work_queue_have_an_empty_queue(queue, make_user, council, role):
    """Administrators and panel members have no work queue."""
    assert selectors.work_items(user=make_user(role, council=council)) == []


def test_a_family_has_no_work_queue(queue, parent_user):
    """The work queue is the council's; a family sees none of it."""
    found = selectors.work_queue(user=parent_user)
    assert (found["items"], found["total"], found["overdue"]) == ([], 0, 0)


def test_work_prepared_just_after_midnight_is_dated_by_the_day_in_england(
    funded, pb, officer, manager, finance, council, on_day, monkeypatch
):
    """A run prepared and a budget sent for approval at 00:30 on 4 May 2026 British Summer Time (23:30 on 3 May in
    UTC) are dated 4 May in the queue: dates are days in Europe/London (ARCHITECTURE convention 6)."""
    on_day(date(2026, 5, 4))
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 5, 3, 23, 30, tzinfo=UTC))
    payment_services.payment_run_prepare(actor=finance, council=council, pay_up_to=date(2026, 5, 4))
    zac = pb.case(child=ChildFactory(council=council))
    pb.awaiting_approval(
        budget_services.budget_start(actor=officer, request=pb.request(zac), period_start=PERIOD_START)
    )
    on_day(date(2026, 5, 4))
    (run,) = selectors.work_items(user=finance)
    (approval,) = [i for i in selectors.work_items(user=manager) if i.kind == "approval"]
    assert (run.date, run.age_days) == (date(2026, 5, 4), 0)
    assert (approval.date, approval.age_days) == (date(2026, 5, 4), 0)


# A new recipient a review decided on -------------------------------------------------------------------------------


@pytest.fixture
def needs_recipient(funded, officer):
    """A review of the standard agreement recorded today as "change the recipient", with nobody named yet."""
    from ehcbudgets.monitoring.tests.test_reviews import make_review, record

    return record(officer, make_review(funded), "change_recipient")


def recipient_items(user, on=TODAY):
    return [i for i in selectors.work_items(user=user, on=on) if i.kind == "recipient"]


def test_a_review_deciding_on_a_new_recipient_stays_in_the_queue_until_the_change_is_made(
    needs_recipient, officer, case
):
    """The review is recorded at once; the queue keeps the change the officer must still make, linked to the
    change-of-recipient page, until the new recipient is set up (DOMAIN R20)."""
    from ehcbudgets.budgets.tests.conftest import ASSESSED_ON, nominee_of
    from ehcbudgets.payments.tests.test_agreements import CARD

    agreement = needs_recipient.agreement
    (item,) = recipient_items(officer)
    assert (item.date, item.date_label, item.overdue, item.age_days) == (TODAY, "Review recorded", False, 0)
    assert item.url == f"/cases/{agreement.child_id}/direct-payments/{agreement.pk}/recipient/"
    assert resolve(item.url).view_name == "payments:change_recipient"
    nominee = nominee_of(case.child, nominated_in_writing_on=ASSESSED_ON, nominee_consent_on=ASSESSED_ON)
    payment_services.agreement_change_recipient(
        actor=officer, agreement=agreement, new_recipient=nominee, reasons="The review found this.", **CARD
    )
    assert recipient_items(officer) == []


def test_a_new_recipient_waiting_is_overdue_after_the_councils_evidence_deadline(needs_recipient, officer):
    """Overdue once more than the council's 28 days have passed since the review: not on the 28th day, on the 29th
    (DOMAIN R20)."""
    assert [i.overdue for i in recipient_items(officer, on=TODAY + 27 * DAY)] == [False]
    assert [i.overdue for i in recipient_items(officer, on=TODAY + 28 * DAY)] == [False]
    assert [(i.overdue, i.age_days) for i in recipient_items(officer, on=TODAY + 29 * DAY)] == [(True, 29)]


def test_a_change_of_recipient_before_the_review_does_not_count(needs_recipient, officer):
    """Only a change made on or after the day of the review ends the item; an earlier one, or one taken back after a
    reconsideration, does not (DOMAIN R20)."""
    from ehcbudgets.payments.models import AgreementChange, ChangeKind

    agreement = needs_recipient.agreement
    fields = {"council": agreement.council, "agreement": agreement, "kind": ChangeKind.CHANGE_RECIPIENT}
    AgreementChange.objects.create(**fields, reasons="Earlier", notice_on=TODAY - DAY, effective_on=TODAY - DAY)
    AgreementChange.objects.create(**fields, reasons="Undone", notice_on=TODAY, effective_on=TODAY, withdrawn=True)
    assert len(recipient_items(officer)) == 1
    AgreementChange.objects.create(**fields, reasons="Made", notice_on=TODAY, effective_on=TODAY)
    assert recipient_items(officer) == []


def test_a_later_review_deciding_otherwise_ends_the_wait_for_a_new_recipient(needs_recipient, officer, on_day):
    """If a later review keeps the recipient (the recipient asked for one, say), the queue no longer waits for a
    change of recipient (DOMAIN R20)."""
    from ehcbudgets.monitoring.tests.test_reviews import record

    on_day(TODAY + 10 * DAY)
    asked = services.review_request(
        actor=needs_recipient.agreement.recipient.user,
        agreement=needs_recipient.agreement,
        reasons="I would like to keep managing the payments.",
    )
    assert len(recipient_items(officer, on=TODAY + 10 * DAY)) == 1
    record(officer, asked, "continue")
    assert recipient_items(officer, on=TODAY + 10 * DAY) == []


def test_a_new_recipient_is_no_longer_needed_once_the_payments_stop(needs_recipient, officer):
    """Stopping payments ends the work: nobody receives them (DOMAIN R22)."""
    from ehcbudgets.payments.models import Agreement

    Agreement.objects.filter(pk=needs_recipient.agreement_id).update(stop_effective_on=TODAY + 40 * DAY)
    assert recipient_items(officer) == []


def test_a_review_naming_the_new_recipient_leaves_nothing_to_do(funded, officer, case):
    """A change of recipient made in the review itself is done: nothing waits (DOMAIN R20)."""
    from ehcbudgets.budgets.tests.conftest import ASSESSED_ON, nominee_of
    from ehcbudgets.monitoring.tests.test_reviews import make_review, record
    from ehcbudgets.payments.tests.test_agreements import CARD

    nominee = nominee_of(case.child, nominated_in_writing_on=ASSESSED_ON, nominee_consent_on=ASSESSED_ON)
    record(officer, make_review(funded), "change_recipient", new_recipient=nominee, **CARD)
    assert recipient_items(officer) == []


def test_only_staff_who_manage_direct_payments_in_the_council_see_a_new_recipient_waiting(
    needs_recipient, manager, finance, make_user, other_council
):
    """Managers see it as officers do; finance and another council's staff do not (DOMAIN R20)."""
    assert len(recipient_items(manager)) == 1
    assert recipient_items(finance) == []
    for role in (Role.CASE_OFFICER, Role.TEAM_MANAGER):
        assert recipient_items(make_user(role, council=other_council)) == []


# Scoping ------------------------------------------------------------------------------------------------------------


def test_another_councils_staff_see_none_of_this_councils_work(queue, make_user, other_council):
    """An officer, manager or finance officer of another council sees nothing of this council's queue."""
    for role in (Role.CASE_OFFICER, Role.TEAM_MANAGER, Role.FINANCE_OFFICER):
        assert selectors.work_items(user=make_user(role, council=other_council)) == []


def test_another_councils_payment_run_does_not_appear(queue, finance, make_user, other_council):
    """Finance sees only their own council's runs."""
    stranger = make_user(Role.FINANCE_OFFICER, council=other_council)
    PaymentRun.objects.create(council=other_council, pay_up_to=date(2026, 4, 1), prepared_by=stranger)
    assert [i.url for i in selectors.work_items(user=finance)] == [f"/payments/runs/{queue.run.pk}/"]
    assert len(selectors.work_items(user=stranger)) == 1


# Filters and sorting ------------------------------------------------------------------------------------------------


def test_the_queue_filters_by_kind_but_counts_everything(queue, officer):
    """Filtered to findings, only findings are shown; the counts and totals still cover the whole queue."""
    found = selectors.work_queue(user=officer, kind="finding")
    assert kinds(found["items"]) == {"finding"}
    assert len(found["items"]) == 4
    assert (found["total"], found["counts"]["review"]["all"]) == (10, 3)


def test_the_queue_filters_to_overdue_work(queue, officer):
    """Overdue only: the five overdue items, of every kind."""
    found = selectors.work_queue(user=officer, overdue_only=True)
    assert len(found["items"]) == 5
    assert all(i.overdue for i in found["items"])
    assert kinds(found["items"]) == {"review", "finding", "return", "request"}


def test_the_queue_filters_by_kind_and_overdue_together(queue, officer):
    """Overdue findings: the one found 29 days ago and the one whose answer is late."""
    found = selectors.work_queue(user=officer, kind="finding", overdue_only=True)
    assert sorted(i.date for i in found["items"]) == [date(2026, 4, 1), date(2026, 4, 2)]


def test_the_queue_shows_the_oldest_overdue_work_first_by_default(queue, officer):
    """By default, overdue work first, oldest first, then the rest, oldest first."""
    items = selectors.work_queue(user=officer)["items"]
    overdue = [i.overdue for i in items]
    assert overdue == sorted(overdue, reverse=True)
    assert [i.age_days for i in items[:5]] == sorted((i.age_days for i in items[:5]), reverse=True)
    assert [i.age_days for i in items[5:]] == sorted((i.age_days for i in items[5:]), reverse=True)
    assert items[0].kind == "finding" and items[0].date == date(2026, 4, 1)  # answer late, raised 30 days ago
    assert items[-1].kind == "review" and items[-1].date == TODAY + 28 * DAY


def test_the_queue_sorts_newest_first(queue, officer):
    """Newest first: the review due in 4 weeks, then the least waited-on work."""
    items = selectors.work_queue(user=officer, sort="newest")["items"]
    ages = [i.age_days for i in items]
    assert ages == sorted(ages)
    assert items[0].date == TODAY + 28 * DAY


def test_the_queue_sorts_by_child(queue, officer):
    """By child: all of Ava Able's work before Zac Zephyr's."""
    items = selectors.work_queue(user=officer, sort="child")["items"]
    assert [i.child for i in items] == ["Ava Able"] * 9 + ["Zac Zephyr"]
    ava_dates = [i.date for i in items[:9]]
    assert ava_dates == sorted(ava_dates)


def test_the_queue_sorts_by_kind(queue, manager):
    """By kind: reviews, recipient changes, findings, requests, approvals, returns, in that order."""
    review(
        queue.agreement,
        TODAY - 40 * DAY,
        "decided",
        status=ReviewStatus.RECORDED,
        outcome="change_recipient",
        outcome_reasons="The parent asked the council to pay their nominee.",
        recorded_on=TODAY - DAY,
    )
    items = selectors.work_queue(user=manager, sort="kind")["items"]
    order = [i.kind for i in items]
    assert order == ["review"] * 3 + ["recipient"] + ["finding"] * 4 + ["approval"] + ["return"] * 2


def test_an_unknown_sort_falls_back_to_oldest_first(queue, officer):
    """A sort the queue does not know is the default one, never an error."""
    assert selectors.work_queue(user=officer, sort="nonsense")["items"] == selectors.work_queue(user=officer)["items"]


# Links --------------------------------------------------------------------------------------------------------------


def test_each_item_links_to_the_page_where_it_is_done(queue, manager, officer, finance):
    """Reviews and findings link to their monitoring pages, returns to the spending page, requests and budgets to
    the budget pages, runs to the finance page; every link resolves."""
    child, pk = queue.agreement.child_id, queue.agreement.pk
    zac = queue.zac.child.pk
    urls = {(i.kind, i.url) for i in selectors.work_items(user=manager)}
    urls |= {(i.kind, i.url) for i in selectors.work_items(user=officer)}
    expected = {
        *(
            ("review", f"/cases/{child}/direct-payments/{pk}/reviews/{r.pk}/")
            for r in vars(queue.reviews).values()
            if r.status == ReviewStatus.DUE and r.due_on <= TODAY + 28 * DAY
        ),
        *(
            ("finding", f"/cases/{child}/direct-payments/{pk}/findings/{f.pk}/")
            for f in vars(queue.findings).values()
            if f.status != FindingStatus.RESOLVED
        ),
        *(
            ("return", f"/cases/{child}/direct-payments/{pk}/spending/returns/{r.pk}/")
            for r in vars(queue.returns).values()
        ),
        ("request", f"/cases/{zac}/budget-requests/{queue.request.pk}/"),
        ("approval", f"/cases/{zac}/budgets/{queue.budget.pk}/"),
    }
    assert urls == expected
    (run,) = selectors.work_items(user=finance)
    assert run.url == f"/payments/runs/{queue.run.pk}/"
    names = {resolve(url).view_name for _, url in urls} | {resolve(run.url).view_name}
    assert names == {
        "monitoring:review",
        "monitoring:finding",
        "spending:return",
        "budgets:request",
        "budgets:budget",
        "finance:run",
    }


# Reminders ----------------------------------------------------------------------------------------------------------


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_nobody_is_reminded_when_nothing_is_overdue_or_due(funded, council):
    """With nothing overdue for staff and nothing due from the family, no email is sent."""
    assert services.reminders_send(council=council) == 0
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_staff_with_overdue_work_get_one_email_each(funded, council, officer, manager, finance):
    """A review overdue: the officer and the manager (who both act on it) get one email each listing it; finance,
    with nothing overdue, gets none (DOMAIN R18)."""
    review(funded, TODAY - DAY, "overdue")
    review(funded, TODAY + DAY, "not yet")
    assert services.reminders_send(council=council) == 2
    assert sent_to() == sorted([officer.email, manager.email])
    message = next(m for m in mail.outbox if m.to == [officer.email])
    assert message.subject == "1 overdue in your work queue"
    assert f"- Reviews due: Review of the EHC plan ({funded.child.full_name})" in message.body
    assert Reminder.objects.get(user=officer).items == 1


def test_reminders_are_sent_at_most_once_a_day_and_again_the_next_day(funded, council, officer, manager, on_day):
    """Sent again the same day, nothing more goes; the next day, with the work still overdue, it goes again."""
    review(funded, TODAY - DAY, "overdue")
    assert services.reminders_send(council=council) == 2
    assert services.reminders_send(council=council) == 0
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(sent_on=TODAY).count() == 2
    on_day(TODAY + DAY)
    assert services.reminders_send(council=council) == 2
    assert len(mail.outbox) == 4
    assert Reminder.objects.filter(sent_on=TODAY + DAY).count() == 2


def test_a_family_is_reminded_of_a_question_raised_with_them(funded, council, parent_user):
    """A finding raised with the family: they are asked to answer by its date (DOMAIN R31)."""
    finding(
        funded,
        "raised",
        TODAY,
        status=FindingStatus.RAISED,
        raised_on=TODAY,
        answer_due_on=date(2026, 5, 29),
        rule=FindingRule.RECEIPT_MISSING,
    )
    assert services.reminders_send(council=council) == 1
    (message,) = mail.outbox
    assert message.to == [parent_user.email]
    assert message.subject == "Things to send for your direct payments"
    assert (
        f"The council asked about receipt missing on {funded.child.first_name}'s direct payments: please answer "
        "by 29 May 2026" in message.body
    )


def test_a_family_is_not_reminded_of_an_open_finding_not_yet_raised_with_them(funded, council):
    """Findings still with the officer are not the family's to answer yet."""
    finding(funded, "open", TODAY)
    assert services.reminders_send(council=council) == 0


@pytest.mark.parametrize(("due_in", "reminded"), [(7, True), (8, False)])
def test_a_family_is_reminded_of_evidence_due_within_a_week(funded, council, officer, parent_user, due_in, reminded):
    """Evidence asked for and due within 7 days is in the reminder; due in 8 days, not yet (DOMAIN R31)."""
    EvidenceRequest.objects.create(
        council=council,
        agreement=funded,
        what="The invoice",
        asked_on=TODAY,
        due_on=TODAY + due_in * DAY,
        asked_by=officer,
    )
    assert services.reminders_send(council=council) == (1 if reminded else 0)
    if reminded:
        assert "please answer by 8 May 2026" in mail.outbox[0].body


def test_a_family_is_not_reminded_of_evidence_already_sent(funded, council, officer):
    """Evidence answered is done."""
    EvidenceRequest.objects.create(
        council=council,
        agreement=funded,
        what="The invoice",
        asked_on=TODAY,
        due_on=TODAY + DAY,
        answered_on=TODAY,
        answer="Attached",
        asked_by=officer,
    )
    assert services.reminders_send(council=council) == 0


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2026, 7, 20), None),
        (date(2026, 7, 21), "is due on 28 July 2026"),
        (date(2026, 7, 29), "was due on 28 July 2026"),
    ],
    ids=["8-days-before", "7-days-before", "overdue"],
)
def test_a_family_is_reminded_of_a_return_due_within_a_week_or_overdue(funded, council, on_day, day, line):
    """The first quarter's return is due on 28 July 2026: the family is reminded from 21 July, and after it is
    overdue (DOMAIN R31)."""
    on_day(day)
    services.reminders_send(council=council)
    family = [m for m in mail.outbox if m.subject == "Things to send for your direct payments"]
    if line is None:
        assert family == []
    else:
        (message,) = family
        assert f"{funded.child.first_name}'s monitoring return for 1 April 2026 to 30 June 2026 {line}" in message.body


@pytest.mark.parametrize(("status", "reminded"), [(ReturnStatus.DRAFT, True), (ReturnStatus.SUBMITTED, False)])
def test_a_return_sent_needs_no_reminder_but_a_draft_does(funded, council, on_day, parent_user, status, reminded):
    """A return the family has only drafted is still to send; one sent is done (DOMAIN R31)."""
    submitted_return(
        funded,
        date(2026, 4, 1),
        None if status == ReturnStatus.DRAFT else date(2026, 7, 20),
        parent_user,
        status=status,
    )
    on_day(date(2026, 7, 21))
    services.reminders_send(council=council)
    family = [m for m in mail.outbox if m.to == [parent_user.email]]
    assert bool(family) is reminded


def test_a_family_and_an_officer_are_each_reminded_once_in_one_run(funded, council, officer, manager, parent_user):
    """One run: each person gets one email with all their lines, however many things are due."""
    review(funded, TODAY - DAY, "overdue")
    review(funded, TODAY - 2 * DAY, "older")
    finding(funded, "a", TODAY, status=FindingStatus.RAISED, raised_on=TODAY, answer_due_on=TODAY + 28 * DAY)
    finding(
        funded,
        "b",
        TODAY,
        status=FindingStatus.RAISED,
        raised_on=TODAY,
        answer_due_on=TODAY + 28 * DAY,
        rule=FindingRule.NO_SPENDING,
    )
    assert services.reminders_send(council=council) == 3
    assert sent_to() == sorted([officer.email, manager.email, parent_user.email])
    officer_mail = next(m for m in mail.outbox if m.to == [officer.email])
    assert officer_mail.subject == "2 overdue in your work queue"
    family_mail = next(m for m in mail.outbox if m.to == [parent_user.email])
    assert family_mail.body.count("The council asked about") == 2
    assert Reminder.objects.get(user=parent_user).items == 2


def test_someone_without_an_email_address_is_not_reminded(funded, council, officer, manager):
    """No address, no email, and no reminder recorded for them."""
    review(funded, TODAY - DAY, "overdue")
    type(officer).objects.filter(pk=officer.pk).update(email="")
    assert services.reminders_send(council=council) == 1
    assert sent_to() == [manager.email]
    assert not Reminder.objects.filter(user=officer).exists()


def test_another_councils_reminders_are_its_own(funded, council, other_council, make_user):
    """Reminding another council's staff says nothing about this council's work."""
    review(funded, TODAY - DAY, "overdue")
    make_user(Role.CASE_OFFICER, council=other_council)
    assert services.reminders_send(council=other_council) == 0
    assert mail.outbox == []


def test_a_family_paid_by_two_councils_gets_one_email_with_both(funded, dp, pb, council, other_council, parent_user):
    """A parent holding direct payments from two councils (a second child placed in another area, say) is reminded of
    everything in one email, whichever council's reminders run first; the other run sends them nothing more, and
    another day it is the same (at most one a day, nothing left out) (DOMAIN R31)."""
    from ehcbudgets.payments.models import Agreement

    second_child = ChildFactory(council=council, first_name="Bea", last_name="Able")
    second = dp.active(pb.case(child=second_child, parent_user=parent_user), parent_user=parent_user)
    Child.objects.filter(pk=second_child.pk).update(council=other_council)
    Agreement.objects.filter(pk=second.pk).update(council=other_council)
    second.refresh_from_db()
    asked = {"status": FindingStatus.RAISED, "raised_on": TODAY, "rule": FindingRule.RECEIPT_MISSING}
    finding(funded, "here", TODAY, answer_due_on=date(2026, 5, 29), **asked)
    finding(second, "there", TODAY, answer_due_on=date(2026, 5, 27), **asked)

    assert services.reminders_send(council=other_council) == 1
    assert services.reminders_send(council=council) == 0
    (message,) = mail.outbox
    assert message.to == [parent_user.email]
    assert f"on {funded.child.first_name}'s direct payments: please answer by 29 May 2026" in message.body
    assert "on Bea's direct payments: please answer by 27 May 2026" in message.body
    assert Reminder.objects.get().council == other_council


def test_the_days_family_reminders_read_in_batches_not_per_family(
    funded, dp, pb, council, parent_user, make_user, django_assert_max_num_queries, monkeypatch
):
    """Three families with questions raised, read in batches of two: the queries grow with the batches (3 each), not
    with the families (the architecture's "never a query per row")."""
    from ehcbudgets.people.models import Contact

    monkeypatch.setattr(selectors, "FAMILY_READ_BATCH", 2)
    agreements = [funded]
    for name in ("Bea", "Cal"):
        user = make_user(Role.PARENT_CARER, full_name=f"{name} Parent")
        child = ChildFactory(council=council, first_name=name, last_name="Able")
        agreements.append(dp.active(pb.case(child=child, parent_user=user), parent_user=user))
    asked = {"status": FindingStatus.RAISED, "raised_on": TODAY, "rule": FindingRule.RECEIPT_MISSING}
    for i, agreement in enumerate(agreements):
        finding(agreement, f"asked-{i}", TODAY, answer_due_on=date(2026, 5, 29), **asked)
    assert Contact.objects.filter(user__isnull=False).values("user").distinct().count() == 3
    User.objects.filter(council=council).update(is_active=False)  # staff queues are counted per member of staff
    # staff, keepers, agreements, 2 batches x 3 reads, families, the one council's policies
    with django_assert_max_num_queries(11):
        due = selectors.reminders_due(council=council, on=TODAY)
    assert sorted(len(lines) for _, _, lines in due) == [1, 1, 1]
