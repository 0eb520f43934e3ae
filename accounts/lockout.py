"""What a client locked out by django-axes is told: on the sign-in page a
page of its own, in the API the API's JSON error (429 with Retry-After)."""

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework import exceptions


def cooloff_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = cooloff_minutes()
    return ngettext(
        "Too many failed sign-ins for this account from your address. "
        "Try again in %(minutes)d minute, or reset your password.",
        "Too many failed sign-ins for this account from your address. "
        "Try again in %(minutes)d minutes, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


class LockedOut(exceptions.Throttled):
    """Too many wrong passwords for this username from this address."""

    def __init__(self):
        super().__init__(
            wait=settings.AXES_COOLOFF_TIME.total_seconds(), detail=lockout_message()
        )


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the answer to a request whose sign-in axes refused."""
    if request.path.startswith("/api/"):
        # The token endpoint has raised LockedOut itself: keep its JSON answer.
        if original_response is not None and original_response.status_code == 429:
            return original_response
        from portal.api import error_body

        response = JsonResponse(error_body("throttled", lockout_message()), status=429)
        response["Retry-After"] = str(cooloff_minutes() * 60)
        return response
    return render(
        request,
        "registration/lockout.html",
        {"message": lockout_message(), "minutes": cooloff_minutes()},
        status=429,
    )
