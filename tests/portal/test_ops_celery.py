"""Celery's queues and the single beat: renders go to `pdf`, notifications
and webhook deliveries to `notifications`, the rest to `default`; two beats
on one Redis (started with a password by the test) never both send."""

import importlib
import time

import pytest
from celery import Celery

from portal.beat import BeatLock, LockedScheduler
from portal.celery import app

from .ops_fixtures import redis_with_password_fixture  # noqa: F401


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("standards.tasks.edition_render_task", "pdf"),
        ("standards.tasks.certificate_render_task", "pdf"),
        ("notifications.tasks.notifications_send_task", "notifications"),
        ("notifications.tasks.digests_send_task", "notifications"),
        ("webhooks.tasks.deliveries_send_task", "notifications"),
        ("notifications.tasks.notifications_sweep_task", "default"),
        ("standards.tasks.pdf_sweep_task", "default"),
        ("portal.tasks.worker_heartbeat_task", "default"),
    ],
)
def test_each_task_goes_to_its_queue(task, queue):
    importlib.import_module(task.rsplit(".", 1)[0])  # as the worker does
    assert task in app.tasks
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == queue


def test_a_worker_without_q_consumes_every_queue():
    assert set(app.amqp.queues) == {"default", "notifications", "pdf"}


def test_beat_sends_a_heartbeat_to_each_queue(settings):
    entries = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] == "portal.tasks.worker_heartbeat_task"
    }
    assert {entry["options"]["queue"] for entry in entries.values()} == {
        "default",
        "notifications",
        "pdf",
    }
    assert all(
        entry["args"] == (entry["options"]["queue"],) for entry in entries.values()
    )


def test_two_lock_holders_never_hold_the_beat_lock_together(redis_with_password):
    first = BeatLock(redis_with_password.url, ttl=30)
    second = BeatLock(redis_with_password.url, ttl=30)

    assert first.hold() is True
    assert second.hold() is False
    assert first.hold() is True  # renewed
    assert second.hold() is False

    # A clean stop hands it over at once.
    first.release()
    assert second.hold() is True
    assert first.hold() is False


def test_a_beat_that_stops_renewing_loses_the_lock_after_its_lifetime(
    redis_with_password,
):
    first = BeatLock(redis_with_password.url, ttl=1)
    second = BeatLock(redis_with_password.url, ttl=1)
    assert first.hold() is True
    assert second.hold() is False
    time.sleep(1.3)  # the first one hung (or was killed): no renewal
    assert second.hold() is True
    # When it wakes up it finds the lock taken and does not send.
    assert first.hold() is False


def test_a_lock_without_redis_is_not_held(tmp_path):
    lock = BeatLock("redis://127.0.0.1:9/0", ttl=5)
    assert lock.hold() is False


def _beat(url: str, tmp_path, name: str) -> LockedScheduler:
    beat_app = Celery("beat-test", broker=url, set_as_current=False)
    beat_app.conf.beat_schedule = {
        "tick": {
            "task": "portal.tasks.worker_heartbeat_task",
            "schedule": 0.2,
            "args": ("default",),
            "options": {"queue": "beat-test"},
        }
    }
    return LockedScheduler(
        app=beat_app, schedule_filename=str(tmp_path / f"{name}-schedule")
    )


@pytest.mark.django_db
def test_two_beats_send_each_periodic_task_once(redis_with_password, tmp_path):
    import redis

    client = redis.Redis.from_url(redis_with_password.url)
    first = _beat(redis_with_password.url, tmp_path, "first")
    second = _beat(redis_with_password.url, tmp_path, "second")
    try:
        sends = 0
        for _ in range(6):
            time.sleep(0.25)
            before = client.llen("beat-test")
            first.tick()
            after_first = client.llen("beat-test")
            second.tick()
            # The second beat holds no lock: it never sends.
            assert client.llen("beat-test") == after_first
            sends += after_first - before
        assert sends >= 4
        assert client.llen("beat-test") == sends

        # The first one stops: the second takes over at its next tick.
        first.close()
        time.sleep(0.25)
        second.tick()
        time.sleep(0.25)
        second.tick()
        assert client.llen("beat-test") > sends
    finally:
        second.close()
        first.close()
