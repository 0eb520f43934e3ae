"""Putting a Celery task on the broker without making anyone wait.

A request must never fail or hang because the broker is down or slow: the
database row (a notification, an edition's pending PDF) is the source of
truth, and the periodic sweep re-enqueues whatever did not get through. So
publishing is tried once, without Celery's publish retries, with the short
connection and socket timeouts of ``CELERY_BROKER_*`` settings.
"""

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Send ``task`` once; False (and a log line) if the broker refused.

    A connection of its own, with no connection retries: kombu would
    otherwise retry for ``broker_connection_timeout`` seconds before giving
    up, on every call."""
    app = task.app
    try:
        with app.connection_for_write(transport_options={"max_retries": 0}) as conn:
            task.apply_async(args=args, kwargs=kwargs, retry=False, connection=conn)
    except Exception as exc:  # noqa: BLE001 — any failure is left to the sweep
        logger.warning(
            "could not enqueue %s%r (%s); the periodic sweep will pick it up",
            task.name,
            args,
            exc,
        )
        return False
    return True
