"""The filters of the standards API's lists: standards (by state, public
status, field, work item, organisation, date and words) and editions (in
force or not)."""

from datetime import UTC

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from catalogue.selectors import full_text_search, uses_tsvector
from committees.selectors import field_and_subfields
from portal.ids import IdFilter

from .. import permissions as rules
from ..models import (
    EDITION_IN_FORCE,
    PUBLISHED,
    Edition,
    PublicStatus,
    Standard,
    Status,
    public_status_q,
)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, turned into UTC: databases refuse offsets beyond
    their range (PostgreSQL ±15:59) that Python accepts (±23:59)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise DjangoValidationError(
                _("Enter a date and time within the years 1 to 9999."),
                code="invalid",
            ) from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class StandardFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        help_text=(
            gettext_lazy(
                "Lifecycle state. `published` is every standard in force, under "
                "renewal or not (as the catalogue and the home page count them); "
                "the states of a draft cycle find a renewal only for its draft "
                "audience."
            )
        ),
    )
    public_status = filters.MultipleChoiceFilter(
        choices=PublicStatus.choices,
        method="filter_public_status",
        help_text=gettext_lazy(
            "Public status: `in_force`, `under_renewal` or `abolished`."
        ),
    )
    field = IdFilter(
        method="filter_field", label=gettext_lazy("Field id (its subfields included)")
    )
    work_item = IdFilter(method="filter_work_item")
    organisation = IdFilter(method="filter_organisation")
    updated_since = UtcDateTimeFilter(field_name="updated", lookup_expr="gte")
    q = filters.CharFilter(
        method="filter_q",
        label=gettext_lazy("Search the public record"),
        help_text=(
            gettext_lazy(
                "Full-text search, as the catalogue page searches: words of the "
                "number, title, scope and text of the in-force edition, in English "
                "(stemmed: `evaluating` finds `evaluation`) and Chinese (any word, "
                "e.g. `评测`), every word required. Ordered by relevance, as the "
                "catalogue ranks, unless `ordering` is given. The draft audience "
                "also finds a draft's own title and scope containing the query."
            )
        ),
    )

    class Meta:
        model = Standard
        fields = [
            "status",
            "public_status",
            "field",
            "work_item",
            "organisation",
            "updated_since",
            "q",
        ]

    def _draft_audience(self) -> Q:
        """Standards whose draft (and its state) the caller may read."""
        user = getattr(self.request, "user", None) or AnonymousUser()
        return Q(pk__in=rules.working_material_audience(user).values("pk"))

    def filter_status(self, queryset, name, value):
        wanted = Q(pk__in=[])
        for state in value:
            if state == Status.PUBLISHED:
                wanted |= public_status_q(*PUBLISHED)
            elif state == Status.ABOLISHED:
                wanted |= Q(status=state)
            else:
                # A renewal's state is working material: the public reads it
                # as published.
                wanted |= Q(status=state) & (
                    Q(has_edition=False) | self._draft_audience()
                )
        return queryset.filter(wanted)

    def _on_document(self) -> bool:
        """A visitor's search: the filters are read from the search
        documents' copy of them (catalogue.selectors), with the search, from
        one table's indexes. (A signed-in caller's list holds drafts, which
        have no document.)"""
        if getattr(self, "search_base", False):  # a visitor's search, less q
            return uses_tsvector()
        user = getattr(self.request, "user", None) or AnonymousUser()
        q = (self.data.get("q") or "").strip()
        return bool(q) and not user.is_authenticated and uses_tsvector()

    def filter_public_status(self, queryset, name, value):
        if self._on_document():
            return queryset.filter(search_document__public_state__in=value)
        return queryset.filter(public_status_q(*value))

    def filter_field(self, queryset, name, value):
        if self._on_document():
            return queryset.filter(
                Q(search_document__field_key=value)
                | Q(search_document__field_parent_key=value)
            )
        return queryset.filter(field_id__in=field_and_subfields(value))

    def filter_work_item(self, queryset, name, value):
        if self._on_document():
            return queryset.filter(search_document__work_item_key=value)
        return queryset.filter(work_item_id=value)

    def filter_organisation(self, queryset, name, value):
        if self._on_document():
            return queryset.filter(search_document__organisation_key=value)
        return queryset.filter(organisation_id=value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The public record as the catalogue page searches and ranks it (its
        # search index); drafts are not in that index, so their audience also
        # finds a draft's own title and scope, in either language, by words
        # they contain (ranked after every full-text match).
        user = getattr(self.request, "user", None) or AnonymousUser()
        if not user.is_authenticated:
            # No drafts to find: the search index alone, on its GIN indexes
            # (an OR with the words of every standard's title would read them
            # all).
            return full_text_search(queryset, value)
        words = (
            Q(title__icontains=value)
            | Q(scope__icontains=value)
            | Q(title_zh__icontains=value)
            | Q(scope_zh__icontains=value)
        )
        return full_text_search(queryset, value, also=words & self._draft_audience())


class EditionFilter(filters.FilterSet):
    in_force = filters.BooleanFilter(
        method="filter_in_force",
        label=gettext_lazy("In force"),
        help_text=gettext_lazy("Neither superseded by a later edition nor withdrawn."),
    )

    class Meta:
        model = Edition
        fields = ["standard", "in_force"]

    def filter_in_force(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(EDITION_IN_FORCE if value else ~EDITION_IN_FORCE)
