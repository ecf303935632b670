"""List routes answer in pages: 25 by default, page_size up to 100, with the total count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehcbudgets.people import services as people

from .conftest import error_fields


@pytest.fixture
def thirty_children(officer, council_a):
    return [
        people.child_create(
            actor=officer,
            council=council_a,
            first_name="Kit",
            last_name=f"Larkspur {n:02d}",
            date_of_birth=date(2015, 1, 1),
            council_reference=f"BW-{n:03d}",
        )
        for n in range(30)
    ]


def test_the_first_page_has_25_and_the_total(api, thirty_children):
    body = api.get("/children").json()

    assert (len(body["items"]), body["count"], body["page"], body["page_size"]) == (25, 30, 1, 25)


def test_the_second_page_has_the_rest_in_order(api, thirty_children):
    first = api.get("/children").json()["items"]
    second = api.get("/children", page=2).json()["items"]

    assert len(second) == 5
    names = [child["last_name"] for child in first + second]
    assert names == sorted(names)
    assert len(set(names)) == 30


def test_page_size_can_be_set(api, thirty_children):
    body = api.get("/children", page_size=10, page=3).json()

    assert [child["last_name"] for child in body["items"]] == [f"Larkspur {n:02d}" for n in range(20, 30)]


def test_a_page_past_the_end_is_empty(api, thirty_children):
    body = api.get("/children", page=9).json()

    assert (body["items"], body["count"]) == ([], 30)


def test_page_size_over_100_is_refused(api, council_a):
    assert error_fields(api.get("/children", page_size=101)) == {"page_size"}
    assert api.get("/children", page_size=100).status_code == 200


def test_page_zero_is_refused(api, council_a):
    assert error_fields(api.get("/children", page=0)) == {"page"}


def _queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(path).status_code == 200
    return len(queries)


def test_a_full_page_costs_no_more_queries_than_one_item(api, officer, council_a, plan, thirty_children):
    api.get("/me")  # the token's first use records it; later calls within the minute do not
    one_child = _queries(api, "/children?page_size=1")
    one_item = _queries(api, f"/plans/{plan.pk}/provision?page_size=1")

    assert _queries(api, "/children?page_size=25") == one_child
    assert _queries(api, f"/plans/{plan.pk}/provision?page_size=25") == one_item


def test_a_page_number_past_a_million_is_refused_not_a_server_error(api, thirty_children):
    """A page of twenty digits would overflow the database's integers: refused as a field error (422); the last
    page allowed is simply empty."""
    assert error_fields(api.get("/children", page=1_000_001)) == {"page"}
    assert error_fields(api.get("/children", page=10**20)) == {"page"}
    body = api.get("/children", page=1_000_000).json()
    assert (body["items"], body["count"]) == ([], 30)
