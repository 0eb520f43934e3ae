"""The PDF of a QMS certificate, rendered by the worker with WeasyPrint as
editions are (``standards.pdf``: the same URL fetcher, limits and claims),
with a QR code (segno) that leads to the certificate's verification page."""

import base64
import io
import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.metrics import pdf_render_timer
from portal.queue import enqueue
from standards import pdf as standards_pdf

from .models import Certificate

logger = logging.getLogger(__name__)

TODO = (Certificate.PdfState.PENDING,)


def verification_url(certificate: Certificate) -> str:
    """The absolute address of the certificate's public verification page."""
    return settings.PORTAL_BASE_URL.rstrip("/") + certificate.get_absolute_url()


def qr_code(url: str):
    import segno

    return segno.make(url, error="m")


def qr_png_data_url(url: str) -> str:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=6, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def certificate_html(certificate: Certificate) -> str:
    programme = certificate.programme
    url = verification_url(certificate)
    context = standards_pdf._base_context(
        certificate.scope,
        str(programme.organisation),
        number=certificate.number,
        title=str(programme.organisation),
    )
    context.update(
        certificate=certificate,
        programme=programme,
        organisation=programme.organisation,
        verification_url=url,
        qr=qr_png_data_url(url),
    )
    return render_to_string("qms/pdf/certificate.html", context)


def certificate_name(certificate: Certificate) -> str:
    return f"qms/certificates/{slugify(certificate.number)}-{certificate.pk}.pdf"


def certificate_render_pdf(*, certificate_id: int) -> Certificate | None:
    """Render a certificate's PDF once (claimed as editions are)."""
    rows = Certificate.objects.filter(pk=certificate_id)
    token = standards_pdf._claim(
        rows, state="pdf_state", claimed_until="pdf_claimed_until", todo=TODO
    )
    certificate = rows.select_related("programme__organisation").first()
    if token is None or certificate is None:
        return certificate
    claim = rows.filter(
        pdf_state=Certificate.PdfState.RENDERING, pdf_claimed_until=token
    )
    try:
        with pdf_render_timer("qms_certificate"):  # portal_pdf_render_seconds
            rendered = standards_pdf.render_pdf(certificate_html(certificate))
        standards_pdf._store_claimed(
            claim,
            certificate.pdf,
            certificate_name(certificate),
            rendered.data,
            pdf_state=Certificate.PdfState.READY,
            pdf_claimed_until=None,
            pdf_sha256=rendered.sha256,
            pdf_error="",
        )
    except Exception as exc:  # noqa: BLE001 — recorded on the row
        logger.warning("QMS certificate %s: PDF failed: %s", certificate_id, exc)
        claim.update(
            pdf_state=Certificate.PdfState.FAILED,
            pdf_claimed_until=None,
            pdf_error=standards_pdf._failure(exc) or _("The PDF failed."),
        )
    certificate.refresh_from_db()
    return certificate


def certificate_render_enqueue(certificate_id: int) -> None:
    from .tasks import certificate_render_task

    enqueue(certificate_render_task, certificate_id)
