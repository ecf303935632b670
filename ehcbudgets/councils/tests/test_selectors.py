"""The council policy in force on a date (ARCHITECTURE convention 7: policy is dated, never a constant)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory

pytestmark = pytest.mark.django_db

NEW_POLICY_FROM = date(2026, 4, 1)


@pytest.fixture
def policies(council):
    CouncilPolicyFactory(council=council, effective_from=date(2025, 4, 1), under_five_review_months=6)
    CouncilPolicyFactory(council=council, effective_from=NEW_POLICY_FROM, under_five_review_months=3)


def test_old_policy_is_in_force_on_the_day_before_the_new_one(council, policies):
    assert policy_in_force(council=council, on=date(2026, 3, 31)).under_five_review_months == 6


def test_new_policy_is_in_force_on_its_effective_date(council, policies):
    assert policy_in_force(council=council, on=NEW_POLICY_FROM).under_five_review_months == 3


def test_new_policy_is_in_force_on_the_day_after_its_effective_date(council, policies):
    assert policy_in_force(council=council, on=date(2026, 4, 2)).under_five_review_months == 3


def test_before_any_policy_the_domain_defaults_apply(council, policies):
    policy = policy_in_force(council=council, on=date(2025, 3, 31))
    assert policy.pk is None
    assert policy.under_five_review_months == 6


def test_a_council_with_no_policy_gets_the_defaults_without_saving_anything(council):
    policy = policy_in_force(council=council, on=date(2026, 1, 1))
    assert (policy.council, policy.under_five_review_months) == (council, 6)
    assert CouncilPolicy.objects.count() == 0


def test_another_councils_policy_is_never_used(council, other_council):
    CouncilPolicyFactory(council=other_council, effective_from=date(2025, 1, 1), under_five_review_months=3)
    assert policy_in_force(council=council, on=date(2026, 1, 1)).under_five_review_months == 6


@pytest.mark.parametrize("months", [2, 7])
def test_under_five_review_months_outside_3_to_6_is_refused_by_validation(council, months):
    with pytest.raises(ValidationError) as error:
        CouncilPolicy(council=council, effective_from=NEW_POLICY_FROM, under_five_review_months=months).full_clean()
    assert "under_five_review_months" in error.value.message_dict


def test_under_five_review_months_outside_3_to_6_is_refused_by_the_database(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilPolicy.objects.bulk_create(
            [CouncilPolicy(council=council, effective_from=NEW_POLICY_FROM, under_five_review_months=7)]
        )


def test_two_policies_from_the_same_date_are_refused(council):
    CouncilPolicyFactory(council=council, effective_from=NEW_POLICY_FROM)
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilPolicyFactory(council=council, effective_from=NEW_POLICY_FROM)
