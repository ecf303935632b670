"""python manage.py letters_sweep_files [--older-than-minutes 60] [--dry-run]

Removes letter PDFs that no letter points at (left when a transaction rolled back after the file was written).
Run it daily.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from ehcbudgets.letters.services import letter_files_sweep


class Command(BaseCommand):
    help = "Remove letter PDFs that no letter points at."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=60, help="Leave younger files alone.")
        parser.add_argument("--dry-run", action="store_true", help="List the files; remove nothing.")

    def handle(self, *args, older_than_minutes: int, dry_run: bool, **options):
        removed = letter_files_sweep(older_than=timedelta(minutes=older_than_minutes), dry_run=dry_run)
        for name in removed:
            self.stdout.write(name)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} {len(removed)} file{'' if len(removed) == 1 else 's'}.")
