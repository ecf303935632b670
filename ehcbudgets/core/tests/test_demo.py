"""The demo loader: two councils, about 40 children aged 2 to 24, a sign-in for every role, and safe to run twice."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from ehcbudgets.accounts.models import Role, User
from ehcbudgets.audit.models import AuditEvent
from ehcbudgets.core.dates import today
from ehcbudgets.core.demo import DEMO_PASSWORD, load_demo
from ehcbudgets.councils.models import Council
from ehcbudgets.people.models import Child
from ehcbudgets.plans.models import Plan, PlanStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (it takes a couple of seconds), and rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def _row_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_demo_has_two_councils(demo):
    assert sorted(Council.objects.values_list("code", flat=True)) == ["brightwater", "kestrel-vale"]


def test_the_demo_has_40_children_20_in_each_council(demo):
    assert Child.objects.count() == 40
    assert all(Child.objects.filter(council=council).count() == 20 for council in Council.objects.all())


def test_every_demo_child_is_aged_2_to_24(demo):
    ages = {child.age_on(today()) for child in Child.objects.all()}
    assert min(ages) == 2
    assert max(ages) == 24


def test_the_demo_has_a_sign_in_for_each_of_the_10_roles(demo):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)


def test_every_demo_sign_in_is_returned_and_uses_the_demo_password(demo):
    emails = {email for _, _, email in demo}
    assert emails == set(User.objects.values_list("email", flat=True))
    assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())


def test_demo_staff_belong_to_the_council_of_their_email_domain(demo):
    for user in User.objects.filter(council__isnull=False):
        assert user.email.endswith(
            "@" + {"brightwater": "brightwater.example", "kestrel-vale": "kestrelvale.example"}[user.council.code]
        )


def test_every_demo_family_sign_in_is_linked_to_a_child(demo):
    family = User.objects.filter(role__in=[Role.PARENT_CARER, Role.YOUNG_PERSON, Role.NOMINEE, Role.THIRD_PARTY])
    assert all(user.contacts.exists() for user in family)


def test_the_demo_has_plans_in_several_statuses(demo):
    statuses = set(Plan.objects.values_list("status", flat=True))
    assert {PlanStatus.NEEDS_ASSESSMENT, PlanStatus.DRAFT, PlanStatus.FINAL, PlanStatus.CEASED} <= statuses


def test_demo_data_is_made_through_the_services_so_every_child_has_an_audit_trail(demo):
    assert not Child.objects.exclude(pk__in=AuditEvent.objects.filter(action="child.created").values("child")).exists()


def test_loading_the_demo_twice_creates_nothing_more(demo):
    before = _row_counts()
    again = load_demo()
    assert _row_counts() == before
    assert sorted(email for _, _, email in again) == sorted(email for _, _, email in demo)


def test_the_load_demo_command_prints_the_sign_ins(demo, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "officer@brightwater.example" in out
    assert DEMO_PASSWORD in out
