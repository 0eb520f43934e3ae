"""Public reads of the working group: fields, organisations, people, meetings."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import generics, permissions, serializers

from portal.api import ConditionalGetMixin
from portal.ids import IdFilter

from . import meeting_permissions as meeting_rules
from .meeting_selectors import meeting_with_record
from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Field,
    Meeting,
    MeetingDocument,
    Organisation,
    Person,
    Role,
)


class PublicReadMixin(ConditionalGetMixin):
    permission_classes = [permissions.AllowAny]


# --- fields -------------------------------------------------------------------


class SubfieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "name", "name_zh", "slug", "description", "description_zh"]


class FieldSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    subfields = SubfieldSerializer(many=True, read_only=True)

    class Meta:
        model = Field
        fields = [
            "id",
            "name",
            "name_zh",
            "slug",
            "description",
            "description_zh",
            "parent",
            "subfields",
        ]


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Fields"),
        description=gettext_lazy(
            "Fields of the working group, each with its subfields."
        ),
    )
)
class FieldList(PublicReadMixin, generics.ListAPIView):
    serializer_class = FieldSerializer
    queryset = Field.objects.filter(parent__isnull=True).prefetch_related("subfields")
    ordering_fields = ["order", "name"]
    ordering = ["order", "name"]


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("A field"),
        description=gettext_lazy("A field or a subfield."),
    )
)
class FieldDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = FieldSerializer
    queryset = Field.objects.prefetch_related("subfields")


# --- organisations ------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "name_zh", "slug", "is_member", "website", "is_sample"]


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Organisations"),
        description=gettext_lazy(
            "Organisations; `is_member=true` gives the member organisations."
        ),
    )
)
class OrganisationList(PublicReadMixin, generics.ListAPIView):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.all()
    filterset_fields = ["is_member"]
    ordering_fields = ["name", "member_order"]
    ordering = ["name"]


@extend_schema_view(get=extend_schema(summary=gettext_lazy("An organisation")))
class OrganisationDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.all()


# --- people -------------------------------------------------------------------


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "name_zh"]


class FieldRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "name", "name_zh"]


class RoleSerializer(serializers.ModelSerializer):
    field = FieldRefSerializer(read_only=True, allow_null=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Role
        fields = ["kind", "field", "organisation", "start", "end"]


# The account's id is shown to every caller: anonymous readers already see it
# as the ``id`` of the actors of a public history, it opens nothing by itself,
# and an integrator following an actor needs it without signing in.
@extend_schema_serializer(
    description=gettext_lazy(
        "A person of the working group: public role information and, where they "
        "have an account, its id (`user_id`, the `id` of the actor references of "
        "the standards API); never an e-mail address or a username."
    )
)
class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("The name the portal shows for this person everywhere."),
    )
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    roles = RoleSerializer(
        many=True,
        read_only=True,
        source="current_roles",
        help_text=gettext_lazy("The person's current roles in the working group."),
    )
    user_id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=(
            gettext_lazy(
                "The id of the person's account: the `id` of the actor, author, "
                "expert and auditor references of the standards API (whose "
                "`person_id` is this person's `id`); null without an account."
            )
        ),
    )

    class Meta:
        model = Person
        fields = ["id", "name", "title", "title_zh", "organisation", "roles", "user_id"]


def _people():
    return Person.objects.select_related("organisation").prefetch_related(
        Prefetch(
            "roles",
            queryset=Role.objects.current().select_related("field", "organisation"),
            to_attr="current_roles",
        )
    )


class PersonFilter(filters.FilterSet):
    user_id = IdFilter(
        field_name="user_id",
        help_text=gettext_lazy("The person of this account (a user id)."),
    )

    class Meta:
        model = Person
        fields = ["organisation", "roles__kind", "user_id"]


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("People"),
        description=gettext_lazy(
            "People of the working group with their current roles and, where they "
            "have one, the id of their account (`user_id`); `?user_id=` finds the "
            "person of an account."
        ),
    )
)
class PersonList(PublicReadMixin, generics.ListAPIView):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return _people().distinct()


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("A person"),
        description=gettext_lazy(
            "A person of the working group with their current roles."
        ),
    )
)
class PersonDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = PersonSerializer

    def get_queryset(self):
        return _people()


# --- meetings -------------------------------------------------------------------


class MeetingAgendaItemSerializer(serializers.ModelSerializer):
    standard = serializers.SerializerMethodField(
        help_text=gettext_lazy("The id of the public standard discussed, or null.")
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "order",
            "title",
            "title_zh",
            "notes",
            "standard",
            "work_item",
            "programme",
        ]

    programme = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The id of the QMS programme discussed, for callers who may see it."
        )
    )

    def get_programme(self, item) -> int | None:
        from qms.permissions import can_see_programme

        request = self.context.get("request")
        if (
            item.programme_id
            and request
            and can_see_programme(item.programme, request.user)
        ):
            return item.programme_id
        return None

    def get_standard(self, item) -> int | None:
        # A draft's existence is working material: only public ones are named.
        if item.standard_id and item.standard.is_public:
            return item.standard_id
        return None


class MeetingDocumentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = MeetingDocument
        fields = ["id", "original_name", "content_type", "size", "sha256", "url"]


class MeetingPersonSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", "name", "organisation"]


class MeetingAttendanceSerializer(serializers.ModelSerializer):
    person = MeetingPersonSerializer(read_only=True)

    class Meta:
        model = Attendance
        fields = ["person", "status"]


class MeetingDecisionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    standard = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "number",
            "reference",
            "text",
            "text_zh",
            "agenda_item",
            "standard",
            "work_item",
        ]

    def get_standard(self, decision) -> int | None:
        if decision.standard_id and decision.standard.is_public:
            return decision.standard_id
        return None


class MeetingActionSerializer(serializers.ModelSerializer):
    owner = MeetingPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = ["id", "text", "owner", "due", "status", "decision"]


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting. The place and online link are null for callers who are not
    members of the working group; the minutes, attendance, decisions and
    actions are null until the minutes are approved, except for members."""

    agenda = MeetingAgendaItemSerializer(
        many=True, read_only=True, source="agenda_items"
    )
    documents = MeetingDocumentSerializer(many=True, read_only=True)
    place = serializers.SerializerMethodField()
    online_link = serializers.SerializerMethodField()
    chair = MeetingPersonSerializer(read_only=True, allow_null=True)
    minutes = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    ics = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "slug",
            "title",
            "title_zh",
            "date",
            "start",
            "end",
            "time_zone",
            "status",
            "chair",
            "place",
            "online_link",
            "quorum",
            "agenda",
            "documents",
            "minutes",
            "minutes_approved_at",
            "attendance",
            "decisions",
            "actions",
            "ics",
        ]

    def _user(self):
        return self.context["request"].user

    def get_place(self, meeting) -> str | None:
        return (
            meeting.place
            if meeting_rules.can_see_place(meeting, self._user())
            else None
        )

    def get_online_link(self, meeting) -> str | None:
        if meeting_rules.can_see_place(meeting, self._user()):
            return meeting.online_link
        return None

    def get_minutes(self, meeting) -> str | None:
        if meeting_rules.can_see_minutes(meeting, self._user()):
            return meeting.minutes
        return None

    @extend_schema_field(MeetingAttendanceSerializer(many=True, allow_null=True))
    def get_attendance(self, meeting):
        if not meeting_rules.can_see_minutes(meeting, self._user()):
            return None
        return MeetingAttendanceSerializer(meeting.attendance.all(), many=True).data

    @extend_schema_field(MeetingDecisionSerializer(many=True, allow_null=True))
    def get_decisions(self, meeting):
        if not meeting_rules.can_see_minutes(meeting, self._user()):
            return None
        return MeetingDecisionSerializer(meeting.decision_records.all(), many=True).data

    @extend_schema_field(MeetingActionSerializer(many=True, allow_null=True))
    def get_actions(self, meeting):
        if not meeting_rules.can_see_minutes(meeting, self._user()):
            return None
        return MeetingActionSerializer(meeting.action_items.all(), many=True).data

    def get_ics(self, meeting) -> str:
        return reverse("committees:meeting_ics", kwargs={"slug": meeting.slug})


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Meetings"),
        description=gettext_lazy(
            "Meetings with their agenda, documents and, once the minutes are "
            "approved (or for members), attendance, minutes (Markdown), "
            "numbered decisions and action items. `?status=` filters by state."
        ),
    )
)
class MeetingList(PublicReadMixin, generics.ListAPIView):
    serializer_class = MeetingSerializer
    filterset_fields = ["status"]
    ordering_fields = ["date", "title"]
    ordering = ["-date", "pk"]

    def get_queryset(self):
        return meeting_with_record()


@extend_schema_view(get=extend_schema(summary=gettext_lazy("A meeting")))
class MeetingDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        return meeting_with_record()
