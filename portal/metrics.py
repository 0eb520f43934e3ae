"""Prometheus metrics at ``/metrics`` (prometheus-client).

- ``portal_http_requests_total{view,method,status}`` and
  ``portal_http_request_duration_seconds{view}``: every request, by the name
  of the URL pattern that answered it (``MetricsMiddleware``);
- at each scrape: the messages waiting in each Celery queue, the age of the
  oldest notification not yet sent (the notification lag), the PDFs waiting
  to be rendered, and the age of each heartbeat;
- ``portal_pdf_render_seconds{document,outcome}``: how long each PDF render
  took (``pdf_render_timer``). The renders run in the Celery workers, other
  processes (and in compose other containers, or hosts) than the web process
  that answers ``/metrics``, so each worker adds its observation to counters
  in the cache (Redis), as it records its heartbeat, and every scrape reads
  them from there: the figures of all workers, whichever web process answers.

``/metrics`` answers only to ``Authorization: Bearer <PORTAL_METRICS_TOKEN>``
or to a client address in ``PORTAL_METRICS_ALLOW`` (addresses or networks,
comma-separated); to everyone else it is a 404, as when neither is set.
With several gunicorn processes, set ``PROMETHEUS_MULTIPROC_DIR`` to an
empty folder shared by them (prometheus-client's multiprocess mode): the
request counts of all of them are then added up.
"""

import contextlib
import hmac
import ipaddress
import logging
import os
import time

from django.conf import settings
from django.core.cache import cache
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
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.utils import floatToGoString

logger = logging.getLogger(__name__)

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


# --- PDF render times: observed in the workers, read at each scrape ----------

PDF_RENDER_BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)
PDF_DOCUMENTS = ("edition", "certificate", "qms_certificate")
PDF_OUTCOMES = ("ready", "failed")
_PDF_KEY = "metrics:pdf_render_seconds"


def _pdf_keys(document: str, outcome: str) -> dict[str, str]:
    """The cache keys of one series: the renders that fell in each bucket
    (not cumulative; the last one is +Inf) and the sum of their times in
    microseconds (the cache adds integers only)."""
    base = f"{_PDF_KEY}:{document}:{outcome}"
    keys = {bound: f"{base}:le:{bound}" for bound in (*PDF_RENDER_BUCKETS, "+Inf")}
    keys["sum_us"] = f"{base}:sum_us"
    return keys


def _add(key: str, delta: int) -> None:
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key, delta)
    except ValueError:  # gone between add and incr (evicted): once more
        cache.add(key, delta, timeout=None)


def observe_pdf_render(document: str, outcome: str, seconds: float) -> None:
    """Add one render of ``document`` (one of ``PDF_DOCUMENTS``) that ended
    ``ready`` or ``failed`` after ``seconds``. Never fails the render:
    a cache that does not answer loses the observation, and says so."""
    keys = _pdf_keys(document, outcome)
    bound = next((b for b in PDF_RENDER_BUCKETS if seconds <= b), "+Inf")
    try:
        _add(keys[bound], 1)
        _add(keys["sum_us"], round(seconds * 1_000_000))
    except Exception as exc:  # noqa: BLE001 — a metric never stops a render
        logger.warning("PDF render time not recorded: %s", exc)


@contextlib.contextmanager
def pdf_render_timer(document: str):
    """Time the render inside the ``with`` block: ``ready`` when it ends,
    ``failed`` when it raises (an error, the time limit, a limit of pages or
    bytes); the exception goes on."""
    started = time.monotonic()
    try:
        yield
    except Exception:
        observe_pdf_render(document, "failed", time.monotonic() - started)
        raise
    observe_pdf_render(document, "ready", time.monotonic() - started)


def pdf_render_histogram() -> HistogramMetricFamily:
    histogram = HistogramMetricFamily(
        "portal_pdf_render_seconds",
        "Time to render a PDF in a worker, by document and outcome.",
        labels=["document", "outcome"],
    )
    series = {
        (document, outcome): _pdf_keys(document, outcome)
        for document in PDF_DOCUMENTS
        for outcome in PDF_OUTCOMES
    }
    try:
        values = cache.get_many(
            [key for keys in series.values() for key in keys.values()]
        )
    except Exception:  # noqa: BLE001 — the cache is down: /readyz says so
        return histogram
    for (document, outcome), keys in series.items():
        buckets, total = [], 0
        for bound in (*PDF_RENDER_BUCKETS, "+Inf"):
            total += int(values.get(keys[bound]) or 0)
            buckets.append((floatToGoString(bound), total))
        if not total:  # no render of this kind yet
            continue
        histogram.add_metric(
            [document, outcome],
            buckets,
            sum_value=int(values.get(keys["sum_us"]) or 0) / 1_000_000,
        )
    return histogram


class BackgroundCollector:
    """Read at each scrape: queues, notification lag, PDFs waiting,
    heartbeats, PDF render times."""

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
        yield pdf_render_histogram()


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
