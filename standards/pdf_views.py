"""The PDFs of editions and certificates: download, state, render again.

Kept apart from ``standards.views`` (and with its own URL include,
``standards.pdf_urls``, namespace ``standards_pdf``) so that the background
work and the lifecycle pages can be changed independently.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.files import send_file

from . import pdf, permissions
from .models import Audit, Edition


def _edition_or_404(request, pk) -> Edition:
    edition = get_object_or_404(Edition.objects.select_related("standard"), pk=pk)
    if not permissions.can_see_edition(edition, request.user):
        raise Http404
    return edition


def _send_or_404(request, fieldfile, filename):
    """The PDF, shown in the browser (portal.files: a presigned URL of the
    object store, X-Accel-Redirect or the bytes)."""
    try:
        return send_file(
            request,
            fieldfile,
            filename=filename,
            content_type="application/pdf",
            as_attachment=False,
        )
    except FileNotFoundError:
        raise Http404 from None


def edition_pdf(request, pk):
    """The edition's PDF, once ready."""
    edition = _edition_or_404(request, pk)
    if edition.pdf_state != Edition.PdfState.READY or not edition.pdf:
        raise Http404(_("This PDF is not ready."))
    name = f"{slugify(edition.number)}-edition-{edition.edition}.pdf"
    return _send_or_404(request, edition.pdf, name)


@never_cache
def edition_pdf_status(request, pk):
    """The PDF's state, for a page that waits for it (polls this)."""
    edition = _edition_or_404(request, pk)
    data = {"state": edition.pdf_state}
    if edition.pdf_state == Edition.PdfState.READY:
        data.update(
            size=edition.pdf_size, pages=edition.pdf_pages, sha256=edition.pdf_sha256
        )
    return JsonResponse(data)


@login_required
@require_POST
def edition_rerender(request, pk):
    """The leader renders a (failed) PDF again."""
    edition = _edition_or_404(request, pk)
    pdf.edition_rerender(edition_id=edition.pk, actor=request.user)
    messages.success(request, _("The PDF is being prepared again."))
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(edition.standard.get_absolute_url())


def certificate_pdf(request, pk):
    """An audit certificate: working material until the version it certified
    is published, then part of the public record."""
    audit = get_object_or_404(
        Audit.objects.select_related("standard"),
        pk=pk,
        outcome=Audit.Outcome.CERTIFIED,
    )
    if not permissions.can_see_certificate(audit, request.user):
        raise Http404
    if audit.certificate_state != "ready" or not audit.certificate_pdf:
        raise Http404(_("This certificate is not ready."))
    name = f"{slugify(audit.certificate_number) or 'certificate'}.pdf"
    return _send_or_404(request, audit.certificate_pdf, name)
