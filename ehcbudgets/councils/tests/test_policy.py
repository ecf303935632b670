"""A council's dated policy: DOMAIN.md's defaults, the limits of each value, adding a new dated record and which
record is in force on a date (ARCHITECTURE convention 7: policy is dated, never a constant)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory
from ehcbudgets.offer.services import council_policy_add

pytestmark = pytest.mark.django_db

FIRST_FROM = date(2025, 4, 1)
NEW_FROM = date(2026, 4, 1)

# Written out from DOMAIN.md, apart from the model, so that a change to a default has to change both.
DOMAIN_DEFAULTS = [
    ("reduction_notice_days", 28),  # R21, R22 notice before a reduction or a stop
    ("decision_target_working_days", 10),  # R35
    ("surplus_threshold_weeks", 8),  # R32
    ("contingency_min_weeks", 4),  # R32
    ("return_frequency", "quarterly"),  # R31
    ("evidence_deadline_days", 28),  # R31
    ("default_payment_frequency", "four_weekly"),  # R35
    ("suspension_after_weeks", 4),  # R35
    ("retention_years", 7),  # R35
    ("recovery_due_days", 14),  # R23 repayment due
    ("pa_min_age", 18),  # R34
    ("pa_exception_min_age", 16),  # R34
    ("pa_min_budget", None),  # R34: no minimum unless the council sets one
    ("weeks_per_year", Decimal("52")),  # R6 costing
    ("term_time_weeks", Decimal("39")),  # R6 costing
    ("terms_per_year", 3),  # R6 costing
    ("out_of_window_requests", "accept_flagged"),  # R2
    ("under_five_review_months", 6),  # R29: 3 to 6
    ("payment_cycle_starts", date(2026, 4, 6)),  # R35: a Monday that starts the council's payment cycles (ADR 9)
    ("notice_deemed_received_working_days", 2),  # R21 to R23: a notice reaches the family (ADR 9)
    ("return_due_days", 28),  # R31: a return is due 28 days after its period ends (ADR 11)
    ("receipt_required_above", Decimal("50.00")),  # R16, R31: spending above this needs a receipt (ADR 11)
    ("no_spending_weeks", 8),  # R16: weeks without spending before the council checks (ADR 11)
]

# (field, lowest allowed, highest allowed, one step)
LIMITS = [
    ("under_five_review_months", 3, 6, 1),
    ("decision_target_working_days", 1, 60, 1),
    ("suspension_after_weeks", 1, 52, 1),
    ("retention_years", 1, 25, 1),
    ("evidence_deadline_days", 7, 90, 1),
    ("return_due_days", 7, 90, 1),
    ("no_spending_weeks", 2, 52, 1),
    ("contingency_min_weeks", 0, 26, 1),
    ("surplus_threshold_weeks", 1, 26, 1),
    ("recovery_due_days", 7, 90, 1),
    ("reduction_notice_days", 14, 120, 1),
    ("pa_min_age", 16, 25, 1),
    ("pa_exception_min_age", 16, 25, 1),
    ("weeks_per_year", Decimal("1"), Decimal("53"), Decimal("0.1")),
    ("term_time_weeks", Decimal("1"), Decimal("53"), Decimal("0.1")),
    ("terms_per_year", 1, 6, 1),
    ("notice_deemed_received_working_days", 0, 5, 1),
]


def _policy(council, **values) -> CouncilPolicy:
    # The exception age may not be above the minimum age, so a test of a high exception age raises both.
    if values.get("pa_exception_min_age", 0) > 18:
        values.setdefault("pa_min_age", values["pa_exception_min_age"])
    return CouncilPolicy(council=council, effective_from=NEW_FROM, **values)


# Defaults -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "expected"), DOMAIN_DEFAULTS)
def test_a_new_policy_record_has_the_domain_default(council, field, expected):
    assert getattr(CouncilPolicy(council=council, effective_from=NEW_FROM), field) == expected


@pytest.mark.parametrize(("field", "expected"), DOMAIN_DEFAULTS)
def test_a_council_with_no_policy_recorded_gets_the_domain_default(council, field, expected):
    assert getattr(policy_in_force(council=council, on=NEW_FROM), field) == expected


def test_every_policy_value_has_its_default_listed_here():
    listed = {field for field, _ in DOMAIN_DEFAULTS}
    values = {
        f.name
        for f in CouncilPolicy._meta.concrete_fields
        if f.editable and f.name not in {"id", "council", "effective_from", "budget_policy_text"}
    }
    assert values == listed


# Limits -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "low", "high", "step"), LIMITS)
def test_a_policy_value_one_step_below_its_lowest_is_refused(council, field, low, high, step):
    with pytest.raises(ValidationError) as error:
        _policy(council, **{field: low - step}).full_clean()
    assert field in error.value.message_dict


@pytest.mark.parametrize(("field", "low", "high", "step"), LIMITS)
def test_a_policy_value_at_its_lowest_is_accepted(council, field, low, high, step):
    _policy(council, **{field: low}).full_clean()


@pytest.mark.parametrize(("field", "low", "high", "step"), LIMITS)
def test_a_policy_value_at_its_highest_is_accepted(council, field, low, high, step):
    _policy(council, **{field: high}).full_clean()


@pytest.mark.parametrize(("field", "low", "high", "step"), LIMITS)
def test_a_policy_value_one_step_above_its_highest_is_refused(council, field, low, high, step):
    with pytest.raises(ValidationError) as error:
        _policy(council, **{field: high + step}).full_clean()
    assert field in error.value.message_dict


def test_under_five_review_months_of_7_is_refused_by_the_database(council):
    """DOMAIN R29: the database itself holds the 3 to 6 months, whatever writes the row."""
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilPolicy.objects.bulk_create([_policy(council, under_five_review_months=7)])


def test_a_pa_exception_age_equal_to_the_minimum_age_is_accepted(council):
    _policy(council, pa_min_age=17, pa_exception_min_age=17).full_clean()


def test_a_pa_exception_age_above_the_minimum_age_is_refused(council):
    with pytest.raises(ValidationError):
        _policy(council, pa_min_age=17, pa_exception_min_age=18).full_clean()


def test_a_pa_exception_age_above_the_minimum_age_is_refused_by_the_database(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilPolicy.objects.bulk_create([_policy(council, pa_min_age=17, pa_exception_min_age=18)])


# council_policy_add -------------------------------------------------------------------------------------------------


def test_the_first_policy_added_has_the_domain_defaults_for_values_not_given(council, council_admin):
    policy = council_policy_add(actor=council_admin, council=council, effective_from=FIRST_FROM, retention_years=10)
    policy.refresh_from_db()
    assert (policy.retention_years, policy.reduction_notice_days) == (10, 28)


def test_a_new_policy_carries_over_a_value_not_given_from_the_previous_record(council, council_admin):
    council_policy_add(actor=council_admin, council=council, effective_from=FIRST_FROM, decision_target_working_days=15)
    policy = council_policy_add(
        actor=council_admin, council=council, effective_from=NEW_FROM, evidence_deadline_days=14
    )
    policy.refresh_from_db()
    assert policy.decision_target_working_days == 15


def test_a_value_given_for_a_new_policy_replaces_the_previous_records_value(council, council_admin):
    council_policy_add(actor=council_admin, council=council, effective_from=FIRST_FROM, evidence_deadline_days=21)
    policy = council_policy_add(
        actor=council_admin, council=council, effective_from=NEW_FROM, evidence_deadline_days=14
    )
    policy.refresh_from_db()
    assert policy.evidence_deadline_days == 14


def test_carried_over_money_and_weeks_keep_their_exact_values(council, council_admin):
    council_policy_add(
        actor=council_admin,
        council=council,
        effective_from=FIRST_FROM,
        term_time_weeks=Decimal("38.5"),
        pa_min_budget=Decimal("1500.01"),
    )
    policy = council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM)
    policy.refresh_from_db()
    assert (policy.term_time_weeks, policy.pa_min_budget) == (Decimal("38.5"), Decimal("1500.01"))


def test_a_new_policy_carries_over_from_the_record_in_force_the_day_before_not_a_later_one(council, council_admin):
    council_policy_add(actor=council_admin, council=council, effective_from=FIRST_FROM, retention_years=8)
    council_policy_add(actor=council_admin, council=council, effective_from=date(2027, 4, 1), retention_years=12)
    policy = council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM)
    policy.refresh_from_db()
    assert policy.retention_years == 8


def test_adding_a_policy_leaves_the_previous_record_as_it_was(council, council_admin):
    first = council_policy_add(actor=council_admin, council=council, effective_from=FIRST_FROM, retention_years=8)
    council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, retention_years=12)
    first.refresh_from_db()
    assert (first.retention_years, CouncilPolicy.objects.filter(council=council).count()) == (8, 2)


def test_another_councils_policy_is_never_carried_over(council, other_council, council_admin):
    CouncilPolicyFactory(council=other_council, effective_from=FIRST_FROM, retention_years=12)
    policy = council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM)
    policy.refresh_from_db()
    assert policy.retention_years == 7


def test_a_second_policy_from_the_same_date_is_refused(council, council_admin):
    council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, retention_years=8)
    with pytest.raises(ValidationError) as error:
        council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, retention_years=12)
    assert "effective_from" in error.value.message_dict


def test_a_refused_second_policy_from_the_same_date_leaves_the_first_unchanged(council, council_admin):
    first = council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, retention_years=8)
    with pytest.raises(ValidationError):
        council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, retention_years=12)
    first.refresh_from_db()
    assert (first.retention_years, CouncilPolicy.objects.filter(council=council).count()) == (8, 1)


def test_a_policy_value_outside_its_limits_is_refused_and_nothing_is_saved(council, council_admin, audit):
    with pytest.raises(ValidationError) as error:
        council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, under_five_review_months=7)
    assert "under_five_review_months" in error.value.message_dict
    assert (CouncilPolicy.objects.count(), audit.new) == (0, [])


def test_an_unknown_policy_value_is_refused_rather_than_ignored(council, council_admin):
    with pytest.raises(ValidationError):
        council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, retention_yeers=10)
    assert CouncilPolicy.objects.count() == 0


def test_adding_a_policy_cannot_overwrite_an_existing_record_by_its_id(council, council_admin):
    first = council_policy_add(actor=council_admin, council=council, effective_from=FIRST_FROM, retention_years=8)
    with pytest.raises(ValidationError):
        council_policy_add(
            actor=council_admin, council=council, effective_from=NEW_FROM, id=first.pk, retention_years=12
        )
    first.refresh_from_db()
    assert (first.effective_from, first.retention_years) == (FIRST_FROM, 8)


def test_adding_a_policy_writes_one_audit_event(council, council_admin, audit):
    policy = council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, retention_years=10)
    event = audit.one()
    assert (event.action, event.council, event.object_id) == ("policy.added", council, str(policy.pk))


def test_the_audit_event_of_a_new_policy_records_the_values_carried_over_and_the_new_ones(
    council, council_admin, audit
):
    council_policy_add(actor=council_admin, council=council, effective_from=FIRST_FROM, retention_years=8)
    audit.mark()
    council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, retention_years=12)
    event = audit.one()
    assert (event.before["retention_years"], event.after["retention_years"]) == (8, 12)


def test_a_refused_policy_writes_no_audit_event(council, council_admin, audit):
    council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM)
    audit.mark()
    with pytest.raises(ValidationError):
        council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM)
    assert audit.new == []


# policy_in_force ----------------------------------------------------------------------------------------------------


@pytest.fixture
def two_policies(council, council_admin):
    council_policy_add(actor=council_admin, council=council, effective_from=FIRST_FROM, decision_target_working_days=10)
    council_policy_add(actor=council_admin, council=council, effective_from=NEW_FROM, decision_target_working_days=15)


def test_the_old_policy_is_in_force_the_day_before_the_new_ones_date(council, two_policies):
    assert policy_in_force(council=council, on=date(2026, 3, 31)).decision_target_working_days == 10


def test_the_new_policy_is_in_force_on_its_effective_date(council, two_policies):
    assert policy_in_force(council=council, on=NEW_FROM).decision_target_working_days == 15


def test_the_new_policy_is_in_force_the_day_after_its_effective_date(council, two_policies):
    assert policy_in_force(council=council, on=date(2026, 4, 2)).decision_target_working_days == 15


def test_the_day_before_the_first_policy_the_defaults_apply_unsaved(council, two_policies):
    policy = policy_in_force(council=council, on=date(2025, 3, 31))
    assert (policy.pk, policy.decision_target_working_days) == (None, 10)
