"""Every action that changes a standard: one function per action, each in one
transaction, each checking who may do it and recording history.

Refusals raise ``portal.errors.ApplicationError``: ``not_found`` when the actor
may not even see the draft (a 404, so its existence is not revealed),
``forbidden`` when they see it but may not act, ``conflict`` when the state
does not allow the action or changed meanwhile, ``invalid`` for bad input.

The rooms:

- ``drafts``: open a draft, edit or correct its details, upload a version;
- ``feedback``: assign experts, their comments and the authors' answers,
  recommendations and their confirmation on a newer version;
- ``lifecycle``: the transitions of the lifecycle table, their conditions
  and what each one does after it is taken (audits, editions, abolition);
- ``history``: the history entry every action writes, and the hooks other
  apps register to act on it;
- ``numbering``: the numbers of standards and certificates;
- ``common``: locking a standard for an action, and checking input.

Entry points (called by a view, the API or a task, never inside another
transaction) run in ``transaction.atomic(durable=True)``, so their
``on_commit`` side effects follow the real commit. The others are also
called inside a transaction of their caller (the sample drafts of
``standards.demo`` are loaded in one; the admin saves its form in one), so
they are plain ``transaction.atomic``.

Hooks are registered on, and read from, ``standards.services.history``
(``services.history_hooks`` and its siblings are the same lists, for
appending; a test that replaces a list patches ``services.history``).
"""

from .common import current_version
from .drafts import standard_correct, standard_create, standard_update, version_create
from .feedback import (
    comment_answer,
    comment_create,
    comment_resolve,
    experts_assign,
    recommendation_confirm,
    recommendation_give,
)
from .history import (
    audit_certified_hooks,
    edition_published_hooks,
    history_hooks,
    history_record,
)
from .lifecycle import (
    COMMENT_REQUIRED,
    TRANSITIONS,
    available_transitions,
    standard_publish,
    standard_submit,
    standard_transition,
)

__all__ = [
    "COMMENT_REQUIRED",
    "TRANSITIONS",
    "audit_certified_hooks",
    "available_transitions",
    "comment_answer",
    "comment_create",
    "comment_resolve",
    "current_version",
    "edition_published_hooks",
    "experts_assign",
    "history_hooks",
    "history_record",
    "recommendation_confirm",
    "recommendation_give",
    "standard_correct",
    "standard_create",
    "standard_publish",
    "standard_submit",
    "standard_transition",
    "standard_update",
    "version_create",
]
