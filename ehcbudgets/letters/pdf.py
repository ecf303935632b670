"""HTML to PDF with WeasyPrint, offline: a letter never fetches anything, from the network or from disk."""

from functools import cache

#: Relative addresses in a letter resolve here: a local folder that does not exist, never a web address.
BASE_URL = "file:///nonexistent/ehcbudgets-letters/"


class ResourceRefused(ValueError):
    """A letter asked for an image, stylesheet or font by address; letters carry everything they need inline."""


@cache
def _offline_fetcher_class():
    # WeasyPrint 70 wants an instance of its URLFetcher (it reads the instance's settings), so subclass it. Only
    # data: URLs (an inline logo) are allowed: http(s) would leak to or hang on the network, and file: could copy
    # server files into a letter. A refused resource is skipped with a warning; the letter still renders.
    from weasyprint.urls import URLFetcher

    class OfflineURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                raise ResourceRefused(f"Letters do not fetch resources: {url[:100]}")
            return super().fetch(url, headers)

    return OfflineURLFetcher


def _offline_fetcher():
    """A fetcher for one rendering (a fetcher keeps state between calls, so threads do not share one)."""
    return _offline_fetcher_class()(allowed_protocols=("data",), allow_redirects=False)


def html_to_pdf(document_html: str) -> bytes:
    """A complete HTML document as a tagged (accessible) PDF."""
    from weasyprint import HTML  # imported here: it takes about a second, and most requests never need it

    return HTML(string=document_html, base_url=BASE_URL, url_fetcher=_offline_fetcher()).write_pdf(pdf_tags=True)
