"""Pages of a long list with plain links that keep the query (no JavaScript needed)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet


@dataclass(frozen=True)
class PagerLink:
    number: int | None  # None: a gap ("…") between page numbers
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pager:
    page: Page
    items: list  # the page's objects, fetched
    links: list[PagerLink]
    previous_url: str
    next_url: str


def paginate(
    queryset: QuerySet, number: int, per_page: int, query_string: Callable[[int], str]
) -> Pager | None:
    """Page `number` of `queryset` with links to its neighbours; None if there is no
    such page (an empty list still has page 1). Two queries: the count and the page."""
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.page(number)
    except EmptyPage:
        return None

    def url(n: int) -> str:
        return "?" + query_string(n)

    # First, last and the current page's neighbours; a gap for the rest, so that a
    # phone never gets a row of 100 numbers.
    shown = sorted(
        {
            1,
            paginator.num_pages,
            *range(max(1, number - 1), min(paginator.num_pages, number + 1) + 1),
        }
    )
    links, previous = [], 0
    for n in shown:
        if n > previous + 1:
            links.append(PagerLink(None))
        links.append(PagerLink(n, url(n), n == number))
        previous = n
    return Pager(
        page=page,
        items=list(page.object_list),
        links=links if paginator.num_pages > 1 else [],
        previous_url=url(number - 1) if page.has_previous() else "",
        next_url=url(number + 1) if page.has_next() else "",
    )
