"""The standards API's files: a version's attachments, an edition's PDF and
an audit's certificate, downloaded with a token.

Who may download what is the pages' rule, asked of the same predicates of
``standards.permissions`` as ``standards.views.attachment`` and
``standards.pdf_views`` ask: attachments are working material (the draft
audience), editions the public record, a certificate working material until
the version it certified is published. Anything else is a 404 problem, as
every API refusal of something the caller may not see; an API client is
never sent to the sign-in page.
"""

from django.http import HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.http import parse_etags, quote_etag
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView

from portal.api_schema import ErrorSerializer
from portal.files import send_file

from .. import permissions as rules
from .. import selectors
from ..models import Attachment, Audit, Edition
from ..pdf import file_sha256, recorded_sha256
from ..uploads import CONTENT_TYPES, download_name

# How long a client waits before asking again for a PDF being rendered.
RETRY_AFTER_SECONDS = 30


class FileNegotiation(DefaultContentNegotiation):
    """A download answers with its file whatever the ``Accept`` header names
    (``application/pdf``, ``*/*``); its refusals are JSON problems."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type


class FileNotReady(exceptions.APIException):
    """A PDF that is not rendered yet: 409, with ``Retry-After`` while it
    is being prepared (the exception handler sends ``wait`` as that header)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "pdf_not_ready"

    def __init__(self, detail, *, code: str, wait: int | None):
        super().__init__(detail, code)
        self.default_code = code
        self.wait = wait


def _not_ready(state: str) -> FileNotReady:
    if state == Edition.PdfState.FAILED:
        return FileNotReady(
            gettext_lazy(
                "This PDF could not be prepared; the leader can have it prepared again."
            ),
            code="pdf_failed",
            wait=None,
        )
    return FileNotReady(
        gettext_lazy("This PDF is being prepared; try again shortly."),
        code="pdf_not_ready",
        wait=RETRY_AFTER_SECONDS,
    )


def file_response(request, fieldfile, *, sha256: str, name: str, content_type: str):
    """The file as a download: ``Content-Disposition: attachment`` with its
    name (RFC 6266, ``filename*`` in UTF-8 for other than ASCII), its type,
    length and its SHA-256 as the ETag (304 for ``If-None-Match``)."""
    etag = quote_etag(sha256)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    try:
        # A presigned URL of the object store, X-Accel-Redirect or the bytes.
        response = send_file(
            request, fieldfile, filename=name, content_type=content_type
        )
    except FileNotFoundError:
        raise exceptions.NotFound(gettext_lazy("The file is missing.")) from None
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # A presigned redirect keeps its own "no-store".
    response.setdefault("Cache-Control", "private, max-age=0")
    return response


def edition_pdf_name(edition: Edition) -> str:
    return f"{slugify(edition.number) or 'standard'}-edition-{edition.edition}.pdf"


def certificate_pdf_name(audit: Audit) -> str:
    return f"{slugify(audit.certificate_number) or 'certificate'}.pdf"


class _Download(APIView):
    permission_classes = [permissions.AllowAny]
    content_negotiation_class = FileNegotiation


_PDF_REFUSALS = {
    409: OpenApiResponse(
        ErrorSerializer,
        gettext_lazy(
            "Not rendered yet: `pdf_not_ready` (ask again after `Retry-After` "
            "seconds) or `pdf_failed`."
        ),
    ),
}
_RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    OpenApiParameter.HEADER,
    response=[409],
    description=gettext_lazy("Seconds to wait before asking again."),
)


class AttachmentDownload(_Download):
    @extend_schema(
        summary=gettext_lazy("Download an attachment of a version"),
        description=gettext_lazy(
            "The file as uploaded, for the draft's audience (404 for everyone "
            "else). Its `size` and `sha256` are in the version's `attachments`; "
            "the `ETag` is its SHA-256."
        ),
        responses={
            **{
                (200, content_type.split(";")[0]): OpenApiTypes.BINARY
                for content_type in CONTENT_TYPES.values()
            },
        },
    )
    def get(self, request, pk, attachment_id):
        standard = selectors.standard_get_working(standard_id=pk, user=request.user)
        item = get_object_or_404(
            Attachment, pk=attachment_id, version__standard_id=standard.pk
        )
        return file_response(
            request,
            item.file,
            sha256=item.sha256 or file_sha256(item.file),
            name=download_name(item.original_name, item.extension),
            content_type=item.content_type,
        )


class EditionPdfDownload(_Download):
    @extend_schema(
        summary=gettext_lazy("Download an edition's PDF"),
        description=gettext_lazy(
            "The PDF of the standard's edition number `edition`, for everyone "
            "once the standard has an edition (its public record). 409 while it "
            "is not rendered."
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_PDF_REFUSALS},
        parameters=[_RETRY_AFTER],
    )
    def get(self, request, pk, edition):
        item = get_object_or_404(
            Edition.objects.select_related("standard"), standard_id=pk, edition=edition
        )
        if not rules.can_see_edition(item, request.user):
            raise exceptions.NotFound
        if item.pdf_state != Edition.PdfState.READY or not item.pdf:
            raise _not_ready(item.pdf_state)
        sha256 = recorded_sha256(item, file_field="pdf", sha_field="pdf_sha256")
        return file_response(
            request,
            item.pdf,
            sha256=sha256,
            name=edition_pdf_name(item),
            content_type="application/pdf",
        )


class CertificateDownload(_Download):
    @extend_schema(
        summary=gettext_lazy("Download an audit's certificate"),
        description=gettext_lazy(
            "The certificate PDF of a certifying audit: for the draft's audience "
            "until the version it certified is published, then for everyone. "
            "409 while it is not rendered."
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_PDF_REFUSALS},
        parameters=[_RETRY_AFTER],
    )
    def get(self, request, pk, audit_id):
        audit = get_object_or_404(
            Audit.objects.select_related("standard"),
            pk=audit_id,
            standard_id=pk,
            outcome=Audit.Outcome.CERTIFIED,
        )
        if not rules.can_see_certificate(audit, request.user):
            raise exceptions.NotFound
        if audit.certificate_state != "ready" or not audit.certificate_pdf:
            raise _not_ready(audit.certificate_state)
        sha256 = recorded_sha256(
            audit, file_field="certificate_pdf", sha_field="certificate_sha256"
        )
        return file_response(
            request,
            audit.certificate_pdf,
            sha256=sha256,
            name=certificate_pdf_name(audit),
            content_type="application/pdf",
        )
