"""The journeys people make through the service, in a real browser, with and without JavaScript."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

OFFICER = "officer@brightwater.example"
PARENT = "parent@brightwater.example"
OTHER_COUNCIL_OFFICER = "officer@kestrelvale.example"


def _javascript_is(page, browser_js: str) -> None:
    """base.html marks the body js-enabled from an inline script: proof of whether scripts ran."""
    body = expect(page.locator("body"))
    js_enabled = re.compile(r"\bjs-enabled\b")
    if browser_js == "js":
        body.to_have_class(js_enabled)
    else:
        body.not_to_have_class(js_enabled)


def _date(group, day: str, month: str, year: str) -> None:
    """Fill a GOV.UK date input (a fieldset with Day, Month and Year)."""
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


@pytest.mark.parametrize("browser_js", ["js", "no-js"])
def test_officer_adds_a_child_with_a_plan_outcome_and_provision_then_finds_them(request, demo, browser_js):
    from ehcbudgets.people.models import Child
    from ehcbudgets.plans.models import ProvisionItem

    b = request.getfixturevalue("browse" if browser_js == "js" else "browse_without_js")
    page = b.page
    b.visit("/")
    _javascript_is(page, browser_js)
    b.sign_in(OFFICER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Work queue")
    b.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")

    # The child's details, with the three-part date of birth.
    b.follow(page.get_by_role("button", name="Add a child or young person"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a child or young person")
    page.get_by_label("First name").fill("Wilhelmina")
    page.get_by_label("Last name").fill("Quarrington")
    _date(page.get_by_role("group", name="Date of birth"), "14", "3", "2016")
    page.get_by_label("Council reference").fill("BR-E2E-1")
    b.follow(page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wilhelmina Quarrington")
    expect(page.get_by_text("Child added")).to_be_visible()
    child = Child.objects.get(council_reference="BR-E2E-1")
    assert child.date_of_birth.isoformat() == "2016-03-14"
    assert child.council.code == "brightwater"

    # Start a plan.
    b.follow(page.get_by_role("button", name="Start an EHC plan"))
    page.get_by_role("radio", name="Draft plan").check()
    b.follow(page.get_by_role("button", name="Start the plan"))
    expect(page.get_by_text("Plan started")).to_be_visible()

    # An outcome (section E).
    b.follow(page.get_by_role("button", name="Add an outcome"))
    page.get_by_label("Outcome").fill("To read a short book aloud to the class")
    _date(page.get_by_role("group", name="By when"), "31", "7", "2027")
    b.follow(page.get_by_role("button", name="Add outcome"))
    expect(page.get_by_text("Outcome added")).to_be_visible()
    outcome = page.locator(".govuk-summary-list__row", has=page.get_by_text("Outcome 1", exact=True))
    expect(outcome).to_contain_text("To read a short book aloud to the class")
    expect(outcome).to_contain_text("By 31 July 2027")

    # Provision (section F), linked to the outcome.
    b.follow(page.get_by_role("link", name="Add section F provision"))
    form = page.locator("main form")
    form.get_by_role("radio", name="F: special educational provision").check()
    form.get_by_label("Description").fill("Reading sessions with a specialist teacher")
    form.get_by_label("Quantity", exact=True).fill("2.5")
    form.get_by_label("Unit", exact=True).select_option(label="Hour")
    form.get_by_label("How often").select_option(label="Per week")
    form.get_by_role("radio", name="In the community").check()
    form.get_by_role("checkbox", name="To read a short book aloud to the class").check()
    b.follow(form.get_by_role("button", name="Add provision"))
    expect(page.get_by_text("Provision added")).to_be_visible()
    card = page.locator(".govuk-summary-card", has_text="Reading sessions with a specialist teacher")
    expect(card).to_contain_text(re.compile(r"2\.50? hours per week"))
    expect(card).to_contain_text("In the community")
    expect(card).to_contain_text("To read a short book aloud to the class")

    item = ProvisionItem.objects.get(plan__child=child)
    assert (item.section, item.quantity, item.unit, item.frequency, item.delivered_at) == (
        "F",
        Decimal("2.5"),
        "hour",
        "per_week",
        "community",
    )
    assert [o.text for o in item.outcomes.all()] == ["To read a short book aloud to the class"]

    # The case list finds them.
    b.follow(page.get_by_role("link", name="All cases"))
    page.get_by_label("Search by name, reference or UPN").fill("Quarrington")
    b.follow(page.get_by_role("button", name="Search"))
    expect(page.get_by_text("1 child found")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Quarrington, Wilhelmina"))
    expect(row).to_contain_text("BR-E2E-1")
    expect(row).to_contain_text("Draft")
    b.follow(row.get_by_role("link", name="Quarrington, Wilhelmina"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wilhelmina Quarrington")


def test_bad_input_shows_the_error_summary_and_saves_nothing(demo, browse):
    from ehcbudgets.people.models import Child
    from ehcbudgets.plans.models import Plan, ProvisionItem

    b, page = browse, browse.page
    plan = Plan.objects.filter(council__code="brightwater", status="draft").order_by("pk").first()
    items_before = ProvisionItem.objects.count()
    children_before = Child.objects.count()
    b.sign_in(OFFICER)

    b.visit(f"/cases/{plan.child_id}/plans/{plan.pk}/provision/new/?section=F")
    form = page.locator("main form")
    form.get_by_label("Description").fill("Specialist teaching assistant")
    form.get_by_label("Quantity", exact=True).fill("0")
    form.get_by_label("Unit", exact=True).select_option(label="Hour")
    form.get_by_label("How often").select_option(label="Per week")
    form.get_by_role("radio", name="At home").check()
    b.follow(form.get_by_role("button", name="Add provision"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Quantity must be more than 0")).to_be_visible()
    expect(page.locator(".govuk-error-message", has_text="Quantity must be more than 0")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(form.get_by_label("Description")).to_have_value("Specialist teaching assistant")
    assert ProvisionItem.objects.count() == items_before

    # An impossible date of birth and a missing name: the same summary, and no child.
    b.visit("/cases/new/")
    page.get_by_label("Last name").fill("Quarrington")
    _date(page.get_by_role("group", name="Date of birth"), "31", "2", "2016")
    page.get_by_label("Council reference").fill("BR-E2E-2")
    b.follow(page.get_by_role("button", name="Save and continue"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the first name")).to_be_visible()
    expect(summary.get_by_role("link", name="Date of birth must be a real date")).to_be_visible()
    assert Child.objects.count() == children_before


@pytest.mark.parametrize("browser_js", ["js", "no-js"])
def test_parent_sees_only_their_own_children(request, demo, browser_js):
    from ehcbudgets.accounts.models import User
    from ehcbudgets.people.models import Child

    b = request.getfixturevalue("browse" if browser_js == "js" else "browse_without_js")
    page = b.page
    parent = User.objects.get(email=PARENT)
    own = list(Child.objects.filter(contacts__user=parent).order_by("last_name", "first_name"))
    assert len(own) == 2
    others = Child.objects.exclude(pk__in=[c.pk for c in own])
    same_council_other = others.filter(council=own[0].council).order_by("pk").first()
    other_council = others.exclude(council=own[0].council).order_by("pk").first()

    b.sign_in(PARENT)
    _javascript_is(page, browser_js)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")
    names = page.locator(".govuk-summary-card__title").all_inner_texts()
    assert sorted(names) == sorted(c.full_name for c in own)
    for child in others.filter(council=own[0].council):
        expect(page.get_by_text(child.full_name)).to_have_count(0)

    b.follow(page.get_by_role("link", name=own[0].full_name))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{own[0].full_name}'s EHC plan")

    # Another family's child, in the same council or another, is simply not there.
    b.visit(f"/my/children/{same_council_other.pk}/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(same_council_other.last_name)).to_have_count(0)
    b.visit(f"/my/children/{other_council.pk}/", status=404)


def test_officer_gets_404_for_another_councils_child(demo, browse):
    from ehcbudgets.people.models import Child
    from ehcbudgets.plans.models import Plan

    b, page = browse, browse.page
    theirs = Plan.objects.filter(council__code="kestrel-vale", status="draft").order_by("pk").first()
    ours = Child.objects.filter(council__code="brightwater").order_by("pk").first()

    b.sign_in(OFFICER)
    b.visit(f"/cases/{ours.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(ours.full_name)

    for path in (
        f"/cases/{theirs.child_id}/",
        f"/cases/{theirs.child_id}/edit/",
        f"/cases/{theirs.child_id}/history/",
        f"/cases/{theirs.child_id}/plans/{theirs.pk}/provision/new/",
    ):
        b.visit(path, status=404)
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.get_by_text(theirs.child.last_name)).to_have_count(0)

    # Nor does a search find them.
    b.visit(f"/cases/?q={theirs.child.council_reference}")
    expect(page.get_by_text("0 children found")).to_be_visible()

    # And the other council's officer is refused ours in the same way.
    b.follow(page.get_by_role("button", name=re.compile("Sign out")))
    b.sign_in(OTHER_COUNCIL_OFFICER)
    b.visit(f"/cases/{ours.pk}/", status=404)


def test_a_family_finds_out_signed_out_and_the_council_administrator_adds_a_rate(demo, browse):
    from ehcbudgets.core.dates import today
    from ehcbudgets.offer.models import OfferItem, Rate
    from ehcbudgets.offer.selectors import rate_in_force

    b, page = browse, browse.page
    council_name = "Brightwater Borough Council"
    assistant = OfferItem.objects.get(council__code="brightwater", code="TA")
    assistant_rate = rate_in_force(item=assistant, on=today()).amount

    # Signed out, from the start page to the council's three public pages (DOMAIN R3).
    b.visit("/")
    b.follow(page.get_by_role("link", name="Find out about personal budgets in your council"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Find out about personal budgets in your council")
    b.follow(page.get_by_role("link", name=council_name))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Personal budgets in {council_name}")
    expect(page.locator(".govuk-generic-header__homepage-link")).to_have_text(council_name)
    expect(page.get_by_text(f"{council_name} aims to decide within 10 working days")).to_be_visible()
    expect(page.get_by_text("Brightwater SENDIASS")).to_be_visible()

    b.follow(page.get_by_role("link", name="What a personal budget can pay for").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("What a personal budget can pay for")
    card = page.locator(".govuk-summary-card", has_text="Specialist teaching assistant support in class")
    expect(card).to_contain_text(f"£{assistant_rate} an hour")
    therapy = page.locator(".govuk-summary-card", has_text="Speech and language therapy from a therapist")
    expect(therapy).to_contain_text("Arranged by the council through contract NHS-SLT-2024-017")
    expect(page.locator(".govuk-summary-card", has_text="Equine-assisted therapy")).to_contain_text("SEN panel")
    expect(page.get_by_text("Place at an independent specialist school")).to_have_count(0)

    b.follow(page.get_by_role("link", name="What a personal budget cannot pay for").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("What a personal budget cannot pay for")
    expect(page.get_by_text("Place at an independent specialist school")).to_be_visible()
    expect(page.get_by_text("Tobacco and vaping")).to_be_visible()

    # The council administrator adds a rate: a wrong amount first, then the new rate from today.
    item = OfferItem.objects.get(council__code="brightwater", code="OT")
    rates_before = list(Rate.objects.filter(item=item).values_list("amount", "effective_from"))
    b.sign_in("admin@brightwater.example")
    b.follow(page.get_by_role("link", name="Council settings"))
    b.follow(page.get_by_role("link", name="Local offer and rates"))
    b.follow(page.get_by_role("link", name="Occupational therapy", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Occupational therapy")
    b.follow(page.get_by_role("button", name="Add a rate"))
    page.get_by_label("Rate in pounds").fill("abc")
    _date(page.get_by_role("group", name="Date the rate takes effect"), *today().strftime("%d %m %Y").split())
    b.follow(page.get_by_role("button", name="Add the rate"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the rate in pounds and pence, like 25.60")).to_be_visible()
    assert list(Rate.objects.filter(item=item).values_list("amount", "effective_from")) == rates_before

    page.get_by_label("Rate in pounds").fill("74.50")
    b.follow(page.get_by_role("button", name="Add the rate"))
    expect(page.get_by_text("Rate added")).to_be_visible()
    expect(page.get_by_text("The rate today is £74.50 a session")).to_be_visible()
    rates = list(Rate.objects.filter(item=item).order_by("effective_from").values_list("amount", "effective_from"))
    assert rates == [*rates_before, (Decimal("74.50"), today())]  # added, the earlier rate untouched

    # The administrator's other pages pass the same checks.
    menu = page.get_by_role("navigation", name="Menu")
    b.follow(page.get_by_role("link", name="Change name"))
    expect(page.get_by_label("Name", exact=True)).to_have_value("Occupational therapy")
    b.follow(menu.get_by_role("link", name="Council settings"))
    b.follow(page.get_by_role("link", name="What direct payments cannot be spent on"))
    b.follow(page.get_by_role("link", name="Switch off Alcohol"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Switch off")
    b.follow(page.get_by_role("link", name="Cancel"))
    b.follow(page.get_by_role("button", name="Add to the list"))
    b.follow(menu.get_by_role("link", name="Council settings"))
    b.follow(page.get_by_role("link", name="Personal budget policy"))
    expect(page.get_by_text("10 working days", exact=True)).to_be_visible()
    b.follow(page.get_by_role("button", name="Add a new policy from a date"))
    expect(page.get_by_label("Working days to decide a personal budget request")).to_have_value("10")
    b.follow(menu.get_by_role("link", name="Council settings"))
    b.follow(page.get_by_role("link", name="Local offer and rates"))
    b.follow(page.get_by_role("button", name="Add an item"))

    # Families see the new rate at once.
    b.follow(page.get_by_role("button", name=re.compile("Sign out")))
    b.visit("/councils/brightwater/what-it-can-pay-for/")
    expect(page.locator(".govuk-summary-card", has_text="Occupational therapy")).to_contain_text("£74.50 a session")
