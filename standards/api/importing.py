"""Importing standards over the API: the same import as
``manage.py import_standards`` (``standards.importing``), for the leader and
the secretariat, from a JSON body (docs/import-format.md; PDFs as Base64 in
``pdf_base64``)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.errors import ApplicationError

from .. import importing
from .. import permissions as rules
from .inputs import validated


class ImportInput(serializers.Serializer):
    standards = serializers.ListField(
        child=serializers.DictField(),
        max_length=5000,
        help_text=gettext_lazy(
            "The standards to import, as in the JSON import format "
            "(docs/import-format.md); a PDF as `pdf_base64`."
        ),
    )
    dry_run = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Only report what would be created, what clashes and what is "
            "invalid; change nothing."
        ),
    )
    source = serializers.CharField(
        required=False,
        max_length=200,
        help_text=gettext_lazy("A name for the import, recorded in the history."),
    )


class ImportResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=list(importing.KINDS))
    location = serializers.CharField(
        help_text=gettext_lazy("Where in the body: `standards[3]`.")
    )
    key = serializers.CharField()
    messages = serializers.ListField(child=serializers.CharField())
    standard = serializers.IntegerField(allow_null=True)


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    results = ImportResultSerializer(many=True)


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Import standards"),
        description=gettext_lazy(
            "Bring existing standards in with their numbers, editions, PDFs and "
            "history (the leader and the secretariat). Each standard is written "
            "in a transaction of its own; the answer reports each one: "
            "created, updated, unchanged (imported before), kept (changed in "
            "the portal since it was imported, not overwritten), clash (its "
            "number is taken) or invalid (with what to fix). With `dry_run` "
            "nothing is changed. 400 when the body is not an import at all."
        ),
        request=ImportInput,
        responses=ImportReportSerializer,
    )
)
class StandardImport(APIView):
    def post(self, request):
        rules.require(importing.can_import(request.user))
        data = validated(ImportInput, request)
        try:
            entries = importing.read_json({"standards": data["standards"]})
        except importing.ImportFileError as exc:
            raise ApplicationError(str(exc), field="standards") from None
        report = importing.standards_import(
            entries=entries,
            actor=request.user,
            source=data.get("source") or "API",
            dry_run=data["dry_run"],
        )
        return Response(ImportReportSerializer(report.as_dict()).data)
