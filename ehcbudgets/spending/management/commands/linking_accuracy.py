"""How many lines of the demo families' later statements land on the right provision line with nothing to edit.

    manage.py linking_accuracy

Each active agreement's statement for the weeks after the demo's saved first weeks is previewed (through the same
service a family uses) inside a transaction that is rolled back, and its suggestions are compared with the support
each line truly paid for. Five statements are drawn for each agreement (different payees, amounts and card
references) so the figure rests on about a hundred lines. The figure is in the README.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from ehcbudgets.core.dates import today
from ehcbudgets.payments.models import Agreement, AgreementStatus
from ehcbudgets.spending import demo, services


class _RollBack(Exception):
    pass


SEEDS = range(2027, 2032)


def measure() -> list[tuple[Agreement, int, int]]:
    """(agreement, right, total) for each active agreement's later statement, changing nothing."""
    results = []
    layout = demo.shipped_layout(demo.LAYOUT)
    for agreement in Agreement.objects.filter(status=AgreementStatus.ACTIVE).select_related("recipient"):
        start = agreement.start_date + timedelta(weeks=6)
        end = today() - timedelta(days=1)
        if end < start:
            continue
        actor = agreement.recipient.user or agreement.created_by
        for seed in SEEDS:
            data, truth = demo.statement_for(agreement, start, end, seed=seed)
            try:
                with transaction.atomic():
                    statement = services.statement_preview(
                        actor=actor, agreement=agreement, data=data, filename="later-weeks.csv", layout=layout
                    )
                    results.append((agreement, *demo.accuracy(agreement, statement, truth)))
                    raise _RollBack
            except _RollBack:
                pass
    return results


class Command(BaseCommand):
    help = "Measure how many demo statement lines are linked to the right provision line without an edit."

    def handle(self, *args, **options):
        results = measure()
        right = sum(r for _, r, _ in results)
        total = sum(t for _, _, t in results)
        for agreement, r, t in results:
            self.stdout.write(f"{agreement.council.code} agreement {agreement.pk}: {r} of {t} lines")
        share = right / total if total else 0
        self.stdout.write(f"Linked without an edit: {right} of {total} lines ({share:.1%})")
