"""Fixtures shared by every app's tests: two councils with their own ICBs, a user of any role, a child."""

import pytest

from ehcbudgets.accounts.models import Role
from ehcbudgets.accounts.tests.factories import user_for_role
from ehcbudgets.councils.tests.factories import CouncilFactory
from ehcbudgets.people.tests.factories import ChildFactory


@pytest.fixture
def council(db):
    """The council the test is about, with its own partner ICB."""
    return CouncilFactory(name="Brightwater Borough Council", code="brightwater")


@pytest.fixture
def other_council(db):
    """A second tenant with a different ICB: nothing of it may leak into the first."""
    return CouncilFactory(name="Kestrel Vale Council", code="kestrel-vale")


@pytest.fixture
def make_user(db):
    """make_user(role, council=...) makes a user attached where the role belongs (staff, ICB or family)."""

    def make(role: Role | str = Role.CASE_OFFICER, council=None, **kwargs):
        return user_for_role(role, council=council, **kwargs)

    return make


@pytest.fixture
def officer(make_user, council):
    """A case officer of `council`."""
    return make_user(Role.CASE_OFFICER, council=council, full_name="Casey Officer", email="casey@council.example")


@pytest.fixture
def officer_client(client, officer):
    """The test client signed in as the case officer."""
    client.force_login(officer)
    return client


@pytest.fixture
def child(council):
    """A 10-year-old in `council`, with no plan yet."""
    return ChildFactory(council=council)


class AuditWatch:
    """Audit events written since the last mark(): `audit.mark()`, act, then `audit.one()` or `audit.new`."""

    def __init__(self):
        self.since = 0

    def mark(self) -> "AuditWatch":
        from django.db.models import Max

        from ehcbudgets.audit.models import AuditEvent

        self.since = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        return self

    @property
    def new(self) -> list:
        from ehcbudgets.audit.models import AuditEvent

        return list(AuditEvent.objects.filter(pk__gt=self.since).order_by("pk"))

    def one(self):
        events = self.new
        assert len(events) == 1, f"expected exactly one audit event, got {[e.action for e in events]}"
        return events[0]


@pytest.fixture
def audit(db):
    """Watches the audit trail: call audit.mark() after the set-up and before the change under test."""
    return AuditWatch().mark()


@pytest.fixture
def council_admin(make_user, council):
    """The administrator of `council`: the only role that changes its local offer, rates and policy."""
    return make_user(Role.COUNCIL_ADMIN, council=council, full_name="Ada Administrator", email="ada@council.example")


@pytest.fixture
def files(settings, tmp_path):
    """Default storage in a fresh folder on disk (the suite otherwise keeps files in memory); returns the folder."""
    folder = tmp_path / "files"
    folder.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}},
    }
    settings.STATIC_ROOT = tmp_path / "static"
    return folder
