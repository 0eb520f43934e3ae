"""/readyz against a real redis-server with a password (started by the test):
the broker is asked with redis-py, which authenticates; worker and beat
heartbeats are reported with their ages."""

import time

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from portal import health
from portal.tasks import worker_heartbeat_task

from .ops_fixtures import redis_with_password_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

HEARTBEATS = {"beat", "worker:default", "worker:notifications", "worker:pdf"}


@pytest.fixture
def clean_heartbeats():
    for name in HEARTBEATS:
        cache.delete(f"heartbeat:{name}")
    yield
    for name in HEARTBEATS:
        cache.delete(f"heartbeat:{name}")


@pytest.fixture
def broker(redis_with_password, settings, clean_heartbeats):
    """The broker and the cache on the password-protected Redis."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_with_password.url
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": redis_with_password.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return redis_with_password


def test_readyz_authenticates_to_a_broker_with_a_password(client, broker):
    client_ = health.broker_client()
    client_.lpush("pdf", "m1", "m2")
    client_.lpush("notifications", "m3")

    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["broker"] == {
        "ok": True,
        "mode": "redis",
        "queues": {"default": 0, "notifications": 1, "pdf": 2},
    }
    assert body["cache"] == {"ok": True}
    # No worker and no beat were ever heard of: ready, but degraded.
    assert body["status"] == "degraded"
    assert body["heartbeats"]["beat"] == {"ok": False, "age": None}


def test_readyz_is_503_with_a_wrong_password(client, broker, settings):
    settings.CELERY_BROKER_URL = broker.url.replace(broker.password, "wrong")

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"] == "AuthenticationError"


def test_readyz_is_503_without_the_password(client, broker, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{broker.port}/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["broker"]["error"] == "AuthenticationError"


def test_heartbeats_from_the_workers_and_the_beat_make_it_ok(client, broker, settings):
    for queue in ("default", "notifications", "pdf"):
        worker_heartbeat_task.apply(args=(queue,))
    health.record_heartbeat("beat")

    body = client.get("/readyz").json()

    assert body["status"] == "ok"
    for name in HEARTBEATS:
        assert body["heartbeats"][name]["ok"] is True
        assert 0 <= body["heartbeats"][name]["age"] < 5

    # A heartbeat older than the limit is stale again.
    cache.set("heartbeat:worker:pdf", time.time() - 200, timeout=60)
    settings.PORTAL_HEARTBEAT_MAX_AGE = 120
    body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert body["heartbeats"]["worker:pdf"]["ok"] is False
    assert body["heartbeats"]["worker:pdf"]["age"] >= 200


def test_check_heartbeat_fails_for_a_stale_one(broker, capsys):
    with pytest.raises(CommandError, match="beat: never"):
        call_command("check_heartbeat", "beat")
    health.record_heartbeat("beat")
    call_command("check_heartbeat", "beat")
    assert "beat: 0 s ago" in capsys.readouterr().out
    cache.set("heartbeat:beat", time.time() - 60, timeout=60)
    with pytest.raises(CommandError, match="beat: 60 s"):
        call_command("check_heartbeat", "beat", "--max-age", "30")


def test_readyz_reports_heartbeats_as_eager_without_a_broker(client):
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["heartbeats"]["worker:pdf"] == {"ok": True, "mode": "eager"}
