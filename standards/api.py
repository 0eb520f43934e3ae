"""The standards API: thin views over standards.services and selectors.

Visibility is the web's: a standard is found only if
``selectors.visible_standards`` includes it for the caller (else 404). The
working material of a draft cycle (versions, assignments, comments,
recommendations, audits, assignable experts) is shown only to the draft's
audience (its organisation, the field's deputy leaders, assigned experts,
auditors, the leader), even once the standard is published; the public reads
editions and history.
"""

from datetime import UTC

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from committees.selectors import display_name, person_of
from portal.api import ConditionalGetMixin
from portal.errors import ApplicationError
from portal.public_cache import cache_public_response

from . import permissions as rules
from . import selectors, services
from .models import (
    EDITION_IN_FORCE,
    PUBLISHED,
    Attachment,
    Audit,
    Comment,
    Edition,
    ExpertAssignment,
    HistoryEntry,
    PublicStatus,
    Recommendation,
    Standard,
    Status,
    Version,
    public_status_q,
)

# --- helpers --------------------------------------------------------------------


def _visible(request, pk) -> Standard:
    return selectors.standard_get_visible(standard_id=pk, user=request.user)


def _working(request, pk) -> Standard:
    """A standard whose working material the caller sees (404 otherwise)."""
    return selectors.standard_get_working(standard_id=pk, user=request.user)


def _absolute(serializer, url: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


def _person_name(user) -> str:
    return display_name(user) if user else ""


# --- output serializers -----------------------------------------------------------


# Naming costs no query when the rows come with ``select_related("<user>__person")``.
class UserRefSerializer(serializers.Serializer):
    """An account that acted (the author of a version, an expert, an auditor,
    the actor of a history entry), named as everywhere in the portal, with the
    person it is: `person_id` is the `id` at `/api/v1/people/<id>/`, whose
    `user_id` is this `id`."""

    id = serializers.IntegerField(help_text="The user's id (an account).")
    person_id = serializers.SerializerMethodField(
        help_text=(
            "The id of the user's person at `/api/v1/people/<id>/`; null for "
            "an account that is no person of the working group."
        )
    )
    name = serializers.SerializerMethodField(
        help_text=(
            "The person's name, else the account's full name, else its "
            "username: the name the portal shows everywhere."
        )
    )

    def get_person_id(self, user) -> int | None:
        person = person_of(user)
        return person.pk if person else None

    def get_name(self, user) -> str:
        return _person_name(user)


class PersonRefSerializer(serializers.Serializer):
    """A person of the working group (an author of a standard)."""

    id = serializers.IntegerField(
        help_text="The person's id, as at `/api/v1/people/<id>/`."
    )
    name = serializers.CharField()
    user_id = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "The id of the person's account, as in the `id` of actor, expert "
            "and author references; null when they have none."
        ),
    )


class StandardFieldSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WorkItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class EditionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        read_only=True, help_text="The title as published in this edition."
    )
    scope = serializers.CharField(
        read_only=True, help_text="The scope as published in this edition."
    )
    withdrawn_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The day its standard was abolished, for its last edition.",
    )
    in_force = serializers.BooleanField(
        read_only=True,
        help_text="Neither superseded by a later edition nor withdrawn.",
    )
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = [
            "id",
            "standard",
            "number",
            "edition",
            "title",
            "scope",
            "published_on",
            "superseded_on",
            "withdrawn_on",
            "in_force",
            "pdf_state",
            "pdf_url",
            "pdf_size",
            "pdf_pages",
            "pdf_sha256",
        ]

    def get_pdf_url(self, edition) -> str | None:
        """Where to download the PDF (the portal's download page, which checks
        visibility), once it is ready."""
        if edition.pdf_state != Edition.PdfState.READY or not edition.pdf:
            return None
        return _absolute(
            self, reverse("standards_pdf:edition_pdf", kwargs={"pk": edition.pk})
        )


class EditionDetailSerializer(EditionSerializer):
    body = serializers.CharField(
        source="version.body", read_only=True, help_text="The text, in Markdown."
    )

    class Meta(EditionSerializer.Meta):
        fields = [*EditionSerializer.Meta.fields, "body"]


class StandardSerializer(serializers.ModelSerializer):
    """A standard. Its public record is its current edition's: once it has
    an edition, ``title`` and ``scope`` are the in-force edition's (or the
    last one's, when abolished), whoever asks, and edits of a renewal reach
    them only with the next edition. The draft audience also reads the
    draft's own ``draft_title`` and ``draft_scope`` (null for everyone
    else)."""

    title = serializers.SerializerMethodField(
        help_text=(
            "The in-force edition's title once the standard has an edition; "
            "before, the draft's."
        )
    )
    scope = serializers.SerializerMethodField(
        help_text=(
            "The in-force edition's scope once the standard has an edition; "
            "before, the draft's."
        )
    )
    draft_title = serializers.SerializerMethodField(
        help_text=(
            "The draft's title, as its authors edit it (during a renewal it "
            "may differ from `title`); null unless the caller is in the "
            "draft audience."
        )
    )
    draft_scope = serializers.SerializerMethodField(
        help_text=(
            "The draft's scope, as its authors edit it; null unless the "
            "caller is in the draft audience."
        )
    )
    status = serializers.SerializerMethodField(
        help_text=(
            "The lifecycle state. Outside the draft audience a standard under "
            "renewal reads `published`: its renewal's state is working "
            "material (see `public_status`)."
        )
    )
    public_status = serializers.ChoiceField(
        choices=PublicStatus.choices,
        read_only=True,
        allow_null=True,
        help_text=(
            "What the public reads: `in_force`, `under_renewal` (the in-force "
            "edition stays public while the next is drafted) or `abolished`; "
            "null before the first edition."
        ),
    )
    field = StandardFieldSerializer(read_only=True)
    organisation = NamedRefSerializer(read_only=True)
    work_item = WorkItemRefSerializer(read_only=True, allow_null=True)
    replaced_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    under_renewal = serializers.BooleanField(read_only=True)
    current_edition = serializers.SerializerMethodField()

    class Meta:
        model = Standard
        fields = [
            "id",
            "number",
            "title",
            "scope",
            "draft_title",
            "draft_scope",
            "status",
            "public_status",
            "field",
            "work_item",
            "organisation",
            "has_edition",
            "under_renewal",
            "current_edition",
            "review_due",
            "replaced_by",
            "abolition_reason",
            "created",
            "updated",
            "status_changed",
        ]

    def _in_draft_audience(self, standard) -> bool:
        # A list marks its page's standards in one query
        # (StandardList.paginate_queryset); else the rule is asked.
        known = getattr(standard, "in_draft_audience", None)
        if known is not None:
            return known
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        return rules.can_see_working_material(standard, user)

    def get_title(self, standard) -> str:
        return standard.public_title if standard.has_edition else standard.title

    def get_scope(self, standard) -> str:
        return standard.public_scope if standard.has_edition else standard.scope

    def get_draft_title(self, standard) -> str | None:
        return standard.title if self._in_draft_audience(standard) else None

    def get_draft_scope(self, standard) -> str | None:
        return standard.scope if self._in_draft_audience(standard) else None

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, standard) -> str:
        if standard.under_renewal and not self._in_draft_audience(standard):
            return Status.PUBLISHED.value
        return standard.status

    @extend_schema_field(EditionSerializer(allow_null=True))
    def get_current_edition(self, standard):
        # The in-force edition, or the last one of an abolished standard.
        current = standard.public_edition
        if current is None:
            return None
        # One serializer for every row of a list: building a ModelSerializer's
        # fields costs far more than rendering an edition with them.
        output = getattr(self, "_edition_output", None)
        if output is None:
            output = self._edition_output = EditionSerializer(context=self.context)
        return output.to_representation(current)


class TurnSerializer(serializers.Serializer):
    who = serializers.CharField()
    action = serializers.CharField()
    people = serializers.ListField(child=serializers.CharField())
    role = serializers.CharField()


class StandardDetailSerializer(StandardSerializer):
    authors = PersonRefSerializer(many=True, read_only=True, source="author_list")
    editions = EditionSerializer(many=True, read_only=True, source="edition_list")
    transitions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The transitions the caller may take now.",
    )
    whose_turn = TurnSerializer(many=True, read_only=True, source="turns")

    class Meta(StandardSerializer.Meta):
        fields = [
            *StandardSerializer.Meta.fields,
            "authors",
            "editions",
            "transitions",
            "whose_turn",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "extension",
            "content_type",
            "size",
            "sha256",
            "created",
        ]


class VersionSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Version
        fields = [
            "id",
            "number",
            "body",
            "change_summary",
            "author",
            "created",
            "frozen",
            "attachments",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    expert = UserRefSerializer(read_only=True)
    assigned_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExpertAssignment
        fields = ["id", "expert", "assigned_by", "created"]


class CommentSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    expert = UserRefSerializer(read_only=True)
    replied_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "version",
            "expert",
            "text",
            "section",
            "blocking",
            "created",
            "reply",
            "reply_text",
            "replied_by",
            "replied_at",
            "resolved_at",
        ]


class RecommendationSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    expert = UserRefSerializer(read_only=True)

    class Meta:
        model = Recommendation
        fields = ["id", "version", "expert", "decision", "note", "created"]


class AuditSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    auditor = UserRefSerializer(read_only=True)
    certificate_state = serializers.CharField(
        read_only=True,
        help_text=(
            "The certificate's PDF: `pending`, `ready` or `failed`; empty "
            "unless the audit certified."
        ),
    )
    certificate_url = serializers.SerializerMethodField(
        help_text="The certificate's PDF (for a signed-in session), once ready."
    )

    class Meta:
        model = Audit
        fields = [
            "id",
            "version",
            "auditor",
            "findings",
            "outcome",
            "certificate_number",
            "certificate_state",
            "certificate_url",
            "certificate_size",
            "certificate_pages",
            "certificate_sha256",
            "created",
        ]

    def get_certificate_url(self, audit) -> str | None:
        if audit.certificate_state != "ready" or not audit.certificate_pdf:
            return None
        return _absolute(
            self, reverse("standards_pdf:certificate_pdf", kwargs={"pk": audit.pk})
        )


class HistoryEntrySerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = HistoryEntry
        fields = [
            "id",
            "created",
            "actor",
            "action",
            "from_state",
            "to_state",
            "comment",
        ]


class TransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(services.TRANSITIONS))
    label = serializers.CharField()
    comment_required = serializers.BooleanField()


# --- input serializers -------------------------------------------------------------


class StandardCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    scope = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    field = serializers.IntegerField(help_text="A field or subfield id.")
    work_item = serializers.IntegerField(required=False, allow_null=True)
    organisation = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Defaults to the organisation the caller represents.",
    )
    authors = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Person ids."
    )


class StandardUpdateInput(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=300)
    scope = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    field = serializers.IntegerField(required=False)
    work_item = serializers.IntegerField(required=False, allow_null=True)
    authors = serializers.ListField(child=serializers.IntegerField(), required=False)
    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="Refuse (409) if the standard is no longer in this state.",
    )


class VersionCreateInput(serializers.Serializer):
    body = serializers.CharField(max_length=2_000_000, help_text="Markdown.")
    change_summary = serializers.CharField(
        required=False, allow_blank=True, max_length=500
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="PDF, DOCX, ODT or Markdown files (checked by content).",
    )


class AssignmentInput(serializers.Serializer):
    experts = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=1,
        help_text="User ids of experts of the field (see assignable-experts).",
    )


class CommentInput(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    section = serializers.CharField(required=False, allow_blank=True, max_length=100)
    blocking = serializers.BooleanField(required=False, default=False)


class ReplyInput(serializers.Serializer):
    reply = serializers.ChoiceField(choices=Comment.Reply.choices)
    reply_text = serializers.CharField(
        required=False, allow_blank=True, max_length=20000
    )


class RecommendationInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Recommendation.Decision.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class TransitionInput(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20000,
        help_text="Required for request_changes, fail_audit and abolish.",
    )
    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="Refuse (409) if the standard is no longer in this state.",
    )
    replaced_by = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="abolish only: the published standard that replaces this one.",
    )


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- standards -----------------------------------------------------------------


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
            "Lifecycle state. `published` is every standard in force, under "
            "renewal or not (as the catalogue and the home page count them); "
            "the states of a draft cycle find a renewal only for its draft "
            "audience."
        ),
    )
    public_status = filters.MultipleChoiceFilter(
        choices=PublicStatus.choices,
        method="filter_public_status",
        help_text="Public status: `in_force`, `under_renewal` or `abolished`.",
    )
    field = filters.NumberFilter(
        method="filter_field", label="Field id (its subfields included)"
    )
    work_item = filters.NumberFilter(field_name="work_item")
    organisation = filters.NumberFilter(field_name="organisation")
    updated_since = UtcDateTimeFilter(field_name="updated", lookup_expr="gte")
    q = filters.CharFilter(
        method="filter_q",
        label="Search number, title and scope",
        help_text=(
            "Words of the number, or of an edition's title or scope; the "
            "draft audience also finds a draft's own title and scope."
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

    def filter_public_status(self, queryset, name, value):
        return queryset.filter(public_status_q(*value))

    def filter_field(self, queryset, name, value):
        return queryset.filter(Q(field_id=value) | Q(field__parent_id=value))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        in_edition = Edition.objects.filter(standard=OuterRef("pk")).filter(
            Q(title__icontains=value) | Q(scope__icontains=value)
        )
        in_draft = Q(title__icontains=value) | Q(scope__icontains=value)
        return queryset.filter(
            Q(number__icontains=value)
            | Exists(in_edition)
            | (in_draft & self._draft_audience())
        )


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


def _standards_for(user):
    return (
        rules.visible_standards(user)
        .select_related("field", "organisation", "work_item")
        .prefetch_related(
            Prefetch("editions", queryset=Edition.objects.order_by("-edition"))
        )
    )


def _detail(request, standard_id) -> Standard:
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
        summary="List standards",
        description=(
            "Published and abolished standards for everyone; signed-in callers "
            "also see the drafts visible to them."
        ),
        responses=StandardSerializer(many=True),
    ),
    post=extend_schema(
        summary="Create a draft",
        request=StandardCreateInput,
        responses={201: StandardDetailSerializer},
    ),
)
@method_decorator(cache_public_response, name="dispatch")
class StandardList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = StandardSerializer
    filterset_class = StandardFilter
    ordering_fields = ["number", "title", "updated", "created", "status", "review_due"]
    ordering = ["-updated", "-pk"]

    def get_queryset(self):
        return _standards_for(self.request.user)

    def paginate_queryset(self, queryset):
        # The count for the pages and the date for Last-Modified in one query.
        figures = queryset.aggregate(count=Count("pk"), last=Max("updated"))
        self.known_count = figures["count"]
        self._last_modified = figures["last"]
        page = super().paginate_queryset(queryset)
        if page is not None:
            _mark_draft_audience(page, self.request.user)
        return page

    def get_last_modified(self, request):
        return getattr(self, "_last_modified", None)

    def post(self, request):
        data = _validated(StandardCreateInput, request)
        standard = services.standard_create(actor=request.user, **data)
        return Response(
            StandardDetailSerializer(
                _detail(request, standard.pk), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(summary="A standard", responses=StandardDetailSerializer),
    patch=extend_schema(
        summary="Edit a draft's metadata",
        request=StandardUpdateInput,
        responses=StandardDetailSerializer,
    ),
)
@method_decorator(cache_public_response, name="dispatch")
class StandardDetail(ConditionalGetMixin, APIView):
    def get_last_modified(self, request):
        return getattr(self, "_last_modified", None)

    def get(self, request, pk):
        standard = _detail(request, pk)
        self._last_modified = standard.updated
        return Response(
            StandardDetailSerializer(standard, context={"request": request}).data
        )

    def patch(self, request, pk):
        data = _validated(StandardUpdateInput, request)
        services.standard_update(standard_id=pk, actor=request.user, **data)
        return Response(
            StandardDetailSerializer(
                _detail(request, pk), context={"request": request}
            ).data
        )


# --- editions and history -----------------------------------------------------------


class EditionFilter(filters.FilterSet):
    in_force = filters.BooleanFilter(
        method="filter_in_force",
        label="In force",
        help_text="Neither superseded by a later edition nor withdrawn.",
    )

    class Meta:
        model = Edition
        fields = ["standard", "in_force"]

    def filter_in_force(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(EDITION_IN_FORCE if value else ~EDITION_IN_FORCE)


def _public_editions():
    return rules.public_editions().select_related("version")


@extend_schema_view(get=extend_schema(summary="List editions of published standards"))
class EditionList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = EditionSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = EditionFilter
    ordering_fields = ["published_on", "number", "edition"]
    ordering = ["-published_on", "-pk"]

    def get_queryset(self):
        return rules.public_editions()


@extend_schema_view(get=extend_schema(summary="An edition, with its text"))
class EditionDetail(ConditionalGetMixin, generics.RetrieveAPIView):
    serializer_class = EditionDetailSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return _public_editions()


@extend_schema_view(get=extend_schema(summary="Editions of a standard"))
class StandardEditions(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = EditionSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        standard = _visible(self.request, self.kwargs["pk"])
        return Edition.objects.filter(standard=standard).order_by("-edition")


@extend_schema_view(get=extend_schema(summary="History of a standard"))
class StandardHistory(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = HistoryEntrySerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
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


# --- the working material of a draft ------------------------------------------------


class WorkingList(ConditionalGetMixin, generics.ListAPIView):
    """A list under a standard, shown to the draft's audience only."""

    pagination_class = None
    filter_backends = []

    def get_standard(self) -> Standard:
        if not hasattr(self, "_standard"):
            self._standard = _working(self.request, self.kwargs["pk"])
        return self._standard

    def created(self, serializer_class, instance):
        return Response(
            serializer_class(instance, context={"request": self.request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(summary="Versions of a draft"),
    post=extend_schema(
        summary="Upload a new version",
        description="Multipart (with files) or JSON (text only).",
        request={
            "multipart/form-data": VersionCreateInput,
            "application/json": VersionCreateInput,
        },
        responses={201: VersionSerializer},
    ),
)
class VersionList(WorkingList):
    serializer_class = VersionSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return (
            Version.objects.filter(standard=self.get_standard())
            .select_related("author__person")
            .prefetch_related("attachments")
            .order_by("number")
        )

    def post(self, request, pk):
        data = _validated(VersionCreateInput, request)
        version = services.version_create(
            standard_id=pk,
            actor=request.user,
            body=data["body"],
            change_summary=data.get("change_summary", ""),
            files=data.get("files", []),
        )
        return self.created(VersionSerializer, version)


@extend_schema_view(
    get=extend_schema(summary="Experts assigned to a draft"),
    post=extend_schema(
        summary="Assign experts",
        request=AssignmentInput,
        responses={201: AssignmentSerializer(many=True)},
    ),
)
class AssignmentList(WorkingList):
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        return (
            ExpertAssignment.objects.filter(standard=self.get_standard())
            .select_related("expert__person", "assigned_by__person")
            .order_by("pk")
        )

    def post(self, request, pk):
        data = _validated(AssignmentInput, request)
        created = services.experts_assign(
            standard_id=pk, actor=request.user, experts=data["experts"]
        )
        return Response(
            AssignmentSerializer(created, many=True).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(
        summary="Experts who may be assigned to a draft",
        responses=UserRefSerializer(many=True),
    )
)
class AssignableExperts(WorkingList):
    serializer_class = UserRefSerializer

    def list(self, request, *args, **kwargs):
        # The rule of permissions.assignable_experts: never an expert of
        # the submitting organisation.
        users = selectors.experts_for(self.get_standard())
        return Response(UserRefSerializer(users, many=True).data)


def _comments_of(standard):
    return (
        Comment.objects.filter(standard=standard)
        .select_related("version", "expert__person", "replied_by__person")
        .order_by("pk")
    )


@extend_schema_view(
    get=extend_schema(summary="Expert comments on a draft"),
    post=extend_schema(
        summary="Comment on the current version (assigned experts)",
        request=CommentInput,
        responses={201: CommentSerializer},
    ),
)
class CommentList(WorkingList):
    serializer_class = CommentSerializer

    def get_queryset(self):
        return _comments_of(self.get_standard())

    def post(self, request, pk):
        data = _validated(CommentInput, request)
        comment = services.comment_create(standard_id=pk, actor=request.user, **data)
        return self.created(CommentSerializer, _comments_of(pk).get(pk=comment.pk))


class CommentActionView(APIView):
    def get_comment_id(self, request, pk, comment_id) -> int:
        standard = _working(request, pk)
        if not Comment.objects.filter(pk=comment_id, standard=standard).exists():
            raise ApplicationError(_("No such comment."), code="not_found")
        return comment_id

    def answer(self, request, pk, comment_id):
        return Response(
            CommentSerializer(
                _comments_of(pk).get(pk=comment_id), context={"request": request}
            ).data
        )


@extend_schema_view(
    post=extend_schema(
        summary="Answer an expert comment (authors)",
        request=ReplyInput,
        responses=CommentSerializer,
    )
)
class CommentReply(CommentActionView):
    def post(self, request, pk, comment_id):
        self.get_comment_id(request, pk, comment_id)
        data = _validated(ReplyInput, request)
        services.comment_answer(comment_id=comment_id, actor=request.user, **data)
        return self.answer(request, pk, comment_id)


@extend_schema_view(
    post=extend_schema(
        summary="Resolve a blocking comment (the expert who raised it)",
        request=None,
        responses=CommentSerializer,
    )
)
class CommentResolve(CommentActionView):
    def post(self, request, pk, comment_id):
        self.get_comment_id(request, pk, comment_id)
        services.comment_resolve(comment_id=comment_id, actor=request.user)
        return self.answer(request, pk, comment_id)


@extend_schema_view(
    get=extend_schema(summary="Expert recommendations on a draft"),
    post=extend_schema(
        summary="Recommend on the current version (assigned experts)",
        request=RecommendationInput,
        responses={201: RecommendationSerializer},
    ),
)
class RecommendationList(WorkingList):
    serializer_class = RecommendationSerializer

    def get_queryset(self):
        return (
            Recommendation.objects.filter(standard=self.get_standard())
            .select_related("version", "expert__person")
            .order_by("version__number", "pk")
        )

    def post(self, request, pk):
        data = _validated(RecommendationInput, request)
        recommendation = services.recommendation_give(
            standard_id=pk, actor=request.user, **data
        )
        return self.created(
            RecommendationSerializer,
            Recommendation.objects.select_related("version", "expert__person").get(
                pk=recommendation.pk
            ),
        )


@extend_schema_view(
    post=extend_schema(
        summary="Confirm a recommendation on the current version (assigned experts)",
        description=(
            "After a new version, a recommendation given on an older version "
            "no longer counts toward advancing to audit. Its expert confirms "
            "it on the current version in one call: the same decision and "
            "note. 404 if the standard is not visible to the caller, 403 if "
            "they are not an assigned expert, 409 if the draft is not in "
            "expert review or there is nothing to confirm."
        ),
        request=None,
        responses={201: RecommendationSerializer},
    )
)
class RecommendationConfirm(APIView):
    def post(self, request, pk):
        recommendation = services.recommendation_confirm(
            standard_id=pk, actor=request.user
        )
        return Response(
            RecommendationSerializer(
                Recommendation.objects.select_related("version", "expert__person").get(
                    pk=recommendation.pk
                ),
                context={"request": request},
            ).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(get=extend_schema(summary="Audits of a standard"))
class AuditList(WorkingList):
    serializer_class = AuditSerializer

    def get_queryset(self):
        return (
            Audit.objects.filter(standard=self.get_standard())
            .select_related("version", "auditor__person")
            .order_by("pk")
        )


# --- transitions -----------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Transitions the caller may take now",
        responses=TransitionSerializer(many=True),
    )
)
class TransitionList(ConditionalGetMixin, APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request, pk):
        standard = _visible(request, pk)
        names = (
            services.available_transitions(standard, request.user)
            if request.user.is_authenticated
            else []
        )
        data = [
            {
                "name": name,
                "label": str(services.TRANSITIONS[name]),
                "comment_required": name in services.COMMENT_REQUIRED,
            }
            for name in names
        ]
        return Response(TransitionSerializer(data, many=True).data)


@extend_schema_view(
    post=extend_schema(
        summary="Take a transition",
        description=(
            "404 if the standard is not visible to the caller, 409 if the "
            "transition is not possible from the current state (or the standard "
            "changed meanwhile, see expected_status), 403 if the caller may not "
            "take it, 400 or 409 if its conditions are not met."
        ),
        request=TransitionInput,
        responses=StandardDetailSerializer,
        parameters=[
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(services.TRANSITIONS),
            )
        ],
    )
)
class TransitionTake(APIView):
    def post(self, request, pk, name):
        data = _validated(TransitionInput, request)
        services.standard_transition(
            standard_id=pk,
            name=name,
            actor=request.user,
            comment=data.get("comment", ""),
            expected_status=data.get("expected_status"),
            replaced_by=data.get("replaced_by"),
        )
        return Response(
            StandardDetailSerializer(
                _detail(request, pk), context={"request": request}
            ).data
        )
