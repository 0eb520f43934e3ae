"""The standards API's public side: the list and detail of standards (and
opening and editing a draft, at the same addresses), their editions and
their history. Everyone reads the public record; the draft audience also
reads a draft's own details, and the whole history.

Visibility is the web's: a standard is found only if
``selectors.visible_standards`` includes it for the caller (else 404).
"""

from django.db.models import Count, Max, Prefetch
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.selectors import (
    SEARCH_ORDERING,
    attach_snippets,
    bounded_count,
    list_plans,
    ranked_search_page,
    search_plans,
)
from portal.api import ConditionalGetMixin, check_if_match, with_etag
from portal.public_cache import cache_public_response

from .. import permissions as rules
from .. import selectors, services
from ..models import Edition, Standard
from .filters import EditionFilter, StandardFilter
from .inputs import StandardCreateInput, StandardUpdateInput, validated
from .rows import rows_of, standard_values, visitor_rows
from .serializers import (
    EditionDetailSerializer,
    EditionSerializer,
    HistoryEntrySerializer,
    StandardDetailSerializer,
    StandardSerializer,
)


def _visible(request, pk) -> Standard:
    return selectors.standard_get_visible(standard_id=pk, user=request.user)


def _mark_draft_audience(standards, user) -> None:
    """Tell each standard of a page whether ``user`` is in its draft
    audience, in one query for the page (none for an anonymous caller)."""
    ids = set()
    if user.is_authenticated and standards:
        ids = set(
            rules.working_material_audience(user)
            .filter(pk__in=[s.pk for s in standards])
            .values_list("pk", flat=True)
        )
    for standard in standards:
        standard.in_draft_audience = standard.pk in ids


TRUE_VALUES = {"1", "true", "yes", "on"}


def _attach_snippets(standards, q: str) -> None:
    """The catalogue's snippets (its excerpt of the public record around the
    first match, HTML-escaped, matches in ``<mark>``) for the standards with
    an edition; none for drafts, which are not in the search index."""
    public = [s for s in standards if s.has_edition]
    if q:
        attach_snippets(public, q)
    for standard in standards:
        if not q or not standard.has_edition:
            standard.snippet = None


def _standards_for(user):
    return (
        rules.visible_standards(user)
        .select_related("field", "organisation", "work_item")
        .prefetch_related(
            Prefetch("editions", queryset=Edition.objects.order_by("-edition"))
        )
    )


class RankedResults:
    """A visitor's search results as the paginator slices them: each slice
    is ranked within bounds (``ranked_search_page``), its ids best first."""

    def __init__(self, queryset, base, q: str, count: int):
        self.queryset, self.base, self.q, self._count = queryset, base, q, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, window: slice) -> list:
        start = window.start or 0
        return ranked_search_page(
            self.queryset, self.base, self.q, start, window.stop - start
        )


def check_standard_if_match(request, standard_id) -> None:
    """``If-Match`` on a write to a standard: the ETag of its detail as the
    caller reads it now (portal.api.check_if_match)."""
    data = None
    if "If-Match" in request.headers:
        data = StandardDetailSerializer(
            standard_detail(request, standard_id), context={"request": request}
        ).data
    check_if_match(request, data)


def standard_detail(request, standard_id) -> Standard:
    """A visible standard with what its detail shows, in a fixed number of
    queries."""
    standard = _visible(request, standard_id)
    standard.edition_list = list(standard.editions.order_by("-edition"))
    standard._prefetched_objects_cache = {"editions": standard.edition_list}
    standard.author_list = list(standard.authors.all())
    standard.transitions = (
        services.available_transitions(standard, request.user)
        if request.user.is_authenticated
        else []
    )
    standard.turns = (
        selectors.whose_turn(standard)
        if rules.can_see_working_material(standard, request.user)
        else []
    )
    return standard


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("List standards"),
        description=(
            gettext_lazy(
                "Published and abolished standards for everyone; signed-in callers "
                "also see the drafts visible to them. With `q`, the catalogue's "
                "full-text search finds them, best first (`ordering` overrides); "
                "a visitor's list or search finding more than 1,000 standards is "
                "counted by estimate, as the catalogue page counts it, and says so "
                "in the header `X-Count-Estimated: true`."
            )
        ),
        parameters=[
            OpenApiParameter(
                "snippets",
                bool,
                description=gettext_lazy(
                    "With `q`: fill each result's `snippet` with the excerpt of "
                    "its public record around the first match."
                ),
            )
        ],
        responses=StandardSerializer(many=True),
    ),
    post=extend_schema(
        summary=gettext_lazy("Create a draft"),
        request=StandardCreateInput,
        responses={201: StandardDetailSerializer},
    ),
)
@method_decorator(cache_public_response, name="dispatch")
class StandardList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = StandardSerializer
    filterset_class = StandardFilter
    ordering_fields = ["number", "title", "updated", "created", "status", "review_due"]

    @property
    def ordering(self):
        """With ``q``, by relevance as the catalogue page ranks (its
        ``filter_q`` annotates the rank); else the latest changed first."""
        if self._search_query():
            return list(SEARCH_ORDERING)
        return ["-updated", "-pk"]

    def _search_query(self) -> str:
        request = getattr(self, "request", None)
        params = getattr(request, "query_params", None) or {}
        return (params.get("q") or "").strip()

    def get_queryset(self):
        return _standards_for(self.request.user)

    def list(self, request, *args, **kwargs):
        """A visitor's page is written from plain values (``rows``): the
        same rows as the serializer's, which writes everyone else's."""
        if not self._for_visitor():
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        q = self._search_query()
        # A visitor's queries are bounded (a page, the first thousand ids):
        # planned so (list_plans).
        snippets_for = q if request.query_params.get("snippets") in TRUE_VALUES else ""
        with list_plans(q):
            if q and self._bounded_search():
                ids = self._bounded_search_page(queryset, q)
                # Found by the search: read as what the visitor may see,
                # without matching their long vectors again.
                rows = visitor_rows(
                    self.get_queryset(), ids, request, snippets_for=snippets_for
                )
            else:
                page = self._bounded_list_page(standard_values(queryset))
                rows = rows_of(page, request, snippets_for=snippets_for)
        return self.get_paginated_response(rows)

    def paginate_queryset(self, queryset):
        """A signed-in caller's page: counted whole, for its drafts are
        found outside the search index (a visitor's: ``list``)."""
        q = self._search_query()
        with search_plans(q):
            # The count for the pages and the date for Last-Modified in one
            # query.
            figures = queryset.aggregate(count=Count("pk"), last=Max("updated"))
            self.known_count = figures["count"]
            self._last_modified = figures["last"]
            page = super().paginate_queryset(queryset)
        if page is not None:
            _mark_draft_audience(page, self.request.user)
            if self.request.query_params.get("snippets") in TRUE_VALUES:
                _attach_snippets(page, self._search_query())
        return page

    def get_last_modified(self, request):
        return getattr(self, "_last_modified", None)

    def _for_visitor(self) -> bool:
        return not self.request.user.is_authenticated

    def _bounded_list_page(self, queryset):
        """A visitor's list (or search in another ``ordering``): counted
        within bounds, as a search is (``X-Count-Estimated: true`` beyond a
        thousand), where an exact count read every standard the filters keep
        (300 ms for a common word ordered by title at 100,000 standards)."""
        count, estimated = bounded_count(queryset)
        self.known_count = count
        self.count_estimated = estimated
        self._last_modified = self._public_last_modified()
        return super().paginate_queryset(queryset)

    def _public_last_modified(self):
        """Any public change is at least as recent as a public list's
        latest: read from one index, not from every row the list holds."""
        return rules.public_record_standards().aggregate(last=Max("updated"))["last"]

    def _bounded_search(self) -> bool:
        """A visitor's search in the catalogue's order: counted and ranked
        within bounds, as the catalogue page is, whatever the catalogue's
        size. (A signed-in caller's search also finds drafts by their words,
        outside the search index: counted and ranked whole.)"""
        return not self.request.user.is_authenticated and not (
            self.request.query_params.get("ordering")
        )

    def _bounded_search_page(self, queryset, q: str):
        """The page of a visitor's search: more than a thousand matches are
        counted by estimate (``X-Count-Estimated: true``), and the page is
        ranked from the heads that can rank (catalogue.selectors)."""
        count, estimated = bounded_count(queryset)
        self.known_count = count
        self.count_estimated = estimated
        self._last_modified = self._public_last_modified()
        params = self.request.query_params.copy()
        params.pop("q", None)
        filterset = self.filterset_class(
            params, queryset=self.get_queryset(), request=self.request
        )
        filterset.search_base = True  # its filters as the search reads them
        base = filterset.qs
        results = RankedResults(queryset, base, q, count)
        return self.paginator.paginate_queryset(results, self.request, view=self)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "count_estimated", False):
            response["X-Count-Estimated"] = "true"
        return response

    def post(self, request):
        data = validated(StandardCreateInput, request)
        standard = services.standard_create(actor=request.user, **data)
        return Response(
            StandardDetailSerializer(
                standard_detail(request, standard.pk), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("A standard"), responses=StandardDetailSerializer
    ),
    patch=extend_schema(
        summary=gettext_lazy("Edit a draft's metadata"),
        request=StandardUpdateInput,
        responses=StandardDetailSerializer,
    ),
)
@method_decorator(cache_public_response, name="dispatch")
class StandardDetail(ConditionalGetMixin, APIView):
    if_match_methods = ("PATCH",)  # documented by portal.api_schema

    def get_last_modified(self, request):
        return getattr(self, "_last_modified", None)

    def get(self, request, pk):
        standard = standard_detail(request, pk)
        self._last_modified = standard.updated
        return Response(
            StandardDetailSerializer(standard, context={"request": request}).data
        )

    def patch(self, request, pk):
        data = validated(StandardUpdateInput, request)
        check_standard_if_match(request, pk)
        services.standard_update(standard_id=pk, actor=request.user, **data)
        return with_etag(
            Response(
                StandardDetailSerializer(
                    standard_detail(request, pk), context={"request": request}
                ).data
            )
        )


# --- editions and history -----------------------------------------------------------


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("List editions of published standards"))
)
class EditionList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = EditionSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = EditionFilter
    ordering_fields = ["published_on", "number", "edition"]
    ordering = ["-published_on", "-pk"]

    def get_queryset(self):
        return rules.public_editions()


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("An edition, with its text"))
)
class EditionDetail(ConditionalGetMixin, generics.RetrieveAPIView):
    serializer_class = EditionDetailSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return rules.public_editions().select_related("version")


@extend_schema_view(get=extend_schema(summary=gettext_lazy("Editions of a standard")))
class StandardEditions(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = EditionSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends = []

    def get_queryset(self):
        standard = _visible(self.request, self.kwargs["pk"])
        return Edition.objects.filter(standard=standard).order_by("-edition")


@extend_schema_view(get=extend_schema(summary=gettext_lazy("History of a standard")))
class StandardHistory(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = HistoryEntrySerializer
    permission_classes = [permissions.AllowAny]
    filter_backends = []

    def get_queryset(self):
        standard = _visible(self.request, self.kwargs["pk"])
        # The public actions for everyone; the whole history for the draft
        # audience (standards.permissions.visible_history).
        return (
            rules.visible_history(standard, self.request.user)
            .select_related("actor__person")
            .order_by("created", "pk")
        )
