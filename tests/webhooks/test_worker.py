"""Webhooks delivered by a real Celery worker on a real Redis (the fixtures
of tests/standards/test_tasks_worker.py): after commit through the broker,
and, when the broker was down at the time, by beat's sweep once it is back —
once."""

import time

import pytest

from tests.standards.test_tasks_worker import services_up, wait_until  # noqa: F401
from webhooks import services
from webhooks.models import Delivery

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

WORKER_ENV = {"PORTAL_WEBHOOKS_ALLOW_PRIVATE": "1"}


def test_a_worker_delivers_and_the_sweep_delivers_once_after_the_broker_was_down(
    services_up,  # noqa: F811
    lifecycle,
    world,
    receiver,
):
    redis, start_worker = services_up
    worker = start_worker(beat=False, **WORKER_ENV)
    services.endpoint_create(actor=world.member, url=receiver.url)
    standard = lifecycle.draft()

    lifecycle.go(standard, "submit", world.member)
    wait_until(
        lambda: len(receiver.requests) == 1,
        timeout=30,
        what=f"the worker delivers the event\n{worker.tail()}",
    )
    assert receiver.kinds() == ["submitted"]

    # The broker is down while the next step commits: the step succeeds,
    # its delivery waits in the outbox.
    worker.stop()
    redis.stop()
    started = time.monotonic()
    lifecycle.go(standard, "request_changes", world.deputy, comment="Shorter.")
    assert time.monotonic() - started < 5
    waiting = Delivery.objects.get(event__kind="changes_requested")
    assert waiting.state == Delivery.State.PENDING and waiting.attempts == 0

    # Back up, with beat: the sweep (every 2 s) delivers it, once.
    redis.start()
    worker = start_worker(beat=True, **WORKER_ENV)
    wait_until(
        lambda: len(receiver.requests) == 2,
        timeout=40,
        what=f"the sweep delivers the waiting event\n{worker.tail()}",
    )
    time.sleep(5)  # more sweeps: nothing is sent twice
    assert receiver.kinds() == ["submitted", "changes_requested"]
    waiting.refresh_from_db()
    assert waiting.state == Delivery.State.DELIVERED and waiting.attempts == 1
