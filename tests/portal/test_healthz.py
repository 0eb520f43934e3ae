import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_lives(client, settings):
    # Liveness asks nothing of the backing services: a broker that is down
    # is readiness' business (/readyz, tests/portal/test_ops_health.py).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_cache_and_broker_as_json(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["cache"] == {"ok": True}
    assert body["broker"] == {"ok": True, "mode": "eager"}


def test_readyz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Port 9 (discard) on loopback: nothing listens there, so it is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"] == "ConnectionError"
    assert body["database"]["ok"] is True


@pytest.mark.postgres
@pytest.mark.redis
def test_readyz_on_postgresql_and_redis_names_them(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["cache"] == {"ok": True}
    assert body["broker"]["ok"] is True
    assert body["broker"]["mode"] == "redis"
    assert set(body["broker"]["queues"]) == {"default", "notifications", "pdf"}
