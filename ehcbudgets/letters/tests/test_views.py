"""The letter's page and its PDF, for staff and families: scope answers 404, a role without the permission 403, and
the download is a private attachment."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from ehcbudgets.accounts.models import Role
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.letters.models import LetterKind
from ehcbudgets.letters.services import letter_issue
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory
from ehcbudgets.plans.tests.factories import PlanFactory, ProvisionItemFactory

from .factories import TINY_PDF, LetterFactory

pytestmark = pytest.mark.django_db


def _urls(namespace: str, letter) -> tuple[str, str]:
    args = [letter.child_id, letter.pk]
    return reverse(f"{namespace}:letter", args=args), reverse(f"{namespace}:letter_pdf", args=args)


@pytest.fixture
def parent(make_user, child):
    """A parent linked to `child` through a contact."""
    user = make_user(Role.PARENT_CARER, full_name="Pat Parent")
    ContactFactory(child=child, user=user)
    return user


@pytest.fixture
def issued(child, officer):
    """A letter issued through the service, with a real PDF."""
    return letter_issue(
        actor=officer,
        child=child,
        kind=LetterKind.OTHER,
        subject="Your child's plan: what happens next",
        template_name="letters/other.html",
        context={"paragraphs": ["We have finished the draft plan.", "You can comment on it within 15 days."]},
        recipient_name="Pat Parent",
        recipient_address="1 High Street\nBrightwater\nBW1 1AA",
    )


# the page -------------------------------------------------------------------------------------------------------------


def test_staff_see_the_letter_as_a_page_with_the_content_of_the_pdf(officer_client, issued, council):
    page_url, pdf_url = _urls("cases", issued)
    response = officer_client.get(page_url)
    assert response.status_code == 200
    html = response.text
    for text in (
        council.name,
        "Your child&#x27;s plan: what happens next",
        format_date(today()),
        "Pat Parent<br>1 High Street<br>Brightwater<br>BW1 1AA",
        "Dear Pat Parent,",
        '<p class="govuk-body">We have finished the draft plan.</p>',
        '<p class="govuk-body">You can comment on it within 15 days.</p>',
        f'href="{pdf_url}"',
        f'href="{reverse("cases:child", args=[issued.child_id])}#letters"',
    ):
        assert text in html


def test_the_family_sees_their_childs_letter_with_links_back_to_their_own_pages(client, parent, issued):
    client.force_login(parent)
    page_url, pdf_url = _urls("family", issued)
    response = client.get(page_url)
    assert response.status_code == 200
    assert "We have finished the draft plan." in response.text
    assert f'href="{pdf_url}"' in response.text
    assert f'href="{reverse("family:child", args=[issued.child_id])}#letters"' in response.text


# the download ---------------------------------------------------------------------------------------------------------


def test_the_pdf_downloads_as_a_private_attachment_named_for_its_subject(officer_client, issued):
    response = officer_client.get(_urls("cases", issued)[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="your-childs-plan-what-happens-next.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    with issued.pdf.open("rb") as file:
        assert body == file.read()
    assert body.startswith(b"%PDF-")


def test_a_subject_with_nothing_to_slugify_downloads_as_letter_pdf(officer_client, child):
    letter = LetterFactory(child=child, subject="!!!")
    response = officer_client.get(_urls("cases", letter)[1])
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert b"".join(response.streaming_content) == TINY_PDF


def test_the_family_downloads_their_own_childs_letter(client, parent, issued):
    client.force_login(parent)
    response = client.get(_urls("family", issued)[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_letter_whose_file_is_missing_is_not_found(officer_client, child):
    letter = LetterFactory(child=child)
    default_storage.delete(letter.pdf.name)
    assert officer_client.get(_urls("cases", letter)[1]).status_code == 404


# scope and permission -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", [0, 1], ids=["page", "pdf"])
def test_another_familys_letter_is_not_found(client, parent, council, view):
    someone_elses = LetterFactory(child=ChildFactory(council=council))
    client.force_login(parent)
    assert client.get(_urls("family", someone_elses)[view]).status_code == 404


@pytest.mark.parametrize("view", [0, 1], ids=["page", "pdf"])
@pytest.mark.parametrize("namespace", ["cases", "family"])
def test_another_councils_letter_is_not_found(client, officer, other_council, namespace, view):
    elsewhere = LetterFactory(child=ChildFactory(council=other_council))
    client.force_login(officer)
    assert client.get(_urls(namespace, elsewhere)[view]).status_code == 404


@pytest.mark.parametrize("view", [0, 1], ids=["page", "pdf"])
def test_a_letter_under_another_childs_address_is_not_found(officer_client, child, council, view):
    neighbours = LetterFactory(child=ChildFactory(council=council))
    url = reverse(["cases:letter", "cases:letter_pdf"][view], args=[child.pk, neighbours.pk])
    assert officer_client.get(url).status_code == 404


@pytest.mark.parametrize("view", [0, 1], ids=["page", "pdf"])
@pytest.mark.parametrize("namespace", ["cases", "family"])
def test_an_icb_officer_is_refused_even_for_a_child_with_health_provision(
    client, make_user, council, child, namespace, view
):
    ProvisionItemFactory(plan=PlanFactory(child=child, final=True), health=True)
    letter = LetterFactory(child=child)
    client.force_login(make_user(Role.ICB_OFFICER, council=council))
    assert client.get(_urls(namespace, letter)[view]).status_code == 403


@pytest.mark.parametrize("view", [0, 1], ids=["page", "pdf"])
def test_a_family_member_following_a_staff_link_lands_on_their_own_page(client, parent, child, view):
    letter = LetterFactory(child=child)
    client.force_login(parent)
    response = client.get(_urls("cases", letter)[view])
    assert response.status_code == 302
    assert response["Location"] == _urls("family", letter)[view]


@pytest.mark.parametrize("view", [0, 1], ids=["page", "pdf"])
def test_staff_following_a_family_link_land_on_the_staff_page(officer_client, child, view):
    letter = LetterFactory(child=child)
    response = officer_client.get(_urls("family", letter)[view])
    assert response.status_code == 302
    assert response["Location"] == _urls("cases", letter)[view]


def test_signed_out_visitors_are_sent_to_sign_in(client, child):
    letter = LetterFactory(child=child)
    for url in (*_urls("cases", letter), *_urls("family", letter)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


# the lists on the child's pages ---------------------------------------------------------------------------------------


def test_the_staff_child_page_lists_the_letters_with_named_links(officer_client, child):
    letter = LetterFactory(child=child, subject="Decision on your request", kind=LetterKind.BUDGET_DECISION)
    page_url, pdf_url = _urls("cases", letter)
    html = officer_client.get(reverse("cases:child", args=[child.pk])).text
    assert '<h2 class="govuk-heading-m" id="letters">Letters</h2>' in html
    assert "Decision on your request" in html
    assert "Personal budget decision" in html
    sent = format_date(today())
    assert (
        f'<a class="govuk-link" href="{page_url}">View<span class="govuk-visually-hidden"> Decision on your request, '
        f"sent {sent}</span></a>"
    ) in html
    assert f'href="{pdf_url}" download>Download PDF<span class="govuk-visually-hidden"> of Decision on your' in html


def test_the_staff_child_page_says_when_there_are_no_letters(officer_client, child):
    html = officer_client.get(reverse("cases:child", args=[child.pk])).text
    assert 'id="letters"' in html
    assert "No letters yet." in html


def test_an_icb_officers_child_page_has_no_letters(client, make_user, council, child):
    ProvisionItemFactory(plan=PlanFactory(child=child, final=True), health=True)
    LetterFactory(child=child, subject="Decision on your request")
    client.force_login(make_user(Role.ICB_OFFICER, council=council))
    response = client.get(reverse("cases:child", args=[child.pk]))
    assert response.status_code == 200
    assert 'id="letters"' not in response.text
    assert "Decision on your request" not in response.text


def test_the_family_page_lists_letters_from_the_council(client, parent, child, council):
    mine = LetterFactory(child=child, subject="Decision on your request")
    LetterFactory(child=ChildFactory(council=council), subject="Someone else's letter")
    client.force_login(parent)
    html = client.get(reverse("family:child", args=[child.pk])).text
    assert '<h2 class="govuk-heading-m" id="letters">Letters from the council</h2>' in html
    assert "Decision on your request" in html
    assert "Someone else" not in html
    page_url, pdf_url = _urls("family", mine)
    assert f'href="{page_url}"' in html
    assert f'href="{pdf_url}"' in html


def test_the_family_page_says_when_there_are_no_letters(client, parent, child):
    client.force_login(parent)
    assert "No letters yet." in client.get(reverse("family:child", args=[child.pk])).text
