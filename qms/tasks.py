"""Celery tasks of the QMS: thin, by id, safe to run more than once."""

from celery import shared_task

from . import pdf, services


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def certificate_render_task(certificate_id: int) -> None:
    pdf.certificate_render_pdf(certificate_id=certificate_id)


@shared_task(ignore_result=True, acks_late=True)
def qms_daily_task() -> dict:
    """Beat, daily: surveillance and expiry reminders (90 / 30 / 0 days),
    suspension of missed surveillance, expiry."""
    return services.qms_daily()
