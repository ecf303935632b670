"""Audit events are append only: not through the model, the queryset, the admin, nor raw SQL in the database."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from ehcbudgets.accounts.models import User
from ehcbudgets.audit.models import AuditEvent, AuditEventImmutable
from ehcbudgets.audit.services import audit_record
from ehcbudgets.people import services as people
from ehcbudgets.people.tests.factories import born_years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(officer, council):
    people.child_create(
        actor=officer,
        council=council,
        first_name="Ada",
        last_name="Ashdown",
        date_of_birth=born_years_ago(8),
        council_reference="BW-1",
    )
    return AuditEvent.objects.get(action="child.created")


def _summary_in_database(event) -> str:
    return AuditEvent.objects.values_list("summary", flat=True).get(pk=event.pk)


def test_saving_a_changed_event_is_refused(event):
    event.summary = "Nothing happened"
    with pytest.raises(AuditEventImmutable):
        event.save()
    assert _summary_in_database(event) == "Added Ada Ashdown"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_updating_events_through_the_queryset_is_refused(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Nothing happened")
    assert _summary_in_database(event) == "Added Ada Ashdown"


def test_updating_events_through_the_manager_is_refused(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.update(summary="Nothing happened")
    assert _summary_in_database(event) == "Added Ada Ashdown"


def test_deleting_events_through_the_queryset_is_refused(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_of_events_is_refused(event):
    event.summary = "Nothing happened"
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.bulk_update([event], ["summary"])
    assert _summary_in_database(event) == "Added Ada Ashdown"


@pytest.fixture
def superuser_request(db):
    request = RequestFactory().get("/platform-admin/audit/auditevent/")
    request.user = User.objects.create_superuser("root@platform.example", "x" * 16, full_name="Platform admin")
    return request


def test_the_admin_cannot_add_events(superuser_request):
    assert site._registry[AuditEvent].has_add_permission(superuser_request) is False


def test_the_admin_cannot_change_events(superuser_request, event):
    assert site._registry[AuditEvent].has_change_permission(superuser_request, event) is False


def test_the_admin_cannot_delete_events(superuser_request, event):
    assert site._registry[AuditEvent].has_delete_permission(superuser_request, event) is False


def test_the_admin_change_page_of_an_event_is_read_only(client, superuser_request, event):
    client.force_login(superuser_request.user)
    response = client.post(f"/platform-admin/audit/auditevent/{event.pk}/change/", {"summary": "Nothing happened"})
    assert response.status_code in (200, 403)
    assert _summary_in_database(event) == "Added Ada Ashdown"


def test_the_database_refuses_a_raw_sql_update(event):
    """The migration's trigger: on SQLite and on PostgreSQL alike."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with (
        pytest.raises(DatabaseError, match="audit events cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET summary = %s WHERE id = %s", ["Nothing happened", event.pk])  # noqa: S608
    assert _summary_in_database(event) == "Added Ada Ashdown"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite keeps DELETE possible at the database level: its test flushes empty tables with it",
)
def test_postgresql_refuses_a_raw_sql_delete(event):
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with (
        pytest.raises(DatabaseError, match="audit events cannot be changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_new_event_can_still_be_written(officer, council, event):
    with transaction.atomic():
        audit_record(actor=officer, action="test.appended", obj=council, council=council, summary="Appended")
    assert AuditEvent.objects.filter(action="test.appended", council=council).count() == 1


def test_an_event_names_a_system_actor_when_there_is_no_user(council):
    with transaction.atomic():
        event = audit_record(actor=None, action="sweep.ran", obj=council, summary="Nightly sweep")
    assert (event.actor, event.actor_label) == (None, "System")


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_the_changes_transaction(council):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="orphan", obj=council, summary="Written on its own")
    assert not AuditEvent.objects.filter(action="orphan").exists()


def test_changes_lists_only_the_fields_that_changed():
    event = AuditEvent(before={"a": 1, "b": 2}, after={"a": 1, "b": 3, "c": 4})
    assert event.changes == [("b", 2, 3), ("c", None, 4)]
