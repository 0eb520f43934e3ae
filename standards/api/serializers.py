"""What the standards API answers: the output serializers of standards,
editions, versions, expert feedback, audits, history and transitions.

Their class names are the OpenAPI schema's component names: renaming one
renames it for every generated client.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from committees.models import Role
from committees.selectors import display_name, person_of

from .. import lifecycle, services
from .. import permissions as rules
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
from .inputs import LanguageField


def edition_pdf_addresses(pk: int, standard_id: int, edition: int) -> tuple[str, str]:
    """An edition's PDF: its download page (which checks visibility), and
    the file itself in the API."""
    return (
        reverse("standards_pdf:edition_pdf", kwargs={"pk": pk}),
        reverse(
            "api:standard-edition-pdf", kwargs={"pk": standard_id, "edition": edition}
        ),
    )


def _absolute(serializer, url: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


# Naming costs no query when the rows come with ``select_related("<user>__person")``.
@extend_schema_serializer(
    description=gettext_lazy(
        "An account that acted (the author of a version, an expert, an auditor, "
        "the actor of a history entry), named as everywhere in the portal, with "
        "the person it is: `person_id` is the `id` at `/api/v1/people/<id>/`, "
        "whose `user_id` is this `id`."
    )
)
class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=gettext_lazy("The user's id (an account)."))
    person_id = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The id of the user's person at `/api/v1/people/<id>/`; null for "
                "an account that is no person of the working group."
            )
        )
    )
    name = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The person's name, else the account's full name, else its "
                "username: the name the portal shows everywhere."
            )
        )
    )

    def get_person_id(self, user) -> int | None:
        person = person_of(user)
        return person.pk if person else None

    def get_name(self, user) -> str:
        return display_name(user) if user else ""


@extend_schema_serializer(
    description=gettext_lazy("A person of the working group (an author of a standard).")
)
class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        help_text=gettext_lazy("The person's id, as at `/api/v1/people/<id>/`.")
    )
    name = serializers.CharField()
    user_id = serializers.IntegerField(
        allow_null=True,
        help_text=(
            gettext_lazy(
                "The id of the person's account, as in the `id` of actor, expert "
                "and author references; null when they have none."
            )
        ),
    )


class StandardFieldSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_zh = serializers.CharField(
        help_text=gettext_lazy("The Chinese name; empty when there is none.")
    )
    parent = serializers.IntegerField(source="parent_id", allow_null=True)


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_zh = serializers.CharField(
        help_text=gettext_lazy("The Chinese name; empty when there is none.")
    )


class WorkItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    title_zh = serializers.CharField(
        help_text=gettext_lazy("The Chinese title; empty when there is none.")
    )


class EditionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("The title as published in this edition."),
    )
    scope = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("The scope as published in this edition."),
    )
    title_zh = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy(
            "The Chinese title as published in this edition; empty when none."
        ),
    )
    scope_zh = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy(
            "The Chinese scope as published in this edition; empty when none."
        ),
    )
    withdrawn_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "The day its standard was abolished, for its last edition."
        ),
    )
    in_force = serializers.BooleanField(
        read_only=True,
        help_text=gettext_lazy("Neither superseded by a later edition nor withdrawn."),
    )
    pdf_url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Where to download the PDF (the portal's download page, which checks "
            "visibility), once it is ready."
        )
    )

    pdf_download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The PDF itself, for an API client with a token (or none: editions "
            "are public), once it is ready; `pdf_size` and `pdf_sha256` "
            "describe it."
        )
    )

    class Meta:
        model = Edition
        fields = [
            "id",
            "standard",
            "number",
            "edition",
            "title",
            "title_zh",
            "scope",
            "scope_zh",
            "published_on",
            "superseded_on",
            "withdrawn_on",
            "in_force",
            "pdf_state",
            "pdf_url",
            "pdf_download_url",
            "pdf_size",
            "pdf_pages",
            "pdf_sha256",
        ]

    def get_pdf_url(self, edition) -> str | None:
        if edition.pdf_state != Edition.PdfState.READY or not edition.pdf:
            return None
        return _absolute(self, self._pdf_addresses(edition)[0])

    def get_pdf_download_url(self, edition) -> str | None:
        if edition.pdf_state != Edition.PdfState.READY or not edition.pdf:
            return None
        return _absolute(self, self._pdf_addresses(edition)[1])

    @staticmethod
    def _pdf_addresses(edition) -> tuple[str, str]:
        return edition_pdf_addresses(edition.pk, edition.standard_id, edition.edition)


class EditionDetailSerializer(EditionSerializer):
    body = serializers.CharField(
        source="version.body",
        read_only=True,
        help_text=gettext_lazy("The text, in Markdown."),
    )

    class Meta(EditionSerializer.Meta):
        fields = [*EditionSerializer.Meta.fields, "body"]


@extend_schema_serializer(
    description=gettext_lazy(
        "A standard. Its public record is its current edition's: once it has an "
        "edition, ``title`` and ``scope`` are the in-force edition's (or the last "
        "one's, when abolished), whoever asks, and edits of a renewal reach them "
        "only with the next edition. The draft audience also reads the draft's own"
        " ``draft_title`` and ``draft_scope`` (null for everyone else)."
    )
)
class StandardSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The in-force edition's title once the standard has an edition; "
                "before, the draft's."
            )
        )
    )
    scope = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The in-force edition's scope once the standard has an edition; "
                "before, the draft's."
            )
        )
    )
    title_zh = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The Chinese title beside `title` (read as `title`); empty when "
                "there is none. A standard written only in Chinese has its title "
                "in `title`."
            )
        )
    )
    scope_zh = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The Chinese scope beside `scope` (read as `scope`); empty when "
                "there is none."
            )
        )
    )
    draft_title = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The draft's title, as its authors edit it (during a renewal it "
                "may differ from `title`); null unless the caller is in the "
                "draft audience."
            )
        )
    )
    draft_scope = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The draft's scope, as its authors edit it; null unless the "
                "caller is in the draft audience."
            )
        )
    )
    draft_title_zh = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The draft's Chinese title; null unless the caller is in the "
                "draft audience."
            )
        )
    )
    draft_scope_zh = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The draft's Chinese scope; null unless the caller is in the "
                "draft audience."
            )
        )
    )
    language = LanguageField(
        read_only=True,
        help_text=gettext_lazy("The language the standard's text is written in."),
    )
    status = serializers.SerializerMethodField(
        help_text=(
            gettext_lazy(
                "The lifecycle state. Outside the draft audience a standard under "
                "renewal reads `published`: its renewal's state is working "
                "material (see `public_status`)."
            )
        )
    )
    public_status = serializers.ChoiceField(
        choices=PublicStatus.choices,
        read_only=True,
        allow_null=True,
        help_text=(
            gettext_lazy(
                "What the public reads: `in_force`, `under_renewal` (the in-force "
                "edition stays public while the next is drafted) or `abolished`; "
                "null before the first edition."
            )
        ),
    )
    field = StandardFieldSerializer(read_only=True)
    organisation = NamedRefSerializer(read_only=True)
    work_item = WorkItemRefSerializer(read_only=True, allow_null=True)
    replaced_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    under_renewal = serializers.BooleanField(read_only=True)
    current_edition = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "With `q` and `snippets=1` on the list: the excerpt of the public "
            "record around the first match, as the catalogue shows it (HTML, "
            "escaped, each match in `<mark>`); null otherwise, and for drafts."
        )
    )

    class Meta:
        model = Standard
        fields = [
            "id",
            "number",
            "title",
            "title_zh",
            "scope",
            "scope_zh",
            "language",
            "draft_title",
            "draft_title_zh",
            "draft_scope",
            "draft_scope_zh",
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
            "snippet",
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

    def get_title_zh(self, standard) -> str:
        if standard.has_edition:
            return standard.public_title_zh or ""
        return standard.title_zh

    def get_scope_zh(self, standard) -> str:
        if standard.has_edition:
            return standard.public_scope_zh or ""
        return standard.scope_zh

    def get_draft_title(self, standard) -> str | None:
        return standard.title if self._in_draft_audience(standard) else None

    def get_draft_scope(self, standard) -> str | None:
        return standard.scope if self._in_draft_audience(standard) else None

    def get_draft_title_zh(self, standard) -> str | None:
        return standard.title_zh if self._in_draft_audience(standard) else None

    def get_draft_scope_zh(self, standard) -> str | None:
        return standard.scope_zh if self._in_draft_audience(standard) else None

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, standard) -> str:
        if standard.under_renewal and not self._in_draft_audience(standard):
            return Status.PUBLISHED.value
        return standard.status

    def get_snippet(self, standard) -> str | None:
        snippet = getattr(standard, "snippet", None)
        return None if snippet is None else str(snippet)

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
        help_text=gettext_lazy("The transitions the caller may take now."),
    )
    whose_turn = TurnSerializer(many=True, read_only=True, source="turns")

    class Meta(StandardSerializer.Meta):
        fields = [
            *(f for f in StandardSerializer.Meta.fields if f != "snippet"),
            "authors",
            "editions",
            "transitions",
            "whose_turn",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The file itself, for the draft's audience (with a token or a "
            "session); `size` and `sha256` describe it."
        )
    )

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
            "download_url",
        ]

    def get_download_url(self, attachment) -> str:
        return _absolute(
            self,
            reverse(
                "api:standard-attachment-download",
                kwargs={
                    "pk": attachment.version.standard_id,
                    "attachment_id": attachment.pk,
                },
            ),
        )


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
            gettext_lazy(
                "The certificate's PDF: `pending`, `rendering`, `ready` or "
                "`failed`; empty unless the audit certified."
            )
        ),
    )
    certificate_url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The certificate's PDF (for a signed-in session), once ready."
        )
    )
    certificate_download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The certificate's PDF for an API client with a token, once ready; "
            "`certificate_size` and `certificate_sha256` describe it."
        )
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
            "certificate_download_url",
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

    def get_certificate_download_url(self, audit) -> str | None:
        if audit.certificate_state != "ready" or not audit.certificate_pdf:
            return None
        return _absolute(
            self,
            reverse(
                "api:standard-audit-certificate",
                kwargs={"pk": audit.standard_id, "audit_id": audit.pk},
            ),
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


# Every condition code of the lifecycle, for the schema's named enum.
CONDITION_CODES = sorted(
    {check.code for checks in lifecycle.CHECKS.values() for check in checks}
)


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=gettext_lazy(
            "`not_found`, `forbidden`, `conflict`, `already_in_state` or `invalid`."
        )
    )
    message = serializers.CharField()
    condition = serializers.ChoiceField(
        choices=CONDITION_CODES,
        allow_null=True,
        help_text=gettext_lazy(
            "The lifecycle condition not met (a code of `/api/v1/lifecycle/`), "
            "or null when the reason is the state or the caller's role."
        ),
    )


class TransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(services.TRANSITIONS.items()))
    label = serializers.CharField()
    comment_required = serializers.BooleanField()
    allowed = serializers.BooleanField(
        help_text=gettext_lazy("Whether the caller may take it now.")
    )
    reasons = RefusalSerializer(
        many=True,
        help_text=gettext_lazy("Why not, when it is not allowed (else empty)."),
    )


class LifecycleStateSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Status.choices)
    label = serializers.CharField()
    description = serializers.CharField()


class LifecycleCheckSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=CONDITION_CODES, help_text=gettext_lazy("A stable machine code.")
    )
    text = serializers.CharField()
    typed = serializers.BooleanField(
        help_text=gettext_lazy(
            "A condition on what the caller sends with the transition (a "
            "comment, a replacement) rather than on the standard."
        )
    )


class LifecycleRoleSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Role.Kind.choices)
    label = serializers.CharField()


class LifecycleTransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(services.TRANSITIONS.items()))
    label = serializers.CharField()
    sources = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices),
        help_text=gettext_lazy("The states it leaves from."),
    )
    target = serializers.ChoiceField(
        choices=Status.choices, help_text=gettext_lazy("The state it leads to.")
    )
    roles = LifecycleRoleSerializer(
        many=True, help_text=gettext_lazy("Who may take it.")
    )
    who = serializers.CharField(help_text=gettext_lazy("Who may take it, in words."))
    conditions = LifecycleCheckSerializer(
        many=True, help_text=gettext_lazy("Its conditions, one by one.")
    )
    condition = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("Its conditions and effects, in words (or null)."),
    )
    comment_required = serializers.BooleanField()


class LifecycleSerializer(serializers.Serializer):
    states = LifecycleStateSerializer(many=True)
    transitions = LifecycleTransitionSerializer(many=True)
