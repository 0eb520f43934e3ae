"""Prometheus metrics at ``/metrics`` (prometheus-client).

- ``portal_http_requests_total{view,method,status}`` and
  ``portal_http_request_duration_seconds{view}``: every request, by the name
  of the URL pattern that answered it (``MetricsMiddleware``);
- at each scrape: the messages waiting in each Celery queue, the age of the
  oldest notification not yet sent (the notification lag), the PDFs waiting
  to be rendered, and the age of each heartbeat.

``/metrics`` answers only to ``Authorization: Bearer <PORTAL_METRICS_TOKEN>``
or to a client address in ``PORTAL_METRICS_ALLOW`` (addresses or networks,
comma-separated); to everyone else it is a 404, as when neither is set.
With several gunicorn processes, set ``PROMETHEUS_MULTIPROC_DIR`` to an
empty folder shared by them (prometheus-client's multiprocess mode): the
request counts of all of them are then added up.
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "portal_http_requests_total",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else None) or "<unresolved>"
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - start)
        return response


class BackgroundCollector:
    """Read at each scrape: queues, notification lag, PDFs waiting,
    heartbeats."""

    def collect(self):
        from notifications.models import Notification
        from portal import health
        from standards.models import Edition

        broker = health.check_broker()
        queues = GaugeMetricFamily(
            "portal_celery_queue_length",
            "Messages waiting in a queue.",
            labels=["queue"],
        )
        for queue, length in broker.get("queues", {}).items():
            queues.add_metric([queue], length)
        yield queues

        try:
            oldest = (
                Notification.objects.unsent()
                .filter(in_digest=False)
                .order_by("created")
                .values_list("created", flat=True)
                .first()
            )
            waiting = Edition.objects.filter(
                pdf_state__in=(Edition.PdfState.PENDING, Edition.PdfState.RENDERING)
            ).count()
        except DatabaseError:
            pass  # the database is down: /readyz says so; the rest is served
        else:
            yield GaugeMetricFamily(
                "portal_notification_lag_seconds",
                "Age of the oldest notification not yet sent (0: none waits).",
                value=(timezone.now() - oldest).total_seconds() if oldest else 0,
            )
            yield GaugeMetricFamily(
                "portal_pdf_renders_waiting",
                "Edition PDFs being prepared.",
                value=waiting,
            )
        ages = GaugeMetricFamily(
            "portal_heartbeat_age_seconds",
            "Seconds since the worker or beat heartbeat (absent: never).",
            labels=["name"],
        )
        for name in health.HEARTBEATS:
            age = health.heartbeat_age(name)
            if age is not None:
                ages.add_metric([name], age)
        yield ages


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(BackgroundCollector())
    return registry


def _allowed(request) -> bool:
    token = settings.PORTAL_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if settings.PORTAL_METRICS_ALLOW:
        from portal.throttling import client_address

        try:
            address = ipaddress.ip_address(client_address(request))
        except ValueError:
            return False
        return any(
            address in ipaddress.ip_network(network, strict=False)
            for network in settings.PORTAL_METRICS_ALLOW
        )
    return False


@never_cache
def metrics(request):
    if not _allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
