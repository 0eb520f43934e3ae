"""Public reads of the work plan, with the progress of each work item."""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, permissions, serializers

from portal.api import ConditionalGetMixin
from standards.models import Standard, Status

from .models import WorkItem


def counts_by_state(items) -> dict[int, dict[str, int]]:
    """Per work item, its standards counted by state: one grouped query."""
    rows = (
        Standard.objects.filter(work_item__in=items)
        .values("work_item", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_item: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_item[row["work_item"]][row["status"]] = row["n"]
    return by_item


@extend_schema_field(
    {
        "type": "object",
        "properties": {s.value: {"type": "integer"} for s in Status},
        "required": list(Status.values),
    }
)
class StateCountsField(serializers.Field):
    def to_representation(self, value):
        return {s.value: value.get(s.value, 0) for s in Status}


class WorkItemSerializer(serializers.ModelSerializer):
    field_ids = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, source="fields"
    )
    standards_by_state = StateCountsField(
        read_only=True,
        help_text=gettext_lazy("How many standards of this item are in each state."),
    )

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "order",
            "title",
            "title_zh",
            "slug",
            "description",
            "description_zh",
            "field_ids",
            "standards_by_state",
        ]


class WorkItemMixin(ConditionalGetMixin):
    serializer_class = WorkItemSerializer
    permission_classes = [permissions.AllowAny]
    queryset = WorkItem.objects.prefetch_related("fields")

    def _with_counts(self, items):
        counts = counts_by_state(items)
        for item in items:
            item.standards_by_state = counts.get(item.pk, {})
        return items


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("The work plan"),
        description=gettext_lazy(
            "The work plan: its items in order, each with counts of standards by state."
        ),
    )
)
class WorkItemList(WorkItemMixin, generics.ListAPIView):
    ordering_fields = ["order", "title"]
    ordering = ["order"]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return self._with_counts(list(page)) if page is not None else None


@extend_schema_view(get=extend_schema(summary=gettext_lazy("A work item")))
class WorkItemDetail(WorkItemMixin, generics.RetrieveAPIView):
    def get_object(self):
        item = super().get_object()
        return self._with_counts([item])[0]
