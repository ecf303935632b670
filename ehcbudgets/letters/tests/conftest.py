"""Fixtures for letters: templates written by the test (a real folder for files is the root conftest's `files`)."""

import re
import zlib

import pytest


@pytest.fixture
def letter_template(settings, tmp_path):
    """letter_template(name, text) writes a body template the loader will find, and returns its name."""
    folder = tmp_path / "templates"
    folder.mkdir()
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [folder, *engine["DIRS"]]}]

    def write(name: str, text: str) -> str:
        (folder / name).write_text(text, encoding="utf-8")
        return name

    return write


def pdf_facts(data: bytes) -> dict:
    """Page count, title and language of a PDF, read with zlib alone (WeasyPrint compresses its objects into
    streams; no PDF reader is installed, and this is enough to show the file is the letter and not a stand-in)."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # a font or an image, not an object stream
    text = b"\n".join([data, *inflated])
    pages = re.search(rb"/Type\s*/Pages\b[^>]*?/Count (\d+)|/Count (\d+)[^>]*?/Type\s*/Pages\b", text)
    title = re.search(rb"/Title \(((?:[^()\\]|\\.)*)\)/Author", text)
    lang = re.search(rb"/Lang \(([^)]*)\)", text)
    return {
        "pages": int(next(g for g in pages.groups() if g)) if pages else 0,
        "title": title.group(1).decode("latin-1") if title else None,
        "lang": lang.group(1).decode() if lang else None,
        "tagged": b"/StructTreeRoot" in text,
    }
