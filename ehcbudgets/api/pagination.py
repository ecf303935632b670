"""Page-number pagination for every list route: ?page=2&page_size=50."""

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = settings.EHC_PAGE_SIZE
MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000


class PageQuery(Schema):
    # A bound keeps the offset within the database's integers (a page of twenty digits is refused, not a 500).
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page, from 1 to 1,000,000.")
    # Ninja's own class quietly cuts a too-large page_size down; refusing it (422) tells the client why.
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items a page, at most 100.")


class Pages(PageNumberPagination):
    """Pages of 25 unless page_size asks otherwise (1 to 100). A page past the end is empty, not an error.

    Page numbers, rather than limit and offset, because the pages of the service number their pages too."""

    Input = PageQuery

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="How many items there are on all the pages together.")
        page: int
        page_size: int

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination: PageQuery, request, **params) -> dict:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        return {**result, "page": pagination.page, "page_size": pagination.page_size}
