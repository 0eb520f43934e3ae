"""PDFs of published editions and audit certificates, rendered with WeasyPrint.

Rendering runs in the Celery worker (``standards.tasks``), under the task's
soft time limit; a render that runs too long, or yields too many pages or
bytes, ends as ``failed`` with the reason, and the leader can render again.

Nothing outside the portal is ever fetched: the body is sanitised Markdown
(no images, no styles), and WeasyPrint is given a URL fetcher that refuses
every URL but a small ``data:`` image, so ``file:``, ``http:`` and the like
cannot read local files or reach internal services (SSRF).

Rendering is idempotent. A worker claims a render by a state change
(``pending`` → ``rendering`` with a lease that outlasts the task's hard time
limit), not by a row lock held across the render: a connection idle in a
transaction for seconds would hold a pooled connection and hold back vacuum.
A second worker leaves a claimed render alone until its lease has passed
(then its worker has certainly stopped); a result is stored only while its
claim holds, so a late worker never overwrites a newer one. The file is
stored under one name per edition (replacing any earlier file), and a ready
edition is not rendered again unless the leader asks.
"""

import base64
import contextlib
import functools
import gc
import hashlib
import logging
import re
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.errors import ApplicationError, Conflict, Forbidden
from portal.markdown import html_with_toc
from portal.metrics import pdf_render_timer
from portal.naming import portal_name
from portal.public_cache import bump_public_version
from portal.queue import enqueue

from . import permissions
from .actions import public_action_label
from .models import Audit, Edition, HistoryEntry

logger = logging.getLogger(__name__)

CJK_FONT = "Noto Sans CJK SC"
CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


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


TABLE_RE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
ROW_RE = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
CELL_RE = re.compile(r"<t([hd])(?: align=\"[a-z]+\")?>(.*?)</t\1>", re.DOTALL)
BR_RE = re.compile(r"<br\s*/?>")
BLOCK_IN_CELL_RE = re.compile(r"<(?:p|pre|ul|ol|dl|li|blockquote|table|h[1-6]|hr)\b")
WIDE_RE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    r"\uff00-\uff60\uffe0-\uffe6]"
)
# Widths in em of the body font (10.5 pt), on the generous side: a Chinese
# character is one em, Latin letters and digits at most about 0.6 em.
CELL_SUGAR_EM = 1.0  # 5 pt padding either side and the border
TABLE_FIT_EM = 40.0  # of the 47 em of an A4 body, less a list's indent


def _line_em(text: str, *, bold: bool) -> float:
    wide = len(WIDE_RE.findall(text))
    spaces = text.count(" ")
    upper = sum(1 for ch in text if ch.isupper() or ch.isdigit())
    rest = len(text) - wide - spaces - upper
    em = wide + 0.25 * spaces + 0.62 * upper + 0.55 * rest
    return em * (1.06 if bold else 1.0)


def _column_widths(table: str) -> list[float] | None:
    """Percent widths of the table's columns, in proportion to their widest
    cell on one line, as CSS's automatic table layout gives a table whose
    cells all fit on one line; ``None`` for any other table."""
    widths: list[float] = []
    for row in ROW_RE.findall(table):
        cells = CELL_RE.findall(row)
        if len(cells) != row.count("<t"):
            return None  # not the shape render_markdown gives
        for column, (kind, cell) in enumerate(cells):
            if BLOCK_IN_CELL_RE.search(cell):
                return None
            em = CELL_SUGAR_EM + max(
                _line_em(unescape(strip_tags(line)).strip(), bold=kind == "h")
                for line in BR_RE.split(cell)
            )
            if column == len(widths):
                widths.append(em)
            else:
                widths[column] = max(widths[column], em)
    total = sum(widths)
    if not widths or total > TABLE_FIT_EM:
        return None
    return [100 * em / total for em in widths]


def with_table_columns(html: str) -> str:
    """Give the body's tables their column widths, so that WeasyPrint lays
    them out with ``table-layout: fixed``.

    The automatic layout measures every cell's narrowest and widest line
    first, with Pango, at every break opportunity (each Chinese character is
    one): about a tenth of a 50-page standard's render. Tables that would
    need wrapping keep the automatic layout. The body comes from
    ``render_markdown``, whose sanitiser leaves tables without attributes."""

    def sized(match):
        widths = _column_widths(match.group(1))
        if widths is None:
            return match.group(0)
        cols = "".join(f'<col style="width: {width:.2f}%">' for width in widths)
        return (
            f'<table class="sized"><colgroup>{cols}</colgroup>{match.group(1)}</table>'
        )

    return TABLE_RE.sub(sized, html)


MARGIN_BOXES_EM = 61.0  # the 174 mm between A4's side margins, in 8 pt ems


def margin_box_widths(left: str, right: str) -> tuple[str, str] | None:
    """Percent widths of a left and a right margin box holding ``left`` and
    ``right``, each wider than its text on one line; ``None`` (automatic
    sizing) when the two might not fit side by side.

    Either way the texts stand where automatic sizing puts them (the left one
    at the left margin, the right one right-aligned at the right margin), but
    automatic sizing measures each box's narrowest and widest content on
    every page, with Pango at every break opportunity of the title (each
    Chinese character is one)."""
    left_em, right_em = _line_em(left, bold=False), _line_em(right, bold=False)
    if not left_em or not right_em or left_em + right_em > 0.85 * MARGIN_BOXES_EM:
        return None
    total = left_em + right_em
    return f"{100 * left_em / total:.2f}%", f"{100 * right_em / total:.2f}%"


def _base_context(*texts: str, number: str, title: str) -> dict:
    widest_page = _("page {page} of {pages}").format(page=999, pages=999)
    name = portal_name()
    return {
        "portal_name": name,
        "portal_name_css": mark_safe(css_string(name)[1:-1]),  # noqa: S308
        "page_x_of_y_css": mark_safe(page_x_of_y_css()),  # noqa: S308 — escaped
        "lang": language_of(*texts),
        "header_widths": margin_box_widths(number, title),
        "footer_widths": margin_box_widths(name, widest_page),
    }


def in_language_of(standard):
    """The standard's language (``Standard.language``) active while its PDFs
    are written: their fixed labels, names of fields and organisations and
    dates are in the language of the text, whoever asked for the render."""
    return translation.override(standard.language or settings.LANGUAGE_CODE)


def edition_html(edition: Edition) -> str:
    with in_language_of(edition.standard):
        return _edition_html(edition)


def _edition_html(edition: Edition) -> str:
    standard = edition.standard
    # The same heading ids as the standard's page (``#sec-scope``), so that
    # a link to a section works in both; the contents list the text's top
    # two levels, as the page's do.
    body, toc = html_with_toc(edition.version.rendered_body(), shift_headings=0)
    body = with_table_columns(body)
    # The PDF is the public record: its history holds the public actions
    # only, never the working material of the reviews.
    history = list(
        permissions.visible_history(standard, AnonymousUser())
        .filter(created__lte=_publication_time(edition))
        .select_related("actor__person")
        .order_by("created", "pk")
    )
    for entry in history:
        entry.label = public_action_label(entry.action)
    context = _base_context(
        edition.title,
        edition.version.body,
        edition.scope,
        number=edition.number,
        title=edition.title,
    )
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


def certificate_html(audit: Audit) -> str:
    with in_language_of(audit.standard):
        return _certificate_html(audit)


def _certificate_html(audit: Audit) -> str:
    standard = audit.standard
    context = _base_context(
        standard.title,
        audit.findings,
        number=audit.certificate_number,
        title=standard.title,
    )
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


# WeasyPrint allocates millions of short-lived objects per render (boxes,
# styles, text layouts). With the default thresholds (700, 10, 10) the cyclic
# collector ran about 420 times during a 50-page render, three of them full
# collections over the whole worker's heap: 0.4 s, or 6 % of the render. With
# (20_000, 20, 20) it still ran 14 times (0.25-0.5 s), one of them over every
# box of the render, and the render's cyclic garbage then waited for the next
# full collection (the worker grew by 50 MB a render). A 50-page render adds
# fewer than a million tracked objects: the collector now runs right after it,
# over the render's own garbage (the document is dropped first), 0.15-0.3 s,
# and the worker stays at its size; a longer render is still collected every
# million objects.
RENDER_GC_THRESHOLD = (1_000_000, 20, 20)


@contextlib.contextmanager
def _fewer_collections():
    """Let the cyclic collector run rarely while WeasyPrint renders; the
    process's own thresholds are back as soon as the render ends."""
    saved = gc.get_threshold()
    gc.set_threshold(*map(max, saved, RENDER_GC_THRESHOLD))
    try:
        yield
    finally:
        gc.set_threshold(*saved)


class _OutOfTime(Exception):
    pass


@contextlib.contextmanager
def _time_budget(seconds: int):
    """Stop the render after ``seconds`` where a Celery soft time limit does
    not: a task run eagerly (the embedded mode, ``make run``) renders in the
    web process. A real-time timer (``SIGALRM``) raises in the render; it is
    set only where that is safe: on the main thread, with no other timer
    pending (gunicorn's sync workers, a Celery worker, a command). Elsewhere
    (threads of ``runserver``) the render runs unbounded but its input is
    (``PORTAL_MAX_BODY_CHARS``, ``PDF_MAX_PAGES``)."""
    usable = (
        seconds > 0
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return

    def out_of_time(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise PdfRenderError(
            _("Rendering took longer than %(seconds)d seconds and was stopped.")
            % {"seconds": seconds}
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


OL_START_RE = re.compile(r'<ol start="(-?[0-9]{1,9})">')


def with_list_starts(html: str) -> str:
    """Carry a numbered list's first number (``<ol start="3">``, from the
    Markdown) in a style attribute, as WeasyPrint's presentational hints would.

    The PDFs are rendered without those hints: their selectors
    (``:is(td, th)[align]`` and the like) are tried on every element, a third
    of the style computation of a 50-page standard (0.12 of 0.35 s), and the
    start of a list is the only hint the portal's HTML needs (a cell's
    ``align`` loses to the style sheet's ``text-align: left`` either way)."""
    return OL_START_RE.sub(
        lambda match: (
            f'<ol start="{match.group(1)}" style="counter-reset: list-item '
            f'{match.group(1)}; counter-increment: list-item -1">'
        ),
        html,
    )


def render_pdf(html: str) -> RenderedPdf:
    """HTML to PDF through our fetcher, within the page, size and time
    limits."""
    from weasyprint import HTML

    started = time.monotonic()
    with _time_budget(settings.PDF_SOFT_TIME_LIMIT), _fewer_collections():
        document = HTML(
            string=with_list_starts(html), url_fetcher=portal_url_fetcher()
        ).render(presentational_hints=False)
        pages = len(document.pages)
        if pages > settings.PDF_MAX_PAGES:
            raise PdfRenderError(
                _("The PDF would have %(pages)d pages; at most %(limit)d are allowed.")
                % {"pages": pages, "limit": settings.PDF_MAX_PAGES}
            )
        data = document.write_pdf()
        # Unreferenced before the collector's thresholds come back, so that
        # its one collection sees the render's garbage only.
        del document
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


RENDERING = Edition.PdfState.RENDERING  # of editions and certificates alike
EDITION_TODO = (Edition.PdfState.PENDING,)
CERTIFICATE_TODO = ("", "pending")


def _to_render(state: str, claimed_until: str, todo, now) -> Q:
    """Renders a worker may claim: those waiting (``todo``), and those whose
    claim's lease has passed (its worker was killed, or the render hung past
    the hard time limit)."""
    return Q(**{f"{state}__in": todo}) | Q(
        **{state: RENDERING, f"{claimed_until}__lt": now}
    )


def _claim(rows, *, state: str, claimed_until: str, todo) -> datetime | None:
    """Claim the render of ``rows`` (one row) for this worker with one
    conditional UPDATE, committed at once: the row goes to ``rendering``
    until the lease's end, which is the claim's token. ``None`` when another
    worker holds it, or it is done already."""
    now = timezone.now()
    token = now + timedelta(seconds=settings.PDF_CLAIM_LEASE)
    claimed = rows.filter(_to_render(state, claimed_until, todo, now)).update(
        **{state: RENDERING, claimed_until: token}
    )
    return token if claimed else None


def _store_claimed(claim, fieldfile, name: str, data: bytes, **fields) -> bool:
    """Store a render's file and its row's ``fields`` if the claim still holds
    (``claim`` matches the row in ``rendering`` with this claim's token).

    The conditional UPDATE keeps the row locked until the file is written, so
    a late worker whose claim was taken over waits for it, then matches no
    row and writes no file over the newer one. The transaction lasts as long
    as writing the file, never the render."""
    field = fieldfile.field.name
    with transaction.atomic():
        if not claim.update(**{field: name}, **fields):
            return False
        stored = _store(fieldfile, name, data)
        if stored != name:
            type(fieldfile.instance).objects.filter(pk=fieldfile.instance.pk).update(
                **{field: stored}
            )
    return True


def lease_left(state: str, claimed_until: datetime | None) -> float | None:
    """Seconds until the claim on a render being rendered runs out (0 when it
    has); ``None`` when the render is not being rendered."""
    if state != RENDERING or claimed_until is None:
        return None
    return max(0.0, (claimed_until - timezone.now()).total_seconds())


def edition_render_pdf(*, edition_id: int) -> Edition | None:
    """Render a pending edition's PDF once, with no transaction open while
    WeasyPrint runs.

    A worker claims the render by a state change (``pending`` →
    ``rendering``, leased past the task's hard time limit) and stores the
    result only while its claim holds. Ready and failed editions, and those
    another worker holds, are left alone; one whose worker died is taken over
    once its lease has passed. Returns the edition as it is afterwards."""
    editions = Edition.objects.filter(pk=edition_id)
    token = _claim(
        editions,
        state="pdf_state",
        claimed_until="pdf_claimed_until",
        todo=EDITION_TODO,
    )
    edition = (
        editions.select_related("standard__field__parent", "standard__work_item")
        .select_related("standard__organisation", "version")
        .first()
    )
    if token is None or edition is None:
        return edition
    claim = editions.filter(pdf_state=RENDERING, pdf_claimed_until=token)
    try:
        _test_delay()
        with pdf_render_timer("edition"):  # portal_pdf_render_seconds
            rendered = render_pdf(edition_html(edition))
        stored = _store_claimed(
            claim,
            edition.pdf,
            edition_name(edition),
            rendered.data,
            pdf_state=Edition.PdfState.READY,
            pdf_claimed_until=None,
            pdf_sha256=rendered.sha256,
            pdf_size=len(rendered.data),
            pdf_pages=rendered.pages,
            pdf_error="",
        )
    except Exception as exc:  # noqa: BLE001 — every failure is recorded
        logger.warning("edition %s: PDF failed: %s", edition_id, exc)
        claim.update(
            pdf_state=Edition.PdfState.FAILED,
            pdf_claimed_until=None,
            pdf_error=_failure(exc),
        )
    else:
        if stored:
            logger.info(
                "edition %s: %d pages, %d bytes in %.2f s",
                edition_id,
                rendered.pages,
                len(rendered.data),
                rendered.seconds,
            )
        else:
            logger.warning("edition %s: claim taken over; render dropped", edition_id)
    # The public page and API show the PDF's state, and the UPDATEs above
    # send no signal: what the public cache kept of them is stale now.
    bump_public_version()
    edition.refresh_from_db()
    return edition


def certificate_name(audit: Audit) -> str:
    return (
        f"certificates/{audit.standard_id}/"
        f"{slugify(audit.certificate_number) or 'certificate'}-{audit.pk}.pdf"
    )


def audit_render_certificate(*, audit_id: int) -> Audit | None:
    """Render a certified audit's certificate once, claimed as an edition's
    PDF is (``edition_render_pdf``)."""
    audits = Audit.objects.filter(pk=audit_id, outcome=Audit.Outcome.CERTIFIED)
    token = _claim(
        audits,
        state="certificate_state",
        claimed_until="certificate_claimed_until",
        todo=CERTIFICATE_TODO,
    )
    audit = (
        audits.select_related("standard__field__parent", "standard__organisation")
        .select_related("version", "auditor__person")
        .first()
    )
    if token is None or audit is None:
        return audit
    claim = audits.filter(certificate_state=RENDERING, certificate_claimed_until=token)
    try:
        _test_delay()
        with pdf_render_timer("certificate"):
            rendered = render_pdf(certificate_html(audit))
        stored = _store_claimed(
            claim,
            audit.certificate_pdf,
            certificate_name(audit),
            rendered.data,
            certificate_state="ready",
            certificate_claimed_until=None,
            certificate_sha256=rendered.sha256,
            certificate_size=len(rendered.data),
            certificate_pages=rendered.pages,
            certificate_error="",
        )
    except Exception as exc:  # noqa: BLE001
        logger.warning("audit %s: certificate failed: %s", audit_id, exc)
        claim.update(
            certificate_state="failed",
            certificate_claimed_until=None,
            certificate_error=_failure(exc),
        )
    else:
        if not stored:
            logger.warning("audit %s: claim taken over; render dropped", audit_id)
    audit.refresh_from_db()
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
        if edition.pdf_being_prepared:
            raise Conflict(_("This PDF is being prepared already."))
        edition.pdf_state = Edition.PdfState.PENDING
        edition.pdf_claimed_until = None
        edition.pdf_error = ""
        edition.save(update_fields=["pdf_state", "pdf_claimed_until", "pdf_error"])
        transaction.on_commit(lambda: edition_render_enqueue(edition.pk))
    return edition


def edition_render_enqueue(edition_id: int) -> None:
    from .tasks import edition_render_task

    enqueue(edition_render_task, edition_id)


def certificate_render_enqueue(audit_id: int) -> None:
    from .tasks import certificate_render_task

    enqueue(certificate_render_task, audit_id)


def pdf_sweep() -> int:
    """Queue every render still to do: its task never reached the broker, or
    its worker died and the claim's lease has passed. Renders a live worker
    holds are left to it."""
    now = timezone.now()
    editions = list(
        Edition.objects.filter(
            _to_render("pdf_state", "pdf_claimed_until", EDITION_TODO, now)
        ).values_list("pk", flat=True)[:200]
    )
    audits = list(
        Audit.objects.filter(outcome=Audit.Outcome.CERTIFIED)
        .filter(
            _to_render(
                "certificate_state", "certificate_claimed_until", CERTIFICATE_TODO, now
            )
        )
        .values_list("pk", flat=True)[:200]
    )
    for pk in editions:
        edition_render_enqueue(pk)
    for pk in audits:
        certificate_render_enqueue(pk)
    return len(editions) + len(audits)


def file_sha256(fieldfile) -> str:
    """The SHA-256 of a stored file, read in chunks."""
    digest = hashlib.sha256()
    with fieldfile.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def recorded_sha256(instance, *, file_field: str, sha_field: str) -> str:
    """The SHA-256 of a rendered PDF (an edition's or a certificate): the
    one recorded at rendering, else computed from the file once and recorded
    (rows written by hand or before the digest was kept)."""
    sha256 = getattr(instance, sha_field)
    if sha256:
        return sha256
    sha256 = file_sha256(getattr(instance, file_field))
    type(instance).objects.filter(pk=instance.pk).update(**{sha_field: sha256})
    setattr(instance, sha_field, sha256)
    return sha256
