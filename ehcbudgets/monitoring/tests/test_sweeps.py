# ruff: noqa: F811 - the fixtures imported from the conftest are requested by name below
"""Sweeps of the monitoring rules against the database: what a full sweep finds on the standard agreement, what an
incremental sweep looks at, findings never raised twice, a sweep's progress and failure, one sweep at a time, who
may start one, and the reviews of direct payments a sweep adds (DOMAIN R16 to R18, R26, R28, R31 to R33; ADR 11).

Unless a test says otherwise, today is Friday 1 May 2026 and the standard agreement (£3,411.20 for 1 April 2026 to
31 March 2027, £65.60 a week) has had £330.11 paid in on that day, its first payment: the recipient holds £330.11,
and 8 weeks of payments (the default surplus threshold) is £524.80.

The clock: `on_day` is overridden here so that the services' "now" follows the day the test sets (09:00 UTC on it,
moving on with real time), not the real date. Incremental sweeps compare times (changes since the last sweep
started) with days (a return falling due), and the two must agree as they do in real life.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from ehcbudgets.accounts.models import Role
from ehcbudgets.audit.services import audit_record
from ehcbudgets.budgets.models import BudgetLine
from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.monitoring import services, sweeps
from ehcbudgets.monitoring.models import (
    DpReview,
    Finding,
    FindingRule,
    FindingStatus,
    ReviewTrigger,
    Sweep,
    SweepKind,
    SweepStatus,
)
from ehcbudgets.monitoring.tests.conftest import TODAY, fund, record
from ehcbudgets.offer.models import SpendingRestriction
from ehcbudgets.payments import services as payment_services
from ehcbudgets.payments.models import PersonalAssistant
from ehcbudgets.plans import services as plan_services
from ehcbudgets.plans.models import Plan, PlanStatus
from ehcbudgets.spending.models import Commitment, ImportStatus, MonitoringReturn, StatementImport, StatementLine
from ehcbudgets.spending.tests.test_records import other_family  # noqa: F401 - a fixture requested by name

#: 28 days after the first quarter (1 April to 30 June 2026) ends: its monitoring return is due that day.
RETURN_DUE = date(2026, 7, 28)
#: 8 weeks after the first payment on 1 May 2026.
QUIET_FROM = date(2026, 6, 26)


@pytest.fixture
def on_day(monkeypatch):
    """on_day(date) makes "today" that date and "now" a moment on it that moves on with real time, so times recorded
    later in a test are later, and a later day is later still."""
    real_now = timezone.now
    real_localdate = timezone.localdate
    started = real_now()
    current = {}

    def fake_now():
        return datetime.combine(current["day"], time(9), tzinfo=UTC) + (real_now() - started)

    def fake_localdate(value=None, timezone=None):
        return current["day"] if value is None else real_localdate(value, timezone)

    def set_today(day: date) -> date:
        current["day"] = day
        monkeypatch.setattr("django.utils.timezone.now", fake_now)
        monkeypatch.setattr("django.utils.timezone.localdate", fake_localdate)
        return day

    return set_today


# Helpers ------------------------------------------------------------------------------------------------------------


def sweep(actor, council, kind=SweepKind.FULL) -> Sweep:
    """Start a sweep; the tests' task backend runs it at once."""
    started = services.sweep_start(actor=actor, council=council, kind=kind)
    started.refresh_from_db()
    return started


def found(agreement, rule=None) -> list[tuple[str, str]]:
    """The agreement's findings as (rule, key), oldest first."""
    findings = Finding.objects.filter(agreement=agreement)
    if rule:
        findings = findings.filter(rule=rule)
    return list(findings.order_by("pk").values_list("rule", "key"))


def policy_from(council, day: date, **values) -> CouncilPolicy:
    """A new dated policy record from a day, the policy in force before it with some values changed."""
    policy = policy_in_force(council=council, on=day)
    policy.pk, policy.effective_from = None, day
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    return policy


def saved_statement(agreement, *lines) -> StatementImport:
    """A saved statement import whose lines (payee, amount, extra fields) are stored as they were read."""
    statement = StatementImport.objects.create(
        council=agreement.council,
        agreement=agreement,
        filename="statement.csv",
        file_format="csv",
        status=ImportStatus.SAVED,
        saved_at=timezone.now(),
    )
    for number, (payee, amount, extra) in enumerate(lines, start=1):
        StatementLine.objects.create(
            council=agreement.council,
            statement=statement,
            line_number=number,
            posted_on=date(2026, 4, 20),
            amount=Decimal(amount),
            payee=payee,
            fingerprint=f"print-{statement.pk}-{number}",
            **extra,
        )
    return statement


def relative_without_exception(agreement, officer) -> PersonalAssistant:
    """A close relative in the household recorded with no exception, as data from before the rule would be: the
    database refuses such a row today, so its check is set aside for this insert only."""
    fields = {
        "council": agreement.council,
        "agreement": agreement,
        "full_name": "Pat Relative",
        "date_of_birth": date(1980, 1, 1),
        "starts_on": date(2026, 4, 1),
        "close_relative_in_household": True,
        "recorded_by": officer,
    }
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                return PersonalAssistant.objects.create(**fields)
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        with transaction.atomic():  # rolled back with the test
            table = PersonalAssistant._meta.db_table
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT household_relative_needs_exception')
            return PersonalAssistant.objects.create(**fields)


# A full sweep of the standard agreement -----------------------------------------------------------------------------


def test_full_sweep_of_an_agreement_in_good_order_finds_nothing(funded, officer, council):
    """£330.11 is below 8 weeks of payments, nothing was spent, no return is due and the payments cover the support:
    nothing to find (DOMAIN R16, R17, R31, R32)."""
    done = sweep(officer, council)
    assert done.status == SweepStatus.FINISHED
    assert (done.total, done.checked, done.raised, done.summary) == (1, 1, 0, {})
    assert found(funded) == []


def test_full_sweep_finds_a_surplus_when_the_policy_keeps_fewer_weeks(funded, officer, council):
    """With the threshold at 5 weeks (£328.00), £330.11 leaves £2.11 surplus, raised with the current return
    period's key (DOMAIN R32)."""
    policy_from(council, TODAY, surplus_threshold_weeks=5)
    done = sweep(officer, council)
    finding = Finding.objects.get(agreement=funded)
    assert (finding.rule, finding.key, finding.amount) == (FindingRule.SURPLUS, "surplus:2026-04-01", Decimal("2.11"))
    assert "The account holds £330.11" in finding.explanation
    assert "£328.00 kept for 5 weeks of payments, £2.11 is more than the account needs" in finding.explanation
    assert (finding.status, finding.found_on, finding.sweep_id) == (FindingStatus.OPEN, TODAY, done.pk)
    assert done.summary == {"surplus": 1}


def test_no_surplus_at_six_weeks(funded, officer, council):
    """6 weeks of payments is £393.60, more than the £330.11 held: no surplus (DOMAIN R32)."""
    policy_from(council, TODAY, surplus_threshold_weeks=6)
    sweep(officer, council)
    assert found(funded) == []


def test_a_policy_from_tomorrow_does_not_count_today(funded, officer, council):
    """The policy in force on the sweep's day decides; one from tomorrow does not (DOMAIN R32)."""
    policy_from(council, date(2026, 5, 2), surplus_threshold_weeks=5)
    sweep(officer, council)
    assert found(funded) == []


@pytest.mark.parametrize(("committed", "surplus"), [("2.10", Decimal("0.01")), ("2.11", None)])
def test_money_committed_comes_off_the_surplus(funded, officer, council, committed, surplus):
    """An unpaid invoice of £2.10 leaves a penny of surplus; one of £2.11 leaves none (DOMAIN R32)."""
    policy_from(council, TODAY, surplus_threshold_weeks=5)
    Commitment.objects.create(
        council=council, agreement=funded, description="Invoice", amount=Decimal(committed), due_on=TODAY
    )
    sweep(officer, council)
    assert list(Finding.objects.filter(agreement=funded).values_list("amount", flat=True)) == (
        [surplus] if surplus else []
    )


def test_a_settled_commitment_no_longer_comes_off(funded, officer, council):
    """An invoice already paid is no longer owed: the full £2.11 is surplus (DOMAIN R32)."""
    policy_from(council, TODAY, surplus_threshold_weeks=5)
    Commitment.objects.create(
        council=council, agreement=funded, description="Invoice", amount=Decimal("2.11"), due_on=TODAY, settled_on=TODAY
    )
    sweep(officer, council)
    assert list(Finding.objects.filter(agreement=funded).values_list("amount", flat=True)) == [Decimal("2.11")]


def test_full_sweep_finds_spending_above_the_receipt_amount_with_no_receipt(funded, officer, council, parent_user):
    """£50.01 without a receipt is found; £50.00 is not (the default amount is £50.00) (DOMAIN R16, R31)."""
    over = record(parent_user, funded, "50.01", payee="Acme Care Ltd")
    record(parent_user, funded, "50.00", payee="Acme Care Ltd", description="Another week")
    sweep(officer, council)
    finding = Finding.objects.get(agreement=funded)
    assert (finding.rule, finding.key, finding.record_id) == (
        FindingRule.RECEIPT_MISSING,
        f"receipt_missing:{over.pk}",
        over.pk,
    )
    assert finding.explanation.startswith("£50.01 paid to Acme Care Ltd on 1 May 2026 has no receipt.")


def test_refunds_and_withdrawn_records_need_no_receipt(funded, officer, council, parent_user):
    """A refund into the account and a record taken back are not spending to evidence (DOMAIN R16, R31)."""
    record(parent_user, funded, "-80.00", payee="Acme Care Ltd", category="other")
    mistake = record(parent_user, funded, "75.00", payee="Acme Care Ltd")
    from ehcbudgets.spending import services as spending_services

    spending_services.record_withdraw(actor=parent_user, record=mistake, reason="Entered twice")
    sweep(officer, council)
    assert found(funded) == []


def test_full_sweep_finds_spending_the_councils_restrictions_do_not_allow(funded, officer, council, parent_user):
    """A payee matching an active restriction's keywords is found with the restriction named; a switched-off
    restriction finds nothing (DOMAIN R33)."""
    SpendingRestriction.objects.create(council=council, text="Alcohol", reason="", keywords="pub, wine")
    SpendingRestriction.objects.create(council=council, text="Gambling", keywords="bookmaker", active=False)
    pub = record(parent_user, funded, "12.00", payee="The Red Lion Pub", category="other")
    record(parent_user, funded, "10.00", payee="High Street Bookmaker", category="other")
    sweep(officer, council)
    finding = Finding.objects.get(agreement=funded)
    assert (finding.rule, finding.key, finding.record_id) == (FindingRule.NOT_ALLOWED, f"not_allowed:{pub.pk}", pub.pk)
    assert "£12.00 paid to The Red Lion Pub looks like alcohol" in finding.explanation


def test_another_councils_restrictions_do_not_apply(funded, officer, council, other_council, parent_user):
    """Only the agreement's own council's policy counts (DOMAIN R33)."""
    SpendingRestriction.objects.create(council=other_council, text="Alcohol", keywords="pub")
    record(parent_user, funded, "12.00", payee="The Red Lion Pub", category="other")
    sweep(officer, council)
    assert found(funded) == []


def test_full_sweep_finds_payments_to_someone_the_agreement_excludes(funded, officer, council, parent_user):
    """The agreement says not to pay Jane Doe: a payment to her is found, one to someone else is not (DOMAIN R16)."""
    type(funded).objects.filter(pk=funded.pk).update(excluded_payees="Jane Doe\n\nJohn Smith")
    jane = record(parent_user, funded, "20.00", payee="JANE DOE*0042")
    record(parent_user, funded, "20.00", payee="Janet Doherty")
    sweep(officer, council)
    finding = Finding.objects.get(agreement=funded)
    assert (finding.rule, finding.record_id) == (FindingRule.EXCLUDED_PAYEE, jane.pk)
    assert "The agreement says the payments must not be used to pay Jane Doe." in finding.explanation


def test_full_sweep_finds_statement_lines_not_linked_to_any_support(funded, officer, council, parent_user):
    """A saved statement's line that is neither recorded nor money in is unlinked; a line recorded, a payment in, a
    duplicate of a record, a line matching a record saved beside it and a line of a statement not saved are not
    (DOMAIN R16)."""
    kept = record(parent_user, funded, "30.00", payee="Acme Care Ltd", fitid="BANK-1")
    linked = record(parent_user, funded, "15.00", payee="Swim School")
    statement = saved_statement(
        funded,
        ("CORNER SHOP", "23.45", {}),
        ("SWIM SCHOOL", "15.00", {"record": linked}),
        ("BRIGHTWATER BC", "-280.10", {"is_payment_in": True}),
        ("ACME CARE LTD", "30.00", {"duplicate_of": kept}),
        ("ACME CARE LTD", "30.00", {"fitid": "BANK-1"}),
    )
    preview = saved_statement(funded, ("TAXI", "9.00", {}))
    StatementImport.objects.filter(pk=preview.pk).update(status=ImportStatus.PREVIEW)
    sweep(officer, council)
    line = statement.lines.get(line_number=1)
    assert found(funded) == [(FindingRule.UNLINKED, f"unlinked:{line.pk}")]
    finding = Finding.objects.get(agreement=funded)
    assert finding.statement_line_id == line.pk
    assert finding.explanation.startswith("£23.45 paid to CORNER SHOP on 20 April 2026 is on a statement")


@pytest.mark.parametrize(("day", "overdue"), [(RETURN_DUE, False), (date(2026, 7, 29), True)])
def test_full_sweep_finds_a_return_overdue_the_day_after_it_was_due(funded, officer, council, on_day, day, overdue):
    """The first quarter's return is due 28 July 2026: not overdue that day, overdue the next (DOMAIN R31)."""
    on_day(day)
    sweep(officer, council)
    assert found(funded, FindingRule.RETURN_OVERDUE) == (
        [(FindingRule.RETURN_OVERDUE, "return_overdue:2026-04-01")] if overdue else []
    )


def test_a_return_sent_is_not_overdue(funded, officer, council, on_day, parent_user):
    """A return sent to the council is never overdue, however late it was sent (DOMAIN R31)."""
    MonitoringReturn.objects.create(
        council=council,
        agreement=funded,
        period_start=date(2026, 4, 1),
        period_end=date(2026, 6, 30),
        status="submitted",
        submitted_on=date(2026, 8, 1),
        submitted_by=parent_user,
    )
    on_day(date(2026, 8, 3))
    sweep(officer, council)
    assert found(funded, FindingRule.RETURN_OVERDUE) == []


@pytest.mark.parametrize(("day", "quiet"), [(date(2026, 6, 25), False), (QUIET_FROM, True)])
def test_full_sweep_finds_no_spending_for_the_policy_weeks_since_the_first_payment(
    funded, officer, council, on_day, day, quiet
):
    """Nothing spent in the 8 weeks from the first payment on 1 May 2026: found on 26 June, not on 25 June (R16)."""
    on_day(day)
    sweep(officer, council)
    assert found(funded, FindingRule.NO_SPENDING) == (
        [(FindingRule.NO_SPENDING, "no_spending:2026-05-01")] if quiet else []
    )


def test_no_spending_counts_from_the_last_spending(funded, officer, council, on_day, parent_user):
    """Spending on 10 May 2026 moves the 8 weeks on to 5 July (DOMAIN R16)."""
    on_day(date(2026, 5, 10))
    record(parent_user, funded, "20.00", spent_on=date(2026, 5, 10))
    on_day(date(2026, 7, 4))
    sweep(officer, council)
    assert found(funded, FindingRule.NO_SPENDING) == []
    on_day(date(2026, 7, 5))
    sweep(officer, council)
    assert found(funded, FindingRule.NO_SPENDING) == [(FindingRule.NO_SPENDING, "no_spending:2026-05-10")]


def test_full_sweep_finds_a_close_relative_employed_without_an_exception(funded, officer, council, manager):
    """A close relative in the household with no recorded exception is found; one with a manager's exception is not
    (DOMAIN R26)."""
    pa = relative_without_exception(funded, officer)
    payment_services.personal_assistant_record(
        actor=officer,
        agreement=funded,
        full_name="Alex Aunt",
        date_of_birth=date(1975, 5, 5),
        starts_on=date(2026, 4, 1),
        close_relative_in_household=True,
        exception_reason="No other assistant in a rural area",
        exception_approved_by=manager,
    )
    sweep(officer, council)
    finding = Finding.objects.get(agreement=funded)
    assert (finding.rule, finding.key, finding.personal_assistant_id) == (
        FindingRule.PA_RELATIVE,
        f"pa_relative:{pa.pk}",
        pa.pk,
    )
    assert finding.explanation.startswith("Pat Relative is a close relative who lives in the same household.")


def test_a_relative_who_has_stopped_working_is_not_found(funded, officer, council):
    """A personal assistant who ended on or before the sweep's day is not paid any more (DOMAIN R26)."""
    pa = relative_without_exception(funded, officer)
    PersonalAssistant.objects.filter(pk=pa.pk).update(ended_on=TODAY)
    sweep(officer, council)
    assert found(funded) == []


def test_full_sweep_finds_payments_no_longer_enough_after_the_support_costs_more(funded, officer, council):
    """The PA line now costs £3,500.00 for the same year; the payments are £3,411.20, £88.80 short (DOMAIN R17)."""
    line = funded.lines.get()
    BudgetLine.objects.filter(pk=line.budget_line_id).update(amount=Decimal("3500.00"))
    sweep(officer, council)
    finding = Finding.objects.get(agreement=funded)
    assert (finding.rule, finding.key, finding.amount) == (
        FindingRule.INSUFFICIENT,
        "insufficient:3500.00",
        Decimal("88.80"),
    )
    assert "now costs £3,500.00" in finding.explanation
    assert "the direct payments are £3,411.20: £88.80 short" in finding.explanation


def test_support_costing_less_than_the_payments_is_not_insufficient(funded, officer, council):
    """A line costing less than is paid is not a shortfall (DOMAIN R17)."""
    line = funded.lines.get()
    BudgetLine.objects.filter(pk=line.budget_line_id).update(amount=Decimal("3000.00"))
    sweep(officer, council)
    assert found(funded) == []


def test_agreements_not_live_are_not_swept(funded, officer, council):
    """A stopped agreement is no longer watched (DOMAIN R16)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)
    type(funded).objects.filter(pk=funded.pk).update(status="stopped")
    done = sweep(officer, council)
    assert (done.total, done.raised) == (0, 0)
    assert found(funded) == []


def test_a_full_sweep_reports_its_progress_and_a_summary_per_rule(funded, officer, council, parent_user):
    """A finished sweep says how many agreements it checked, the findings raised per rule, and the reviews added
    (ADR 11)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)
    first = record(parent_user, funded, "60.00")
    second = record(parent_user, funded, "70.00", description="May")
    done = sweep(officer, council)
    assert done.status == SweepStatus.FINISHED
    assert (done.total, done.checked, done.percent) == (1, 1, 100)
    assert done.summary == {"surplus": 1, "receipt_missing": 2}
    assert done.raised == 3
    assert done.reviews_added == 1  # the first review, 3 months after the first payment
    assert done.started_at is not None and done.finished_at >= done.started_at
    assert done.error == ""
    assert set(found(funded)) == {
        (FindingRule.SURPLUS, "surplus:2026-04-01"),
        (FindingRule.RECEIPT_MISSING, f"receipt_missing:{first.pk}"),
        (FindingRule.RECEIPT_MISSING, f"receipt_missing:{second.pk}"),
    }


# Never the same finding twice (ADR 11) ------------------------------------------------------------------------------


def test_a_second_full_sweep_raises_nothing_already_found(funded, officer, council, parent_user):
    """The same hits on the same day, swept again: nothing new (ADR 11)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)
    record(parent_user, funded, "60.00")
    first = sweep(officer, council)
    again = sweep(officer, council)
    assert first.raised == 2
    assert (again.raised, again.summary) == (0, {})
    assert Finding.objects.filter(agreement=funded).count() == 2


def test_a_finding_another_sweep_added_a_moment_before_is_not_counted_as_raised(
    funded, officer, council, parent_user, monkeypatch
):
    """Two sweeps side by side: the other one writes the surplus first; the unique key keeps one finding, and this
    sweep's summary counts only the receipt it really added (ADR 11)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)
    record(parent_user, funded, "60.00")
    real_bulk_create = Finding.objects.bulk_create

    def other_sweep_first(objs, **kwargs):
        surplus = next(f for f in objs if f.rule == FindingRule.SURPLUS)
        Finding.objects.create(
            council=council,
            agreement=funded,
            rule=surplus.rule,
            key=surplus.key,
            explanation=surplus.explanation,
            found_on=TODAY,
        )
        return real_bulk_create(objs, **kwargs)

    monkeypatch.setattr(Finding.objects, "bulk_create", other_sweep_first)
    done = sweep(officer, council)
    assert (done.raised, done.summary) == (1, {"receipt_missing": 1})
    assert Finding.objects.filter(agreement=funded).count() == 2


def test_a_resolved_finding_is_not_raised_again(funded, officer, council, parent_user):
    """A finding the officer resolved stays resolved: a later full sweep does not raise its key again (ADR 11)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)
    record(parent_user, funded, "60.00")
    sweep(officer, council)
    Finding.objects.filter(agreement=funded).update(status=FindingStatus.RESOLVED, resolution="Set aside for a trip")
    again = sweep(officer, council)
    assert again.raised == 0
    assert set(Finding.objects.filter(agreement=funded).values_list("status", flat=True)) == {FindingStatus.RESOLVED}


def test_a_surplus_in_the_next_return_period_is_a_new_finding(funded, officer, council, on_day):
    """A surplus still there in the next quarter is raised again, once, for that quarter (DOMAIN R32)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)
    sweep(officer, council)
    on_day(date(2026, 7, 1))
    sweep(officer, council, SweepKind.FULL)
    assert found(funded, FindingRule.SURPLUS) == [
        (FindingRule.SURPLUS, "surplus:2026-04-01"),
        (FindingRule.SURPLUS, "surplus:2026-07-01"),
    ]


# Incremental sweeps (ADR 11) ----------------------------------------------------------------------------------------


def test_the_first_incremental_sweep_checks_everything(funded, officer, council):
    """With no sweep before it, an incremental sweep looks at every live agreement (ADR 11)."""
    done = sweep(officer, council, SweepKind.INCREMENTAL)
    assert (done.kind, done.since, done.total, done.checked) == (SweepKind.INCREMENTAL, None, 1, 1)


def test_an_incremental_sweep_looks_only_at_what_changed_and_raises_only_new_findings(
    funded, officer, council, on_day, parent_user
):
    """After a full sweep, an unchanged agreement is not in scope; a new record brings its agreement in, and only the
    new record's finding is raised, not the old ones again (ADR 11)."""
    on_day(date(2026, 5, 2))
    old = record(parent_user, funded, "60.00", spent_on=date(2026, 5, 2))
    first = sweep(officer, council)
    assert found(funded) == [(FindingRule.RECEIPT_MISSING, f"receipt_missing:{old.pk}")]

    unchanged = sweep(officer, council, SweepKind.INCREMENTAL)
    assert unchanged.since == first.started_at
    assert (unchanged.total, unchanged.checked, unchanged.raised) == (0, 0, 0)

    new = record(parent_user, funded, "70.00", spent_on=date(2026, 5, 2), description="Second week")
    changed = sweep(officer, council, SweepKind.INCREMENTAL)
    assert (changed.total, changed.raised, changed.summary) == (1, 1, {"receipt_missing": 1})
    assert found(funded) == [
        (FindingRule.RECEIPT_MISSING, f"receipt_missing:{old.pk}"),
        (FindingRule.RECEIPT_MISSING, f"receipt_missing:{new.pk}"),
    ]
    assert Finding.objects.get(record=new).sweep_id == changed.pk


def test_an_incremental_sweep_leaves_out_agreements_that_did_not_change(
    funded, officer, council, on_day, parent_user, other_family
):
    """Two agreements; spending on one after the last sweep: only that one is checked (ADR 11)."""
    on_day(date(2026, 5, 2))
    sweep(officer, council)
    record(parent_user, funded, "60.00", spent_on=date(2026, 5, 2))
    done = sweep(officer, council, SweepKind.INCREMENTAL)
    assert (done.total, done.checked) == (1, 1)
    assert sweeps.changed_since(council=council, since=done.since, on=done.on) == {funded.pk}


def test_an_incremental_sweep_picks_up_a_return_falling_overdue_since_the_last_sweep(funded, officer, council, on_day):
    """Nothing changed, but the first quarter's return fell overdue after the last sweep on its due day: the next
    incremental sweep brings the agreement in and raises it (DOMAIN R31; ADR 11)."""
    on_day(RETURN_DUE)
    sweep(officer, council)
    assert found(funded, FindingRule.RETURN_OVERDUE) == []
    on_day(date(2026, 7, 29))
    done = sweep(officer, council, SweepKind.INCREMENTAL)
    assert done.total == 1
    assert done.summary == {"return_overdue": 1}
    assert found(funded, FindingRule.RETURN_OVERDUE) == [(FindingRule.RETURN_OVERDUE, "return_overdue:2026-04-01")]


def test_a_sweep_started_after_midnight_for_the_day_before_misses_no_return_falling_due(
    funded, officer, council, on_day
):
    """The last sweep judged the return's due day but started just after midnight: the next incremental sweep still
    looks at the return that fell overdue the day after (a day of overlap), and raises it once (DOMAIN R31)."""
    on_day(RETURN_DUE)
    last = sweep(officer, council)
    after_midnight = timezone.make_aware(datetime.combine(RETURN_DUE + timedelta(days=1), time(0, 1)))
    Sweep.objects.filter(pk=last.pk).update(started_at=after_midnight)
    on_day(RETURN_DUE + timedelta(days=2))
    done = sweep(officer, council, SweepKind.INCREMENTAL)
    assert done.summary == {"return_overdue": 1}
    assert sweep(officer, council, SweepKind.INCREMENTAL).summary == {}


def test_an_incremental_sweep_picks_up_weeks_without_spending_passing_since_the_last_sweep(
    funded, officer, council, on_day
):
    """The 8 weeks without spending are up on 26 June 2026; the last sweep was the day before: the next incremental
    sweep raises it (DOMAIN R16; ADR 11)."""
    on_day(date(2026, 6, 25))
    sweep(officer, council)
    on_day(QUIET_FROM)
    done = sweep(officer, council, SweepKind.INCREMENTAL)
    assert done.total == 1
    assert found(funded, FindingRule.NO_SPENDING) == [(FindingRule.NO_SPENDING, "no_spending:2026-05-01")]


def test_an_incremental_sweep_brings_in_an_agreement_whose_terms_changed(funded, officer, council, on_day, parent_user):
    """An excluded payee added to the agreement after the last sweep is checked against new spending (DOMAIN R16)."""
    on_day(date(2026, 5, 2))
    sweep(officer, council)
    funded.refresh_from_db()
    funded.excluded_payees = "Jane Doe"
    funded.save(update_fields=["excluded_payees", "updated_at"])
    paid = record(parent_user, funded, "20.00", payee="Jane Doe", spent_on=date(2026, 5, 2))
    done = sweep(officer, council, SweepKind.INCREMENTAL)
    assert done.total == 1
    assert found(funded) == [(FindingRule.EXCLUDED_PAYEE, f"excluded_payee:{paid.pk}")]


def test_an_incremental_sweep_brings_in_a_statement_saved_since(funded, officer, council, on_day):
    """A statement saved after the last sweep brings its agreement in, and its unlinked line is raised (R16)."""
    on_day(date(2026, 5, 2))
    sweep(officer, council)
    statement = saved_statement(funded, ("CORNER SHOP", "23.45", {}))
    done = sweep(officer, council, SweepKind.INCREMENTAL)
    assert done.total == 1
    assert found(funded) == [(FindingRule.UNLINKED, f"unlinked:{statement.lines.get().pk}")]


# Progress, one at a time, failure -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [SweepStatus.QUEUED, SweepStatus.RUNNING])
def test_only_one_sweep_waits_or_runs_at_a_time_per_council(funded, officer, council, status):
    """While a sweep waits or runs, another cannot start in the same council (ADR 11)."""
    Sweep.objects.create(council=council, kind=SweepKind.FULL, on=TODAY, status=status)
    with pytest.raises(ValidationError, match="already waiting or running"):
        services.sweep_start(actor=officer, council=council, kind=SweepKind.FULL)
    assert Sweep.objects.filter(council=council).count() == 1


def test_a_sweep_waiting_in_another_council_does_not_block(funded, officer, council, other_council):
    """One at a time is per council: another council's queue is its own (ADR 11)."""
    Sweep.objects.create(council=other_council, kind=SweepKind.FULL, on=TODAY, status=SweepStatus.QUEUED)
    assert sweep(officer, council).status == SweepStatus.FINISHED


def test_a_finished_or_failed_sweep_does_not_block_the_next(funded, officer, council):
    """Only waiting and running sweeps block another (ADR 11)."""
    Sweep.objects.create(council=council, kind=SweepKind.FULL, on=TODAY, status=SweepStatus.FAILED, error="x")
    sweep(officer, council)
    assert sweep(officer, council).status == SweepStatus.FINISHED


def test_a_failing_sweep_is_recorded_as_failed_with_its_error(funded, officer, council, monkeypatch):
    """An error while checking marks the sweep failed with the error, adds nothing, and does not block the next
    sweep (ADR 11)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)

    def broken(**kwargs):
        raise RuntimeError("The ledger could not be read")

    working = sweeps.hits_for
    monkeypatch.setattr(sweeps, "hits_for", broken)
    failed = sweep(officer, council)
    assert failed.status == SweepStatus.FAILED
    assert failed.error == "The ledger could not be read"
    assert failed.finished_at is not None
    assert failed.raised == 0
    assert Finding.objects.count() == 0
    monkeypatch.setattr(sweeps, "hits_for", working)
    assert sweep(officer, council).raised == 1


def test_an_unknown_kind_of_sweep_is_refused(funded, officer, council):
    """Only the two kinds of sweep exist."""
    with pytest.raises(ValidationError):
        services.sweep_start(actor=officer, council=council, kind="everything")
    assert not Sweep.objects.exists()


def test_running_a_sweep_that_is_not_waiting_does_nothing(funded, officer, council):
    """A task run twice for one sweep finds it already done and changes nothing (ADR 11)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)
    done = sweep(officer, council)
    Finding.objects.all().delete()
    again = services.sweep_run(sweep_id=done.pk)
    assert again.status == SweepStatus.FINISHED
    assert Finding.objects.count() == 0


def test_a_sweep_claimed_by_another_worker_between_reading_and_starting_is_left_to_it(
    funded, officer, council, monkeypatch
):
    """Two workers given the same task: the one that read the sweep as queued but finds it claimed when it tries to
    start it runs nothing (the claim is a conditional update) (ADR 11)."""
    policy_from(council, TODAY, surplus_threshold_weeks=1)
    queued = Sweep.objects.create(council=council, kind=SweepKind.FULL, on=TODAY)
    real_now = timezone.now

    class OtherWorkerFirst:
        @staticmethod
        def now():
            Sweep.objects.filter(pk=queued.pk).update(status=SweepStatus.RUNNING)
            return real_now()

    monkeypatch.setattr(services, "timezone", OtherWorkerFirst)
    result = services.sweep_run(sweep_id=queued.pk)
    assert (result.status, result.checked, result.started_at) == (SweepStatus.RUNNING, 0, None)
    assert Finding.objects.count() == 0


def test_the_daily_schedule_may_start_a_sweep(funded, council):
    """With no actor, the daily schedule starts the sweep (ADR 11)."""
    done = sweep(None, council, SweepKind.INCREMENTAL)
    assert (done.status, done.requested_by) == (SweepStatus.FINISHED, None)


# Who may start a sweep ----------------------------------------------------------------------------------------------


def test_a_team_manager_may_start_a_sweep(funded, manager, council):
    """Managers do the officers' work, checks included."""
    assert sweep(manager, council).requested_by == manager


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.COUNCIL_ADMIN, Role.PANEL_MEMBER])
def test_staff_without_the_monitoring_role_cannot_start_a_sweep(funded, make_user, council, role):
    """Finance officers, administrators and panel members do not run the monitoring rules."""
    with pytest.raises(PermissionDenied):
        services.sweep_start(actor=make_user(role, council=council), council=council)
    assert not Sweep.objects.exists()


def test_a_family_cannot_start_a_sweep(funded, parent_user, council):
    """The family whose payments are checked cannot start a check."""
    with pytest.raises(PermissionDenied):
        services.sweep_start(actor=parent_user, council=council)
    assert not Sweep.objects.exists()


def test_another_councils_officer_cannot_start_a_sweep(funded, make_user, council, other_council):
    """An officer of another council cannot check this council's direct payments."""
    stranger = make_user(Role.CASE_OFFICER, council=other_council)
    with pytest.raises(PermissionDenied):
        services.sweep_start(actor=stranger, council=council)
    assert not Sweep.objects.exists()


# Reviews a sweep adds (DOMAIN R18, R28) -----------------------------------------------------------------------------


def reviews(agreement) -> list[tuple[str, str, date]]:
    return list(
        DpReview.objects.filter(agreement=agreement)
        .order_by("due_on", "pk")
        .values_list("trigger", "trigger_key", "due_on")
    )


def final_plan(agreement, issued_on: date) -> Plan:
    """Make the case's plan final, issued on a day (the plans app tests issuing; here only the dates matter)."""
    Plan.objects.filter(pk=agreement.budget.plan_id).update(status=PlanStatus.FINAL, issued_on=issued_on)
    return Plan.objects.get(pk=agreement.budget.plan_id)


@pytest.fixture
def paid_in_april(agreement, finance, finance2, on_day):
    """The standard agreement with its first payment, £50.01, released on 1 April 2026; today is 1 May 2026."""
    fund(finance, finance2, agreement, on_day, up_to=date(2026, 4, 1))
    on_day(TODAY)
    agreement.refresh_from_db()
    return agreement


def test_the_first_review_is_due_3_months_after_the_first_payment_and_added_once(paid_in_april, officer, council):
    """First paid on 1 April 2026, the first review is due on 1 July 2026; a second sweep adds it again never
    (DOMAIN R18)."""
    assert paid_in_april.first_paid_on == date(2026, 4, 1)
    first = sweep(officer, council)
    assert first.reviews_added == 1
    assert reviews(paid_in_april) == [(ReviewTrigger.FIRST, "2026-04-01", date(2026, 7, 1))]
    again = sweep(officer, council)
    assert again.reviews_added == 0
    assert DpReview.objects.filter(agreement=paid_in_april).count() == 1


def test_no_review_is_added_for_an_agreement_not_yet_paid(agreement, officer, council, on_day):
    """Before the first payment there is nothing to review (DOMAIN R18)."""
    on_day(date(2026, 3, 25))
    assert sweep(officer, council).reviews_added == 0
    assert reviews(agreement) == []


@pytest.mark.parametrize(
    ("issued_on", "listed"),
    [(date(2025, 6, 26), True), (date(2025, 6, 27), False)],
    ids=["due-in-56-days", "due-in-57-days"],
)
def test_a_plan_review_within_56_days_adds_a_plan_review_review(funded, officer, council, issued_on, listed):
    """A plan issued on 26 June 2025 is reviewed by 26 June 2026, 56 days from 1 May: a review of the direct
    payments is added to be held with it; one due a day later is not listed yet (DOMAIN R18, R28)."""
    final_plan(funded, issued_on)
    sweep(officer, council)
    plan_reviews = [r for r in reviews(funded) if r[0] == ReviewTrigger.PLAN_REVIEW]
    due = date(2026, issued_on.month, issued_on.day)
    assert plan_reviews == ([(ReviewTrigger.PLAN_REVIEW, due.isoformat(), due)] if listed else [])


def test_the_plan_review_review_is_added_once(funded, officer, council):
    """Swept again, the plan review adds no second review (DOMAIN R18; ADR 11)."""
    final_plan(funded, date(2025, 6, 20))
    sweep(officer, council)
    again = sweep(officer, council)
    assert again.reviews_added == 0
    assert [r[0] for r in reviews(funded)].count(ReviewTrigger.PLAN_REVIEW) == 1


def test_turning_18_while_social_care_payments_run_adds_a_review_due_within_6_months(funded, officer, council):
    """The PA line is social care; the child turned 18 on 15 April 2026, after the payments began on 20 March: a
    review under the adult rules is added, due by 15 October 2026, once (DOMAIN R26)."""
    from ehcbudgets.people.models import Child

    assert funded.lines.filter(funding_stream="social_care").exists()
    Child.objects.filter(pk=funded.child_id).update(date_of_birth=date(2008, 4, 15))
    first = sweep(officer, council)
    assert (ReviewTrigger.ADULT, "2026-04-15", date(2026, 10, 15)) in reviews(funded)
    assert first.reviews_added == 2  # with the first review
    assert sweep(officer, council).reviews_added == 0


def test_turning_18_adds_no_adult_review_to_payments_without_social_care(funded, officer, council):
    """The same birthday with only education or health lines: no adult review (DOMAIN R26)."""
    from ehcbudgets.people.models import Child

    funded.lines.update(funding_stream="education")
    Child.objects.filter(pk=funded.child_id).update(date_of_birth=date(2008, 4, 15))
    sweep(officer, council)
    assert [r[0] for r in reviews(funded)] == [ReviewTrigger.FIRST]


def test_a_reassessment_after_the_agreement_began_adds_a_review(funded, officer, council):
    """The plan moved to re-assessment on 1 May 2026, after consent on 20 March: a review is due that day, added
    once (DOMAIN R18)."""
    plan = final_plan(funded, date(2025, 9, 1))
    plan_services.plan_set_status(actor=officer, plan=plan, status=PlanStatus.UNDER_REASSESSMENT)
    first = sweep(officer, council)
    assert (ReviewTrigger.REASSESSMENT, "2026-05-01", date(2026, 5, 29)) in reviews(funded)
    assert first.reviews_added == 2  # with the first review
    assert sweep(officer, council).reviews_added == 0


def test_a_plan_moving_to_review_is_not_a_reassessment(funded, officer, council):
    """Only a move to re-assessment starts a re-assessment review (DOMAIN R18)."""
    plan = final_plan(funded, date(2025, 9, 1))
    plan_services.plan_set_status(actor=officer, plan=plan, status=PlanStatus.UNDER_REVIEW)
    sweep(officer, council)
    assert [r[0] for r in reviews(funded)] == [ReviewTrigger.FIRST]


def provision_event(agreement, action="budget.recalculated"):
    with transaction.atomic():
        audit_record(
            actor=None,
            action=action,
            obj=agreement.budget,
            council=agreement.council,
            child=agreement.child,
            summary="Budget recalculated",
        )


@pytest.mark.parametrize("action", ["budget.recalculated", "provision.updated"])
def test_a_change_of_provision_after_consent_adds_a_review(funded, officer, council, on_day, action):
    """The budget was recalculated (or the provision changed) on 4 May 2026, after consent: a review is due that
    day, added once (DOMAIN R18)."""
    on_day(date(2026, 5, 4))
    provision_event(funded, action)
    sweep(officer, council)
    assert (ReviewTrigger.PROVISION_CHANGE, "2026-05-04", date(2026, 6, 1)) in reviews(funded)
    assert sweep(officer, council).reviews_added == 0


def test_a_change_of_provision_is_dated_by_the_day_in_england(funded, officer, council, on_day, monkeypatch):
    """A recalculation at 00:30 on 4 May 2026 British Summer Time (23:30 on 3 May in UTC) starts a review due on
    4 May: dates are days in Europe/London (DOMAIN R18; ARCHITECTURE convention 6)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 5, 3, 23, 30, tzinfo=UTC))
    provision_event(funded)
    on_day(date(2026, 5, 4))
    sweep(officer, council)
    assert [r for r in reviews(funded) if r[0] == ReviewTrigger.PROVISION_CHANGE] == [
        (ReviewTrigger.PROVISION_CHANGE, "2026-05-04", date(2026, 6, 1))
    ]


def test_a_change_of_provision_before_the_agreement_began_adds_no_review(funded, officer, council, on_day):
    """A change on the day of consent or before it is part of what was agreed (DOMAIN R18)."""
    on_day(date(2026, 3, 20))
    provision_event(funded)
    on_day(TODAY)
    sweep(officer, council)
    assert [r[0] for r in reviews(funded)] == [ReviewTrigger.FIRST]


def test_reviews_of_another_councils_agreements_are_not_added(funded, make_user, other_council):
    """A sweep of another council adds nothing to this council's agreements (DOMAIN R18)."""
    done = sweep(make_user(Role.CASE_OFFICER, council=other_council), other_council)
    assert (done.total, done.reviews_added) == (0, 0)
    assert reviews(funded) == []
