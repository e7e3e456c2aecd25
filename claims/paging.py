"""Listings that stay fast at a million claims: counts that stop counting, page numbers that stop
before they would scan, and keyset pages (``after=``) beyond them.

- ``CappedPaginator`` counts at most ``COUNT_CAP`` rows (``SELECT count(*) FROM (… LIMIT n)``), so a
  listing of a million checks counts a thousand; past that, pages say "more than 1,000" and there
  are no page numbers beyond the cap.
- ``KeysetPage``: the page after a given check, in the listings' newest-first order
  (``published_at``, then ``id``), found through the index however deep it is.
- ``ranked_page``: search results ranked among the first matches the index finds, with the
  planner's estimate, for "about 12,400 results" when counting exactly would read them all.
"""

from __future__ import annotations

import json
import math
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet

COUNT_CAP = 1000
# Search ranks at most this many matches, the first the index finds.
RANK_POOL = 1000


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    def __init__(self, *args, keyset: bool = False, counted: QuerySet | None = None, exact: int | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.keyset = keyset  # a newest-first listing: the last numbered page links on with after=
        self.counted = counted  # the same rows without what only showing them needs (ranks, headlines)
        self.exact = exact  # the count, when it is known without counting (claims.models.Tally)

    def get_page(self, number):
        page = super().get_page(number)
        page.object_list = list(page.object_list)
        if self.keyset and self.more and page.number == self.num_pages and page.object_list:
            page.next_after = page.object_list[-1].pk
        return page

    @cached_property
    def count(self) -> int:
        """The rows, counted up to the cap (one more tells whether there are more)."""
        if self.exact is not None:
            return min(self.exact, self.cap + 1)
        rows = self.object_list if self.counted is None else self.counted
        return min(rows[: self.cap + 1].count(), self.cap + 1)

    @property
    def cap_display(self) -> str:
        return f"{self.cap:,}"

    @property
    def more(self) -> bool:
        """More rows than were counted: the last numbered page links on by keyset."""
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        counted = min(self.count, self.cap)
        if counted == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(counted / self.per_page))


class KeysetPage:
    """``per_page`` rows of a newest-first listing, after the row ``after`` (a check's id), with the
    few attributes the pagination template reads."""

    def __init__(self, queryset: QuerySet, after: tuple, per_page: int):
        published_at, pk = after
        older = Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
        rows = list(queryset.filter(older)[: per_page + 1])
        self.object_list = rows[:per_page]
        self.has_next_keyset = len(rows) > per_page
        self.after = pk

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def next_after(self) -> int | None:
        return self.object_list[-1].pk if self.has_next_keyset and self.object_list else None


def _pool(matches: QuerySet, query, language: str) -> QuerySet:
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F, Value

    from claims.search import same_language_first

    return matches.order_by().annotate(
        same_language=same_language_first(language),
        rank=SearchRank(F("search_vector"), query, normalization=Value(1)),
    ).values_list("pk", "same_language", "rank")[:RANK_POOL]


def ranked_page(matches: QuerySet, query, language: str, rows: QuerySet, per_page: int, number) -> Page:
    """One page of search results: the first ``RANK_POOL`` matches the index finds (in its own
    order: no sort before the limit), best first: those in the reader's language, then by rank
    (normalised by document length, so the exact quote outranks a longer text containing it), equal
    ranks the later check first.

    One statement ranks the pool and returns only the page's ids and the pool's size, however
    common the words; the page's rows are then read from ``rows`` in that order. A page number past
    the last page gives the last page, as ``Paginator.get_page`` does. ``page.estimated`` is the
    planner's estimate of every match when the pool is full ("about 12,400 results"), else None."""
    wanted = _page_number(number, per_page)
    try:
        sql, params = _pool(matches, query, language).query.get_compiler(matches.db).as_sql()
    except EmptyResultSet:  # a filter that no row can pass (a speaker with no checks, say)
        page = Paginator([], per_page).get_page(wanted)
        page.estimated = None
        return page
    with connections[matches.db].cursor() as cursor:
        ids, total = _ranked_ids(cursor, sql, params, wanted, per_page)
        page = Paginator(range(total), per_page).get_page(wanted)
        if page.number != wanted and total:  # past the last page: the last one, as Paginator.get_page does
            ids, _ = _ranked_ids(cursor, sql, params, page.number, per_page)
        page.estimated = _estimate(cursor, sql, params) if total >= RANK_POOL else None
    shown = rows.in_bulk(ids)
    page.object_list = [shown[pk] for pk in ids if pk in shown]
    return page


def _page_number(number, per_page: int) -> int:
    """The page asked for; 1 for none or a word, and no further than just past the pool's pages."""
    try:
        return min(int(number), RANK_POOL // per_page + 2)
    except (TypeError, ValueError):
        return 1


def _ranked_ids(cursor, pool_sql: str, params, number: int, per_page: int) -> tuple[list[int], int]:
    offset = max(number - 1, 0) * per_page
    cursor.execute(
        f"SELECT pool.pk, count(*) OVER () FROM ({pool_sql}) AS pool "  # noqa: S608 - the ORM's own SQL
        "ORDER BY pool.same_language, pool.rank DESC, pool.pk DESC OFFSET %s LIMIT %s",
        [*params, offset, per_page])
    found = cursor.fetchall()
    if found or number <= 1:
        return [pk for pk, _ in found], found[0][1] if found else 0
    cursor.execute(f"SELECT count(*) FROM ({pool_sql}) AS pool", params)  # noqa: S608 - past the last page
    return [], cursor.fetchone()[0]


def _estimate(cursor, pool_sql: str, params) -> int:
    """The planner's estimate of every match: the rows under the pool's LIMIT."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) {pool_sql}", params)
    plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    if plan["Node Type"] == "Limit" and plan.get("Plans"):
        plan = plan["Plans"][0]
    return int(plan["Plan Rows"])


def keyset_after(queryset: QuerySet, value: str | None) -> tuple | None:
    """The (published_at, id) of the public check ``value`` names, from an ``after=`` parameter."""
    if not value or not value.isdigit() or len(value) > 18:
        return None
    return queryset.filter(pk=int(value)).values_list("published_at", "pk").first()
