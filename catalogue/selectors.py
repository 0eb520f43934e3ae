"""Reads of the public catalogue: filters, search, snippets, feeds.

``catalogue_search`` is one query for the page of results, plus one for their
count and one for their snippets, however many standards there are.
"""

import difflib
import functools
import itertools
import json
import operator
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page
from django.db import connection, connections, router, transaction
from django.db.models import (
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    Greatest,
    Left,
    Lower,
    StrIndex,
    Substr,
)
from django.db.models.lookups import GreaterThan
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from committees.models import Field, Organisation
from committees.selectors import field_and_subfields
from portal.api import CountedPaginator
from portal.localized import localized, reads_chinese
from portal.public_cache import cached_public
from standards import permissions
from standards.models import (
    PUBLISHED,
    HistoryEntry,
    PublicStatus,
    Standard,
    Status,
    public_status_of,
)
from workplan.models import WorkItem

from . import analysis
from .links import standard_url
from .models import SearchDocument

SORTS = ("relevance", "number", "title", "date")
# The state filter: a public status, or "published" (in force, under renewal
# or not, as the home page and the API count them). "renewal" is the older
# name of "under_renewal", kept so that shared addresses keep working.
PUBLIC_STATES = {
    "published": PUBLISHED,
    **{value: (value,) for value in PublicStatus.values},
    "renewal": (PublicStatus.UNDER_RENEWAL,),
}
# History the public may follow (expert comments and audit findings of
# drafts stay with the working group).

SNIPPET_CHARS = 260
# A snippet is looked for in the first pages of a text (about ten), so that
# a page of results reads a bounded amount whatever the standards' length.
SNIPPET_SOURCE_CHARS = 30_000
MAX_PAGE = 10**9


def uses_tsvector() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def search_plans(q: str):
    """Plan the queries that find a catalogue page's matches (its ids, a
    bounded number of them, and their count's estimate) as they run best;
    no other query.

    Joins by nested loop: a page, or the first ``EXACT_COUNT_LIMIT + 1``
    matches, joins a bounded number of search documents to their standards
    through the primary key, where a hash join would first read every
    public standard (linear in the catalogue's size); without a search
    too (``list_plans``).

    Searches on the GIN indexes: when a word is in most documents the
    planner reads the table instead, costing the check of each row's vector
    as if it were inline, but the vectors of long texts are stored apart
    (TOAST) and that scan reads every document's whole vector. The
    statistics are right (bench data, 6,000 public standards: 5,942 matches
    of "evaluation robustness" estimated, 5,942 found); the reading of TOAST
    is what the planner does not cost (sequential scan 1,579 against bitmap
    index scan 1,660), and the scan takes 212 ms where the index takes 61
    (评测: 153 against 43). So sequential scans are off for a search's
    queries in this block alone, as are parallel workers, and every setting
    is back to its default for whatever the transaction does next.
    """
    if not uses_tsvector() or analysis.parse_query(q).is_empty:
        yield
        return
    with _planned({"enable_seqscan": "off", **BOUNDED_PLANS}):
        yield


# The planner's settings for queries that read a bounded number of rows (a
# page, or the first ``EXACT_COUNT_LIMIT + 1`` matches): joins by nested
# loop through the primary keys, where a hash join first reads every public
# standard; no parallel workers, whose start costs more than they save and
# takes the other cores from the other requests.
BOUNDED_PLANS = {
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
    "max_parallel_workers_per_gather": "0",
}


@contextmanager
def list_plans(q: str):
    """The plans of a catalogue page's queries (or the API's bounded list):
    a search's (``search_plans``); without one, joins by nested loop all the
    same. A filter on the year and the state at 100,000 standards: the
    planner hashed every public standard (41-61 ms), the loop stops at the
    thousandth match (10 ms). Sequential scans stay the planner's choice:
    no long vector is read without a search."""
    if not uses_tsvector():
        yield
    elif not analysis.parse_query(q).is_empty:
        with search_plans(q):
            yield
    else:
        with _planned(BOUNDED_PLANS):
            yield


@contextmanager
def _planned(settings: dict):
    """``settings`` for the queries run in this block alone (``SET LOCAL``),
    on the database the catalogue reads (a replica's, for a visitor, when
    one is configured: portal.db_router). Each is back to its default when
    the block ends: by the end of the transaction when the block is one, by
    a ``SET LOCAL … TO DEFAULT`` when it is within another."""
    alias = router.db_for_read(Standard)
    database = connections[alias]
    within = database.in_atomic_block
    with transaction.atomic(using=alias):
        with database.cursor() as cursor:
            cursor.execute(
                "; ".join(
                    f"SET LOCAL {name} = {value}" for name, value in settings.items()
                )
            )
        yield
        if within:
            with database.cursor() as cursor:
                cursor.execute(
                    "; ".join(f"SET LOCAL {name} TO DEFAULT" for name in settings)
                )


def catalogue_search(
    *,
    q: str = "",
    field: Field | None = None,
    work_item: WorkItem | None = None,
    status: str = "",
    year: int | None = None,
    organisation: Organisation | None = None,
    include_abolished: bool = False,
    sort: str = "",
) -> QuerySet[Standard]:
    """Public standards matching every filter given, best first when searching.

    A field includes its subfields. Abolished standards are left out unless
    asked for (``include_abolished`` or ``status="abolished"``). Each standard
    carries ``published_on`` and ``edition_number`` (its in-force edition) and,
    when searching, ``rank``.
    """
    parsed = analysis.parse_query(q)
    qs = _filtered(
        _results(),
        field=field,
        work_item=work_item,
        status=status,
        year=year,
        organisation=organisation,
        include_abolished=include_abolished,
        # A search reads the search document's copy of the filters: the
        # search and its filters from one table's indexes together.
        on_document=uses_tsvector() and not parsed.is_empty,
    )
    if parsed.text:
        if parsed.is_empty:
            # Only stop words or punctuation: nothing to look for.
            return qs.none()
        qs = _search_postgres(qs, parsed) if uses_tsvector() else _search(qs, parsed)
    return qs.order_by(*_ORDERINGS[_sort(sort, parsed)])


def _filtered(
    qs,
    *,
    field=None,
    work_item=None,
    status="",
    year=None,
    organisation=None,
    include_abolished=False,
    on_document=False,
):
    """``qs`` with the catalogue's filters: on the standard's columns, or
    (``on_document``) on its search document's copy of them, which a public
    standard's document always holds (catalogue.services.filter_columns)."""
    if on_document:
        if field is not None:
            qs = qs.filter(
                Q(search_document__field_key=field.pk)
                | Q(search_document__field_parent_key=field.pk)
            )
        if work_item is not None:
            qs = qs.filter(search_document__work_item_key=work_item.pk)
        if organisation is not None:
            qs = qs.filter(search_document__organisation_key=organisation.pk)
        if status in PUBLIC_STATES:
            qs = qs.filter(search_document__public_state__in=PUBLIC_STATES[status])
        if not include_abolished and status != PublicStatus.ABOLISHED:
            qs = qs.exclude(search_document__public_state=PublicStatus.ABOLISHED)
    else:
        if field is not None:
            qs = qs.filter(field_id__in=field_and_subfields(field.pk))
        if work_item is not None:
            qs = qs.filter(work_item=work_item)
        if organisation is not None:
            qs = qs.filter(organisation=organisation)
        if status in PUBLIC_STATES:
            qs = qs.public_status_in(*PUBLIC_STATES[status])
        if not include_abolished and status != PublicStatus.ABOLISHED:
            qs = qs.exclude(status=Status.ABOLISHED)
    if year:
        qs = qs.filter(search_document__published_on__year=year)
    return qs


_ORDERINGS = {
    "relevance": (F("rank").desc(), "number", "pk"),
    "number": ("number", "pk"),
    "title": (Lower("search_document__title"), "pk"),
    "date": (F("published_on").desc(nulls_last=True), "number", "pk"),
}


def public_state(standard: Standard) -> str:
    """The standard's public status (a ``PublicStatus`` value)."""
    return str(standard.public_status or "")


def catalogue_page(filters: dict, *, page=None, per_page: int = 20) -> Page:
    """One page of ``catalogue_search(**filters)``, each standard with its
    ``snippet`` and ``url``; ``page`` as the reader gave it
    (a page past the end gives the last one, anything else the first).
    The paginator's ``estimated`` is true when its count is the planner's
    estimate (more than ``EXACT_COUNT_LIMIT`` standards found).

    The page is kept in the public cache until the public data changes, so
    a search many readers make (or one reader pages back through) is made
    once; a new one costs the page's ids with their count, its rows and
    their snippets, within bounds whatever the catalogue's size
    (``_page_ids``).
    """
    parts = (
        filters["q"],
        *(
            getattr(filters[name], "pk", None)
            for name in ("field", "work_item", "organisation")
        ),
        filters["status"],
        filters["year"],
        filters["include_abolished"],
        filters["sort"],
        str(page or ""),
        per_page,
    )

    def compute() -> dict:
        found = _page_ids(filters, page, per_page)
        standards = _rows_in_order(found.ids)
        attach_snippets(standards, filters["q"])
        return {
            "count": found.count,
            "estimated": found.estimated,
            "number": found.number,
            "standards": standards,
        }

    result = cached_public("catalogue-page", parts, compute)
    paginator = CountedPaginator([], per_page, count=result["count"])
    paginator.estimated = result.get("estimated", False)
    return Page(result["standards"], result["number"], paginator)


# A search or a filter finding more standards than this is counted by the
# planner's estimate ("about 5,900 standards"), and its page is read without
# sorting every standard found: what a page costs then stays the same as the
# catalogue grows. Up to this many, count and order are exact.
EXACT_COUNT_LIMIT = 1000
# Ranking a large result reads at most this many of the standards whose
# number, title or scope holds a term searched for (only those rank above
# the rest); beyond it, the best of the first this many found come first.
RANKED_LIMIT = 1000


@dataclass(frozen=True)
class PageIds:
    ids: list[int]
    count: int
    number: int
    estimated: bool = False


def _page_ids(filters: dict, page, per_page: int) -> PageIds:
    """The ids on page ``page`` of ``catalogue_search(**filters)`` (in its
    order), how many there are in all, and the page's number (as
    ``Paginator.get_page``: the first for anything but a number, the last
    for a number past the end).

    The first ``EXACT_COUNT_LIMIT + 1`` matches are found unordered (their
    ids alone). When that is all of them, the count is exact and they are
    ordered among themselves. Otherwise the count is estimated and the page
    is read in order: by an index for the sorts by number, title and date;
    by ``_ranked_page`` for relevance.
    """
    try:
        # Far past any end, but within what an SQL OFFSET takes.
        number = min(max(1, int(page)), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    qs = catalogue_search(**filters)
    parsed = analysis.parse_query(filters["q"])
    sort = _sort(filters["sort"], parsed)
    with list_plans(filters["q"]):
        found = list(
            qs.order_by().values_list("pk", flat=True)[: EXACT_COUNT_LIMIT + 1]
        )
        if len(found) > EXACT_COUNT_LIMIT:
            # The embedded database (SQLite) has no estimate: it counts.
            estimated = uses_tsvector()
            count = _count_beyond_limit(qs) if estimated else qs.count()
            start = (number - 1) * per_page
            ids = _sorted_page(qs, filters, parsed, sort, start, per_page)
            if ids or number == 1:
                return PageIds(ids, count, number, estimated=estimated)
            # Past the end of a large result (the estimate was high): the
            # exact count, once, for the last page.
            count = qs.count()
            number = -(-count // per_page)
            start = (number - 1) * per_page
            ids = _sorted_page(qs, filters, parsed, sort, start, per_page)
            return PageIds(ids, count, number)
    if not found:
        return PageIds([], 0, 1)
    count = len(found)
    number = min(number, -(-count // per_page))
    ordered = _ordered(Standard.objects.filter(pk__in=found), parsed, sort)
    start = (number - 1) * per_page
    return PageIds(list(ordered[start : start + per_page]), count, number)


def _sort(sort: str, parsed: analysis.ParsedQuery) -> str:
    """The order asked for, as ``catalogue_search`` resolves it."""
    if sort not in SORTS:
        sort = "relevance" if parsed.text else "number"
    if sort == "relevance" and not parsed.text:
        sort = "number"
    return sort


def _ordered(qs: QuerySet[Standard], parsed, sort: str):
    """The ids of ``qs`` in the catalogue's ``sort`` order, with what the
    order reads (rank, date, title) and nothing else: for a set of ids
    already found, never matching the long texts again."""
    if sort == "relevance":
        qs = qs.annotate(rank=_rank(parsed))
    elif sort == "date":
        qs = qs.annotate(published_on=F("search_document__published_on"))
    return qs.order_by(*_ORDERINGS[sort]).values_list("pk", flat=True)


def _sorted_page(qs, filters, parsed, sort, start, per_page) -> list[int]:
    if sort == "relevance" and uses_tsvector():
        return _ranked_page(qs, _filtered_alone(filters), parsed, start, per_page)
    if sort in ("title", "date"):
        # Ordered by the search document's title or date: joined to it
        # (never left out: a public standard is indexed in the transaction
        # that publishes it), so that the page walks that order's index.
        qs = qs.filter(search_document__isnull=False)
    return list(qs.values_list("pk", flat=True)[start : start + per_page])


def _ranked_page(qs, base, parsed, start, per_page) -> list[int]:
    """A page of a large search, best first, without ranking every match.

    Ranking reads the head vectors (number, title, scope) alone, and a head
    ranks above 0 only when it holds a pair of the terms searched for, or
    the one term of a one-term search (``ts_rank`` of an AND query sums over
    pairs of the terms it finds; ``_rank``). The GIN indexes of the head
    vectors find those heads; the first ``RANKED_LIMIT`` of them are ranked as
    ``catalogue_search`` ranks. Every other match has the lowest rank, and
    those come after, in order of number, as they tie. So the order is the
    exact one while no more than ``RANKED_LIMIT`` heads rank.
    """
    implied = _head_implies_match(parsed)
    # Whatever the head holds the whole document holds, so candidates are
    # found on the filters (``base``: ``qs`` without its search) and the head
    # vectors alone: matching the long vectors (each read whole from TOAST)
    # is left to the few read in order.
    candidates = (
        base.filter(_head_may_rank(parsed)).order_by().values("pk")[:RANKED_LIMIT]
    )
    ranked = list(
        Standard.objects.filter(pk__in=candidates)
        .annotate(rank=_rank(parsed))
        .filter(rank__gt=0)
        .order_by(*_ORDERINGS["relevance"])
        .values_list("pk", flat=True)
    )
    top = ranked if implied else _matching_in_order(qs, ranked, start + per_page)
    ids = top[start : start + per_page]
    if len(ids) == per_page:
        return ids
    # The page reaches the end of the ranked heads: the ties follow, in
    # order of number.
    if not implied:
        top = _matching_in_order(qs, ranked, len(ranked))
    rest = qs.exclude(pk__in=top).order_by(*_ORDERINGS["number"])
    rest_start = max(0, start - len(top))
    return ids + list(
        rest.values_list("pk", flat=True)[rest_start : rest_start + per_page - len(ids)]
    )


def _matching_in_order(qs, ids: list[int], wanted: int, chunk: int = 100):
    """The first ``wanted`` of ``ids`` (in that order) that ``qs`` holds,
    asked ``chunk`` at a time."""
    found: list[int] = []
    for at in range(0, len(ids), chunk):
        part = ids[at : at + chunk]
        held = set(qs.filter(pk__in=part).order_by().values_list("pk", flat=True))
        found += [pk for pk in part if pk in held]
        if len(found) >= wanted:
            break
    return found


def bounded_count(qs: QuerySet) -> tuple[int, bool]:
    """How many standards ``qs`` (a search, or any list) holds, and whether
    that is an estimate: exact up to ``EXACT_COUNT_LIMIT``, the planner's
    estimate beyond (PostgreSQL; run a search's in ``search_plans``). Only
    the first ``EXACT_COUNT_LIMIT + 1`` ids are read, whatever the size."""
    found = len(qs.order_by().values_list("pk", flat=True)[: EXACT_COUNT_LIMIT + 1])
    if found <= EXACT_COUNT_LIMIT or not uses_tsvector():
        return (found if found <= EXACT_COUNT_LIMIT else qs.count()), False
    return _count_beyond_limit(qs), True


def ranked_search_page(qs, base, q: str, start: int, per_page: int) -> list[int]:
    """The ids of ``qs`` (``base`` searched for ``q``: ``full_text_search``)
    from ``start``, best first as the catalogue ranks them, without ranking
    every match (``_ranked_page``); the API's search asks this."""
    parsed = analysis.parse_query(q)
    if not uses_tsvector() or parsed.is_empty:
        return list(
            qs.order_by(*SEARCH_ORDERING).values_list("pk", flat=True)[
                start : start + per_page
            ]
        )
    return _ranked_page(qs, base, parsed, start, per_page)


def _about(count: int) -> int:
    """``count`` to two significant figures (5,942 → 5,900)."""
    unit = 10 ** max(0, len(str(count)) - 2)
    return round(count / unit) * unit


def _count_beyond_limit(qs: QuerySet) -> int:
    """How many rows ``qs`` has, known to be more than ``EXACT_COUNT_LIMIT``:
    the planner's estimate, to two figures."""
    return _about(max(_estimated_count(qs), EXACT_COUNT_LIMIT + 1))


def _estimated_count(qs: QuerySet) -> int:
    """PostgreSQL's planner's estimate of how many rows ``qs`` has."""
    plan = json.loads(qs.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def _results() -> QuerySet[Standard]:
    """Public standards with what a result shows: field, organisation, work
    item, and the title, scope, date and number of the in-force edition (as
    the search index copied them from it: never the title or scope a
    renewal's draft is given meanwhile)."""
    return (
        Standard.objects.public()
        .select_related("field__parent", "organisation", "work_item")
        .annotate(
            published_on=F("search_document__published_on"),
            edition_number=F("search_document__edition"),
            public_title=F("search_document__title"),
            public_scope=F("search_document__scope"),
            public_title_zh=F("search_document__title_zh"),
            public_scope_zh=F("search_document__scope_zh"),
        )
    )


@dataclass(slots=True)
class ResultRow:
    """A standard as a page of results shows it, in the reader's language:
    plain values, quick to keep in the cache and to render (a page of model
    instances cost several milliseconds more to build, pickle and render)."""

    pk: int
    number: str
    url: str
    title: str
    public_scope: str
    public_status: str
    status_label: str
    field: str
    field_parent: str
    work_item: str
    organisation: str
    published_on: date | None
    edition_number: int | None
    snippet: SafeString | None = None


# What a result shows, as ``_results`` reads it: the standard's own
# columns, then the others by their name on the row.
_ROW_COLUMNS = ("pk", "number", "status", "has_edition")
_ROW_VALUES = {
    "published_on": "search_document__published_on",
    "edition_number": "search_document__edition",
    "public_title": "search_document__title",
    "public_title_zh": "search_document__title_zh",
    "public_scope": "search_document__scope",
    "public_scope_zh": "search_document__scope_zh",
    "field_name": "field__name",
    "field_name_zh": "field__name_zh",
    "parent_name": "field__parent__name",
    "parent_name_zh": "field__parent__name_zh",
    "work_item_title": "work_item__title",
    "work_item_title_zh": "work_item__title_zh",
    "organisation_name": "organisation__name",
    "organisation_name_zh": "organisation__name_zh",
}


def _rows_in_order(ids: list[int]) -> list[ResultRow]:
    """The public standards of ``ids``, in that order, as result rows."""
    chinese = reads_chinese()

    def named(row: dict, name: str) -> str:
        return (chinese and row[f"{name}_zh"]) or row[name] or ""

    found = {
        row["pk"]: row
        for row in Standard.objects.public()
        .filter(pk__in=ids)
        .values(*_ROW_COLUMNS, **{name: F(path) for name, path in _ROW_VALUES.items()})
    }
    rows = []
    for pk in ids:
        if (row := found.get(pk)) is None:
            continue
        status = public_status_of(status=row["status"], has_edition=row["has_edition"])
        rows.append(
            ResultRow(
                pk=pk,
                number=row["number"] or "",
                url=standard_url(pk),
                title=named(row, "public_title"),
                public_scope=row["public_scope"] or "",
                public_status=str(status or ""),
                status_label=str(status.label) if status else "",
                field=named(row, "field_name"),
                field_parent=named(row, "parent_name"),
                work_item=named(row, "work_item_title"),
                organisation=named(row, "organisation_name"),
                published_on=row["published_on"],
                edition_number=row["edition_number"],
            )
        )
    return rows


def _search_postgres(qs, parsed: analysis.ParsedQuery):
    match, rank = _match_postgres(parsed)
    return qs.filter(match).annotate(rank=rank)


def _match_postgres(parsed: analysis.ParsedQuery):
    """Match on the GIN-indexed vectors of the whole document; rank on the
    small vectors of its head (number and title, then scope), so ranking
    thousands of matches never reads their long texts. Matches in the text
    alone tie, and come in order of number."""
    match = Q()
    if parsed.words:
        match &= Q(search_document__english_vector=english_query(parsed))
    if parsed.cjk or parsed.cjk_prefix:
        query = SearchQuery(parsed.cjk_tsquery(), config="simple", search_type="raw")
        match &= Q(search_document__cjk_vector=query)
    return match, _rank(parsed)


def _rank(parsed: analysis.ParsedQuery):
    """The catalogue's rank of a search, on the head vectors: the sum of
    ``ts_rank`` in each language, where a head holding no pair of the terms
    searched for (nor the one term of a one-term search) ranks 0. (``ts_rank``
    gives such a head 1e-20, and an empty head 0: the two tie here, so that
    only the heads that can rank need ranking, ``_ranked_page``.)"""
    if not uses_tsvector():
        return _match(parsed)[1]
    rank = Value(0.0, output_field=FloatField())
    if parsed.words:
        rank = rank + _above_nothing(
            SearchRank(F("search_document__english_head_vector"), english_query(parsed))
        )
    if parsed.cjk or parsed.cjk_prefix:
        query = SearchQuery(parsed.cjk_tsquery(), config="simple", search_type="raw")
        rank = rank + _above_nothing(
            SearchRank(F("search_document__cjk_head_vector"), query)
        )
    return rank


# ts_rank's least rank of a head that holds what was searched for is far
# above this; of one that does not, 1e-20 or 0.
_NOTHING = 1e-19


def _above_nothing(rank):
    return Case(
        When(GreaterThan(rank, Value(_NOTHING)), then=rank),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _head_implies_match(parsed: analysis.ParsedQuery) -> bool:
    """A head that may rank holds every term searched for: one or two terms,
    of one language."""
    english = len(parsed.words)
    cjk = len(set(parsed.cjk)) + len(set(parsed.cjk_prefix))
    return (english == 0 or cjk == 0) and english + cjk <= 2


def _filtered_alone(filters: dict) -> QuerySet[Standard]:
    """``catalogue_search(**filters)`` without its search, on the search
    documents' copy of the filters."""
    return _filtered(
        _results(),
        **{k: v for k, v in filters.items() if k not in ("q", "sort")},
        on_document=uses_tsvector(),
    )


def _head_may_rank(parsed: analysis.ParsedQuery) -> Q:
    """The head vectors hold a pair of the terms searched for (in either
    language), or its one term: what a head needs to rank above the lowest
    rank (``_ranked_page``)."""

    def pairs(terms: list[str]) -> str:
        if len(terms) == 1:
            return terms[0]
        return " | ".join(f"({a} & {b})" for a, b in itertools.combinations(terms, 2))

    holds = Q()
    if parsed.words:
        # Each word as PostgreSQL stems it (plainto_tsquery).
        words = [
            SearchQuery(w, config="english", search_type="plain") for w in parsed.words
        ]
        english = words[0]
        if len(words) > 1:
            english = functools.reduce(
                operator.or_, (a & b for a, b in itertools.combinations(words, 2))
            )
        holds |= Q(search_document__english_head_vector=english)
    if parsed.cjk or parsed.cjk_prefix:
        terms = list(dict.fromkeys(parsed.cjk))
        terms += [f"{char}:*" for char in dict.fromkeys(parsed.cjk_prefix)]
        query = SearchQuery(pairs(terms), config="simple", search_type="raw")
        holds |= Q(search_document__cjk_head_vector=query)
    return holds


def english_query(parsed: analysis.ParsedQuery) -> SearchQuery:
    # PostgreSQL stems the words itself; they were split and stop words
    # dropped as on SQLite, so both sides look for the same stems.
    return SearchQuery(" ".join(parsed.words), config="english", search_type="plain")


def _search(qs, parsed: analysis.ParsedQuery):
    match, rank = _match(parsed)
    return qs.filter(match).annotate(rank=rank)


def _match(parsed: analysis.ParsedQuery):
    """SQLite: every stem and CJK term must be among the document's terms.
    A match in the number, title or scope weighs three times one in the text."""
    match, rank = Q(), Value(0, output_field=IntegerField())
    wanted = [("stems", f" {s} ") for s in parsed.stems]
    wanted += [("cjk", f" {t} ") for t in parsed.cjk]
    wanted += [("cjk", f" {c}") for c in parsed.cjk_prefix]
    for column, needle in wanted:
        in_head = Q(**{f"search_document__head_{column}__contains": needle})
        in_body = Q(**{f"search_document__body_{column}__contains": needle})
        match &= in_head | in_body
        rank = rank + Case(
            When(in_head, then=Value(3)),
            When(in_body, then=Value(1)),
            default=Value(0),
        )
    return match, rank


def full_text_search(qs: QuerySet[Standard], q: str, *, also: Q | None = None):
    """``qs`` narrowed to the standards the catalogue's search finds for ``q``
    in their public record (the search index: English stems and Chinese
    bigrams of number, titles, scopes and text), or that match ``also``;
    each with its ``search_rank`` as the catalogue ranks it (0 for those
    found by ``also`` alone). The API's ``q`` asks this, so that it finds
    and ranks what the catalogue page does; order by ``SEARCH_ORDERING``.
    Nothing for a query of stop words or punctuation alone."""
    parsed = analysis.parse_query(q)
    if uses_tsvector():
        zero = Value(0.0, output_field=FloatField())
    else:
        zero = Value(0, output_field=IntegerField())
    if parsed.is_empty:
        found = qs.filter(also) if also is not None else qs.none()
        return found.annotate(search_rank=zero)
    match, rank = _match_postgres(parsed) if uses_tsvector() else _match(parsed)
    if also is not None:
        match |= also
    return qs.filter(match).annotate(search_rank=Coalesce(rank, zero))


# The catalogue's "relevance" order, over ``full_text_search``'s rank.
SEARCH_ORDERING = (F("search_rank").desc(), "number", "pk")


# --- snippets -------------------------------------------------------------


def attach_snippets(standards: list[Standard], q: str) -> None:
    """Give each standard a ``snippet``: the text around the first match of
    ``q`` with every match in it marked, or the start of its scope. One query.

    The same on both databases: the first ``SNIPPET_SOURCE_CHARS`` of each
    text are read, and the words whose stem is searched for are found in
    Python (``_stem_spans``), as the index stems them. PostgreSQL's
    ts_headline parsed and stemmed every word it was given: 27 ms for a page
    of 20 results of 8,000 characters each, about ten times this."""
    parsed = analysis.parse_query(q)
    if parsed.is_empty or not standards:
        for standard in standards:
            standard.snippet = _plain(standard.public_scope or "")
        return
    annotations = {}
    if parsed.words:
        annotations["text"] = Left("body", SNIPPET_SOURCE_CHARS)
    if parsed.cjk or parsed.cjk_prefix:
        # The database cuts the window around the first CJK term, so long
        # texts never leave it.
        first = (parsed.cjk or parsed.cjk_prefix)[0]
        annotations["at"] = StrIndex("body", Value(first))
        annotations["window"] = Substr(
            "body", Greatest(F("at") - SNIPPET_CHARS // 3, Value(1)), SNIPPET_CHARS
        )
    rows = (
        SearchDocument.objects.filter(pk__in=[s.pk for s in standards])
        .annotate(**annotations)
        .values("pk", *annotations)
    )
    found = {}
    for row in rows:
        snippet = None
        if row.get("text"):
            snippet = _snippet(row["text"], parsed)
        if snippet is None and row.get("at"):
            snippet = _snippet(row["window"], parsed)
        found[row["pk"]] = snippet
    for standard in standards:
        scope = standard.public_scope or ""
        standard.snippet = (
            found.get(standard.pk) or _snippet(scope, parsed) or _plain(scope)
        )


def _plain(text: str) -> SafeString:
    return escape(Truncator(text).chars(SNIPPET_CHARS))


def _cjk_pattern(parsed) -> re.Pattern | None:
    terms = sorted(set(parsed.cjk) | set(parsed.cjk_prefix), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, terms))) if terms else None


@functools.lru_cache(maxsize=256)
def _stem_prefixes(stems: tuple[str, ...]) -> re.Pattern:
    """Where a word whose stem is one of ``stems`` may start: a word begins
    with its stem less the stem's last two letters (Snowball changes at most
    those: "happy" → "happi", "dying" → "die"; checked on 255,000 English
    words), so only the words found here are stemmed."""
    prefixes = sorted({stem[: max(1, len(stem) - 2)] for stem in stems}, key=len)
    # Plain alternatives: where a word starts is checked apart
    # (``_stem_spans``), as a class of every letter but CJK ones takes
    # milliseconds to compile for each new query.
    return re.compile("|".join(re.escape(p) for p in reversed(prefixes)), re.IGNORECASE)


def _stem_spans(text: str, parsed, start: int = 0, end: int | None = None):
    """The spans of the words of ``text[start:end]`` (in order) that search
    finds ``parsed``'s English words in."""
    stems = set(parsed.stems)
    end = len(text) if end is None else end
    for hit in _stem_prefixes(parsed.stems).finditer(text, start, end):
        at = hit.start()
        if at and analysis.WORD_CHAR.match(text, at - 1):
            continue  # inside a word (prefixes are letters and digits only)
        word = analysis.WORD.match(text, at)
        lowered = word.group().lower()
        if lowered not in analysis.STOP_WORDS and analysis.stem(lowered) in stems:
            yield word.span()


def _spans(text: str, parsed) -> list[tuple[int, int]]:
    spans = []
    pattern = _cjk_pattern(parsed)
    if pattern:
        spans += [m.span() for m in pattern.finditer(text)]
    if parsed.stems:
        spans += list(_stem_spans(text, parsed))
    return sorted(spans)


def _snippet(text: str, parsed) -> SafeString | None:
    """The window of ``text`` around its first match, matches marked."""
    pattern = _cjk_pattern(parsed)
    first = None
    if pattern and (m := pattern.search(text)):
        first = m.start()
    if parsed.stems:
        span = next(_stem_spans(text, parsed, 0, first), None)
        if span is not None:
            first = span[0]
    if first is None:
        return None
    start = max(0, first - SNIPPET_CHARS // 3)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_CHARS)
    window = text[start:end]
    html, at = [], 0
    for s, e in _spans(window, parsed):
        if s < at:
            continue
        html += [escape(window[at:s]), "<mark>", escape(window[s:e]), "</mark>"]
        at = e
    html.append(escape(window[at:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(html).strip() + suffix)  # noqa: S308


# --- filter choices -------------------------------------------------------


def catalogue_choices() -> dict:
    """What the filters offer: fields (parents before their subfields), work
    items, submitting organisations of public standards, publication years.
    Kept in the public cache until the public data changes."""
    return cached_public("catalogue-choices", (), _catalogue_choices)


def _catalogue_choices() -> dict:
    """Each filter's options as ``(value, label)`` pairs, labelled in the
    reader's language (the public cache keeps them per language)."""
    fields = list(Field.objects.select_related("parent"))
    parents = [f for f in fields if f.parent_id is None]
    ordered = []
    for parent in parents:
        ordered.append((parent.slug, localized(parent, "name")))
        ordered += [
            (f.slug, f"— {localized(f, 'name')}")
            for f in fields
            if f.parent_id == parent.pk
        ]
    organisations = Organisation.objects.filter(
        pk__in=Standard.objects.public().values("organisation_id")
    ).order_by("name")
    return {
        "fields": ordered,
        "work_items": [
            (w.slug, localized(w, "title")) for w in WorkItem.objects.order_by("order")
        ],
        "organisations": [(o.slug, localized(o, "name")) for o in organisations],
        "years": [(year, year) for year in publication_years()],
    }


# From the latest publication date, the latest one before the year it falls
# in, and so on: one step down the published_on index per year, where
# DISTINCT over the years would read every document.
_YEARS_SQL = {
    "postgresql": "date_trunc('year', d)",
    "sqlite": "strftime('%Y-01-01', d)",
}


def publication_years() -> list[int]:
    """The years of publication, newest first."""
    table = SearchDocument._meta.db_table
    start_of_year = _YEARS_SQL.get(connection.vendor)
    if start_of_year is None:
        return [
            d.year
            for d in SearchDocument.objects.dates("published_on", "year", order="DESC")
        ]
    sql = f"""
        WITH RECURSIVE years(d) AS (
            SELECT max(published_on) FROM {table}
            UNION ALL
            SELECT (SELECT max(published_on) FROM {table}
                    WHERE published_on < {start_of_year})
            FROM years WHERE d IS NOT NULL
        )
        SELECT d FROM years WHERE d IS NOT NULL
    """  # noqa: S608 — no user input
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [_as_date(row[0]).year for row in cursor.fetchall()]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- feeds ----------------------------------------------------------------


def latest_editions(*, field: Field | None = None, limit: int = 50):
    """The latest publications (each edition of a public standard)."""
    qs = permissions.public_editions().select_related("standard")
    if field is not None:
        qs = qs.filter(Q(standard__field=field) | Q(standard__field__parent=field))
    return list(qs.order_by("-published_on", "-pk")[:limit])


def public_history(standard: Standard, *, limit: int = 50) -> list[HistoryEntry]:
    """What every reader sees of ``standard``'s history (its feed)."""
    return list(
        permissions.visible_history(standard, AnonymousUser())
        .select_related("standard")
        .order_by("-created", "-pk")[:limit]
    )


# --- "did you mean" -------------------------------------------------------

# A suggestion corrects at most this many words of a query, each of at least
# SUGGESTION_MIN_LENGTH letters, from the words of the public standards'
# numbers, titles and scopes (never a draft's: only the search index, which
# holds the public record alone, is read).
SUGGESTION_MAX_WORDS = 6
SUGGESTION_MIN_LENGTH = 3
# The embedded (SQLite) run compares with at most this many distinct words.
VOCABULARY_LIMIT = 20_000
# pg_trgm's similarity, and difflib's ratio, a suggestion needs at least.
TRIGRAM_THRESHOLD = 0.3
DIFFLIB_CUTOFF = 0.75

_CLOSE_WORDS_SQL = """
    SELECT word FROM (
        SELECT DISTINCT lower(w) AS word
        FROM catalogue_searchdocument d,
             regexp_split_to_table(d.number || ' ' || d.title || ' ' || d.scope,
                                   '[^[:alnum:]]+') AS w
    ) words
    WHERE length(word) >= %s AND word ~ '^[[:alpha:]]' AND similarity(word, %s) >= %s
    ORDER BY similarity(word, %s) DESC, word
    LIMIT %s
"""


def search_suggestion(filters: dict) -> str | None:
    """For a search that found nothing: the query with each word that finds
    nothing alone replaced by the closest word of the public standards'
    numbers, titles and scopes ("evalution" → "evaluation"), if that query
    finds something with the same filters; else ``None``. Kept in the public
    cache until the public data changes."""
    q = filters["q"]
    if analysis.parse_query(q).is_empty:
        return None
    parts = (
        q,
        *(
            getattr(filters[name], "pk", None)
            for name in ("field", "work_item", "organisation")
        ),
        filters["status"],
        filters["year"],
        filters["include_abolished"],
    )
    return (
        cached_public(
            "catalogue-suggestion", parts, lambda: _search_suggestion(filters) or ""
        )
        or None
    )


def _search_suggestion(filters: dict) -> str | None:
    q = filters["q"]
    corrections = {}
    words = [w for w in dict.fromkeys(analysis.english_words(q)) if not w.isdigit()]
    for word in words[:SUGGESTION_MAX_WORDS]:
        if len(word) < SUGGESTION_MIN_LENGTH or catalogue_search(q=word).exists():
            continue
        close = close_words(word, limit=1)
        if close and close[0] != word:
            corrections[word] = close[0]
    if not corrections:
        return None
    suggestion = analysis.WORD.sub(
        lambda m: corrections.get(m.group().lower(), m.group()), q
    )
    if not catalogue_search(**{**filters, "q": suggestion, "sort": ""}).exists():
        return None
    return suggestion


def close_words(word: str, *, limit: int = 3) -> list[str]:
    """The words of the public standards' numbers, titles and scopes closest
    to ``word``, closest first: by trigram similarity on PostgreSQL
    (pg_trgm), by ``difflib`` elsewhere."""
    word = word.lower()
    if uses_tsvector():
        with connection.cursor() as cursor:
            cursor.execute(
                _CLOSE_WORDS_SQL,
                [SUGGESTION_MIN_LENGTH, word, TRIGRAM_THRESHOLD, word, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    return close_words_in(word, public_vocabulary(), limit=limit)


def close_words_in(word: str, vocabulary, *, limit: int = 3) -> list[str]:
    """The SQLite way: ``difflib``'s closest words of ``vocabulary``."""
    return difflib.get_close_matches(
        word.lower(), list(vocabulary), n=limit, cutoff=DIFFLIB_CUTOFF
    )


def public_vocabulary() -> list[str]:
    """The distinct words (of at least SUGGESTION_MIN_LENGTH letters, not
    numbers) of the public standards' numbers, titles and scopes, as the
    search index holds them; at most VOCABULARY_LIMIT of them."""

    def compute() -> list[str]:
        words: set[str] = set()
        rows = SearchDocument.objects.values_list("number", "title", "scope")
        for row in rows.iterator(chunk_size=2000):
            for text in row:
                words.update(
                    w
                    for w in analysis.WORD.findall((text or "").lower())
                    if len(w) >= SUGGESTION_MIN_LENGTH and not w[0].isdigit()
                )
            if len(words) >= VOCABULARY_LIMIT:
                break
        return sorted(words)[:VOCABULARY_LIMIT]

    return cached_public("catalogue-vocabulary", (), compute)


# --- suggestions while typing ---------------------------------------------

SUGGEST_LIMIT = 8
# What a query to suggest from may hold: the search box's own limit is 200;
# a number or a few words of a title are far shorter.
SUGGEST_MAX_CHARS = 100
SUGGEST_MAX_WORDS = 6
# Separators of the words of a title, before which a typed word may start.
_TITLE_WORD_STARTS = (" ", "-", "(", "/", "“", '"')


def suggest_standards(q: str, *, limit: int = SUGGEST_LIMIT) -> list[dict]:
    """Up to ``limit`` public standards (abolished ones left out, as the
    catalogue leaves them out) for a search box being typed in: those whose
    number starts with ``q`` (or has a part that does: "0003" finds
    "LLMSWG 0003:2026"), or whose title has, for each word of ``q``, a word
    starting with it (Chinese: contains it), in English or in Chinese.
    Numbers matched first, then titles starting with ``q``, then by number.

    Only the public record is read: numbers and titles as the search index
    copied them from the in-force edition, never a draft's or a renewal's
    own title. Each as ``{"number", "title", "url"}``, the title in the
    reader's language where the standard has it, kept in the public cache
    until the public data changes."""
    q = " ".join(q.split())[:SUGGEST_MAX_CHARS]
    if not q:
        return []
    chinese = reads_chinese()
    return cached_public(
        "catalogue-suggest",
        (q.lower(), limit, chinese),
        lambda: _suggest(q, limit, chinese=chinese),
    )


def _title_words(column: str, words: list[str]) -> Q:
    """Each of ``words`` starts a word of the title in ``column``."""
    found = Q()
    for word in words:
        if analysis.CJK_RUN.search(word):
            found &= Q(**{f"search_document__{column}__icontains": word})
            continue
        starts = Q(**{f"search_document__{column}__istartswith": word})
        for separator in _TITLE_WORD_STARTS:
            starts |= Q(**{f"search_document__{column}__icontains": separator + word})
        found &= starts
    return found


def _suggest(q: str, limit: int, *, chinese: bool) -> list[dict]:
    words = q.split()[:SUGGEST_MAX_WORDS]
    in_number = Q(search_document__number__istartswith=q) | Q(
        search_document__number__icontains=f" {q}"
    )
    in_title = _title_words("title", words) | _title_words("title_zh", words)
    qs = (
        Standard.objects.public()
        .exclude(status=Status.ABOLISHED)
        .filter(in_number | in_title)
        .annotate(
            number_shown=F("search_document__number"),
            title_shown=F("search_document__title"),
            title_zh_shown=F("search_document__title_zh"),
            order=Case(
                When(in_number, then=Value(0)),
                When(search_document__title__istartswith=q, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("order", "number_shown", "title_shown", "pk")
        .values("pk", "number_shown", "title_shown", "title_zh_shown")[:limit]
    )
    return [
        {
            "number": row["number_shown"] or "",
            "title": (chinese and row["title_zh_shown"]) or row["title_shown"],
            "url": standard_url(row["pk"]),
        }
        for row in qs
    ]
