"""The API's throttles, tolerant of an unreachable cache (where their
counts live). Apart from ``portal.api``: DRF reads these classes while it
defines its views, which that module imports."""

import logging

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status, throttling

logger = logging.getLogger(__name__)


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

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache backend's connection error
            logger.warning("Throttle %s: the cache cannot be reached", self.scope)
            if self.fail_open:
                return True
            raise CacheUnavailable from None


class AnonRateThrottle(CacheTolerantThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(CacheTolerantThrottleMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(CacheTolerantThrottleMixin, throttling.ScopedRateThrottle):
    fail_open = False
