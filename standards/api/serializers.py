"""What the standards API answers: the output serializers of standards,
editions, versions, expert feedback, audits, history and transitions.

Their class names are the OpenAPI schema's component names: renaming one
renames it for every generated client.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees.selectors import display_name, person_of

from .. import permissions as rules
from .. import services
from ..models import (
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
)


def _absolute(serializer, url: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


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
        return display_name(user) if user else ""


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
            "The certificate's PDF: `pending`, `rendering`, `ready` or `failed`; empty "
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
