"""The API's throttles, tolerant of an unreachable cache (where their
counts live). Apart from ``portal.api``: DRF reads these classes while it
defines its views, which that module imports."""

import logging

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status, throttling

logger = logging.getLogger(__name__)


def client_address(request) -> str | None:
    """The address of the client, for the throttles and the sign-in lockout.

    Each of the ``PORTAL_TRUSTED_PROXIES`` proxies in front of the portal
    appends the address it received from to X-Forwarded-For, so the client's
    is the one that many places from the right; anything further left was
    written by the client and proves nothing. With no trusted proxy the header
    is ignored and the address is REMOTE_ADDR.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.PORTAL_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr


class CacheUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("This is not possible for a moment; try again in a minute.")
    default_code = "unavailable"


class CacheTolerantThrottleMixin:
    """The throttle counts live in the cache. When the cache cannot be
    reached, the request is let through and a warning logged: an outage of
    the cache must not take the API down with it. A throttle guarding
    against password guessing (``fail_open = False``) answers 503 instead."""

    fail_open = True

    def get_ident(self, request):
        return client_address(request)

    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except Exception:  # any cache backend's connection error
            logger.warning("Throttle %s: the cache cannot be reached", self.scope)
            if self.fail_open:
                return True
            raise CacheUnavailable from None
        self.record(request)
        return allowed

    def record(self, request) -> None:
        """What this throttle allows, for the RateLimit-* headers
        (portal.api_http), when it counted the request."""
        if getattr(self, "key", None) is None or not hasattr(self, "history"):
            return
        from .api_http import record_rate_limit

        oldest = self.history[-1] if self.history else self.now
        record_rate_limit(
            getattr(request, "_request", request),
            limit=self.num_requests,
            remaining=self.num_requests - len(self.history),
            reset=int(oldest + self.duration - self.now + 0.999),
        )


class AnonRateThrottle(CacheTolerantThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(CacheTolerantThrottleMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(CacheTolerantThrottleMixin, throttling.ScopedRateThrottle):
    fail_open = False
