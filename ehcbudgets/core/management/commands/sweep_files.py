"""python manage.py sweep_files [--older-than-minutes 60] [--dry-run]

Removes stored files no record points at: letter PDFs, receipts and evidence left when a transaction rolled back
after the file was written (`core.files.files_sweep`). Run it daily or weekly.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from ehcbudgets.core.files import files_sweep


class Command(BaseCommand):
    help = "Remove stored letters, receipts and evidence that no record points at."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=60, help="Leave younger files alone.")
        parser.add_argument("--dry-run", action="store_true", help="List the files; remove nothing.")

    def handle(self, *args, older_than_minutes: int, dry_run: bool, **options):
        removed = files_sweep(older_than=timedelta(minutes=older_than_minutes), dry_run=dry_run)
        for name in removed:
            self.stdout.write(name)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} {len(removed)} file{'' if len(removed) == 1 else 's'}.")
