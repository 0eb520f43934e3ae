"""The QMS API, under /api/v1/qms/: thin views over ``qms.services`` and
``qms.selectors``, with the conventions of the standards API (errors as
problems through ``portal.api.exception_handler``, paginated lists, 201 on
creation). The register and certificates are public; programmes and their
material are for those who see them (404 for everyone else)."""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import ConditionalGetMixin
from portal.errors import ApplicationError
from portal.ids import IdField

from . import selectors, services
from .models import (
    Audit,
    Certificate,
    CertificateStatus,
    CommitteeMember,
    Concern,
    Document,
    DocumentVersion,
    Finding,
    Process,
    Programme,
    Vote,
)

# --- what the API answers ------------------------------------------------------


class QmsCertificateSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="programme.organisation.name")
    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "number",
            "organisation",
            "scope",
            "scope_zh",
            "issued_on",
            "expires_on",
            "surveillance_due",
            "status",
            "suspended_on",
            "withdrawn_on",
            "verification_url",
        ]

    def get_verification_url(self, obj) -> str:
        from .pdf import verification_url

        return verification_url(obj)


class QmsProcessSerializer(serializers.ModelSerializer):
    class Meta:
        model = Process
        fields = ["id", "name", "owner", "improvement"]


class QmsDocumentVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "original_name", "extension", "size", "sha256"]


class QmsDocumentSerializer(serializers.ModelSerializer):
    versions = QmsDocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "title", "versions"]


class QmsCommitteeMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeMember
        fields = ["id", "expert", "appointed"]


class QmsVoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = ["id", "expert", "round", "decision", "note", "created"]


class QmsCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Concern
        fields = ["id", "author", "text", "blocking", "created", "resolved_at"]


class QmsFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = [
            "id",
            "audit",
            "grade",
            "description",
            "corrective_action",
            "owner",
            "due",
            "closed_on",
            "closure_note",
        ]


class QmsAuditSerializer(serializers.ModelSerializer):
    findings = QmsFindingSerializer(many=True, read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "kind",
            "audit_body",
            "lead_auditor",
            "stage1_date",
            "stage2_date",
            "outcome",
            "report",
            "completed_on",
            "findings",
        ]


class QmsProgrammeSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    organisation_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "organisation",
            "organisation_id",
            "status",
            "scope",
            "scope_zh",
            "quality_policy",
            "quality_objectives",
            "approval_round",
            "status_changed",
        ]


class QmsProgrammeDetailSerializer(QmsProgrammeSerializer):
    processes = QmsProcessSerializer(many=True, read_only=True)
    documents = QmsDocumentSerializer(many=True, read_only=True)
    committee = QmsCommitteeMemberSerializer(many=True, read_only=True)
    votes = QmsVoteSerializer(many=True, read_only=True)
    comments = QmsCommentSerializer(source="concerns", many=True, read_only=True)
    audits = QmsAuditSerializer(many=True, read_only=True)
    certificates = serializers.SerializerMethodField()

    class Meta(QmsProgrammeSerializer.Meta):
        fields = [
            *QmsProgrammeSerializer.Meta.fields,
            "processes",
            "documents",
            "committee",
            "votes",
            "comments",
            "audits",
            "certificates",
        ]

    def get_certificates(self, obj) -> list[str]:
        return [c.number for c in obj.certificates.all()]


class QmsTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    allowed = serializers.BooleanField()
    code = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)
    comment_required = serializers.BooleanField()


# --- what the API accepts ------------------------------------------------------


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class QmsProgrammeStartInput(serializers.Serializer):
    organisation = IdField()


class QmsProgrammeEditInput(serializers.Serializer):
    scope = serializers.CharField(allow_blank=True, max_length=2000)
    scope_zh = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    quality_policy = serializers.CharField(allow_blank=True, max_length=20000)
    quality_objectives = serializers.CharField(allow_blank=True, max_length=20000)


class QmsProcessInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    owner = serializers.CharField(max_length=200)
    improvement = serializers.CharField(max_length=5000)


class QmsDocumentInput(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Document.Kind.choices, required=False)
    title = serializers.CharField(required=False, max_length=300)
    document = IdField(required=False, help_text=gettext_lazy("A new version of it."))


class QmsAppointInput(serializers.Serializer):
    expert = IdField(help_text=gettext_lazy("A user id of an expert."))


class QmsVoteInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Vote.Decision.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class QmsCommentInput(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    blocking = serializers.BooleanField(required=False, default=False)


class QmsAuditInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Audit.Kind.choices)
    audit_body = serializers.CharField(max_length=200)
    lead_auditor = serializers.CharField(max_length=200)
    stage1_date = serializers.DateField()
    stage2_date = serializers.DateField()


class QmsAuditCompleteInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[Audit.Outcome.PASSED, Audit.Outcome.FAILED]
    )
    report = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class QmsFindingInput(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Finding.Grade.choices)
    description = serializers.CharField(max_length=20000)
    corrective_action = serializers.CharField(max_length=20000)
    owner = serializers.CharField(max_length=200)
    due = serializers.DateField()


class QmsFindingCloseInput(serializers.Serializer):
    note = serializers.CharField(max_length=20000)


class QmsTransitionInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    expected_status = serializers.CharField(required=False, max_length=24)


# --- the register ------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("The public register of QMS certificates"),
        description=gettext_lazy(
            "Every certificate with its status today; `q` searches number, "
            "organisation and scope, `status` filters."
        ),
    )
)
class CertificateList(ConditionalGetMixin, generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = QmsCertificateSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.register(
            query=self.request.query_params.get("q", ""),
            status=self.request.query_params.get("status", ""),
        )


@extend_schema_view(get=extend_schema(summary=gettext_lazy("Verify a certificate")))
class CertificateDetail(ConditionalGetMixin, APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=QmsCertificateSerializer)
    def get(self, request, number):
        certificate = selectors.certificate_get(number=number)
        return Response(QmsCertificateSerializer(certificate).data)


# --- programmes ---------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("QMS programmes the caller sees")),
    post=extend_schema(
        summary=gettext_lazy("Start an organisation's QMS programme"),
        request=QmsProgrammeStartInput,
        responses={201: QmsProgrammeDetailSerializer},
    ),
)
class ProgrammeList(generics.ListAPIView):
    serializer_class = QmsProgrammeSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.programmes_for(self.request.user).order_by("pk")

    def post(self, request):
        data = _validated(QmsProgrammeStartInput, request)
        programme = services.programme_start(
            organisation_id=data["organisation"], actor=request.user
        )
        return _detail(request, programme.pk, status.HTTP_201_CREATED)


def _detail(request, pk, code=status.HTTP_200_OK):
    programme = selectors.programme_detail(programme_id=pk, user=request.user)
    return Response(QmsProgrammeDetailSerializer(programme).data, status=code)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("A QMS programme with its material"),
        responses=QmsProgrammeDetailSerializer,
    ),
    patch=extend_schema(
        summary=gettext_lazy("Edit the scope, quality policy and objectives"),
        request=QmsProgrammeEditInput,
        responses=QmsProgrammeDetailSerializer,
    ),
)
class ProgrammeDetail(APIView):
    def get(self, request, pk):
        return _detail(request, pk)

    def patch(self, request, pk):
        programme = selectors.programme_detail(programme_id=pk, user=request.user)
        current = {
            "scope": programme.scope,
            "scope_zh": programme.scope_zh,
            "quality_policy": programme.quality_policy,
            "quality_objectives": programme.quality_objectives,
        }
        sent = request.data
        if not hasattr(sent, "keys"):
            raise ApplicationError(gettext_lazy("Send a JSON object."), code="invalid")
        serializer = QmsProgrammeEditInput(data={**current, **sent})
        serializer.is_valid(raise_exception=True)
        services.programme_update(
            programme_id=pk, actor=request.user, **serializer.validated_data
        )
        return _detail(request, pk)


def _action_view(name, input_class, call, summary, output=None):
    """A POST under a programme that calls one service and answers with the
    programme (201)."""

    sends_a_file = input_class is QmsDocumentInput

    @extend_schema_view(
        post=extend_schema(
            summary=summary,
            # One body type in the schema, as for a standard's versions:
            # multipart where a file is sent, else JSON.
            request=(
                {"multipart/form-data": input_class} if sends_a_file else input_class
            ),
            responses={201: output or QmsProgrammeDetailSerializer},
        )
    )
    class ActionView(APIView):
        if sends_a_file:
            parser_classes = [MultiPartParser, FormParser]

        def post(self, request, pk, **kwargs):
            # Unseen first (404), before anything about the body (400).
            selectors.programme_visible(programme_id=pk, user=request.user)
            data = _validated(input_class, request)
            call(request, pk, data, **kwargs)
            return _detail(request, pk, status.HTTP_201_CREATED)

    ActionView.__name__ = ActionView.__qualname__ = name
    return ActionView


def _audit_of(pk, audit_id):
    if not Audit.objects.filter(pk=audit_id, programme_id=pk).exists():
        raise ApplicationError(gettext_lazy("No such audit."), code="not_found")
    return audit_id


def _finding_of(pk, finding_id):
    if not Finding.objects.filter(pk=finding_id, audit__programme_id=pk).exists():
        raise ApplicationError(gettext_lazy("No such finding."), code="not_found")
    return finding_id


ProcessCreate = _action_view(
    "ProcessCreate",
    QmsProcessInput,
    lambda r, pk, d: services.process_add(programme_id=pk, actor=r.user, **d),
    gettext_lazy("Add a core business process"),
)
DocumentUpload = _action_view(
    "DocumentUpload",
    QmsDocumentInput,
    lambda r, pk, d: services.document_upload(
        programme_id=pk,
        actor=r.user,
        upload=d["file"],
        kind=d.get("kind", ""),
        title=d.get("title", ""),
        document_id=d.get("document"),
    ),
    gettext_lazy("Upload a document, or a new version of one"),
)
CommitteeAppoint = _action_view(
    "CommitteeAppoint",
    QmsAppointInput,
    lambda r, pk, d: services.committee_appoint(
        programme_id=pk, actor=r.user, expert_id=d["expert"]
    ),
    gettext_lazy("Appoint an expert to the committee"),
)
VoteCast = _action_view(
    "VoteCast",
    QmsVoteInput,
    lambda r, pk, d: services.vote_cast(programme_id=pk, actor=r.user, **d),
    gettext_lazy("Vote as a committee member"),
)
CommentCreate = _action_view(
    "CommentCreate",
    QmsCommentInput,
    lambda r, pk, d: services.concern_raise(programme_id=pk, actor=r.user, **d),
    gettext_lazy("Comment as a committee member"),
)
AuditSchedule = _action_view(
    "AuditSchedule",
    QmsAuditInput,
    lambda r, pk, d: services.audit_schedule(programme_id=pk, actor=r.user, **d),
    gettext_lazy("Schedule an external audit"),
)
AuditComplete = _action_view(
    "AuditComplete",
    QmsAuditCompleteInput,
    lambda r, pk, d, audit_id: services.audit_complete(
        audit_id=_audit_of(pk, audit_id), actor=r.user, **d
    ),
    gettext_lazy("Record an audit's outcome"),
)
FindingCreate = _action_view(
    "FindingCreate",
    QmsFindingInput,
    lambda r, pk, d, audit_id: services.finding_add(
        audit_id=_audit_of(pk, audit_id), actor=r.user, **d
    ),
    gettext_lazy("Record a finding of an audit"),
)
FindingClose = _action_view(
    "FindingClose",
    QmsFindingCloseInput,
    lambda r, pk, d, finding_id: services.finding_close(
        finding_id=_finding_of(pk, finding_id), actor=r.user, **d
    ),
    gettext_lazy("Close a finding"),
)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Every transition, and whether the caller may take it"),
        responses=QmsTransitionSerializer(many=True),
    )
)
class TransitionList(APIView):
    def get(self, request, pk):
        programme = selectors.programme_detail(programme_id=pk, user=request.user)
        data = []
        for name, label in services.TRANSITION_LABELS.items():
            decision = services.transition_refusal(programme, request.user, name)
            data.append(
                {
                    "name": name,
                    "label": str(label),
                    "allowed": bool(decision),
                    "code": decision.code,
                    "message": decision.message,
                    "comment_required": name in services.COMMENT_REQUIRED,
                }
            )
        return Response(QmsTransitionSerializer(data, many=True).data)


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Take a transition of a QMS programme"),
        description=gettext_lazy(
            "404 if the programme is not visible to the caller, 409 if the "
            "state does not allow it (or it changed meanwhile, see "
            "expected_status), 403 if it is not the caller's role, 400 or 409 "
            "if its conditions are not met."
        ),
        request=QmsTransitionInput,
        responses=QmsProgrammeDetailSerializer,
    )
)
class TransitionTake(APIView):
    def post(self, request, pk, name):
        selectors.programme_visible(programme_id=pk, user=request.user)
        data = _validated(QmsTransitionInput, request)
        services.programme_transition(
            programme_id=pk,
            name=name,
            actor=request.user,
            comment=data.get("comment", ""),
            expected_status=data.get("expected_status"),
        )
        return _detail(request, pk)


urlpatterns = [
    path("certificates/", CertificateList.as_view(), name="qms-certificates"),
    path(
        "certificates/<str:number>/",
        CertificateDetail.as_view(),
        name="qms-certificate",
    ),
    path("programmes/", ProgrammeList.as_view(), name="qms-programmes"),
    path("programmes/<int:pk>/", ProgrammeDetail.as_view(), name="qms-programme"),
    path(
        "programmes/<int:pk>/processes/",
        ProcessCreate.as_view(),
        name="qms-programme-processes",
    ),
    path(
        "programmes/<int:pk>/documents/",
        DocumentUpload.as_view(),
        name="qms-programme-documents",
    ),
    path(
        "programmes/<int:pk>/committee/",
        CommitteeAppoint.as_view(),
        name="qms-programme-committee",
    ),
    path("programmes/<int:pk>/votes/", VoteCast.as_view(), name="qms-programme-votes"),
    path(
        "programmes/<int:pk>/comments/",
        CommentCreate.as_view(),
        name="qms-programme-comments",
    ),
    path(
        "programmes/<int:pk>/audits/",
        AuditSchedule.as_view(),
        name="qms-programme-audits",
    ),
    path(
        "programmes/<int:pk>/audits/<int:audit_id>/complete/",
        AuditComplete.as_view(),
        name="qms-programme-audit-complete",
    ),
    path(
        "programmes/<int:pk>/audits/<int:audit_id>/findings/",
        FindingCreate.as_view(),
        name="qms-programme-audit-findings",
    ),
    path(
        "programmes/<int:pk>/findings/<int:finding_id>/close/",
        FindingClose.as_view(),
        name="qms-programme-finding-close",
    ),
    path(
        "programmes/<int:pk>/transitions/",
        TransitionList.as_view(),
        name="qms-programme-transitions",
    ),
    path(
        "programmes/<int:pk>/transitions/<str:name>/",
        TransitionTake.as_view(),
        name="qms-programme-transition",
    ),
]
