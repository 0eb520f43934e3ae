"""PDFs of published editions and audit certificates, rendered with WeasyPrint.

Rendering runs in the Celery worker (``standards.tasks``), under the task's
soft time limit; a render that runs too long, or yields too many pages or
bytes, ends as ``failed`` with the reason, and the leader can render again.

Nothing outside the portal is ever fetched: the body is sanitised Markdown
(no images, no styles), and WeasyPrint is given a URL fetcher that refuses
every URL but a small ``data:`` image, so ``file:``, ``http:`` and the like
cannot read local files or reach internal services (SSRF).

Rendering is idempotent: the row is locked while it renders (a second render
of the same edition skips it), the file is stored under one name per edition
(replacing any earlier file), and a ready edition is not rendered again
unless the leader asks.
"""

import base64
import functools
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.errors import ApplicationError, Conflict, Forbidden
from portal.markdown import render_markdown
from portal.queue import enqueue

from . import permissions
from .models import Audit, Edition, HistoryEntry

logger = logging.getLogger(__name__)

CJK_FONT = "Noto Sans CJK SC"
CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HEADING_RE = re.compile(r"<h([1-3])>(.*?)</h\1>", re.DOTALL)
TOC_LEVELS = {"1": 1, "2": 2}


class PdfRenderError(Exception):
    """A render that cannot produce a PDF within the limits."""


class RefusedURL(ValueError):
    pass


@functools.cache
def _fetcher_class():
    # WeasyPrint is imported when a PDF is made, not by every web process.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalURLFetcher(URLFetcher):
        """Fetch nothing but small ``data:`` images.

        WeasyPrint asks this for every resource (images, style sheets, fonts by
        URL). Anything else is refused before any file is opened or any
        connection made; WeasyPrint then leaves the resource out.
        """

        ALLOWED_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
        MAX_BYTES = 2 * 1024 * 1024

        def fetch(self, url, headers=None):
            if not url[:5].lower() == "data:":
                raise RefusedURL(f"refused to fetch {url[:80]!r}: not a data: URL")
            meta, comma, payload = url[5:].partition(",")
            if not comma:
                raise RefusedURL("refused a malformed data: URL")
            parts = [part.strip().lower() for part in meta.split(";")]
            content_type = parts[0]
            if content_type not in self.ALLOWED_TYPES:
                raise RefusedURL(f"refused a data: URL of type {content_type!r}")
            if len(payload) > self.MAX_BYTES * 2:
                raise RefusedURL("refused a data: URL that is too large")
            if "base64" in parts[1:]:
                data = base64.b64decode(payload, validate=False)
            else:
                data = unquote_to_bytes(payload)
            if len(data) > self.MAX_BYTES:
                raise RefusedURL("refused a data: URL that is too large")
            return URLFetcherResponse(url, data, {"Content-Type": content_type})

    return PortalURLFetcher


def portal_url_fetcher():
    """WeasyPrint's URL fetcher for the portal's PDFs (see the class)."""
    return _fetcher_class()()


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (for margin-box content)."""
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in '"\\\n\r<>&' or ord(ch) < 32 else ch
        for ch in str(text)
    )
    return f'"{escaped}"'


def page_x_of_y_css() -> str:
    """The margin-box content for “page X of Y”, translated."""
    template = _("page {page} of {pages}")
    out = []
    for piece in re.split(r"(\{page\}|\{pages\})", template):
        if piece == "{page}":
            out.append("counter(page)")
        elif piece == "{pages}":
            out.append("counter(pages)")
        elif piece:
            out.append(css_string(piece))
    return " ".join(out)


def language_of(*texts: str) -> str:
    return "zh-Hans" if any(CJK_RE.search(t or "") for t in texts) else "en"


@dataclass
class TocEntry:
    level: int
    id: str
    text: str


def with_heading_ids(html: str) -> tuple[str, list[TocEntry]]:
    """Give the body's headings ids, and list h1/h2 for the contents.

    The body comes from ``render_markdown``, whose sanitiser leaves headings
    without attributes, so a plain pattern finds them all."""
    toc: list[TocEntry] = []
    counter = 0

    def number(match):
        nonlocal counter
        counter += 1
        level, inner = match.group(1), match.group(2)
        anchor = f"sec-{counter}"
        if level in TOC_LEVELS:
            toc.append(
                TocEntry(
                    level=TOC_LEVELS[level],
                    id=anchor,
                    text=mark_safe(strip_tags(inner)),  # noqa: S308 — sanitised
                )
            )
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return HEADING_RE.sub(number, html), toc


def _base_context(*texts: str) -> dict:
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_name_css": mark_safe(css_string(settings.PORTAL_NAME)[1:-1]),  # noqa: S308
        "page_x_of_y_css": mark_safe(page_x_of_y_css()),  # noqa: S308 — escaped
        "lang": language_of(*texts),
    }


def edition_html(edition: Edition) -> str:
    standard = edition.standard
    body, toc = with_heading_ids(str(render_markdown(edition.version.body)))
    history = list(
        HistoryEntry.objects.filter(standard=standard)
        .filter(created__lte=_publication_time(edition))
        .select_related("actor")
        .order_by("created", "pk")
    )
    labels = _action_labels()
    for entry in history:
        entry.label = labels.get(entry.action, entry.action.replace("_", " "))
    context = _base_context(edition.title, edition.version.body, standard.scope)
    context.update(
        edition=edition,
        standard=standard,
        body=mark_safe(body),  # noqa: S308 — sanitised by render_markdown
        toc=toc,
        history=history,
    )
    return render_to_string("standards/pdf/edition.html", context)


def _publication_time(edition: Edition):
    """The end of the edition's history: its own publication entry (later
    renewals belong to the next edition)."""
    entries = HistoryEntry.objects.filter(
        standard_id=edition.standard_id, action="publish"
    ).order_by("created", "pk")
    published = list(entries.values_list("created", flat=True))
    index = edition.edition - 1
    if 0 <= index < len(published):
        return published[index]
    return published[-1] if published else edition.standard.updated


def _action_labels() -> dict[str, str]:
    from .services import TRANSITIONS

    labels = {name: str(label) for name, label in TRANSITIONS.items()}
    labels.update(
        created=_("Draft created"),
        edited=_("Draft edited"),
        version_uploaded=_("Version uploaded"),
        experts_assigned=_("Experts assigned"),
        comment_added=_("Expert comment"),
        comment_answered=_("Comment answered"),
        comment_resolved=_("Comment resolved"),
        recommendation_given=_("Recommendation"),
    )
    return labels


def certificate_html(audit: Audit) -> str:
    standard = audit.standard
    context = _base_context(standard.title, audit.findings)
    context.update(audit=audit, standard=standard)
    return render_to_string("standards/pdf/certificate.html", context)


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    seconds: float

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def render_pdf(html: str) -> RenderedPdf:
    """HTML to PDF through our fetcher, within the page and size limits."""
    from weasyprint import HTML

    started = time.monotonic()
    document = HTML(string=html, url_fetcher=portal_url_fetcher()).render(
        presentational_hints=True
    )
    pages = len(document.pages)
    if pages > settings.PDF_MAX_PAGES:
        raise PdfRenderError(
            _("The PDF would have %(pages)d pages; at most %(limit)d are allowed.")
            % {"pages": pages, "limit": settings.PDF_MAX_PAGES}
        )
    data = document.write_pdf()
    if len(data) > settings.PDF_MAX_BYTES:
        raise PdfRenderError(
            _("The PDF would be %(size)d bytes; at most %(limit)d are allowed.")
            % {"size": len(data), "limit": settings.PDF_MAX_BYTES}
        )
    return RenderedPdf(data=data, pages=pages, seconds=time.monotonic() - started)


def _store(fieldfile, name: str, data: bytes) -> str:
    """Store ``data`` under ``name``, replacing an earlier file of this
    document, so that one PDF exists however often it is rendered."""
    storage = fieldfile.storage
    if fieldfile.name and fieldfile.name != name and storage.exists(fieldfile.name):
        storage.delete(fieldfile.name)
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(data))


def _failure(exc: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return _("Rendering took longer than %(seconds)d seconds and was stopped.") % {
            "seconds": settings.PDF_SOFT_TIME_LIMIT
        }
    if isinstance(exc, PdfRenderError):
        return str(exc)
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def _test_delay() -> None:
    if settings.PDF_TEST_DELAY:
        time.sleep(settings.PDF_TEST_DELAY)


def edition_name(edition: Edition) -> str:
    return (
        f"editions/{edition.standard_id}/"
        f"{slugify(edition.number) or 'edition'}-{edition.edition}.pdf"
    )


def edition_render_pdf(*, edition_id: int) -> Edition | None:
    """Render a pending edition's PDF once; ready or failed editions and
    editions being rendered elsewhere are left alone."""
    with transaction.atomic():
        # Locked for the whole render: a second worker skips the row, and a
        # killed worker's lock goes with its connection.
        edition = (
            Edition.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("standard__field__parent", "standard__work_item")
            .select_related("standard__organisation", "version")
            .filter(pk=edition_id)
            .first()
        )
        if edition is None or edition.pdf_state != Edition.PdfState.PENDING:
            return edition
        try:
            _test_delay()
            rendered = render_pdf(edition_html(edition))
            edition.pdf.name = _store(edition.pdf, edition_name(edition), rendered.data)
        except Exception as exc:  # noqa: BLE001 — every failure is recorded
            logger.warning("edition %s: PDF failed: %s", edition_id, exc)
            edition.pdf_state = Edition.PdfState.FAILED
            edition.pdf_error = _failure(exc)
            edition.save(update_fields=["pdf_state", "pdf_error"])
            return edition
        edition.pdf_state = Edition.PdfState.READY
        edition.pdf_sha256 = rendered.sha256
        edition.pdf_size = len(rendered.data)
        edition.pdf_pages = rendered.pages
        edition.pdf_error = ""
        edition.save(
            update_fields=[
                "pdf",
                "pdf_state",
                "pdf_sha256",
                "pdf_size",
                "pdf_pages",
                "pdf_error",
            ]
        )
        logger.info(
            "edition %s: %d pages, %d bytes in %.2f s",
            edition_id,
            rendered.pages,
            len(rendered.data),
            rendered.seconds,
        )
        return edition


CERTIFICATE_TODO = ("", "pending")


def certificate_name(audit: Audit) -> str:
    return (
        f"certificates/{audit.standard_id}/"
        f"{slugify(audit.certificate_number) or 'certificate'}-{audit.pk}.pdf"
    )


def audit_render_certificate(*, audit_id: int) -> Audit | None:
    """Render a certified audit's certificate once (as for editions)."""
    with transaction.atomic():
        audit = (
            Audit.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("standard__field__parent", "standard__organisation")
            .select_related("version", "auditor")
            .filter(pk=audit_id, outcome=Audit.Outcome.CERTIFIED)
            .first()
        )
        if audit is None or audit.certificate_state not in CERTIFICATE_TODO:
            return audit
        try:
            _test_delay()
            rendered = render_pdf(certificate_html(audit))
            audit.certificate_pdf.name = _store(
                audit.certificate_pdf, certificate_name(audit), rendered.data
            )
        except Exception as exc:  # noqa: BLE001
            logger.warning("audit %s: certificate failed: %s", audit_id, exc)
            audit.certificate_state = "failed"
            audit.certificate_error = _failure(exc)
            audit.save(update_fields=["certificate_state", "certificate_error"])
            return audit
        audit.certificate_state = "ready"
        audit.certificate_sha256 = rendered.sha256
        audit.certificate_size = len(rendered.data)
        audit.certificate_pages = rendered.pages
        audit.certificate_error = ""
        audit.save(
            update_fields=[
                "certificate_pdf",
                "certificate_state",
                "certificate_sha256",
                "certificate_size",
                "certificate_pages",
                "certificate_error",
            ]
        )
        return audit


def edition_rerender(*, edition_id, actor) -> Edition:
    """The leader asks for an edition's PDF again (after a failure, or to
    refresh it); the same single file is replaced."""
    with transaction.atomic():
        try:
            edition = Edition.objects.select_for_update().get(pk=edition_id)
        except (Edition.DoesNotExist, ValueError, TypeError):
            raise ApplicationError(_("No such edition."), code="not_found") from None
        if not permissions.is_leader(edition.standard, actor):
            raise Forbidden(_("Only the leader renders a PDF again."))
        if edition.pdf_state == Edition.PdfState.PENDING:
            raise Conflict(_("This PDF is being prepared already."))
        edition.pdf_state = Edition.PdfState.PENDING
        edition.pdf_error = ""
        edition.save(update_fields=["pdf_state", "pdf_error"])
        transaction.on_commit(lambda: edition_render_enqueue(edition.pk))
    return edition


def edition_render_enqueue(edition_id: int) -> None:
    from .tasks import edition_render_task

    enqueue(edition_render_task, edition_id)


def certificate_render_enqueue(audit_id: int) -> None:
    from .tasks import certificate_render_task

    enqueue(certificate_render_task, audit_id)


def pdf_sweep() -> int:
    """Queue every render still to do (its task never reached the broker, or
    its worker died); a render already running elsewhere skips itself."""
    editions = list(
        Edition.objects.filter(pdf_state=Edition.PdfState.PENDING).values_list(
            "pk", flat=True
        )[:200]
    )
    audits = list(
        Audit.objects.filter(
            outcome=Audit.Outcome.CERTIFIED, certificate_state__in=CERTIFICATE_TODO
        ).values_list("pk", flat=True)[:200]
    )
    for pk in editions:
        edition_render_enqueue(pk)
    for pk in audits:
        certificate_render_enqueue(pk)
    return len(editions) + len(audits)
