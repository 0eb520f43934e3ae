"""Reads of the public record from a read replica, when there is one.

``DATABASE_REPLICA_URL`` declares the replica (alias ``replica``, see
portal.settings). It serves what the public reads: safe requests (GET, HEAD)
of visitors who are not signed in, which ``ReplicaReadsMiddleware`` marks,
and any code run inside ``public_reads()``. Everything else reads the
primary, and every write goes to the primary, so a person who just changed
something never reads it back from a replica that lags behind.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

_public_reads: ContextVar[bool] = ContextVar("portal_public_reads", default=False)


def replica_enabled() -> bool:
    return settings.PORTAL_REPLICA_READS and REPLICA in settings.DATABASES


@contextmanager
def public_reads():
    """Reads in this block may come from the replica (when one is set)."""
    token = _public_reads.set(True)
    try:
        yield
    finally:
        _public_reads.reset(token)


class ReplicaRouter:
    """Reads go to the replica inside ``public_reads()``; all else to the
    primary (``default``), where the migrations run too."""

    def db_for_read(self, model, **hints):
        if _public_reads.get() and replica_enabled():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None  # the primary

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects read from either are
        # the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


class ReplicaReadsMiddleware:
    """A safe request of a visitor who is not signed in reads the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method in ("GET", "HEAD")
            and replica_enabled()
            and not (user is not None and user.is_authenticated)
        ):
            with public_reads():
                return self.get_response(request)
        return self.get_response(request)
