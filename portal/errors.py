"""The one domain error of the portal, carried to HTTP in one place each for
the web (portal.middleware) and the API (the DRF exception handler)."""

from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

# What a caller reads when another write held the database (SQLite allows
# one writer at a time; a request waits for it, then gives up).
BUSY_MESSAGE = _(
    "The portal is busy with another change; nothing was saved. Try again in a moment."
)


def is_database_busy(exc: BaseException) -> bool:
    """A write that waited for another's lock and gave up (SQLite's
    "database is locked"): the caller may simply try again."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


class ApplicationError(Exception):
    """A rule of the working group refused an action.

    ``code`` says which kind of refusal it is, and so which HTTP status it
    becomes: ``conflict`` (409: wrong state, or changed meanwhile), ``forbidden``
    (403), ``not_found`` (404), ``invalid`` (400), ``too_large`` (413),
    ``unsupported_type`` (415), ``already_in_state`` (409: a transition to
    the state the standard is in), ``precondition_failed`` (412: a stale
    ``If-Match``), ``precondition_required`` (428: ``If-Match`` missing).
    ``condition``: when a condition of a lifecycle transition refused it, that
    condition's code (``standards.lifecycle.CHECKS``).
    """

    status_by_code = {
        "conflict": 409,
        "forbidden": 403,
        "not_found": 404,
        "invalid": 400,
        "too_large": 413,
        "unsupported_type": 415,
        "already_in_state": 409,
        "precondition_failed": 412,
        "precondition_required": 428,
    }

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.condition: str | None = None

    @property
    def status(self) -> int:
        return self.status_by_code.get(self.code, 400)


class Conflict(ApplicationError):
    def __init__(self, message=None, *, field=None):
        super().__init__(
            message or _("The draft changed meanwhile; reload and try again."),
            code="conflict",
            field=field,
        )


class Forbidden(ApplicationError):
    def __init__(self, message=None):
        super().__init__(
            message or _("You are not allowed to do this."), code="forbidden"
        )
