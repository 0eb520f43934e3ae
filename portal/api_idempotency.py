"""``Idempotency-Key`` on the API's POSTs: a retried request is answered
with the first answer instead of being done twice.

The key belongs to the caller (the token's or the session's user) for
``PORTAL_API_IDEMPOTENCY_HOURS`` (24) hours. The first request with a key
claims it (an atomic ``cache.add``: a second request with the same key
while the first runs gets 409 ``idempotency_in_progress``); its answer
(status, body, ``Content-Type``, ``Location``, ``ETag``…) is then kept, and
a later request with the same key and the same body gets it again with
``Idempotent-Replayed: true``; with another body, 422
``idempotency_key_reused``. Answers that say "try again" (401, 403, 408,
412, 428, 429, 5xx, or any with ``Retry-After``) are not kept: the key is
released.

Kept in the cache, not a table: Redis in production (shared by every
process, entries expire by themselves); the embedded run is one
``runserver`` process, whose local-memory cache its threads share.
Anonymous requests are not kept, nor is the answer to token creation
(anonymous or not): it holds a token's secret, which the portal never stores.
"""

import contextlib
import hashlib
import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .api_http import PROBLEM_MEDIA_TYPE, problem_body

logger = logging.getLogger(__name__)

HEADER = "HTTP_IDEMPOTENCY_KEY"
# A claimed key whose request never finished (the process died) is free
# again after this many seconds.
IN_PROGRESS_SECONDS = 120
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Location",
    "ETag",
    "Last-Modified",
    "Link",
)
# "Try again" answers: the key is released. (412 and 428 ask the caller to
# read the standard again and send another If-Match.)
NOT_KEPT_STATUSES = {401, 403, 408, 412, 428, 429}


def _valid(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(" " <= c <= "~" for c in key)


def _content_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _caller_id(request) -> int | None:
    """The user the request acts for: its token's, else its session's."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if header and header[0].lower() in ("bearer", "token"):
        if len(header) != 2:
            return None
        from accounts.services import token_authenticate

        token = token_authenticate(header[1])
        return token.user_id if token and token.user.is_active else None
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def fingerprint(request) -> str:
    """What makes two requests "the same": method, address, If-Match and
    body — JSON
    compared as data (key order and spacing aside), multipart without its
    random boundary. A multipart body beyond what Django reads into memory
    (``DATA_UPLOAD_MAX_MEMORY_SIZE``) is compared by its length only: it is
    left to stream to the upload handlers, which need to know the caller."""
    content_type = request.META.get("CONTENT_TYPE", "")
    media_type, _sep, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    length = _content_length(request)
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        body = b"length=%d" % length
    else:
        body = request.body
    if media_type == "application/json":
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), sort_keys=True).encode()
    elif media_type == "multipart/form-data":
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.lower() == "boundary" and value:
                body = body.replace(value.strip('"').encode("latin-1"), b"")
    digest = hashlib.sha256()
    if_match = request.META.get("HTTP_IF_MATCH", "")
    for part in (request.method, request.get_full_path(), media_type, if_match):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _problem(request, status: int, code: str, message, headers=None):
    body = {"code": code, "message": str(message), "errors": {}}
    response = JsonResponse(
        problem_body(request, status, body),
        status=status,
        content_type=PROBLEM_MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _replay(stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"], status=stored["status"])
    for name, value in stored["headers"].items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


# Answers never kept, whoever asks: a new API token's secret is shown once
# and only its hash is stored (accounts.models.ApiToken).
SECRET_ANSWERS = {"api:tokens"}


def _keep(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        (match is None or match.view_name not in SECRET_ANSWERS)
        and response.status_code < 500
        and response.status_code not in NOT_KEPT_STATUSES
        and not response.has_header("Retry-After")
        and not response.streaming
    )


class IdempotencyMiddleware:
    """After AuthenticationMiddleware (the session's user), for POSTs under
    /api/v1/ that send ``Idempotency-Key``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if (
            key is None
            or request.method != "POST"
            or not request.path_info.startswith("/api/v1/")
        ):
            return self.get_response(request)
        if not _valid(key):
            return _problem(
                request,
                400,
                "invalid_idempotency_key",
                _(
                    "Idempotency-Key must be 1 to 255 printable ASCII characters "
                    "(spaces allowed)."
                ),
            )
        if _content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and not (
            request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")
        ):
            # Refused further in (413), unread.
            return self.get_response(request)
        caller = _caller_id(request)
        if caller is None:
            # Nobody to keep it for: the view answers (401, or a new token).
            return self.get_response(request)
        cache_key = (
            f"api-idempotency:{caller}:{hashlib.sha256(key.encode()).hexdigest()}"
        )
        mine = fingerprint(request)
        claim = {"state": "in_progress", "fingerprint": mine}
        try:
            claimed = cache.add(cache_key, claim, IN_PROGRESS_SECONDS)
            stored = None if claimed else cache.get(cache_key)
        except Exception:  # any cache backend's connection error
            logger.warning("Idempotency-Key: the cache cannot be reached")
            return _problem(
                request,
                503,
                "unavailable",
                _("This is not possible for a moment; try again in a minute."),
                {"Retry-After": "60"},
            )
        if not claimed and stored is None:
            # Released between the two calls: the first request failed.
            return _problem(
                request,
                409,
                "idempotency_in_progress",
                _("A request with this Idempotency-Key is in progress; try again."),
                {"Retry-After": "1"},
            )
        if stored is not None:
            if stored["fingerprint"] != mine:
                return _problem(
                    request,
                    422,
                    "idempotency_key_reused",
                    _(
                        "This Idempotency-Key was used for another request (a "
                        "different address or body): use a new key."
                    ),
                )
            if stored["state"] == "in_progress":
                return _problem(
                    request,
                    409,
                    "idempotency_in_progress",
                    _("A request with this Idempotency-Key is in progress; try again."),
                    {"Retry-After": "1"},
                )
            return _replay(stored)
        return self._first(request, cache_key, mine)

    def _first(self, request, cache_key: str, mine: str):
        response = None
        try:
            response = self.get_response(request)
        finally:
            try:
                if response is not None and _keep(request, response):
                    cache.set(
                        cache_key,
                        {
                            "state": "done",
                            "fingerprint": mine,
                            "status": response.status_code,
                            "content": response.content,
                            "headers": {
                                name: response[name]
                                for name in KEPT_HEADERS
                                if response.has_header(name)
                            },
                        },
                        settings.API_IDEMPOTENCY_HOURS * 3600,
                    )
                else:
                    cache.delete(cache_key)
            except Exception:
                logger.warning("Idempotency-Key: the answer could not be kept")
        return response
