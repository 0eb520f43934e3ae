"""Webhooks: the events (an outbox written in the action's transaction),
the endpoints integrators register, and delivering events to them.

- ``event_record_hook`` is a history hook of ``standards.services``: every
  action that is an event (``events.EVENT_OF_ACTION``) writes its event, and
  one delivery per active endpoint that wants its kind and whose owner may
  see it now (``standards.permissions.told_of``, the rule of history
  entries), in the action's own transaction.
- After commit a task sends the new deliveries; the periodic sweep sends
  whatever is due and unsent (the broker was down, or a retry is due).
  Sending claims a row first (a row lock, then ``next_attempt_at`` moved past
  the attempt's lease), so two senders never both send one.
- A failed attempt is tried again by ``PORTAL_WEBHOOKS_RETRY_SCHEDULE``, then
  given up; every attempt is logged. The owner asks for a re-delivery.
"""

import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import ApplicationError
from portal.queue import enqueue
from standards import permissions
from standards.models import HistoryEntry

from . import transport
from .events import EventKind, event_kind_of, payload_for
from .models import Delivery, DeliveryAttempt, Event, WebhookEndpoint

logger = logging.getLogger(__name__)

# Endpoints one person may register: each one multiplies every event.
MAX_ENDPOINTS_PER_OWNER = 20
USER_AGENT = "standards-portal-webhooks/1"


# --- events ---------------------------------------------------------------------


def event_record_hook(entry: HistoryEntry) -> Event | None:
    """The history hook: the event of ``entry``, if its action is one, with
    its deliveries (rows now, sent after commit)."""
    kind = event_kind_of(entry.action)
    if kind is None:
        return None
    event = Event.objects.create(
        kind=kind,
        standard=entry.standard,
        history_entry=entry,
        occurred_at=entry.created,
        payload=payload_for(entry, kind),
    )
    deliveries_create(event=event, entry=entry)
    return event


def deliveries_create(*, event: Event, entry: HistoryEntry) -> list[Delivery]:
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            active=True, owner__is_active=True
        ).order_by("pk")
        if endpoint.wants(event.kind)
    ]
    if not endpoints:
        return []
    allowed = permissions.told_of(entry, {e.owner_id for e in endpoints})
    now = timezone.now()
    rows = Delivery.objects.bulk_create(
        [
            Delivery(event=event, endpoint=endpoint, created=now, next_attempt_at=now)
            for endpoint in endpoints
            if endpoint.owner_id in allowed
        ]
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: deliveries_enqueue(ids))
    return rows


def deliveries_enqueue(ids: list[int]) -> None:
    """Hand the rows to the broker without making the caller wait or fail;
    the sweep covers a failure."""
    from .tasks import deliveries_send_task

    enqueue(deliveries_send_task, ids)


# --- endpoints ------------------------------------------------------------------


def clean_kinds(kinds: Iterable[str] | None) -> list[str]:
    if kinds is None:
        return list(EventKind.values)
    chosen = set(kinds)
    unknown = chosen - set(EventKind.values)
    if unknown:
        raise ApplicationError(
            _("Unknown event kinds: %(kinds)s.")
            % {"kinds": ", ".join(sorted(unknown))},
            field="kinds",
        )
    if not chosen:
        raise ApplicationError(_("Choose at least one event kind."), field="kinds")
    # In the registry's order, so that a list reads the same every time.
    return [kind for kind in EventKind.values if kind in chosen]


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def endpoint_create(
    *,
    actor,
    url: str,
    kinds: Iterable[str] | None = None,
    description: str = "",
    active: bool = True,
) -> WebhookEndpoint:
    """A signed-in person registers a URL (checked against SSRF) for the
    event kinds chosen (all when none are given); its secret is generated
    here and shown to them once."""
    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError(_("Sign in first."), code="forbidden")
    transport.check_url(url)
    kinds = clean_kinds(kinds)
    if WebhookEndpoint.objects.filter(owner=actor).count() >= MAX_ENDPOINTS_PER_OWNER:
        raise ApplicationError(
            _("You have %(count)d webhook endpoints already, the most allowed.")
            % {"count": MAX_ENDPOINTS_PER_OWNER},
            code="conflict",
        )
    return WebhookEndpoint.objects.create(
        owner=actor,
        url=url,
        kinds=kinds,
        description=description,
        active=active,
        secret=new_secret(),
    )


def _own_endpoint(endpoint_id, actor, *, lock: bool = False) -> WebhookEndpoint:
    qs = WebhookEndpoint.objects.filter(owner_id=getattr(actor, "pk", None))
    if lock:
        qs = qs.select_for_update()
    endpoint = qs.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise ApplicationError(_("No such webhook endpoint."), code="not_found")
    return endpoint


@transaction.atomic
def endpoint_update(*, endpoint_id, actor, **changes) -> WebhookEndpoint:
    """The owner changes the URL (checked again), kinds, description or
    whether it is active."""
    endpoint = _own_endpoint(endpoint_id, actor, lock=True)
    if "url" in changes:
        transport.check_url(changes["url"])
        endpoint.url = changes["url"]
    if "kinds" in changes:
        endpoint.kinds = clean_kinds(changes["kinds"])
    if "description" in changes:
        endpoint.description = changes["description"]
    if "active" in changes:
        endpoint.active = bool(changes["active"])
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint_id, actor) -> None:
    """The owner removes an endpoint, with its deliveries."""
    _own_endpoint(endpoint_id, actor, lock=True).delete()


# --- delivering -------------------------------------------------------------------


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed
    with the endpoint's secret (the README shows how to verify it)."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def _retry_delays() -> list[int]:
    return list(settings.PORTAL_WEBHOOKS_RETRY_SCHEDULE)


def _lease() -> timedelta:
    # Past the longest an attempt may take: a sender that died while
    # holding a claim gives the row back to the sweep after this.
    return timedelta(seconds=settings.PORTAL_WEBHOOKS_TIMEOUT * 3 + 60)


def _claim(ids: list[int], now) -> list[int]:
    if not ids:
        return []
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .due(now)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=claimed).update(
            next_attempt_at=now + _lease(),
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    return claimed


def deliveries_send(*, delivery_ids: Iterable[int], now=None) -> int:
    """Send the due ones of ``delivery_ids``; how many were delivered now."""
    now = now or timezone.now()
    delivered = 0
    # One at a time, claimed just before its attempt, and no more than fit
    # well inside the task's time limit: the rest stay due for the sweep.
    budget = time.monotonic() + settings.CELERY_TASK_SOFT_TIME_LIMIT / 2
    for delivery_id in delivery_ids:
        if time.monotonic() > budget:
            break
        for claimed in _claim([delivery_id], now):
            delivered += delivery_attempt(delivery_id=claimed, now=now)
    return delivered


def _skip(delivery: Delivery, reason: str) -> bool:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.SKIPPED, next_attempt_at=None, last_error=reason
    )
    return False


def delivery_attempt(*, delivery_id: int, now) -> bool:
    """POST one claimed delivery and record the attempt; True if the
    endpoint answered 2xx. Asked again now: the endpoint is still active and
    its owner may still see the event (else it is not sent)."""
    delivery = Delivery.objects.select_related(
        "event__history_entry__standard", "endpoint__owner"
    ).get(pk=delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.active or not endpoint.owner.is_active:
        return _skip(delivery, _("The endpoint is not active."))
    if not permissions.can_see_history_entry(event.history_entry, endpoint.owner):
        return _skip(delivery, _("The endpoint's owner may no longer see this event."))
    body = json.dumps(event.body(), ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Webhook-Id": str(event.pk),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": sign(
            secret=endpoint.secret, timestamp=timestamp, body=body
        ),
        "Webhook-Event": event.kind,
    }
    status_code, duration_ms, error = None, 0, ""
    started = time.monotonic()
    try:
        answer = transport.post(
            endpoint.url, body, headers, timeout=settings.PORTAL_WEBHOOKS_TIMEOUT
        )
    except transport.UrlRefused as exc:
        error = str(exc.message)
    except (OSError, http.client.HTTPException) as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
    else:
        status_code, duration_ms = answer.status_code, answer.duration_ms
        if not 200 <= status_code < 300:
            error = _("The endpoint answered HTTP %(status)d.") % {
                "status": status_code
            }
    duration_ms = duration_ms or int((time.monotonic() - started) * 1000)
    return _record(delivery, now, status_code, duration_ms, error)


def _record(delivery: Delivery, now, status_code, duration_ms, error) -> bool:
    DeliveryAttempt.objects.create(
        delivery=delivery,
        started_at=now,
        status_code=status_code,
        duration_ms=duration_ms,
        error=error,
    )
    attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
    changes = {
        "last_status_code": status_code,
        "last_duration_ms": duration_ms,
        "last_error": error,
    }
    if not error:
        changes.update(
            state=Delivery.State.DELIVERED, delivered_at=now, next_attempt_at=None
        )
    else:
        delays = _retry_delays()
        if attempts <= len(delays):
            changes["next_attempt_at"] = now + timedelta(seconds=delays[attempts - 1])
        else:
            changes.update(state=Delivery.State.FAILED, next_attempt_at=None)
    Delivery.objects.filter(pk=delivery.pk).update(**changes)
    logger.info(
        "webhook delivery %s (event %s → endpoint %s) attempt %s: %s in %d ms%s",
        delivery.pk,
        delivery.event_id,
        delivery.endpoint_id,
        attempts,
        status_code,
        duration_ms,
        f" ({error})" if error else "",
    )
    return not error


def deliveries_sweep(*, now=None, limit: int = 200) -> int:
    """Send what is due: deliveries whose task never reached the broker, and
    retries whose time has come. How many were delivered."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return deliveries_send(delivery_ids=ids, now=now)


@transaction.atomic
def delivery_redeliver(*, endpoint_id, delivery_id, actor) -> Delivery:
    """The owner has a delivery sent again, now, whatever became of it
    (the retries start again from the first)."""
    endpoint = _own_endpoint(endpoint_id, actor)
    delivery = (
        Delivery.objects.select_for_update()
        .filter(pk=delivery_id, endpoint=endpoint)
        .first()
    )
    if delivery is None:
        raise ApplicationError(_("No such delivery."), code="not_found")
    if not endpoint.active:
        raise ApplicationError(
            _("The endpoint is not active: activate it first."), code="conflict"
        )
    delivery.state = Delivery.State.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
    ids = [delivery.pk]
    transaction.on_commit(lambda: deliveries_enqueue(ids))
    return delivery


def deliveries_redeliver_admin(*, deliveries: Iterable[Delivery], actor) -> int:
    """The admin's action: staff have the chosen deliveries sent again."""
    count = 0
    for delivery in deliveries:
        with transaction.atomic():
            updated = Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.PENDING,
                attempts=0,
                next_attempt_at=timezone.now(),
            )
            if updated:
                ids = [delivery.pk]
                transaction.on_commit(lambda ids=ids: deliveries_enqueue(ids))
                count += 1
    return count
