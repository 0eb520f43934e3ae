"""A cache of what everyone may read, keyed on a version of the public data.

Whatever changes what a public page or the public API shows (a public
standard, an edition, the search index, a field, an organisation, a work
item) bumps the version: before the writer's own thread next reads the
cache, so that it never reads an entry older than its change, and once its
transaction has committed, so that an entry computed by another request
from the data just before the commit is never read again. A transaction
that saves many rows renews the version once for its reads and once at its
commit, not twice per row (each renewal is a round trip to the cache).
Entries of older versions are left to expire; the timeout
(``PORTAL_PUBLIC_CACHE_TIMEOUT``, 0 turns the cache off) bounds how long an
entry may outlive a change the version did not see (a bulk UPDATE, or a
change made while the cache was unreachable).

The version lives in the cache itself; a deployment of several processes
needs a shared cache (``REDIS_URL``), as it does for Celery. When the version
is missing (a cache that was emptied or evicted it), it starts again from the
clock, above any version handed out before.

The cache is an optimisation only: when it fails, the portal answers from
the database and logs a warning.
"""

import contextvars
import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

VERSION_KEY = "public-data:version"
# What the public cache did for the current request, told in the answer's
# ``X-Public-Cache`` header (``PublicCacheHeaderMiddleware``): "hit" when
# everything it asked the cache for was there, "miss" when anything had to
# be computed; no header when the cache was not asked.
_outcome: contextvars.ContextVar[str] = contextvars.ContextVar(
    "public_cache_outcome", default=""
)
# Response headers kept with a cached response; the middleware adds the rest.
KEPT_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Vary", "Allow")


# The versions this thread changed the data of since it last renewed them:
# renewed before its next read of the cache (``_settle``), and by the commit.
_pending: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "public_cache_pending", default=frozenset()
)


def public_version(version_key: str = VERSION_KEY) -> int:
    """The current version of the public data (or of the data of
    ``version_key``); ``0`` when the cache is off or cannot be reached
    (nothing is then read from or written to it)."""
    if not settings.PUBLIC_CACHE_TIMEOUT:
        return 0
    _settle(version_key)
    try:
        version = cache.get(version_key)
        if version is None:
            cache.add(version_key, _from_clock(), timeout=None)
            version = cache.get(version_key)
    except Exception:  # any backend's connection error
        logger.warning("The cache cannot be reached", exc_info=True)
        return 0
    return int(version or 0)


def bump_public_version() -> None:
    """The public data changed (or is changing in the current transaction)."""
    _bump(VERSION_KEY, _renew_public_after_commit)


def _bump(version_key: str, after_commit: Callable[[], None]) -> None:
    """Renew ``version_key`` before this thread next reads the cache, and
    once the current transaction commits (at once outside a transaction):
    one renewal at the commit however many rows the transaction saves."""
    _pending.set(_pending.get() | {version_key})
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is after_commit for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(after_commit)


def _settle(version_key: str) -> None:
    """Renew ``version_key`` now if this thread changed its data since it
    last did: its reads must not find an entry computed before the change."""
    pending = _pending.get()
    if version_key in pending:
        _pending.set(pending - {version_key})
        renew_public_version(version_key)


def _renewed_after_commit(version_key: str) -> None:
    _pending.set(_pending.get() - {version_key})
    renew_public_version(version_key)


def _renew_public_after_commit() -> None:
    _renewed_after_commit(VERSION_KEY)


def renew_public_version(version_key: str = VERSION_KEY) -> None:
    """A new version now, outside any transaction."""
    try:
        cache.incr(version_key)
    except ValueError:  # no version yet: start from the clock
        cache.add(version_key, _from_clock(), timeout=None)
    except Exception:
        logger.warning("Could not bump the public data version", exc_info=True)


def _from_clock() -> int:
    return time.time_ns() // 1000


def _key(kind: str, parts: tuple) -> str:
    # Every entry is kept per language: the text in it is translated, and
    # the addresses in it carry the language's prefix (portal.i18n).
    keyed = (translation.get_language(), parts)
    digest = hashlib.sha256(repr(keyed).encode()).hexdigest()[:40]
    return f"public-data:{kind}:{digest}"


def _lookup(key: str, version_key: str = VERSION_KEY) -> tuple[int, Any]:
    """The current version and what ``key`` holds for it (``None`` when it
    holds nothing or an older version's value), in one round trip: each
    entry is stored with the version it was computed under. ``(0, None)``
    when the cache is off or cannot be reached."""
    if not settings.PUBLIC_CACHE_TIMEOUT:
        return 0, None
    _settle(version_key)
    try:
        found = cache.get_many([version_key, key])
    except Exception:  # any backend's connection error
        logger.warning("The cache cannot be reached", exc_info=True)
        return 0, None
    version = found.get(version_key)
    # X-Public-Cache tells of the public cache alone: the working data's
    # entries (a signed-in person's own pages) leave it unset.
    public = version_key == VERSION_KEY
    if version is None:
        if public:
            _outcome.set("miss")
        return public_version(version_key), None
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        if public and not _outcome.get():
            _outcome.set("hit")
        return version, entry[1]
    if public:
        _outcome.set("miss")
    return version, None


def _store(key: str, version: int, value: Any) -> None:
    try:
        cache.set(key, (version, value), settings.PUBLIC_CACHE_TIMEOUT)
    except Exception:
        logger.warning("Could not store %s in the cache", key, exc_info=True)


def cached_public(kind: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave for the same ``parts`` since the public
    data last changed. ``parts`` must identify everything the value depends
    on (its arguments); the active language is always part of the key."""
    key = _key(kind, parts)
    version, value = _lookup(key)
    if value is None:
        value = compute()
        if version:
            _store(key, version, value)
    return value


# --- the working data ----------------------------------------------------------

# The version of every standard's record, drafts included: bumped whenever
# a standard is saved or deleted (portal.apps), as the public version is.
WORKING_VERSION_KEY = "working-data:version"


def bump_working_version() -> None:
    _bump(WORKING_VERSION_KEY, _renew_working_after_commit)


def _renew_working_after_commit() -> None:
    _renewed_after_commit(WORKING_VERSION_KEY)


def cached_working(kind: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave for the same ``parts`` since any
    standard last changed: for figures over every standard (the pipeline's
    counts) that the working group's pages show, recomputed once per change
    instead of on every page. ``parts`` must identify whose figures they are
    when they depend on who asks."""
    key = _key(f"working:{kind}", parts)
    version, value = _lookup(key, WORKING_VERSION_KEY)
    if value is None:
        value = compute()
        if version:
            _store(key, version, value)
    return value


def is_anonymous_request(request: HttpRequest) -> bool:
    """No credentials at all: no API token, no session. Such a caller sees
    exactly the public data, whoever it is."""
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def cache_public_response(view: Callable) -> Callable:
    """Serve a view's successful JSON answers to GETs of anonymous callers
    from the cache.

    Kept for the current public data version, per address with its query,
    host and scheme (the answer's links name them), ``Accept`` header and
    language; a conditional request is answered
    with 304 from the cached ``ETag`` and ``Last-Modified``. Signed-in
    callers, other methods and other statuses always reach the view.
    """
    return _cached_responses(view, pages=False)


def cache_public_page(view: Callable) -> Callable:
    """As ``cache_public_response``, for a public page (HTML, or a feed) as
    an anonymous visitor sees it: the catalogue, a standard, a diff. The
    page is rendered once per address and language until the public data
    changes, instead of on every visit.

    Only a page that is the same for every anonymous visitor is kept: never
    one that carries a message for this visitor (the ``messages`` cookie),
    a CSRF token or a CSP nonce, or that set a cookie or touched the
    session; the middleware still adds each answer's own headers (CSP,
    request id, security) on the way out.
    """
    return _cached_responses(view, pages=True)


def _cached_responses(view: Callable, *, pages: bool) -> Callable:
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or not is_anonymous_request(request):
            return view(request, *args, **kwargs)
        if pages and MESSAGES_COOKIE in request.COOKIES:
            return view(request, *args, **kwargs)
        key = _key(
            "response",
            (
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                request.META.get("HTTP_ACCEPT", ""),
                translation.get_language(),
            ),
        )
        version, stored = _lookup(key)
        if stored is not None:
            return _from_stored(request, stored)
        if not version:
            return view(request, *args, **kwargs)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", 1):
            response.render()
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and _same_for_everyone(request, response, pages=pages)
        ):
            stored = {
                "content": response.content,
                "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
            }
            _store(key, version, stored)
        return response

    return wrapper


# Django's messages (cookie storage): a visitor's own, shown on the next page.
MESSAGES_COOKIE = "messages"


def _same_for_everyone(request: HttpRequest, response, *, pages: bool) -> bool:
    """Whether ``response`` holds nothing of this request's own: JSON only
    for the API (a page, such as the browsable API's, may carry a caller's
    own CSRF token); for pages, no CSRF token, CSP nonce, session change or
    message queued while it was made."""
    content_type = response.get("Content-Type", "")
    if not pages:
        return content_type.startswith("application/json")
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return not (
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(request, "_csp_nonce", None)
        or (session is not None and session.modified)
        or (messages is not None and getattr(messages, "_queued_messages", None))
    )


def _from_stored(request: HttpRequest, stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"])
    for header, value in stored["headers"].items():
        response[header] = value
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


class PublicCacheHeaderMiddleware:
    """Tells in ``X-Public-Cache`` whether the public cache answered the
    request ("hit") or part of it was computed ("miss"), as CDNs do with
    ``X-Cache``: how operators (and ``make bench``) see the share of
    requests the cache saves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _outcome.set("")
        try:
            response = self.get_response(request)
            if outcome := _outcome.get():
                response["X-Public-Cache"] = outcome
            return response
        finally:
            _outcome.reset(token)
