"""/metrics (Prometheus): requests by view and status, latencies, and at each
scrape the queues, the notification lag, PDFs waiting and heartbeats; only
for the token or the allowed addresses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from portal import health
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-tests"


def _scrape(client, **headers) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(text: str, prefix: str) -> float:
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{prefix} not in the metrics")


def test_metrics_are_refused_without_the_token_or_an_allowed_address(client, settings):
    settings.PORTAL_METRICS_TOKEN = ""
    settings.PORTAL_METRICS_ALLOW = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer x").status_code == 404

    settings.PORTAL_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert (
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    )

    settings.PORTAL_METRICS_TOKEN = ""
    settings.PORTAL_METRICS_ALLOW = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 404


def test_requests_are_counted_by_view_and_status(client, settings):
    settings.PORTAL_METRICS_TOKEN = TOKEN
    before = _scrape(client)
    prefix = 'portal_http_requests_total{method="GET",status="200",view="healthz"}'
    start = _value(before, prefix) if prefix in before else 0
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page-for-the-metrics/")

    text = _scrape(client)
    assert _value(text, prefix) == start + 3
    assert 'status="404"' in text
    assert (
        'portal_http_request_duration_seconds_bucket{le="0.01",view="healthz"}' in text
    )


def test_the_notification_lag_and_the_heartbeats_are_read_at_each_scrape(
    client, settings
):
    settings.PORTAL_METRICS_TOKEN = TOKEN
    assert _value(_scrape(client), "portal_notification_lag_seconds") == 0

    Notification.objects.create(
        recipient=UserFactory(),
        kind="draft_changed",
        message="A change",
        created=timezone.now() - timedelta(seconds=90),
    )
    health.record_heartbeat("worker:pdf")
    text = _scrape(client)
    assert 90 <= _value(text, "portal_notification_lag_seconds") < 120
    assert _value(text, 'portal_heartbeat_age_seconds{name="worker:pdf"}') < 5
    assert _value(text, "portal_pdf_renders_waiting") == 0
