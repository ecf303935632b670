"""Letters in the browser: the list on the child's pages, the letter as a page, and its PDF, for staff and a parent."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

OFFICER = "officer@brightwater.example"
PARENT = "parent@brightwater.example"
SUBJECT = "Your child's plan: what happens next"


@pytest.fixture
def letter(demo):
    """A letter to the demo parent about the first of their children, issued through the service."""
    from ehcbudgets.accounts.models import User
    from ehcbudgets.letters.models import LetterKind
    from ehcbudgets.letters.services import letter_issue
    from ehcbudgets.people.models import Child

    parent = User.objects.get(email=PARENT)
    child = Child.objects.filter(contacts__user=parent).order_by("last_name", "first_name").first()
    return letter_issue(
        actor=User.objects.get(email=OFFICER),
        child=child,
        kind=LetterKind.OTHER,
        subject=SUBJECT,
        template_name="letters/other.html",
        context={"paragraphs": ["We have finished the draft plan.", "You can comment on it within 15 days."]},
        recipient_name="Parent (demo)",
        recipient_address="1 High Street\nBrightwater\nBW1 1AA",
    )


def _read_and_download(b, list_heading: str) -> None:
    page = b.page
    letters = page.get_by_role("region", name=list_heading)
    row = letters.get_by_role("row", name=re.compile(re.escape(SUBJECT)))
    expect(row).to_contain_text("Letter")  # the kind
    b.follow(row.get_by_role("link", name=re.compile(r"^View ")))
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(page.get_by_text("Dear Parent (demo),")).to_be_visible()
    expect(page.get_by_text("We have finished the draft plan.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download this letter as a PDF")).click()
    assert download.value.suggested_filename == "your-childs-plan-what-happens-next.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    b.follow(page.get_by_role("link", name="Back"))
    expect(page.get_by_role("heading", level=2, name=list_heading)).to_be_visible()


@pytest.mark.parametrize("browser_js", ["js", "no-js"])
def test_officer_and_parent_read_a_letter_and_download_its_pdf(request, letter, browser_js):
    b = request.getfixturevalue("browse" if browser_js == "js" else "browse_without_js")
    page = b.page

    b.sign_in(OFFICER)
    b.visit(f"/cases/{letter.child_id}/")
    _read_and_download(b, "Letters")

    b.follow(page.get_by_role("button", name=re.compile("Sign out")))
    b.sign_in(PARENT)
    b.visit(f"/my/children/{letter.child_id}/")
    _read_and_download(b, "Letters from the council")


def test_a_child_without_letters_says_so(demo, browse):
    from ehcbudgets.people.models import Child

    b, page = browse, browse.page
    child = Child.objects.filter(council__code="brightwater", letters__isnull=True).order_by("pk").first()
    b.sign_in(OFFICER)
    b.visit(f"/cases/{child.pk}/")
    expect(page.get_by_role("heading", level=2, name="Letters")).to_be_visible()
    expect(page.get_by_text("No letters yet.")).to_be_visible()
