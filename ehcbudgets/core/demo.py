"""The demo: two fictional councils, about 40 children aged 2 to 24, plans, families and one sign-in per role.

Every name is invented. Everything is made through the service functions, so the audit trail is real.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from ehcbudgets.accounts.models import Role, User
from ehcbudgets.budgets.demo import build_budgets, build_offer
from ehcbudgets.core.dates import add_months, today
from ehcbudgets.councils.models import ICB, Council, CouncilPolicy
from ehcbudgets.monitoring.demo import build_monitoring
from ehcbudgets.payments.demo import build_payments
from ehcbudgets.people import services as people
from ehcbudgets.people.models import Relationship
from ehcbudgets.plans import services as plans
from ehcbudgets.plans.models import PlanStatus, ReviewDecision
from ehcbudgets.spending.demo import build_spending

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the demo's published password, printed by make run


@dataclass(frozen=True)
class DemoCouncil:
    name: str
    code: str
    domain: str
    icb_name: str
    icb_code: str
    former_ccgs: str
    advice: str


COUNCILS = [
    DemoCouncil(
        "Brightwater Borough Council",
        "brightwater",
        "brightwater.example",
        "NHS Brightwater and Fenmouth ICB",
        "QBF",
        "NHS Brightwater CCG, NHS Fenmouth CCG",
        "Free, impartial advice: Brightwater SENDIASS, 0300 000 0101 (an invented number).",
    ),
    DemoCouncil(
        "Kestrel Vale Council",
        "kestrel-vale",
        "kestrelvale.example",
        "NHS Kestrel Vale ICB",
        "QKV",
        "NHS Kestrel Vale CCG",
        "Free, impartial advice: Kestrel Vale SENDIASS, 0300 000 0202 (an invented number).",
    ),
]

STAFF = [
    (Role.CASE_OFFICER, "officer", "Case officer"),
    (Role.TEAM_MANAGER, "manager", "Team manager"),
    (Role.FINANCE_OFFICER, "finance", "Finance officer"),
    (Role.FINANCE_OFFICER, "finance2", "Finance officer who approves runs"),
    (Role.PANEL_MEMBER, "panel", "Panel member"),
    (Role.COUNCIL_ADMIN, "admin", "Council administrator"),
]

FIRST_NAMES = [
    "Ada",
    "Bram",
    "Cleo",
    "Dara",
    "Eli",
    "Fern",
    "Gus",
    "Hana",
    "Ivo",
    "Juno",
    "Kit",
    "Lark",
    "Milo",
    "Nell",
    "Otto",
    "Pia",
    "Quin",
    "Rae",
    "Sol",
    "Tove",
    "Uma",
    "Vico",
    "Wren",
    "Xan",
    "Yara",
    "Zeb",
]
LAST_NAMES = [
    "Ashdown",
    "Brackwell",
    "Copperfield",
    "Dunmore",
    "Elderby",
    "Farrowby",
    "Greymarsh",
    "Hollowell",
    "Ivesley",
    "Juniper",
    "Kettlewick",
    "Larkspur",
    "Marchbank",
    "Nettlefold",
    "Oakenshaw",
    "Pebblecombe",
    "Quillbrook",
    "Rushworth",
    "Saltmarsh",
    "Thistlewood",
]
ADULT_FIRST = ["Morgan", "Robin", "Sam", "Alex", "Jo", "Charlie", "Frankie", "Lee"]

OUTCOMES = [
    "To read and understand simple texts independently, at a level that lets them follow lessons with their class",
    "To tell adults and friends what they need, using words, signs or their communication aid",
    "To manage their own personal care at school with one adult nearby",
    "To travel independently on a familiar route to college",
    "To join an after-school club each week and make a friend there",
    "To move safely around school and the playground without falling",
    "To cope with changes to the school day without becoming distressed",
    "To prepare a simple meal at home with prompts",
    "To take part in a work placement for one day a week",
    "To sleep through the night most nights, so they and the family are rested",
]

PROVISION = {
    "F": [
        ("Support from a specialist teaching assistant in class", "15", "hour", "per_week", "setting"),
        ("Specialist literacy tuition from a qualified dyslexia teacher", "2", "hour", "per_week", "community"),
        ("Speech and language programme delivered by school staff", "3", "session", "per_week", "setting"),
        ("Specialist equipment: a communication aid and its software", "1", "item", "one_off", "home"),
        ("Mentoring to prepare for adulthood and employment", "1", "session", "per_week", "community"),
    ],
    "G": [
        ("Speech and language therapy from a therapist", "6", "session", "per_term", "setting"),
        ("Occupational therapy", "1", "session", "per_week", "home"),
        ("Physiotherapy programme with reviews", "4", "session", "per_term", "community"),
        ("Continence supplies", "1", "item", "per_year", "home"),
    ],
    "H1": [
        ("Overnight short breaks", "12", "day", "per_year", "community"),
        ("Personal assistant support at home", "6", "hour", "per_week", "home"),
    ],
    "H2": [
        ("Weekend activity club with support", "1", "session", "per_week", "community"),
        ("Travel training", "10", "session", "one_off", "community"),
    ],
}


def _birth_date(rng: random.Random, age: int, on: date) -> date:
    born = on.replace(year=on.year - age) if not (on.month == 2 and on.day == 29) else date(on.year - age, 2, 28)
    return born - timedelta(days=rng.randint(20, 330))


def _user(email: str, full_name: str, role: Role, *, council=None, icb=None, organisation="") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, full_name=full_name, role=role, council=council, icb=icb, organisation=organisation
        )
    return user


def _build_council(spec: DemoCouncil, rng: random.Random, on: date, offset: int) -> list[tuple[str, str]]:
    icb, _ = ICB.objects.get_or_create(
        code=spec.icb_code, defaults={"name": spec.icb_name, "former_ccg_names": spec.former_ccgs}
    )
    council = Council.objects.create(name=spec.name, code=spec.code, icb=icb, advice_text=spec.advice)
    CouncilPolicy.objects.create(council=council, effective_from=date(2025, 4, 1), under_five_review_months=6)
    signins = []
    for role, local, title in STAFF:
        user = _user(f"{local}@{spec.domain}", f"{title} (demo)", role, council=council)
        signins.append((role.label, user.email))
    officer = User.objects.get(email=f"officer@{spec.domain}")
    build_offer(council=council, admin=User.objects.get(email=f"admin@{spec.domain}"))
    icb_user = _user(f"icb@{spec.domain}", "ICB officer (demo)", Role.ICB_OFFICER, icb=icb)
    signins.append((Role.ICB_OFFICER.label, icb_user.email))

    children = []
    for i in range(20):
        age = 2 + (i * 22) // 19
        first = FIRST_NAMES[(i + offset) % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 7 + offset) % len(LAST_NAMES)]
        child = people.child_create(
            actor=officer,
            council=council,
            first_name=first,
            last_name=last,
            date_of_birth=_birth_date(rng, age, on),
            council_reference=f"{spec.code[:2].upper()}-{1000 + i}",
        )
        parent_name = f"{ADULT_FIRST[(i + offset) % len(ADULT_FIRST)]} {last}"
        people.contact_create(
            actor=officer,
            child=child,
            full_name=parent_name,
            relationship=Relationship.PARENT,
            email=f"{parent_name.split()[0].lower()}.{last.lower()}@family.example",
            phone=f"07700 900{100 + i:03d}",
            has_capacity_to_consent=True,
            capacity_assessed_on=on - timedelta(days=200),
        )
        children.append(child)
        _build_plan(child, officer, rng, on, i)

    # Family sign-ins, linked through contacts.
    parent_user = _user(f"parent@{spec.domain}", "Parent (demo)", Role.PARENT_CARER)
    signins.append((Role.PARENT_CARER.label, parent_user.email))
    for child in (children[3], children[8]):
        contact = child.contacts.get(relationship=Relationship.PARENT)
        people.contact_link_user(actor=officer, contact=contact, user=parent_user)
    if offset == 0:
        young = next(c for c in children if c.is_young_person(on) and 18 <= c.age_on(on) < 25)
        yp_user = _user(f"young.person@{spec.domain}", f"{young.full_name} (demo)", Role.YOUNG_PERSON)
        yp_contact = people.contact_create(
            actor=officer,
            child=young,
            full_name=young.full_name,
            relationship=Relationship.YOUNG_PERSON,
            email=yp_user.email,
            has_capacity_to_consent=True,
            capacity_assessed_on=on - timedelta(days=90),
        )
        people.contact_link_user(actor=officer, contact=yp_contact, user=yp_user)
        nominated = children[10]
        nominee_user = _user(f"nominee@{spec.domain}", "Nominee (demo)", Role.NOMINEE)
        nominee = people.contact_create(
            actor=officer,
            child=nominated,
            full_name="Jules Ferncastle",
            relationship=Relationship.NOMINEE,
            email=nominee_user.email,
            has_capacity_to_consent=True,
            capacity_assessed_on=on - timedelta(days=60),
            nominated_in_writing_on=on - timedelta(days=45),
            nominee_consent_on=on - timedelta(days=40),
        )
        people.contact_link_user(actor=officer, contact=nominee, user=nominee_user)
        org_user = _user(
            f"thirdparty@{spec.domain}",
            "Support service (demo)",
            Role.THIRD_PARTY,
            organisation="Brightwater Direct Payment Support (demo)",
        )
        for child in (children[5], children[12]):
            org = people.contact_create(
                actor=officer,
                child=child,
                full_name="Brightwater Direct Payment Support",
                relationship=Relationship.THIRD_PARTY,
                email=org_user.email,
            )
            people.contact_link_user(actor=officer, contact=org, user=org_user)
        signins += [
            (Role.YOUNG_PERSON.label, yp_user.email),
            (Role.NOMINEE.label, nominee_user.email),
            (Role.THIRD_PARTY.label, org_user.email),
        ]
    build_budgets(council=council, on=on)
    build_payments(council=council, on=on)
    build_spending(council=council, on=on)
    build_monitoring(council=council)
    return signins


def _build_plan(child, officer, rng: random.Random, on: date, i: int) -> None:
    """Plans in every status, most of them final with outcomes and provision across F, G, H1 and H2."""
    if i in (0, 19 - 1):
        return  # no plan yet for a toddler and one young adult
    start = PlanStatus.DRAFT if i % 7 else PlanStatus.NEEDS_ASSESSMENT
    plan = plans.plan_create(actor=officer, child=child, status=start, on=on)
    if start == PlanStatus.NEEDS_ASSESSMENT and i % 2 == 0:
        return
    outcomes = [
        plans.outcome_create(actor=officer, plan=plan, text=text, by_when=add_months(on, rng.choice([6, 12, 18, 24])))
        for text in rng.sample(OUTCOMES, k=rng.randint(2, 3))
    ]
    for section, items in PROVISION.items():
        if section in ("H1", "H2") and i % 3 == 0:
            continue
        for desc, qty, unit, freq, where in rng.sample(items, k=1 if section != "F" else 2):
            plans.provision_create(
                actor=officer,
                plan=plan,
                section=section,
                description=desc,
                quantity=Decimal(qty),
                unit=unit,
                frequency=freq,
                delivered_at=where,
                outcomes=rng.sample(outcomes, k=1),
            )
    if start == PlanStatus.NEEDS_ASSESSMENT:
        return
    if i % 5 == 1:
        return  # stays a draft
    issued = on - timedelta(days=rng.randint(60, 700))
    if child.age_on(issued) >= 25 or issued < child.date_of_birth:
        issued = on - timedelta(days=30)
    plans.plan_set_status(actor=officer, plan=plan, status=PlanStatus.FINAL, on=issued)
    if i % 4 == 2 and (on - issued).days > 200:
        meeting = issued + timedelta(days=rng.randint(150, (on - issued).days - 10))
        review = plans.plan_review_record(actor=officer, plan=plan, meeting_date=meeting)
        if i % 8 != 2:
            plans.plan_review_decide(
                actor=officer,
                review=review,
                decision=ReviewDecision.MAINTAIN,
                decided_on=min(on, meeting + timedelta(days=rng.randint(10, 35))),
            )
    if i == 17:
        plans.plan_set_status(
            actor=officer,
            plan=plan,
            status=PlanStatus.CEASED,
            on=on - timedelta(days=5),
            reason="The young person has moved into paid employment and no longer needs the plan",
        )


@transaction.atomic
def load_demo(*, seed: int = 2026, on: date | None = None) -> list[tuple[str, str, str]]:
    """Create the demo councils if they are not there yet; return (council, role, email) for every sign-in."""
    on = on or today()
    rng = random.Random(seed)
    rows = []
    for offset, spec in enumerate(COUNCILS):
        if Council.objects.filter(code=spec.code).exists():
            users = User.objects.filter(email__endswith="@" + spec.domain).order_by("pk")
            rows += [(spec.name, u.get_role_display(), u.email) for u in users]
            continue
        rows += [(spec.name, role, email) for role, email in _build_council(spec, rng, on, offset * 5)]
    return rows
