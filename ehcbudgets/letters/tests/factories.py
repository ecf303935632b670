"""Letters written directly, with a small stand-in PDF: tests of issuing use letter_issue, which renders a real one."""

import factory
from django.core.files.base import ContentFile

from ehcbudgets.letters.models import Letter, LetterKind
from ehcbudgets.people.tests.factories import ChildFactory

#: A valid one-page PDF, so a download test gets a real file without paying for WeasyPrint.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class LetterFactory(factory.django.DjangoModelFactory):
    """A plain letter to a parent, issued now by nobody in particular (the system)."""

    class Meta:
        model = Letter

    child = factory.SubFactory(ChildFactory)
    council = factory.SelfAttribute("child.council")
    kind = LetterKind.OTHER
    subject = factory.Sequence(lambda n: f"About your child's plan ({n})")
    recipient_name = "Pat Parent"
    recipient_address = "1 High Street\nBrightwater\nBW1 1AA"
    body_html = factory.LazyAttribute(lambda o: f'<p class="govuk-body">{o.subject}: the body of the letter.</p>')
    pdf = factory.LazyFunction(lambda: ContentFile(TINY_PDF, name="letter.pdf"))
