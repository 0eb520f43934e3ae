"""The PDF of approved minutes, through the standards' WeasyPrint pipeline
(``standards.pdf``: our URL fetcher, page, size and time limits, CJK fonts)."""

import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from portal.markdown import render_markdown
from standards import pdf

from . import meeting_selectors
from .models import Meeting, MeetingStatus

logger = logging.getLogger(__name__)


def minutes_html(meeting: Meeting) -> str:
    with translation.override(pdf.language_of(meeting.title, meeting.minutes)):
        context = pdf._base_context(  # noqa: SLF001 — the shared page frame
            meeting.title,
            meeting.minutes,
            number=f"{meeting.date:%Y-%m-%d}",
            title=meeting.title,
        )
        context.update(
            meeting=meeting,
            minutes=mark_safe(render_markdown(meeting.minutes, shift_headings=1)),  # noqa: S308
            attendance=meeting_selectors.attendance_summary(meeting),
        )
        return render_to_string("committees/pdf/minutes.html", context)


def minutes_name(meeting: Meeting) -> str:
    return f"minutes/{meeting.slug}.pdf"


def minutes_render_pdf(*, meeting_id: int) -> Meeting | None:
    """Render the approved minutes' PDF once (idempotent: an existing PDF of
    approved minutes is kept)."""
    meeting = (
        meeting_selectors.meeting_with_record()
        .filter(pk=meeting_id, status=MeetingStatus.MINUTES_APPROVED)
        .first()
    )
    if meeting is None or meeting.minutes_pdf:
        return meeting
    rendered = pdf.render_pdf(minutes_html(meeting))
    name = pdf._store(meeting.minutes_pdf, minutes_name(meeting), rendered.data)  # noqa: SLF001
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(
            minutes_pdf=name, minutes_pdf_sha256=rendered.sha256
        )
    meeting.minutes_pdf.name = name
    meeting.minutes_pdf_sha256 = rendered.sha256
    return meeting
