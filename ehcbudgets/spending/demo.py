"""The demo's family spending, made through the services: a statement of the first weeks imported and saved (the
family corrects what the suggestions got wrong), a council linking rule, money owed and set aside, and the first
quarterly return sent. `statement_for` also writes the later weeks' statement that measures how well suggestions
land (`manage.py linking_accuracy`, README)."""

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ehcbudgets.accounts.models import Role, User
from ehcbudgets.offer.models import OfferItem
from ehcbudgets.payments.models import Agreement, AgreementStatus

from . import selectors, services
from .models import CsvLayout

LAYOUT = "Generic: Date, Description, Amount, Balance"

#: What a family's statement shows for each kind of support: the payee as banks print it, and the kind of spending.
PAYEES = {
    "tuition": [
        ("DYSLEXIA TUTORING SERVICES", "tuition"),
        ("MS A REED TUTOR", "tuition"),
        ("BRIGHT MINDS TUITION", "tuition"),
    ],
    "teaching_support": [("LEARNING SUPPORT TUTOR J OKAFOR", "tuition")],
    "activity": [
        ("PAYPAL *{ref} LEISURE", "activity"),
        ("STEP AHEAD MENTORING CIC", "activity"),
        ("RIVERSIDE SWIMMING CLUB", "activity"),
        ("CITY TRAMPOLINE CLUB", "activity"),
    ],
    "short_break": [("LAKESIDE HOLIDAY CLUB", "short_break"), ("FOREST RESPITE BREAKS", "short_break")],
    "therapy": [
        ("PHYSIO PLUS CLINIC", "therapy"),
        ("BRIGHT STEPS THERAPY LTD", "therapy"),
        ("SUMUP *KM HEALTH", "therapy"),
    ],
    "equipment": [
        ("SENSORY DIRECT LTD", "equipment"),
        ("COMMUNICATION AID SOFTWARE LTD", "equipment"),
        ("AMAZON.CO.UK*{ref}", "equipment"),
    ],
    "health_supplies": [("CONTINENCE PRODUCTS ONLINE", "health_supplies"), ("HIGH STREET PHARMACY", "health_supplies")],
    "personal_assistant": [("PA WAGES J SMITH", "wages"), ("PAYROLL BUREAU LTD", "employer_costs")],
    "transport": [("CITY TAXIS", "travel")],
}


@dataclass(frozen=True)
class DemoRow:
    """One line of a demo statement and the support it truly paid for (None for money in and fees)."""

    on: date
    payee: str
    amount: Decimal  # money out positive
    line_pk: int | None


def _rows(agreement: Agreement, start: date, end: date, rng: random.Random) -> list[DemoRow]:
    rows = []
    lines = list(agreement.lines.select_related("budget_line__offer_item"))
    weeks = max(((end - start).days + 1) // 7, 1)
    for line in lines:
        choices = PAYEES.get(line.budget_line.offer_item.category) or [(f"{line.description[:30].upper()}", "other")]
        weekly = line.amount / 52
        for week in range(weeks):
            if rng.random() < 0.45:
                continue
            payee, _ = choices[rng.randrange(len(choices))]
            payee = payee.format(ref="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(6)))
            amount = (weekly * Decimal(rng.choice(["1.2", "1.5", "1.8", "2.0"]))).quantize(Decimal("0.01"))
            day = start + timedelta(days=week * 7 + rng.randrange(7))
            if day <= end:
                rows.append(DemoRow(day, payee, amount, line.pk))
    rows.append(DemoRow(end, "CARD ACCOUNT FEE", Decimal("1.50"), None))
    rows.sort(key=lambda r: (r.on, r.payee))
    return rows


def statement_for(agreement: Agreement, start: date, end: date, seed: int = 2026) -> tuple[bytes, list[DemoRow]]:
    """A CSV statement (the generic layout) of the agreement's account from `start` to `end`, and the truth of it.

    The draws follow the agreement's council and child, never its database id: ids differ between databases and test
    runs, and the statements (so the measured linking accuracy) must not."""
    rng = random.Random(f"{seed}-{agreement.council.code}-{agreement.child}-{start}")
    rows = _rows(agreement, start, end, rng)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Date", "Description", "Amount", "Balance"])
    balance = Decimal("1000.00")
    for row in rows:
        balance -= row.amount
        writer.writerow([row.on.strftime("%d/%m/%Y"), row.payee, f"{-row.amount:.2f}", f"{balance:.2f}"])
    return out.getvalue().encode("utf-8"), rows


def accuracy(agreement: Agreement, statement, truth: list[DemoRow]) -> tuple[int, int]:
    """How many of a previewed statement's spending lines are suggested on the right line with nothing to edit."""
    right = total = 0
    for line, row in zip(statement.lines.order_by("line_number"), truth, strict=True):
        if row.line_pk is None or line.is_payment_in:
            continue
        total += 1
        suggested = [int(pk) for pk, _ in line.suggestion]
        right += suggested == [row.line_pk] and bool(line.suggested_category)
    return right, total


def shipped_layout(name: str) -> CsvLayout:
    """A layout the migration ships, put back if a test database was emptied after migrating (the browser tests)."""
    from importlib import import_module

    shipped = import_module("ehcbudgets.spending.migrations.0002_shipped_csv_layouts").LAYOUTS
    for layout in shipped:
        CsvLayout.objects.get_or_create(name=layout["name"], defaults=layout)
    return CsvLayout.objects.get(name=name)


def build_spending(*, council, on: date) -> None:
    """The first weeks of each active agreement's spending, saved from a statement as a family would."""
    officer = User.objects.get(council=council, role=Role.CASE_OFFICER)
    admin = User.objects.get(council=council, role=Role.COUNCIL_ADMIN)
    layout = shipped_layout(LAYOUT)
    for agreement in Agreement.objects.filter(council=council, status=AgreementStatus.ACTIVE):
        actor = agreement.recipient.user or officer
        first_weeks_end = agreement.start_date + timedelta(weeks=6) - timedelta(days=1)
        data, truth = statement_for(agreement, agreement.start_date, min(first_weeks_end, on - timedelta(days=1)))
        statement = services.statement_preview(
            actor=actor, agreement=agreement, data=data, filename="statement-first-weeks.csv", layout=layout
        )
        choices = {}
        for line, row in zip(statement.lines.order_by("line_number"), truth, strict=True):
            if row.line_pk is None:  # the card fee: the council pays it, so it is not the family's spending
                choices[line.pk] = {"skip": True}
            elif [int(pk) for pk, _ in line.suggestion] != [row.line_pk] or not line.suggested_category:
                choices[line.pk] = {
                    "category": line.suggested_category or "other",
                    "parts": [(row.line_pk, line.amount)],
                }
        services.statement_save(actor=actor, statement=statement, choices=choices)
        services.commitment_add(
            actor=actor,
            agreement=agreement,
            description="Invoice for this month's sessions",
            amount=Decimal("120.00"),
            due_on=on + timedelta(days=10),
        )
        services.savings_add(
            actor=actor,
            agreement=agreement,
            name="Summer activity week",
            amount=Decimal("200.00"),
            for_date=date(on.year + 1, 7, 27),
        )
        periods = [p for p in selectors.return_periods(agreement=agreement) if p[1] < on]
        if periods and agreement.recipient.user:
            services.return_submit(actor=agreement.recipient.user, agreement=agreement, period_start=periods[0][0])
    if OfferItem.objects.filter(council=council, code="PA").exists():
        services.link_rule_add(
            actor=admin, council=council, words="payroll bureau", category="employer_costs", split=[["PA", 100]]
        )
