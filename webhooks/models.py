"""Integrators' events (the outbox), their webhook endpoints, and the
deliveries of events to endpoints with every attempt made."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .events import EventKind


class Event(models.Model):
    """One lifecycle step of a standard, as integrators read it: written in
    the step's own transaction, from its history entry, and never changed.
    Its id orders the feed (``/api/v1/events/?after=<id>``)."""

    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Who may read the event is who may read this entry
    # (standards.permissions.can_see_history_entry), asked when it is read.
    history_entry = models.OneToOneField(
        "standards.HistoryEntry",
        verbose_name=_("history entry"),
        on_delete=models.CASCADE,
        related_name="event",
    )
    occurred_at = models.DateTimeField(_("occurred"), db_index=True)
    payload = models.JSONField(_("payload"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.pk} {self.kind}"

    def body(self) -> dict:
        """The JSON the feed shows and a delivery sends."""
        return {"id": self.pk, **self.payload}


class WebhookEndpoint(models.Model):
    """A URL of an integrator's that receives the events of the kinds chosen,
    of the standards its owner may see, signed with its secret."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Shown once, when the endpoint is created; kept to sign deliveries.
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    kinds = models.JSONField(_("event kinds"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url

    def wants(self, kind: str) -> bool:
        return kind in (self.kinds or [])


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)


class Delivery(models.Model):
    """One event to one endpoint: the outbox row, written with the event.

    A sender claims a row by moving ``next_attempt_at`` past the time its
    attempt may take (under a row lock), so the task sent after commit and
    the periodic sweep never both send it; a failed attempt sets the next
    one by the retry schedule, until it gives up."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed (gave up)")
        SKIPPED = "skipped", _("not sent")

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_duration_ms = models.PositiveIntegerField(
        _("last duration (ms)"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"], name="delivery_once_per_endpoint"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="delivery_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.event_id} → {self.endpoint_id} ({self.state})"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: its answer, or why there was none."""

    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(
        _("status code"), null=True, blank=True
    )
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.delivery_id} {self.status_code or self.error[:40]}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
