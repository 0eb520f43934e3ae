"""The render tasks: enqueued once after commit, never on rollback, and
never making the caller wait or fail when the broker is unreachable."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from portal.queue import enqueue
from standards import pdf
from standards.models import Audit, Edition
from standards.tasks import certificate_render_task, edition_render_task
from tests.notifications.broker import celery_broker

pytestmark = pytest.mark.django_db


def test_publishing_enqueues_the_render_once_after_commit(
    lifecycle, world, django_capture_on_commit_callbacks
):
    standard = lifecycle.certified()
    with mock.patch("standards.pdf.enqueue") as queued:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            lifecycle.go(standard, "publish", world.leader)
        queued.assert_not_called()  # not before the commit
        for callback in callbacks:
            callback()
    edition = standard.editions.get()
    renders = [c for c in queued.call_args_list if c.args[0] is edition_render_task]
    assert [c.args[1:] for c in renders] == [(edition.pk,)]


def test_nothing_is_enqueued_when_publishing_rolls_back(lifecycle, world):
    standard = lifecycle.certified()
    with (
        mock.patch("standards.pdf.enqueue") as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        lifecycle.go(standard, "publish", world.leader)
        raise RuntimeError("rolled back")
    queued.assert_not_called()
    assert not Edition.objects.exists()


def test_the_sweep_queues_pending_renders_only(lifecycle, world):
    with mock.patch("standards.pdf.enqueue"):  # the broker was down
        lifecycle.published()
    edition = Edition.objects.get()
    audit = Audit.objects.get()
    assert edition.pdf_state == Edition.PdfState.PENDING
    assert audit.certificate_state == ""

    with mock.patch("standards.pdf.enqueue") as queued:
        assert pdf.pdf_sweep() == 2
    assert sorted(c.args[1] for c in queued.call_args_list) == sorted(
        [edition.pk, audit.pk]
    )

    pdf.edition_render_pdf(edition_id=edition.pk)
    pdf.audit_render_certificate(audit_id=audit.pk)
    with mock.patch("standards.pdf.enqueue") as queued:
        assert pdf.pdf_sweep() == 0


def test_the_sweep_queues_renders_whose_claim_has_run_out_not_those_held(
    lifecycle,
):
    with mock.patch("standards.pdf.enqueue"):
        lifecycle.published()
    edition = Edition.objects.get()
    audit = Audit.objects.get()
    now = timezone.now()
    # A worker renders the edition; the certificate's worker died long ago.
    Edition.objects.update(
        pdf_state="rendering", pdf_claimed_until=now + timedelta(seconds=60)
    )
    Audit.objects.update(
        certificate_state="rendering",
        certificate_claimed_until=now - timedelta(seconds=1),
    )

    with mock.patch("standards.pdf.enqueue") as queued:
        assert pdf.pdf_sweep() == 1
    assert [c.args for c in queued.call_args_list] == [
        (certificate_render_task, audit.pk)
    ]

    Edition.objects.update(pdf_claimed_until=now - timedelta(seconds=1))
    with mock.patch("standards.pdf.enqueue") as queued:
        assert pdf.pdf_sweep() == 2
    assert (edition_render_task, edition.pk) in [c.args for c in queued.call_args_list]


class Retried(Exception):
    pass


@pytest.mark.parametrize("kind", ["edition", "certificate"])
def test_a_render_claimed_by_another_worker_is_retried_once_its_lease_has_passed(
    lifecycle, kind
):
    with mock.patch("standards.pdf.enqueue"):
        lifecycle.published()
    if kind == "edition":
        model, prefix, task = Edition, "pdf", edition_render_task
    else:
        model, prefix, task = Audit, "certificate", certificate_render_task
    pk = model.objects.get().pk
    model.objects.update(
        **{
            f"{prefix}_state": "rendering",
            f"{prefix}_claimed_until": timezone.now() + timedelta(seconds=60),
        }
    )
    task = task._get_current_object()

    # Called as a worker calls it (not eagerly): the task asks to run again
    # once the other worker's lease has passed.
    with mock.patch.object(task, "retry", return_value=Retried()) as retry:
        with pytest.raises(Retried):
            task(pk)
        assert 58 < retry.call_args.kwargs["countdown"] <= 61
        assert getattr(model.objects.get(), f"{prefix}_state") == "rendering"

        # Once the lease has passed, the retry renders it, and retries no more.
        model.objects.update(
            **{f"{prefix}_claimed_until": timezone.now() - timedelta(seconds=1)}
        )
        retry.reset_mock()
        task(pk)
        retry.assert_not_called()
    assert getattr(model.objects.get(), f"{prefix}_state") == "ready"


def test_enqueue_returns_promptly_when_the_broker_is_unreachable():
    # Nothing listens on port 9 (discard) of this host.
    with celery_broker("redis://127.0.0.1:9/0"):
        started = time.monotonic()
        assert enqueue(edition_render_task, 1) is False
        elapsed = time.monotonic() - started
    assert elapsed < 3
