"""The history entry every action writes, and the hooks that act on it.

Other apps register their hooks here when they start (``notifications`` and
``catalogue`` in their ``AppConfig.ready``), which keeps the services free of
any knowledge of notifications, search or PDFs. The code that runs the hooks
reads the lists from this module, so a test that replaces one patches this
module (``monkeypatch.setattr(services.history, "edition_published_hooks", [])``).
"""

from collections.abc import Callable

from ..models import HistoryEntry, Standard

# Hooks run inside the action's transaction after its history entry is
# written (for example, to write notification rows into an outbox). Each is
# called as ``hook(entry)``.
history_hooks: list[Callable[[HistoryEntry], None]] = []
# Called with the new edition's id once the publishing transaction commits.
edition_published_hooks: list[Callable[[int], None]] = []
# Called with the audit's id once a certification commits.
audit_certified_hooks: list[Callable[[int], None]] = []


def history_record(
    *,
    standard: Standard,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
) -> HistoryEntry:
    """Record that ``actor`` did ``action`` (an anonymous actor is recorded
    as none), then run the history hooks in the same transaction."""
    entry = HistoryEntry.objects.create(
        standard=standard,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )
    for hook in history_hooks:
        hook(entry)
    return entry
