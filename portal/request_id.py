"""A request id in every log line, and in the Celery tasks a request caused.

``RequestIdMiddleware`` takes the proxy's ``X-Request-ID`` (nginx sets it to
its ``$request_id``; only when PORTAL_TRUSTED_PROXIES says there is a proxy)
or makes one, answers with it, and keeps it for the request; the
``RequestIdFilter`` of the logging settings puts it on every record as
``request_id``; a task sent during the request carries it in its message
headers and the worker logs it too. ``LOG_FORMAT=json`` writes one JSON
object per line (``JsonFormatter``).
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished

_request_id: ContextVar[str | None] = ContextVar("portal_request_id", default=None)
HEADER = "portal_request_id"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current() -> str | None:
    return _request_id.get()


def bind(value: str | None):
    return _request_id.set(value)


def unbind(token) -> None:
    _request_id.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        if not (settings.PORTAL_TRUSTED_PROXIES and _VALID.match(given)):
            given = uuid.uuid4().hex
        request.request_id = given
        # Kept until the request is finished (the signal below), so that
        # Django's own line about the answer ("Not Found: ...", written
        # after the middleware) carries it too.
        bind(given)
        response = self.get_response(request)
        response["X-Request-ID"] = given
        return response


def _finished(**kwargs):
    bind(None)


request_finished.connect(_finished, dispatch_uid="portal.request_id.finished")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def connect_celery_signals() -> None:
    """The request id travels with the task (portal.celery calls this)."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    tokens = {}

    @before_task_publish.connect(weak=False)
    def _send(headers=None, **kwargs):
        value = current()
        if value and headers is not None:
            headers.setdefault(HEADER, value)

    @task_prerun.connect(weak=False)
    def _start(task_id=None, task=None, **kwargs):
        value = getattr(task.request, HEADER, None) if task else None
        if value is None and task is not None:
            value = (getattr(task.request, "headers", None) or {}).get(HEADER)
        if value:
            tokens[task_id] = bind(value)

    @task_postrun.connect(weak=False)
    def _end(task_id=None, **kwargs):
        token = tokens.pop(task_id, None)
        if token is not None:
            unbind(token)
