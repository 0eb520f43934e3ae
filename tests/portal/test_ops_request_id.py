"""Request ids: every answer names one, every log line of the request carries
it, and a Celery task the request sent logs it too."""

import io
import json
import logging

import pytest

from portal.celery import app
from portal.request_id import JsonFormatter, RequestIdFilter, bind, current, unbind

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """A handler configured as the settings' console one (the filter, the
    JSON formatter) on the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    # The root logger and Django's, which does not pass its records on.
    loggers = [logging.getLogger(), logging.getLogger("django")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_every_answer_names_its_request_id(client):
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept_only_behind_a_proxy(client, settings):
    settings.PORTAL_TRUSTED_PROXIES = 0
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] != "abcdef0123456789"

    settings.PORTAL_TRUSTED_PROXIES = 1
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789"
    # Anything else than a plain token is replaced.
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\r\nx")
    assert response["X-Request-ID"] != "bad id\r\nx"


def test_log_lines_of_a_request_carry_its_id(client, log_lines):
    response = client.get("/no-such-page-for-the-log/")
    assert response.status_code == 404
    lines = [line for line in log_lines() if "no-such-page" in line["message"]]
    assert lines
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    assert lines[0]["level"] == "WARNING"


def test_a_task_sent_in_a_request_logs_its_id(log_lines):
    @app.task(name="tests.portal.log_request_id")
    def log_request_id():
        logging.getLogger("tests.portal").info("in the task")
        return current()

    token = bind("feedfacecafebeef")
    try:
        # The message headers carry it (what a worker receives)...
        message_headers = {}
        from celery.signals import before_task_publish

        before_task_publish.send(
            sender="tests.portal.log_request_id", headers=message_headers, body=None
        )
        assert message_headers["portal_request_id"] == "feedfacecafebeef"
    finally:
        unbind(token)
    assert current() is None
    # ...and a worker running a task with that header logs it.
    result = log_request_id.apply(headers={"portal_request_id": "feedfacecafebeef"})
    assert result.get() == "feedfacecafebeef"
    assert current() is None
    (line,) = [line for line in log_lines() if line["message"] == "in the task"]
    assert line["request_id"] == "feedfacecafebeef"
