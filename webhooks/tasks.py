"""Celery tasks of webhooks: thin, by id, safe to run more than once (a
delivery is claimed before it is sent)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True, acks_late=True)
def deliveries_send_task(delivery_ids: list[int]) -> int:
    return services.deliveries_send(delivery_ids=delivery_ids)


@shared_task(ignore_result=True, acks_late=True)
def deliveries_sweep_task() -> int:
    """Beat, every half minute or so: deliveries due (never enqueued, or a
    retry whose time has come)."""
    return services.deliveries_sweep()
