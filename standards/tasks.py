"""Celery tasks of standards: thin, by id, idempotent (STYLE.md §6).

Renders run under their own time limits (``CELERY_TASK_ANNOTATIONS``): the
soft limit stops a runaway render and the service marks it failed.
``acks_late`` with ``reject_on_worker_lost`` puts a render back on the
queue if its worker dies mid-way. A render that another worker has claimed
(``standards.pdf``) is looked at again once that claim's lease has passed,
so one whose worker was killed is redone without waiting for the periodic
sweep, which also queues it.
"""

from celery import shared_task

from . import pdf


def _retry_when_the_lease_passes(task, seconds: float | None) -> None:
    """Another worker holds the render (``seconds`` left on its lease): look
    again after it, a bounded number of times (then the sweep does). Run
    eagerly (no broker), a retry would run at once, before the lease passes."""
    if seconds is None or task.request.is_eager:
        return
    if task.request.retries >= task.max_retries:
        return
    raise task.retry(countdown=seconds + 1)


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
)
def edition_render_task(self, edition_id: int) -> None:
    edition = pdf.edition_render_pdf(edition_id=edition_id)
    if edition is not None:
        _retry_when_the_lease_passes(
            self, pdf.lease_left(edition.pdf_state, edition.pdf_claimed_until)
        )


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
)
def certificate_render_task(self, audit_id: int) -> None:
    audit = pdf.audit_render_certificate(audit_id=audit_id)
    if audit is not None:
        _retry_when_the_lease_passes(
            self,
            pdf.lease_left(audit.certificate_state, audit.certificate_claimed_until),
        )


@shared_task(ignore_result=True, acks_late=True)
def pdf_sweep_task() -> int:
    return pdf.pdf_sweep()
