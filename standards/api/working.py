"""The standards API's working material of a draft cycle: versions,
expert assignments (and the experts who may be assigned), comments and
their answers, recommendations, and audits.

It is shown only to the draft's audience (its organisation, the field's
deputy leaders, assigned experts, auditors, the leader), even once the
standard is published; everyone else gets a 404
(``selectors.standard_get_working``).
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import ConditionalGetMixin
from portal.errors import ApplicationError
from portal.parsers import JSONParser

from .. import selectors, services
from ..models import Audit, Comment, ExpertAssignment, Recommendation, Standard, Version
from .inputs import (
    AssignmentInput,
    CommentInput,
    RecommendationInput,
    ReplyInput,
    VersionCreateInput,
    validated,
)
from .serializers import (
    AssignmentSerializer,
    AuditSerializer,
    CommentSerializer,
    RecommendationSerializer,
    UserRefSerializer,
    VersionSerializer,
)


def _working(request, pk) -> Standard:
    """A standard whose working material the caller sees (404 otherwise)."""
    return selectors.standard_get_working(standard_id=pk, user=request.user)


class WorkingList(ConditionalGetMixin, generics.ListAPIView):
    """A list under a standard, shown to the draft's audience only; paginated
    like every collection of the API."""

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
    get=extend_schema(summary=gettext_lazy("Versions of a draft")),
    post=extend_schema(
        summary=gettext_lazy("Upload a new version"),
        description=gettext_lazy(
            "Multipart, with optional files. (A JSON body with the text only is "
            "accepted too.)"
        ),
        # One body type in the schema: client generators cannot pick between
        # several for one operation.
        request={"multipart/form-data": VersionCreateInput},
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
        data = validated(VersionCreateInput, request)
        version = services.version_create(
            standard_id=pk,
            actor=request.user,
            body=data["body"],
            change_summary=data.get("change_summary", ""),
            files=data.get("files", []),
        )
        return self.created(VersionSerializer, version)


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Experts assigned to a draft")),
    post=extend_schema(
        summary=gettext_lazy("Assign experts"),
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
        data = validated(AssignmentInput, request)
        created = services.experts_assign(
            standard_id=pk, actor=request.user, experts=data["experts"]
        )
        return Response(
            AssignmentSerializer(created, many=True).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Experts who may be assigned to a draft"),
        responses=UserRefSerializer(many=True),
    )
)
class AssignableExperts(WorkingList):
    """The choices for an assignment, whole (a few people), not a collection."""

    serializer_class = UserRefSerializer
    pagination_class = None

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
    get=extend_schema(summary=gettext_lazy("Expert comments on a draft")),
    post=extend_schema(
        summary=gettext_lazy("Comment on the current version (assigned experts)"),
        request=CommentInput,
        responses={201: CommentSerializer},
    ),
)
class CommentList(WorkingList):
    serializer_class = CommentSerializer

    def get_queryset(self):
        return _comments_of(self.get_standard())

    def post(self, request, pk):
        data = validated(CommentInput, request)
        comment = services.comment_create(standard_id=pk, actor=request.user, **data)
        return self.created(CommentSerializer, _comments_of(pk).get(pk=comment.pk))


class CommentActionView(APIView):
    def check_comment(self, request, pk, comment_id) -> None:
        """404 unless the comment is one of a standard whose working
        material the caller sees."""
        standard = _working(request, pk)
        if not Comment.objects.filter(pk=comment_id, standard=standard).exists():
            raise ApplicationError(_("No such comment."), code="not_found")

    def answer(self, request, pk, comment_id):
        return Response(
            CommentSerializer(
                _comments_of(pk).get(pk=comment_id), context={"request": request}
            ).data
        )


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Answer an expert comment (authors)"),
        request=ReplyInput,
        responses=CommentSerializer,
    )
)
class CommentReply(CommentActionView):
    def post(self, request, pk, comment_id):
        self.check_comment(request, pk, comment_id)
        data = validated(ReplyInput, request)
        services.comment_answer(comment_id=comment_id, actor=request.user, **data)
        return self.answer(request, pk, comment_id)


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Resolve a blocking comment (the expert who raised it)"),
        request=None,
        responses=CommentSerializer,
    )
)
class CommentResolve(CommentActionView):
    def post(self, request, pk, comment_id):
        self.check_comment(request, pk, comment_id)
        services.comment_resolve(comment_id=comment_id, actor=request.user)
        return self.answer(request, pk, comment_id)


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Expert recommendations on a draft")),
    post=extend_schema(
        summary=gettext_lazy("Recommend on the current version (assigned experts)"),
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
        data = validated(RecommendationInput, request)
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
        summary=gettext_lazy(
            "Confirm a recommendation on the current version (assigned experts)"
        ),
        description=(
            gettext_lazy(
                "After a new version, a recommendation given on an older version "
                "no longer counts toward advancing to audit. Its expert confirms "
                "it on the current version in one call: the same decision and "
                "note. 404 if the standard is not visible to the caller, 403 if "
                "they are not an assigned expert, 409 if the draft is not in "
                "expert review or there is nothing to confirm."
            )
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
            # Where it is listed (a recommendation has no address of its own).
            headers={
                "Location": request.build_absolute_uri(
                    reverse("api:standard-recommendations", args=[pk])
                )
            },
        )


@extend_schema_view(get=extend_schema(summary=gettext_lazy("Audits of a standard")))
class AuditList(WorkingList):
    serializer_class = AuditSerializer

    def get_queryset(self):
        return (
            Audit.objects.filter(standard=self.get_standard())
            .select_related("version", "auditor__person")
            .order_by("pk")
        )
