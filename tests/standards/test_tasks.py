"""The render tasks: enqueued once after commit, never on rollback, and
never making the caller wait or fail when the broker is unreachable."""

import time
from unittest import mock

import pytest
from django.db import transaction

from portal.queue import enqueue
from standards import pdf
from standards.models import Audit, Edition
from standards.tasks import edition_render_task
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


def test_enqueue_returns_promptly_when_the_broker_is_unreachable():
    # Nothing listens on port 9 (discard) of this host.
    with celery_broker("redis://127.0.0.1:9/0"):
        started = time.monotonic()
        assert enqueue(edition_render_task, 1) is False
        elapsed = time.monotonic() - started
    assert elapsed < 3
