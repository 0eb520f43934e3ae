"""Every action on a QMS programme: one function each, in one transaction,
checking the rule of ``qms.permissions``, writing a history entry, and
writing notification rows into the outbox (sent after commit).

- ``common``: locking, input checks, history, the transaction;
- ``work``: the work of each step (policy, processes, documents, committee,
  votes and comments, audits and findings);
- ``lifecycle``: the transitions, their conditions and consequences;
- ``surveillance``: the daily reminders, suspensions and expiries.
"""

from .common import committee_tally, history_record, plus_years
from .lifecycle import (
    CERTIFICATE_YEARS,
    COMMENT_REQUIRED,
    TRANSITION_LABELS,
    current_certificate,
    programme_transition,
    transition_refusal,
)
from .surveillance import qms_daily
from .work import (
    audit_complete,
    audit_schedule,
    committee_appoint,
    concern_raise,
    concern_resolve,
    document_upload,
    finding_add,
    finding_close,
    process_add,
    process_remove,
    programme_start,
    programme_update,
    vote_cast,
)

__all__ = [
    "CERTIFICATE_YEARS",
    "COMMENT_REQUIRED",
    "TRANSITION_LABELS",
    "audit_complete",
    "audit_schedule",
    "committee_appoint",
    "committee_tally",
    "concern_raise",
    "concern_resolve",
    "current_certificate",
    "document_upload",
    "finding_add",
    "finding_close",
    "history_record",
    "plus_years",
    "process_add",
    "process_remove",
    "programme_start",
    "programme_transition",
    "programme_update",
    "qms_daily",
    "transition_refusal",
    "vote_cast",
]
