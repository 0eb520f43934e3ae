"""The work plan in the API: its items with owner, status, target dates,
milestones and the progress of their standards (public reads), and the
changes those who may edit an item make (``workplan.permissions``) through
``workplan.services``: the item's details (``PATCH``, with ``If-Match`` as
for standards), its milestones, and its history.
"""

from collections import defaultdict

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import ConditionalGetMixin, check_if_match, with_etag
from portal.errors import ApplicationError
from portal.ids import IdField
from qms.permissions import visible_programmes
from standards.api.serializers import UserRefSerializer
from standards.models import Standard, Status

from . import services
from .models import HistoryAction, HistoryEntry, Milestone, WorkItem


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


# --- what the API answers ------------------------------------------------------------


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


class WorkItemOwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        help_text=gettext_lazy("The person's id at `/api/v1/people/<id>/`.")
    )
    name = serializers.CharField()


class MilestoneSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(
        read_only=True,
        help_text=gettext_lazy("Due before today and not done."),
    )

    class Meta:
        model = Milestone
        fields = ["id", "title", "title_zh", "due", "done_on", "overdue"]


class WorkItemSerializer(serializers.ModelSerializer):
    field_ids = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, source="fields"
    )
    owner = WorkItemOwnerSerializer(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The deputy leader who leads the item."),
    )
    milestones = MilestoneSerializer(many=True, read_only=True)
    qms_programme_ids = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        source="qms_programmes",
        help_text=gettext_lazy(
            "The QMS programmes the item concerns, of those the caller sees."
        ),
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
            "owner",
            "status",
            "start",
            "end",
            "updated",
            "milestones",
            "qms_programme_ids",
            "standards_by_state",
        ]


class WorkItemHistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=gettext_lazy("The name of the value."))
    old = serializers.CharField(
        source="from", help_text=gettext_lazy("Before; empty when there was none.")
    )
    new = serializers.CharField(
        source="to", help_text=gettext_lazy("After; empty when there is none.")
    )


class WorkItemHistoryEntrySerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)
    action = serializers.ChoiceField(choices=HistoryAction.choices)
    changes = WorkItemHistoryChangeSerializer(many=True, read_only=True)

    class Meta:
        model = HistoryEntry
        fields = ["id", "created", "actor", "action", "subject", "changes"]


# --- what the API accepts ------------------------------------------------------------


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class WorkItemUpdateInput(serializers.Serializer):
    owner = IdField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "A person id: a deputy leader. Only the leader changes the owner."
        ),
    )
    status = serializers.ChoiceField(choices=WorkItem.Status.choices, required=False)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=services.DESCRIPTION_LIMIT
    )
    description_zh = serializers.CharField(
        required=False, allow_blank=True, max_length=services.DESCRIPTION_LIMIT
    )
    qms_programmes = serializers.ListField(
        child=IdField(),
        required=False,
        help_text=gettext_lazy("QMS programme ids: the whole list."),
    )


class MilestoneInput(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_LIMIT)
    title_zh = serializers.CharField(
        required=False, allow_blank=True, max_length=services.TITLE_LIMIT
    )
    due = serializers.DateField()
    done_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The day it was reached; not in the future."),
    )


class MilestoneUpdateInput(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=services.TITLE_LIMIT)
    title_zh = serializers.CharField(
        required=False, allow_blank=True, max_length=services.TITLE_LIMIT
    )
    due = serializers.DateField(required=False)
    done_on = serializers.DateField(required=False, allow_null=True)


# --- the views ------------------------------------------------------------------------


def _items(user):
    return WorkItem.objects.select_related("owner").prefetch_related(
        "fields",
        "milestones",
        # Only those the caller sees; none (and no query) for the public.
        Prefetch("qms_programmes", queryset=visible_programmes(user).only("pk")),
    )


def _with_counts(items):
    counts = counts_by_state(items)
    for item in items:
        item.standards_by_state = counts.get(item.pk, {})
    return items


def _item(request, pk) -> WorkItem:
    try:
        item = _items(request.user).get(pk=pk)
    except (WorkItem.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ApplicationError(_("No such work item."), code="not_found") from None
    return _with_counts([item])[0]


def _answer(request, pk) -> dict:
    return WorkItemSerializer(_item(request, pk), context={"request": request}).data


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("The work plan"),
        description=gettext_lazy(
            "The work plan: its items in order, each with its owner, status, "
            "target dates, milestones and counts of standards by state."
        ),
    )
)
class WorkItemList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = WorkItemSerializer
    permission_classes = [permissions.AllowAny]
    ordering_fields = ["order", "title"]
    ordering = ["order"]

    def get_queryset(self):
        return _items(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return _with_counts(list(page)) if page is not None else None


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("A work item"), responses=WorkItemSerializer
    ),
    patch=extend_schema(
        summary=gettext_lazy("Change a work item"),
        description=gettext_lazy(
            "Its description, status and target dates (the leader, the item's "
            "owner, the deputy leaders of its fields), its owner (the leader)."
        ),
        request=WorkItemUpdateInput,
        responses=WorkItemSerializer,
    ),
)
class WorkItemDetail(ConditionalGetMixin, APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    if_match_methods = ("PATCH",)  # documented by portal.api_schema

    def get(self, request, pk):
        return Response(_answer(request, pk))

    def patch(self, request, pk):
        data = _validated(WorkItemUpdateInput, request)
        check_if_match(
            request, _answer(request, pk) if "If-Match" in request.headers else None
        )
        services.work_item_update(work_item_id=pk, actor=request.user, **data)
        return with_etag(Response(_answer(request, pk)))


def _item_id(pk) -> int:
    """The id of an existing item (404 otherwise), for the lists under it."""
    if not WorkItem.objects.filter(pk=pk).exists():
        raise ApplicationError(_("No such work item."), code="not_found")
    return pk


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Milestones of a work item")),
    post=extend_schema(
        summary=gettext_lazy("Add a milestone to a work item"),
        request=MilestoneInput,
        responses={201: MilestoneSerializer},
    ),
)
class MilestoneList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = MilestoneSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends = []

    def get_queryset(self):
        return Milestone.objects.filter(work_item_id=_item_id(self.kwargs["pk"]))

    def post(self, request, pk):
        data = _validated(MilestoneInput, request)
        milestone = services.milestone_create(
            work_item_id=pk, actor=request.user, **data
        )
        return Response(
            MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("A milestone of a work item"),
        responses=MilestoneSerializer,
    ),
    patch=extend_schema(
        summary=gettext_lazy("Change a milestone"),
        description=gettext_lazy(
            "Rename it, move its due date, or mark it done with the day it "
            "was reached (`done_on`; null when not done)."
        ),
        request=MilestoneUpdateInput,
        responses=MilestoneSerializer,
    ),
    delete=extend_schema(
        summary=gettext_lazy("Remove a milestone"), responses={204: None}
    ),
)
class MilestoneDetail(ConditionalGetMixin, APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def _milestone(self, pk, milestone_id) -> Milestone:
        try:
            return Milestone.objects.get(pk=milestone_id, work_item_id=pk)
        except (Milestone.DoesNotExist, ValueError, TypeError, OverflowError):
            raise ApplicationError(_("No such milestone."), code="not_found") from None

    def get(self, request, pk, milestone_id):
        return Response(MilestoneSerializer(self._milestone(pk, milestone_id)).data)

    def patch(self, request, pk, milestone_id):
        data = _validated(MilestoneUpdateInput, request)
        milestone = services.milestone_update(
            work_item_id=pk, milestone_id=milestone_id, actor=request.user, **data
        )
        return Response(MilestoneSerializer(milestone).data)

    def delete(self, request, pk, milestone_id):
        services.milestone_delete(
            work_item_id=pk, milestone_id=milestone_id, actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("History of a work item"),
        description=gettext_lazy(
            "Every change, oldest first: who, when, and each value from and to."
        ),
    )
)
class WorkItemHistory(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = WorkItemHistoryEntrySerializer
    permission_classes = [permissions.AllowAny]
    filter_backends = []

    def get_queryset(self):
        return (
            HistoryEntry.objects.filter(work_item_id=_item_id(self.kwargs["pk"]))
            .select_related("actor__person")
            .order_by("created", "pk")
        )
