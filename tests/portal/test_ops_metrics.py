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


def _count(text: str, document: str, outcome: str) -> float:
    prefix = (
        f'portal_pdf_render_seconds_count{{document="{document}",outcome="{outcome}"}}'
    )
    return _value(text, prefix) if prefix in text else 0


def test_pdf_render_times_are_a_histogram_read_at_each_scrape(
    client, settings, lifecycle, django_capture_on_commit_callbacks
):
    settings.PORTAL_METRICS_TOKEN = TOKEN
    before = _scrape(client)

    # Published: the edition's PDF and the audit's certificate are rendered
    # (Celery eager, in this process; a worker records them the same way).
    with django_capture_on_commit_callbacks(execute=True):
        standard = lifecycle.published()
    edition = standard.editions.get()
    assert edition.pdf_state == edition.PdfState.READY

    text = _scrape(client)
    assert "# TYPE portal_pdf_render_seconds histogram" in text
    for document in ("edition", "certificate"):
        assert _count(text, document, "ready") == _count(before, document, "ready") + 1
    labels = 'document="edition",le="+Inf",outcome="ready"'
    assert _value(text, f"portal_pdf_render_seconds_bucket{{{labels}}}") == _count(
        text, "edition", "ready"
    )
    ready_sum = 'portal_pdf_render_seconds_sum{document="edition",outcome="ready"}'
    grew = _value(text, ready_sum) - (
        _value(before, ready_sum) if ready_sum in before else 0
    )
    assert 0 < grew < settings.PDF_SOFT_TIME_LIMIT
    assert _count(text, "edition", "failed") == _count(before, "edition", "failed")


def test_a_failed_render_is_counted_as_failed(
    client, settings, lifecycle, django_capture_on_commit_callbacks
):
    settings.PORTAL_METRICS_TOKEN = TOKEN
    settings.PDF_MAX_PAGES = 0  # every render is refused: too many pages
    before = _scrape(client)

    with django_capture_on_commit_callbacks(execute=True):
        edition = lifecycle.published().editions.get()
    edition.refresh_from_db()
    assert edition.pdf_state == edition.PdfState.FAILED

    text = _scrape(client)
    assert _count(text, "edition", "failed") == _count(before, "edition", "failed") + 1
    assert _count(text, "edition", "ready") == _count(before, "edition", "ready")
