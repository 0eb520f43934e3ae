"""Celery tasks of standards: thin, by id, idempotent (STYLE.md §6).

Renders run under their own time limits (``CELERY_TASK_ANNOTATIONS``): the
soft limit stops a runaway render and the service marks it failed.
``acks_late`` with ``reject_on_worker_lost`` puts a render back on the
queue if its worker dies mid-way, and the periodic sweep queues any still
pending.
"""

from celery import shared_task

from . import pdf


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def edition_render_task(edition_id: int) -> None:
    pdf.edition_render_pdf(edition_id=edition_id)


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def certificate_render_task(audit_id: int) -> None:
    pdf.audit_render_certificate(audit_id=audit_id)


@shared_task(ignore_result=True, acks_late=True)
def pdf_sweep_task() -> int:
    return pdf.pdf_sweep()
