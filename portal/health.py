"""Liveness and readiness.

``/healthz`` (liveness) says only that the process answers: an orchestrator
restarts a process that stops answering it. ``/readyz`` (readiness) checks
what a request needs — the database, the cache and the broker (with
redis-py, so a password and ``rediss://`` work) — and reports how long ago
each kind of worker and the beat were last heard of (their heartbeats, see
portal.tasks and portal.beat). It answers 503 when the database, the cache or
the broker fails; stale heartbeats are reported (``"status": "degraded"``)
without taking the web process out of service, since it still serves pages:
``manage.py check_heartbeat`` is the worker's and the beat's own health check.
"""

import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connections

QUEUES = ("default", "notifications", "pdf")
HEARTBEATS = ("beat", *(f"worker:{queue}" for queue in QUEUES))


def _key(name: str) -> str:
    return f"heartbeat:{name}"


def record_heartbeat(name: str) -> None:
    cache.set(_key(name), time.time(), timeout=24 * 3600)


def heartbeat_age(name: str) -> float | None:
    """Seconds since the heartbeat ``name`` was last recorded; None when it
    never was (or the cache does not answer)."""
    try:
        at = cache.get(_key(name))
    except Exception:  # noqa: BLE001 — the cache check reports the failure
        return None
    return None if at is None else max(time.time() - float(at), 0.0)


def check_database(alias: str = "default") -> dict:
    try:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — health reports any failure
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_cache() -> dict:
    try:
        cache.set("readyz", "1", 5)
        ok = cache.get("readyz") == "1"
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": ok}


def broker_client(url: str | None = None) -> redis.Redis:
    return redis.Redis.from_url(
        url or settings.CELERY_BROKER_URL,
        socket_connect_timeout=1,
        socket_timeout=1,
    )


def check_broker() -> dict:
    """PING with redis-py (AUTH first when the URL has a password; TLS for
    ``rediss://``), and the number of messages waiting in each queue."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    try:
        client = broker_client()
        try:
            ok = bool(client.ping())
            queues = {queue: client.llen(queue) for queue in QUEUES}
        finally:
            client.close()
    except (redis.RedisError, OSError) as exc:
        return {"ok": False, "mode": "redis", "error": exc.__class__.__name__}
    return {"ok": ok, "mode": "redis", "queues": queues}


def check_heartbeats() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {name: {"ok": True, "mode": "eager"} for name in HEARTBEATS}
    result = {}
    for name in HEARTBEATS:
        age = heartbeat_age(name)
        result[name] = {
            "ok": age is not None and age <= settings.PORTAL_HEARTBEAT_MAX_AGE,
            "age": None if age is None else round(age, 1),
        }
    return result


def readiness() -> tuple[int, dict]:
    checks = {"database": check_database()}
    if "replica" in settings.DATABASES and settings.PORTAL_REPLICA_READS:
        checks["replica"] = check_database("replica")
    checks["cache"] = check_cache()
    checks["broker"] = check_broker()
    heartbeats = check_heartbeats()
    ready = all(check["ok"] for check in checks.values())
    fresh = all(check["ok"] for check in heartbeats.values())
    status = "error" if not ready else ("ok" if fresh else "degraded")
    body = {"status": status, **checks, "heartbeats": heartbeats}
    return (200 if ready else 503), body
