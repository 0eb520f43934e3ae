"""Celery tasks of meetings: thin, by id, idempotent (STYLE.md §6)."""

from celery import shared_task

from . import meeting_pdf, meeting_services


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    default_retry_delay=60,
)
def minutes_pdf_task(self, meeting_id: int) -> None:
    meeting_pdf.minutes_render_pdf(meeting_id=meeting_id)


@shared_task(ignore_result=True, acks_late=True, max_retries=3)
def meeting_invitations_task(meeting_id: int, kind: str, sequence: int) -> int:
    return meeting_services.meeting_invitations_send(
        meeting_id=meeting_id, kind=kind, sequence=sequence
    )


@shared_task(ignore_result=True, acks_late=True)
def action_reminders_task() -> int:
    return meeting_services.action_reminders_send()
