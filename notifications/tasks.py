"""Celery tasks of notifications: thin, by id, safe to run more than once."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True, acks_late=True)
def notifications_send_task(notification_ids: list[int]) -> int:
    return services.notifications_send(notification_ids=notification_ids)


@shared_task(ignore_result=True, acks_late=True)
def notifications_sweep_task() -> int:
    """Beat, every minute or so: send notifications still unsent."""
    return services.notifications_sweep()


@shared_task(ignore_result=True, acks_late=True)
def review_reminders_task() -> int:
    """Beat, daily: reminders of systematic reviews coming due."""
    return services.review_reminders_send()


@shared_task(ignore_result=True, acks_late=True)
def digests_send_task() -> int:
    """Beat, daily: one digest e-mail per user who chose it."""
    return services.digests_send()
