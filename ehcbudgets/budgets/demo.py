"""The demo's local offer, rate card and budgets, made through the services like everything else in the demo."""

from datetime import date, timedelta
from decimal import Decimal

from ehcbudgets.accounts.models import Role, User
from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.offer import services as offer
from ehcbudgets.people.models import Child, Relationship
from ehcbudgets.plans.models import PlanStatus

from . import selectors, services

POLICY_TEXT = (
    "Every family whose child has an EHC plan, or is getting one, can ask for a personal budget. We work out the cost "
    "of the support in the plan from our published rates, and agree with you how each part is held: as a direct "
    "payment to you, arranged by us or the NHS, through a third party, or a mix. We decide within 10 working days of "
    "your request and always give reasons in writing if we say no, with your right to ask us to look again."
)

# code, name, category, stream, unit, rate from 1 April 2025, rate from 1 April 2026, extra
CATALOGUE = [
    (
        "TA",
        "Specialist teaching assistant support in class",
        "teaching_support",
        "education",
        "hour",
        "24.80",
        "25.60",
        {},
    ),
    (
        "LIT",
        "Specialist literacy tuition from a dyslexia teacher",
        "tuition",
        "education",
        "hour",
        "42.00",
        "43.50",
        {},
    ),
    (
        "SLP",
        "Speech and language programme delivered by school staff",
        "teaching_support",
        "education",
        "session",
        "18.00",
        "18.50",
        {},
    ),
    ("EQ", "Communication aid and its software", "equipment", "education", "item", "1450.00", None, {}),
    ("MEN", "Mentoring to prepare for adulthood and employment", "activity", "education", "session", "35.00", None, {}),
    (
        "PLACE",
        "Place at an independent specialist school",
        "placement",
        "education",
        "day",
        "310.00",
        "322.00",
        {"allows_direct_payment": False, "allows_third_party": False},
    ),
    (
        "SLT",
        "Speech and language therapy from a therapist",
        "therapy",
        "health",
        "session",
        "68.00",
        "70.00",
        {
            "block_contract": True,
            "contract_reference": "NHS-SLT-2024-017",
            "allows_direct_payment": False,
            "allows_third_party": False,
        },
    ),
    ("OT", "Occupational therapy", "therapy", "health", "session", "72.00", None, {}),
    ("PHYS", "Physiotherapy programme with reviews", "therapy", "health", "session", "65.00", None, {}),
    ("CONT", "Continence supplies", "health_supplies", "health", "item", "640.00", None, {}),
    ("SB", "Overnight short breaks", "short_break", "social_care", "day", "210.00", "218.00", {}),
    ("PA", "Personal assistant support at home", "personal_assistant", "social_care", "hour", "15.80", "16.40", {}),
    ("ACT", "Weekend activity club with support", "activity", "social_care", "session", "28.00", None, {}),
    ("TRAV", "Travel training", "transport", "social_care", "session", "40.00", None, {}),
    (
        "EQUINE",
        "Equine-assisted therapy",
        "therapy",
        "social_care",
        "session",
        "55.00",
        None,
        {"in_local_offer": False},
    ),
]


def build_offer(*, council, admin) -> None:
    """The council's catalogue with rates from April 2025 (and new rates for some from April 2026), its list of what
    direct payments cannot buy, and its published policy."""
    for code, name, category, stream, unit, rate, new_rate, extra in CATALOGUE:
        item = offer.offer_item_create(
            actor=admin,
            council=council,
            code=code,
            name=name,
            category=category,
            funding_stream=stream,
            unit=unit,
            **extra,
        )
        offer.rate_add(actor=admin, item=item, amount=Decimal(rate), effective_from=date(2025, 4, 1))
        if new_rate:
            offer.rate_add(actor=admin, item=item, amount=Decimal(new_rate), effective_from=date(2026, 4, 1))
    offer.restrictions_install_defaults(actor=admin, council=council)
    CouncilPolicy.objects.filter(council=council).update(budget_policy_text=POLICY_TEXT)


def build_budgets(*, council, on: date) -> None:
    """Budgets in several states: agreed with a direct payment and Section J, waiting for approval, being costed,
    and a request refused because there is no plan."""
    officer = User.objects.get(council=council, role=Role.CASE_OFFICER)
    manager = User.objects.get(council=council, role=Role.TEAM_MANAGER)
    children = list(Child.objects.filter(council=council).order_by("pk"))
    with_final_plan = [c for c in children if c.plans.filter(status=PlanStatus.FINAL).exists()]
    family_children = [c for c in with_final_plan if c.contacts.filter(user__role=Role.PARENT_CARER).exists()]

    # 1. Agreed, with a direct payment for the social care or therapy lines, and Section J written.
    for child in family_children[:1] or with_final_plan[:1]:
        parent = child.contacts.filter(relationship=Relationship.PARENT).first()
        requester_user = parent.user
        request = services.budget_request_record(
            actor=requester_user or officer,
            child=child,
            requester=parent,
            channel="online",
            received_on=on,
            what_for="Short breaks and a PA",
        )
        # The agreed budget began 14 weeks ago, so its direct payments have a history of spending to show.
        budget = services.budget_start(
            actor=officer, request=request, period_start=on - timedelta(weeks=14), indicative_amount=Decimal("9000.00")
        )
        for line in selectors.lines_of(budget=budget):
            if "direct_payment" in line.offer_item.allowed_modes and line.provision_item.delivered_at != "setting":
                services.budget_line_set(
                    actor=officer,
                    budget=budget,
                    provision_item=line.provision_item,
                    line=line,
                    management_mode="direct_payment",
                )
        services.direct_payment_case_record(
            actor=officer,
            budget=budget,
            recipient=parent,
            will_secure_provision="Has arranged short breaks with a registered provider before; has a plan for a PA.",
            best_interests="Knows the child's needs best and has involved them in choosing the support.",
            no_harm_to_services="The services are bought individually; no block contract is affected.",
            efficient_use="The direct payment costs no more than the council arranging the same support.",
        )
        budget.refresh_from_db()
        services.budget_submit(actor=officer, budget=budget, final_amount=budget.costed_total)
        services.budget_approve(actor=manager, budget=budget)
        services.section_j_issue(actor=officer, budget=budget)

    rest = [c for c in with_final_plan if not c.budget_requests.exists()]
    # 2. Costed and waiting for a manager's approval.
    for child in rest[:1]:
        parent = child.contacts.filter(relationship=Relationship.PARENT).first()
        request = services.budget_request_record(
            actor=officer, child=child, requester=parent, channel="letter", received_on=on
        )
        budget = services.budget_start(actor=officer, request=request, period_start=on)
        if budget.lines.exists():
            services.budget_submit(actor=officer, budget=budget, final_amount=budget.costed_total)
    # 3. A request received, not yet costed.
    for child in rest[1:2]:
        parent = child.contacts.filter(relationship=Relationship.PARENT).first()
        services.budget_request_record(
            actor=officer,
            child=child,
            requester=parent,
            channel="phone",
            received_on=on,
            what_for="Help with travel training",
        )
    # 4. Refused: no plan and none being prepared (DOMAIN R1).
    for child in [c for c in children if not c.plans.exists() and not c.is_young_person(on)][:1]:
        parent = child.contacts.filter(relationship=Relationship.PARENT).first()
        services.budget_request_record(actor=officer, child=child, requester=parent, channel="email", received_on=on)
