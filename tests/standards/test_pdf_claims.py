"""PDF renders claimed by a state change, not by a lock held across a render.

A worker claims a render with one conditional UPDATE (``pending`` →
``rendering``, with a lease), renders with no transaction open, and stores
its result only while its claim still holds. The claims run on PostgreSQL
with committed data (``transactional_db``): each thread has a connection of
its own and sees only what is committed. WeasyPrint renders for real; where
a test replaces ``render_pdf`` it is to watch or to delay the render, never
the claim.
"""

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction

from standards import pdf
from standards.models import Audit, Edition
from standards.tasks import certificate_render_task, edition_render_task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RENDERING = Edition.PdfState.RENDERING


@dataclass
class Job:
    """An edition's PDF or an audit's certificate, seen the same way: the
    fields are ``<prefix>_state``, ``<prefix>_claimed_until`` and so on."""

    render: Callable[[], object]
    row: Callable[[], object]
    model: type
    pk: int
    prefix: str
    folder: str
    task: object

    def field(self, row, name):
        return getattr(row, f"{self.prefix}_{name}")

    def files(self) -> list[Path]:
        root = Path(settings.MEDIA_ROOT) / self.folder
        return sorted(root.rglob("*.pdf")) if root.exists() else []


@pytest.fixture(params=["edition", "certificate"])
def job(request, lifecycle):
    """A published standard whose edition's PDF, or whose certificate, waits
    for a worker (the broker was down when it was published)."""
    with mock.patch("standards.pdf.enqueue"):
        standard = lifecycle.published()
    if request.param == "edition":
        pk = Edition.objects.get(standard=standard).pk
        return Job(
            render=lambda: pdf.edition_render_pdf(edition_id=pk),
            row=lambda: Edition.objects.get(pk=pk),
            model=Edition,
            pk=pk,
            prefix="pdf",
            folder="editions",
            task=edition_render_task,
        )
    pk = Audit.objects.get(standard=standard).pk
    return Job(
        render=lambda: pdf.audit_render_certificate(audit_id=pk),
        row=lambda: Audit.objects.get(pk=pk),
        model=Audit,
        pk=pk,
        prefix="certificate",
        folder="certificates",
        task=certificate_render_task,
    )


@pytest.fixture(autouse=True)
def _needs_postgres(transactional_db):
    # Threads and row locks on SQLite would prove nothing.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def in_threads(calls):
    """Run each call in its own thread (and database connection), released
    together; what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 — reported to the test
            results[index] = exc
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return results


def watch_renders(monkeypatch, before=None) -> list:
    """Count the renders (WeasyPrint's, for real); ``before`` runs first."""
    renders = []
    real = pdf.render_pdf

    def render(html):
        renders.append(threading.get_ident())
        if before is not None:
            before()
        return real(html)

    monkeypatch.setattr(pdf, "render_pdf", render)
    return renders


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs."""


def claim_and_die(job, monkeypatch):
    """A worker claims the render and is killed before it renders."""

    def killed():
        raise WorkerKilled

    monkeypatch.setattr(pdf, "_test_delay", killed)
    with pytest.raises(WorkerKilled):
        job.render()
    monkeypatch.setattr(pdf, "_test_delay", lambda: None)


def queued_by_the_sweep(job) -> bool:
    with mock.patch("standards.pdf.enqueue") as enqueue:
        pdf.pdf_sweep()
    return mock.call(job.task, job.pk) in enqueue.call_args_list


def test_two_workers_claiming_at_once_render_once(job, monkeypatch):
    # The first render waits a moment, so that the second worker's claim
    # certainly comes while it renders.
    renders = watch_renders(monkeypatch, before=lambda: time.sleep(0.5))

    results = in_threads([job.render, job.render])

    assert len(renders) == 1
    assert not [r for r in results if isinstance(r, BaseException)], results
    # One worker rendered; the other found it claimed, with the lease left.
    states = sorted(job.field(r, "state") for r in results)
    assert states == ["ready", "rendering"]
    (waiting,) = [r for r in results if job.field(r, "state") == RENDERING]
    left = pdf.lease_left(RENDERING, job.field(waiting, "claimed_until"))
    assert 0 < left <= settings.PDF_CLAIM_LEASE
    row = job.row()
    assert job.field(row, "state") == "ready"
    assert job.field(row, "claimed_until") is None
    (path,) = job.files()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == job.field(row, "sha256")


def test_a_claim_whose_worker_died_is_taken_over_once_its_lease_has_passed(
    job, monkeypatch, settings
):
    settings.PDF_CLAIM_LEASE = 2
    claim_and_die(job, monkeypatch)
    row = job.row()
    assert job.field(row, "state") == RENDERING
    claimed_until = job.field(row, "claimed_until")
    assert claimed_until is not None
    assert job.files() == []
    renders = watch_renders(monkeypatch)

    # While the lease holds, the render is left to the claiming worker.
    job.render()
    assert renders == []
    assert job.field(job.row(), "claimed_until") == claimed_until
    assert not queued_by_the_sweep(job)

    time.sleep(pdf.lease_left(RENDERING, claimed_until) + 0.1)
    assert queued_by_the_sweep(job)
    job.render()
    assert len(renders) == 1
    row = job.row()
    assert job.field(row, "state") == "ready"
    assert len(job.files()) == 1


@pytest.mark.parametrize("late_outcome", ["a result", "a failure"])
def test_a_late_worker_never_overwrites_the_newer_result(
    job, monkeypatch, settings, late_outcome
):
    settings.PDF_CLAIM_LEASE = 0.2
    real = pdf.render_pdf
    late_pdf = b"%PDF-1.7 the late worker's PDF"

    def outlasting_its_lease(html):
        # This worker's render takes longer than its lease: meanwhile
        # another worker takes the render over and finishes it.
        monkeypatch.setattr(pdf, "render_pdf", real)
        time.sleep(0.3)
        newer = job.render()
        assert job.field(newer, "state") == "ready"
        if late_outcome == "a failure":
            raise pdf.PdfRenderError("too late and wrong")
        return pdf.RenderedPdf(data=late_pdf, pages=1, seconds=9.9)

    monkeypatch.setattr(pdf, "render_pdf", outlasting_its_lease)
    late = job.render()

    row = job.row()
    assert job.field(late, "state") == job.field(row, "state") == "ready"
    assert job.field(row, "error") == ""
    (path,) = job.files()
    stored = path.read_bytes()
    assert stored != late_pdf
    assert hashlib.sha256(stored).hexdigest() == job.field(row, "sha256")
    assert job.field(row, "size") == len(stored)


def test_no_transaction_is_open_while_the_pdf_renders(job, monkeypatch):
    seen = {}

    def seen_from_another_connection(pid):
        from django.db import connection as other

        with other.cursor() as cursor:
            cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [pid])
            (state,) = cursor.fetchone()
        # Locking the row at once (NOWAIT) fails if the render holds it.
        with transaction.atomic():
            row = job.model.objects.select_for_update(nowait=True).get(pk=job.pk)
        return state, job.field(row, "state")

    def while_rendering():
        seen["in atomic block"] = connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        (seen["the renderer's connection", "the row"],) = in_threads(
            [lambda: seen_from_another_connection(pid)]
        )

    watch_renders(monkeypatch, before=while_rendering)
    job.render()

    # Not "idle in transaction", and the row is not locked.
    assert seen == {
        "in atomic block": False,
        ("the renderer's connection", "the row"): ("idle", RENDERING),
    }
    assert job.field(job.row(), "state") == "ready"
