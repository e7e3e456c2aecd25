"""Listings that stay fast at a million claims: counts that stop counting, page numbers that stop
before they would scan, and keyset pages (``after=``) beyond them.

- ``CappedPaginator`` counts at most ``COUNT_CAP`` rows (``SELECT count(*) FROM (… LIMIT n)``), so a
  listing of a million checks counts a thousand; past that, pages say "more than 1,000" and there
  are no page numbers beyond the cap.
- ``KeysetPage``: the page after a given check, in the listings' newest-first order
  (``published_at``, then ``id``), found through the index however deep it is.
- ``estimated_count``: the planner's estimate, for "about 12,400 results" when counting exactly
  would read them all.
"""

from __future__ import annotations

import json
import math
from functools import cached_property

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


def ranked_page(ranked: list[int], queryset: QuerySet, per_page: int, number) -> Page:
    """A page of ranked ids (``rank_pool``), its rows read from ``queryset`` in that order."""
    page = Paginator(ranked, per_page).get_page(number)
    shown = queryset.in_bulk(page.object_list)
    page.object_list = [shown[pk] for pk in page.object_list if pk in shown]
    return page


def keyset_after(queryset: QuerySet, value: str | None) -> tuple | None:
    """The (published_at, id) of the public check ``value`` names, from an ``after=`` parameter."""
    if not value or not value.isdigit() or len(value) > 18:
        return None
    return queryset.filter(pk=int(value)).values_list("published_at", "pk").first()


def estimated_count(queryset: QuerySet) -> int:
    """The planner's estimate of the rows a query returns (no row is read)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def rank_pool(matches: QuerySet, query, language: str) -> list[int]:
    """The ids of the first ``RANK_POOL`` matches the index finds (in its own order: no sort in SQL),
    best first: those in the reader's language, then by rank (normalised by document length, so
    the exact quote outranks a longer text containing it), equal ranks the later check first. One
    read of a few thousand rows however common the words, ranked here."""
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F, Value

    from claims.search import same_language_first

    rows = matches.order_by().annotate(
        same_language=same_language_first(language),
        rank=SearchRank(F("search_vector"), query, normalization=Value(1)),
    ).values_list("pk", "same_language", "rank")[:RANK_POOL]
    return [pk for pk, _, _ in sorted(rows, key=lambda r: (r[1], -r[2], -r[0]))]
