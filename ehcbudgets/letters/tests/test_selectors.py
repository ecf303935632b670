"""Reads of letters: a child's own, newest first, in the child's council."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from ehcbudgets.letters.selectors import letter_get, letters_for
from ehcbudgets.people.tests.factories import ChildFactory

from .factories import LetterFactory

pytestmark = pytest.mark.django_db


def test_a_childs_letters_are_theirs_alone_newest_first(child, council, other_council):
    now = timezone.now()
    older = LetterFactory(child=child, issued_at=now - timedelta(days=3))
    newer = LetterFactory(child=child, issued_at=now - timedelta(days=1))
    same_moment = LetterFactory(child=child, issued_at=now - timedelta(days=1))
    LetterFactory(child=ChildFactory(council=council))
    LetterFactory(child=ChildFactory(council=other_council))
    assert list(letters_for(child=child)) == [same_moment, newer, older]


def test_a_letter_is_found_only_under_its_own_child(child, council):
    mine = LetterFactory(child=child)
    neighbours = LetterFactory(child=ChildFactory(council=council))
    assert letter_get(child=child, pk=mine.pk) == mine
    with pytest.raises(Http404):
        letter_get(child=child, pk=neighbours.pk)


def test_a_letter_of_a_child_in_another_council_is_not_found_through_a_mismatched_council(child, other_council):
    """Even a letter row pointing at this child but owned by another council is out of scope (defence in depth)."""
    stray = LetterFactory(child=child, council=other_council)
    assert list(letters_for(child=child)) == []
    with pytest.raises(Http404):
        letter_get(child=child, pk=stray.pk)
