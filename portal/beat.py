"""One beat at a time: the scheduler sends periodic tasks only while it holds
a lock in Redis, renewed at every tick.

Run one beat (``celery -A portal beat``); a second one started by mistake, or
kept as a standby on another host, finds the lock held and only waits, and
takes over within ``PORTAL_BEAT_LOCK_SECONDS`` once the first one stops (a
clean stop releases the lock at once). So the sweeps and the daily reminders
and digests are never sent twice by two beats.
"""

import contextlib
import logging

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_NAME = "portal:beat-lock"


class BeatLock:
    """A lock in Redis that one holder at a time has, for ``ttl`` seconds
    after its last renewal."""

    def __init__(self, url: str, *, ttl: int, name: str = LOCK_NAME):
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5
        )
        self.lock = self.client.lock(name, timeout=ttl, thread_local=False)
        self.held = False

    def hold(self) -> bool:
        """Take the lock, or renew it when this holder has it; False when
        another holder has it (or Redis does not answer)."""
        try:
            if self.held:
                try:
                    self.lock.reacquire()
                    return True
                except redis.exceptions.LockError:
                    self.held = False
                    logger.warning("beat lost its lock: another beat holds it")
            self.held = bool(self.lock.acquire(blocking=False))
        except redis.RedisError as exc:
            logger.warning("beat lock: Redis does not answer (%s)", exc)
            self.held = False
        return self.held

    def release(self) -> None:
        if self.held:
            with contextlib.suppress(redis.RedisError):
                self.lock.release()
            self.held = False


class LockedScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, ticking only while it holds the lock."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.beat_lock = None
        url = self.app.conf.broker_url or ""
        if url.startswith(("redis://", "rediss://")):
            self.beat_lock = BeatLock(url, ttl=settings.PORTAL_BEAT_LOCK_SECONDS)
        self._standby_logged = False

    @property
    def lock_interval(self) -> float:
        # Renewed three times within its lifetime.
        return max(settings.PORTAL_BEAT_LOCK_SECONDS / 3, 0.5)

    def tick(self, *args, **kwargs):
        if self.beat_lock is not None and not self.beat_lock.hold():
            if not self._standby_logged:
                logger.info("beat waits: another beat holds %s", LOCK_NAME)
                self._standby_logged = True
            return self.lock_interval
        self._standby_logged = False
        from portal.health import record_heartbeat

        record_heartbeat("beat")
        return min(super().tick(*args, **kwargs), self.lock_interval)

    def close(self):
        try:
            super().close()
        finally:
            if self.beat_lock is not None:
                self.beat_lock.release()
