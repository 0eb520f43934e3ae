"""The portal's own periodic task: worker heartbeats (portal.health)."""

from celery import shared_task

from portal.health import record_heartbeat


@shared_task(ignore_result=True)
def worker_heartbeat_task(queue: str) -> None:
    """Beat sends one to each queue; the worker that takes it records that a
    worker of that queue is alive."""
    record_heartbeat(f"worker:{queue}")
