"""Fixtures for the budgets services: a small local offer, a child with a plan and a parent, and a helper that takes
a budget through request, costing, submission and approval the way the pages do (through the services).

The catalogue (rates in pounds; April 2026 is when some rates change):

=========  ===========================================  ===========  ======  ==========================
code       item                                         stream       unit    rate
=========  ===========================================  ===========  ======  ==========================
TA         Specialist teaching assistant support ...    education    hour    24.80 from 1 Apr 2025,
                                                                             25.60 from 1 Apr 2026
PLACE      Place at an independent special school       education    day     310.00 (placement, R9)
SLT        Speech and language therapy from a therapist health       session 68.00 (block contract, R4)
OT         Occupational therapy                         health       session 72.00
PA         Personal assistant support at home           social care  hour    16.40
EQUINE     Equine-assisted therapy                      social care  session 55.00 (outside the local offer)
=========  ===========================================  ===========  ======  ==========================

The plan (`case`): F 15 hours a week of TA support at the setting; G 6 sessions a term of speech and language
therapy; H2 4 hours a week of PA support at home. Costed for 1 April 2026 to 31 March 2027 it comes to
TA 15 x 25.60 x 39 = 14,976.00, SLT 6 x 68.00 x 3 = 1,224.00, PA 4 x 16.40 x 52 = 3,411.20; 19,611.20 in all.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets import services
from ehcbudgets.budgets.models import Budget, BudgetLine, BudgetRequest, BudgetStatus
from ehcbudgets.letters.tests.factories import TINY_PDF
from ehcbudgets.offer.models import Category
from ehcbudgets.offer.tests.factories import OfferItemFactory, RateFactory
from ehcbudgets.people.models import Child, Contact, Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.plans.models import Outcome, Plan, PlanStatus, ProvisionItem
from ehcbudgets.plans.tests.factories import OutcomeFactory, PlanFactory, ProvisionItemFactory

APRIL_2025 = date(2025, 4, 1)
APRIL_2026 = date(2026, 4, 1)
#: The budget period most tests use: a year from the April 2026 rate change.
PERIOD_START, PERIOD_END = APRIL_2026, date(2027, 3, 31)
#: A date in the past on which capacity was assessed and nominations were made.
ASSESSED_ON = date(2026, 1, 5)
ISSUED_ON = date(2025, 9, 1)

#: The total of the standard plan's three lines for PERIOD_START to PERIOD_END (see the module docstring).
TA_AMOUNT, SLT_AMOUNT, PA_AMOUNT = Decimal("14976.00"), Decimal("1224.00"), Decimal("3411.20")
FULL_TOTAL = TA_AMOUNT + SLT_AMOUNT + PA_AMOUNT

R12_FINDINGS = {
    "will_secure_provision": "Has arranged a personal assistant before and has a named provider.",
    "best_interests": "Knows the child's needs best and involved them in choosing the support.",
    "no_harm_to_services": "The support is bought individually; no block contract is affected.",
    "efficient_use": "The direct payment costs no more than the council arranging the same support.",
}


@pytest.fixture
def quick_pdf(monkeypatch):
    """Letters keep their real HTML body, but their PDF is a tiny stand-in: WeasyPrint costs a fifth of a second a
    letter and the letters app tests it. A test about the stored PDF itself leaves this fixture out."""
    monkeypatch.setattr("ehcbudgets.letters.services.html_to_pdf", lambda html: TINY_PDF)


@pytest.fixture
def real_pdf(quick_pdf, monkeypatch):
    """Undo quick_pdf for one test: its letters are rendered by WeasyPrint and stored as real PDFs."""
    from ehcbudgets.letters.pdf import html_to_pdf

    monkeypatch.setattr("ehcbudgets.letters.services.html_to_pdf", html_to_pdf)


@pytest.fixture
def on_day(monkeypatch):
    """on_day(date) makes the services' "today" (Europe/London) that date for the rest of the test."""
    real = timezone.localdate

    def set_today(day: date) -> date:
        def fake(value=None, timezone=None):
            return day if value is None else real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", fake)
        return day

    return set_today


@pytest.fixture
def manager(make_user, council):
    """A team manager of `council`: may approve and refuse budgets and review decisions."""
    return make_user(Role.TEAM_MANAGER, council=council, full_name="Morgan Manager")


@pytest.fixture
def other_manager(make_user, council):
    """A second team manager, for maker-checker and for reviews of a decision."""
    return make_user(Role.TEAM_MANAGER, council=council, full_name="Riley Reviewer")


@pytest.fixture
def panel_member(make_user, council):
    return make_user(Role.PANEL_MEMBER, council=council, full_name="Pat Panel")


@pytest.fixture
def parent_user(make_user):
    """The sign-in of the parent in `case`."""
    return make_user(Role.PARENT_CARER, full_name="Sam Parent")


@pytest.fixture
def catalogue(council):
    """The council's small local offer, written directly (the offer app tests its own services)."""

    def item(code, name, category, stream, unit, rates, **extra):
        made = OfferItemFactory(
            council=council, code=code, name=name, category=category, funding_stream=stream, unit=unit, **extra
        )
        for effective_from, amount in rates:
            RateFactory(item=made, amount=Decimal(amount), effective_from=effective_from)
        return made

    return SimpleNamespace(
        TA=item(
            "TA",
            "Specialist teaching assistant support in class",
            Category.TEACHING_SUPPORT,
            "education",
            "hour",
            [(APRIL_2025, "24.80"), (APRIL_2026, "25.60")],
        ),
        PLACE=item(
            "PLACE",
            "Place at an independent special school",
            Category.PLACEMENT,
            "education",
            "day",
            [(APRIL_2025, "310.00")],
            placement=True,
        ),
        SLT=item(
            "SLT",
            "Speech and language therapy from a therapist",
            Category.THERAPY,
            "health",
            "session",
            [(APRIL_2025, "68.00")],
            block=True,
            contract_reference="NHS-SLT-2024-017",
        ),
        OT=item("OT", "Occupational therapy", Category.THERAPY, "health", "session", [(APRIL_2025, "72.00")]),
        PA=item(
            "PA",
            "Personal assistant support at home",
            Category.PERSONAL_ASSISTANT,
            "social_care",
            "hour",
            [(APRIL_2025, "16.40")],
        ),
        EQUINE=item(
            "EQUINE",
            "Equine-assisted therapy",
            Category.THERAPY,
            "social_care",
            "session",
            [(APRIL_2025, "55.00")],
            in_local_offer=False,
        ),
    )


@dataclass
class Case:
    """A child, their parent (a contact with capacity, linked to a sign-in when one is given) and their plan."""

    child: Child
    parent: Contact
    plan: Plan
    outcome: Outcome
    ta: ProvisionItem  # F: 15 hours a week at the setting, education
    slt: ProvisionItem  # G: 6 sessions a term, health
    pa: ProvisionItem  # H2: 4 hours a week at home, social care


class Budgets:
    """Takes a case through the budget services; each step is the service a page would call."""

    def __init__(self, *, council, officer, manager, catalogue, admin=None):
        self.council, self.officer, self.manager, self.catalogue = council, officer, manager, catalogue
        self.admin = admin  # the council administrator, who alone changes the rate card

    def case(self, *, child=None, status=PlanStatus.DRAFT, parent_user=None) -> Case:
        """A plan with F, G and H2 provision, each linked to one outcome; issued for statuses past draft."""
        child = child or ChildFactory(council=self.council)
        parent = ContactFactory(
            child=child,
            full_name=f"Sam Parent of {child.first_name}",
            address="1 High Street\nBrightwater\nBW1 1AA",
            has_capacity_to_consent=True,
            capacity_assessed_on=ASSESSED_ON,
            user=parent_user,
        )
        issued = {} if status in (PlanStatus.NEEDS_ASSESSMENT, PlanStatus.DRAFT) else {"issued_on": ISSUED_ON}
        plan = PlanFactory(child=child, status=status, **issued)
        outcome = OutcomeFactory(plan=plan, text="To take part in lessons with less adult help")
        ta = ProvisionItemFactory(plan=plan, outcomes=[outcome])
        slt = ProvisionItemFactory(plan=plan, health=True, outcomes=[outcome])
        pa = ProvisionItemFactory(
            plan=plan,
            section="H2",
            description="Personal assistant support at home",
            quantity=Decimal("4"),
            unit="hour",
            frequency="per_week",
            delivered_at="home",
            funding_stream="social_care",
            outcomes=[outcome],
        )
        return Case(child=child, parent=parent, plan=plan, outcome=outcome, ta=ta, slt=slt, pa=pa)

    def request(self, case: Case, *, actor=None, requester=None, channel="letter", **kwargs) -> BudgetRequest:
        """The parent's request, recorded by the officer from a letter unless told otherwise."""
        return services.budget_request_record(
            actor=actor or self.officer,
            child=case.child,
            requester=requester or case.parent,
            channel=channel,
            **kwargs,
        )

    def start(self, case: Case, *, period_start=PERIOD_START, **kwargs) -> Budget:
        """A request from the parent, then a budget costed from the plan."""
        request = self.request(case)
        return services.budget_start(actor=self.officer, request=request, period_start=period_start, **kwargs)

    def line(self, budget: Budget, code: str) -> BudgetLine:
        return BudgetLine.objects.get(budget=budget, offer_item__code=code)

    def set_mode(self, budget: Budget, code: str, mode: str, **fields) -> BudgetLine:
        line = self.line(budget, code)
        return services.budget_line_set(
            actor=self.officer,
            budget=budget,
            provision_item=line.provision_item,
            line=line,
            management_mode=mode,
            **fields,
        )

    def dp_case(self, budget: Budget, recipient: Contact, **overrides):
        return services.direct_payment_case_record(
            actor=self.officer, budget=budget, recipient=recipient, **{**R12_FINDINGS, **overrides}
        )

    def with_direct_payment(self, case: Case, **kwargs) -> Budget:
        """The standard budget with the PA line as a direct payment to the parent, all findings recorded."""
        budget = self.start(case, **kwargs)
        self.set_mode(budget, "PA", "direct_payment")
        self.dp_case(budget, case.parent)
        return self.fresh(budget)

    def submit(self, budget: Budget, final_amount=None) -> Budget:
        budget = self.fresh(budget)
        amount = budget.costed_total if final_amount is None else final_amount
        return services.budget_submit(actor=self.officer, budget=budget, final_amount=amount)

    def agree(self, budget: Budget) -> Budget:
        self.submit(budget)
        return services.budget_approve(actor=self.manager, budget=self.fresh(budget))

    def awaiting_approval(self, budget: Budget) -> Budget:
        """Put a budget straight into "waiting for approval" at its costed total, without submission's own checks,
        so an approval test controls exactly what blocks it (the submission checks have their own tests)."""
        budget = self.fresh(budget)
        Budget.objects.filter(pk=budget.pk).update(
            status=BudgetStatus.AWAITING_APPROVAL, final_amount=budget.costed_total, submitted_at=timezone.now()
        )
        return self.fresh(budget)

    @staticmethod
    def fresh(obj):
        obj.refresh_from_db()
        return obj


@pytest.fixture
def pb(council, officer, manager, catalogue, council_admin):
    """The helper that builds cases and budgets through the services (see Budgets)."""
    return Budgets(council=council, officer=officer, manager=manager, catalogue=catalogue, admin=council_admin)


@pytest.fixture
def case(pb, child, parent_user):
    """The root fixture's child with a draft plan (F, G, H2) and a parent linked to `parent_user`."""
    return pb.case(child=child, parent_user=parent_user)


@pytest.fixture
def budget(pb, case):
    """The case's budget being costed for PERIOD_START to PERIOD_END: TA, SLT and PA lines, all arranged by the
    council (the first mode each item allows in the order organised, direct payment, third party)."""
    return pb.start(case)


def nominee_of(child, **fields) -> Contact:
    """A nominee contact with capacity; pass nominated_in_writing_on / nominee_consent_on as the test needs."""
    return ContactFactory(
        child=child,
        relationship=Relationship.NOMINEE,
        full_name="Nico Nominee",
        has_capacity_to_consent=True,
        capacity_assessed_on=ASSESSED_ON,
        **fields,
    )


@pytest.fixture
def make_nominee():
    return nominee_of
