"""Public reads of the working group: fields, organisations, people, meetings."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import generics, permissions, serializers

from portal.api import ConditionalGetMixin
from portal.ids import IdFilter

from .models import Field, Meeting, Organisation, Person, Role


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


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "date", "title", "slug", "agenda", "minutes", "decisions"]


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Meetings"),
        description=gettext_lazy(
            "Meetings with their agenda, minutes and decisions (Markdown)."
        ),
    )
)
class MeetingList(PublicReadMixin, generics.ListAPIView):
    serializer_class = MeetingSerializer
    queryset = Meeting.objects.all()
    ordering_fields = ["date", "title"]
    ordering = ["-date", "pk"]


@extend_schema_view(get=extend_schema(summary=gettext_lazy("A meeting")))
class MeetingDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = MeetingSerializer
    queryset = Meeting.objects.all()
