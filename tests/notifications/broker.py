"""Point this process's Celery app at another broker (tests only)."""

import contextlib

import kombu.pools

from portal.celery import app


def _forget_connections() -> None:
    # Celery caches its connection and producer pools on first use, and kombu
    # keeps them in registries of its own, per broker address: closing one
    # without emptying those would leave a closed pool for the next test of
    # the same broker (even an eager task takes a producer from it).
    with contextlib.suppress(Exception):
        kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_broker(url: str, *, eager: bool = False):
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = url
    app.conf.task_always_eager = eager
    _forget_connections()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _forget_connections()
