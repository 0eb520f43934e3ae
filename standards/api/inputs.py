"""What the standards API accepts: one input serializer per write, and
``validated`` to read a request through one (a 400 when it does not fit).

The services check the rules again (the serializers only shape the input);
the class names are the OpenAPI schema's component names.
"""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from portal.ids import IdField
from portal.markdown import validate_markdown_length

from ..models import Comment, Recommendation, Status, language_choices


def validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class LanguageField(serializers.ChoiceField):
    """One of the portal's languages (read from the settings when built)."""

    def __init__(self, **kwargs):
        super().__init__(choices=language_choices(), **kwargs)


TITLE_HELP = gettext_lazy(
    "In the language of the text (`language`). A standard written only in "
    "Chinese gives its Chinese title here and leaves `title_zh` empty."
)


class StandardCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300, help_text=TITLE_HELP)
    scope = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    title_zh = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text=gettext_lazy("The Chinese title beside an English one."),
    )
    scope_zh = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    language = LanguageField(
        required=False,
        help_text=gettext_lazy("The language of the text; `en` by default."),
    )
    field = IdField(help_text=gettext_lazy("A field or subfield id."))
    work_item = IdField(required=False, allow_null=True)
    organisation = IdField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Defaults to the organisation the caller represents."),
    )
    authors = serializers.ListField(
        child=IdField(), required=False, help_text=gettext_lazy("Person ids.")
    )


class StandardUpdateInput(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=300, help_text=TITLE_HELP)
    scope = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    title_zh = serializers.CharField(required=False, allow_blank=True, max_length=300)
    scope_zh = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    language = LanguageField(required=False)
    field = IdField(required=False)
    work_item = IdField(required=False, allow_null=True)
    authors = serializers.ListField(child=IdField(), required=False)
    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text=gettext_lazy(
            "Refuse (409) if the standard is no longer in this state."
        ),
    )


class VersionCreateInput(serializers.Serializer):
    body = serializers.CharField(
        validators=[validate_markdown_length],
        help_text=gettext_lazy("Markdown, at most `PORTAL_MAX_BODY_CHARS` characters."),
    )
    change_summary = serializers.CharField(
        required=False, allow_blank=True, max_length=500
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=gettext_lazy(
            "PDF, DOCX, ODT or Markdown files (checked by content)."
        ),
    )


class AssignmentInput(serializers.Serializer):
    experts = serializers.ListField(
        child=IdField(),
        min_length=1,
        help_text=gettext_lazy(
            "User ids of experts of the field (see assignable-experts)."
        ),
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
        help_text=gettext_lazy("Required for request_changes, fail_audit and abolish."),
    )
    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text=gettext_lazy(
            "Refuse (409) if the standard is no longer in this state."
        ),
    )
    replaced_by = IdField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "abolish only: the published standard that replaces this one."
        ),
    )
