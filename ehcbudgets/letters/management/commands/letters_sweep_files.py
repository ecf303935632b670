"""python manage.py letters_sweep_files [--older-than-minutes 60] [--dry-run]

The earlier name of `sweep_files`, kept so existing cron lines go on working: it removes letter PDFs, receipts and
evidence that no record points at.
"""

from ehcbudgets.core.management.commands.sweep_files import Command as SweepFiles


class Command(SweepFiles):
    pass
