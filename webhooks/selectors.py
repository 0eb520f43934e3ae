"""Reads of webhooks that the API and the admin share."""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from standards import permissions

from .models import Delivery, Event, WebhookEndpoint


def events_for(user, *, after: int = 0, now=None) -> QuerySet[Event]:
    """The events ``user`` may see now (the rule of history entries:
    ``standards.permissions.visible_history_entries``), in order, after the
    event ``after``.

    Events younger than ``PORTAL_EVENTS_FEED_DELAY`` seconds are left for
    the next call: ids are taken when a transaction writes its event, not
    when it commits, so a reader who went on from a newer id might otherwise
    never see an older one committed a moment later."""
    now = now or timezone.now()
    qs = Event.objects.filter(
        pk__gt=after,
        history_entry__in=permissions.visible_history_entries(user).values("pk"),
    )
    delay = settings.PORTAL_EVENTS_FEED_DELAY
    if delay:
        qs = qs.filter(occurred_at__lte=now - timedelta(seconds=delay))
    return qs.order_by("pk")


def endpoints_of(user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(owner_id=getattr(user, "pk", None))


def deliveries_of(*, endpoint: WebhookEndpoint) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .order_by("-pk")
    )
