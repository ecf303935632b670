"""The morning's monitoring, for cron or a systemd timer: for every council, queue an incremental check of the rules
(a full one with --full) and the day's reminders. The tasks run in `manage.py db_worker` (ADR 11; docs/deploy.md)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from ehcbudgets.councils.models import Council
from ehcbudgets.monitoring import services, tasks
from ehcbudgets.monitoring.models import SweepKind


class Command(BaseCommand):
    help = "Queue each council's daily check of the monitoring rules and its reminders."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Re-check everything, not only what changed.")
        parser.add_argument("--no-reminders", action="store_true", help="Queue the checks only.")

    def handle(self, *args, full=False, no_reminders=False, **options):
        kind = SweepKind.FULL if full else SweepKind.INCREMENTAL
        for council in Council.objects.order_by("pk"):
            try:
                sweep = services.sweep_start(actor=None, council=council, kind=kind)
            except ValidationError as error:
                self.stdout.write(f"{council}: {error.messages[0]}")
            else:
                self.stdout.write(f"{council}: {sweep.get_kind_display().lower()} check queued (sweep {sweep.pk})")
            if not no_reminders:
                tasks.send_reminders.enqueue(council.pk)
                self.stdout.write(f"{council}: reminders queued")
