"""The vocabulary of a standard's history: one registry of every action.

Each action has its label (history pages, the API, PDFs, admin, the
procedures page), the sentence a notification uses ("Eva Expert commented on “X”."),
and whether it belongs to the public record or to the working material
(``standards.permissions`` decides who sees which). Nothing else lists them.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy

_ = gettext_lazy


class Action(models.TextChoices):
    CREATED = "created", _("Draft created")
    EDITED = "edited", _("Details edited")
    VERSION_UPLOADED = "version_uploaded", _("Version uploaded")
    EXPERTS_ASSIGNED = "experts_assigned", _("Experts assigned")
    COMMENT_ADDED = "comment_added", _("Expert comment")
    COMMENT_ANSWERED = "comment_answered", _("Comment answered")
    COMMENT_RESOLVED = "comment_resolved", _("Blocking comment resolved")
    RECOMMENDATION_GIVEN = "recommendation_given", _("Recommendation given")
    RECOMMENDATION_CONFIRMED = (
        "recommendation_confirmed",
        _("Recommendation confirmed on a new version"),
    )
    SUBMIT = "submit", _("Submit for expert review")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    ADVANCE_TO_AUDIT = "advance_to_audit", _("Advance to audit")
    FAIL_AUDIT = "fail_audit", _("Fail the audit")
    CERTIFY = "certify", _("Certify")
    PUBLISH = "publish", _("Publish")
    START_RENEWAL = "start_renewal", _("Start renewal")
    REAFFIRM = "reaffirm", _("Reaffirm")
    ABOLISH = "abolish", _("Abolish")


@dataclass(frozen=True)
class ActionInfo:
    # What a notification says: one sentence, the actor first, e.g.
    # "Eva Expert commented on “X”." (``who`` and ``standard`` are filled in).
    sentence: str
    public: bool = False
    # The label a reader of the public record sees (past tense); the
    # working page uses ``Action.label``.
    public_label: str = ""


ACTIONS: dict[str, ActionInfo] = {
    Action.CREATED: ActionInfo(_("%(who)s created the draft “%(standard)s”.")),
    Action.EDITED: ActionInfo(_("%(who)s edited the details of “%(standard)s”.")),
    Action.VERSION_UPLOADED: ActionInfo(
        _("%(who)s uploaded a new version of “%(standard)s”.")
    ),
    Action.EXPERTS_ASSIGNED: ActionInfo(
        _("%(who)s assigned experts to “%(standard)s”.")
    ),
    Action.COMMENT_ADDED: ActionInfo(_("%(who)s commented on “%(standard)s”.")),
    Action.COMMENT_ANSWERED: ActionInfo(
        _("%(who)s answered an expert comment on “%(standard)s”.")
    ),
    Action.COMMENT_RESOLVED: ActionInfo(
        _("%(who)s resolved a blocking comment on “%(standard)s”.")
    ),
    Action.RECOMMENDATION_GIVEN: ActionInfo(
        _("%(who)s gave an expert recommendation on “%(standard)s”.")
    ),
    Action.RECOMMENDATION_CONFIRMED: ActionInfo(
        _(
            "%(who)s confirmed their recommendation on the new version of "
            "“%(standard)s”."
        )
    ),
    Action.SUBMIT: ActionInfo(_("%(who)s submitted “%(standard)s” for expert review.")),
    Action.REQUEST_CHANGES: ActionInfo(
        _("%(who)s returned “%(standard)s” with changes requested.")
    ),
    Action.ADVANCE_TO_AUDIT: ActionInfo(_("%(who)s advanced “%(standard)s” to audit.")),
    Action.FAIL_AUDIT: ActionInfo(
        _("%(who)s returned “%(standard)s” after a failed audit.")
    ),
    Action.CERTIFY: ActionInfo(_("%(who)s certified “%(standard)s”.")),
    Action.PUBLISH: ActionInfo(
        _("%(who)s published “%(standard)s”."),
        public=True,
        public_label=pgettext_lazy("history", "Published"),
    ),
    Action.START_RENEWAL: ActionInfo(
        _("%(who)s started the renewal of “%(standard)s”."),
        public=True,
        public_label=pgettext_lazy("history", "Renewal started"),
    ),
    Action.REAFFIRM: ActionInfo(
        _("%(who)s reaffirmed “%(standard)s”."),
        public=True,
        public_label=pgettext_lazy("history", "Reaffirmed"),
    ),
    Action.ABOLISH: ActionInfo(
        _("%(who)s abolished “%(standard)s”."),
        public=True,
        public_label=pgettext_lazy("history", "Abolished"),
    ),
}

del _

PUBLIC_ACTIONS = tuple(name for name, info in ACTIONS.items() if info.public)


def is_public_action(action: str) -> bool:
    info = ACTIONS.get(action)
    return bool(info and info.public)


def action_label(action: str) -> str:
    """The action's label; an unknown one (never written by this code) is
    shown as its own words rather than failing a page."""
    try:
        return str(Action(action).label)
    except ValueError:
        return action.replace("_", " ").capitalize()


def action_sentence(action: str):
    """The notification sentence of ``action`` (None for an unknown one)."""
    info = ACTIONS.get(action)
    return info.sentence if info else None


def public_action_label(action: str) -> str:
    info = ACTIONS.get(action)
    if info and info.public_label:
        return str(info.public_label)
    return action_label(action)
