"""Background tasks (django.tasks; the database backend's `db_worker` runs them, ADR 11)."""

from django.tasks import task

from ehcbudgets.core.dates import today
from ehcbudgets.councils.models import Council

from . import services


@task
def run_sweep(sweep_id: int) -> int:
    """Run one queued sweep; returns the number of findings it raised."""
    return services.sweep_run(sweep_id=sweep_id).raised


@task
def send_reminders(council_id: int) -> int:
    """Send the day's reminders for one council; returns how many were sent."""
    return services.reminders_send(council=Council.objects.get(pk=council_id), on=today())
