"""The vocabulary of a standard's history: one registry of every action.

Each action has its label (history pages, the API, PDFs, admin, the
procedures page), the phrase a notification uses ("“X” was <phrase> by Y."),
and whether it belongs to the public record or to the working material
(``standards.permissions`` decides who sees which). Nothing else lists them.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    phrase: str
    public: bool = False
    # The label a reader of the public record sees (past tense); the
    # working page uses ``Action.label``.
    public_label: str = ""


_ = pgettext_lazy  # phrases complete "“X” was … by Y."

ACTIONS: dict[str, ActionInfo] = {
    Action.CREATED: ActionInfo(_("notification", "created")),
    Action.EDITED: ActionInfo(_("notification", "edited")),
    Action.VERSION_UPLOADED: ActionInfo(_("notification", "given a new version")),
    Action.EXPERTS_ASSIGNED: ActionInfo(_("notification", "given experts")),
    Action.COMMENT_ADDED: ActionInfo(_("notification", "commented on by an expert")),
    Action.COMMENT_ANSWERED: ActionInfo(_("notification", "answered by its authors")),
    Action.COMMENT_RESOLVED: ActionInfo(
        _("notification", "had a blocking comment resolved")
    ),
    Action.RECOMMENDATION_GIVEN: ActionInfo(
        _("notification", "given an expert recommendation")
    ),
    Action.RECOMMENDATION_CONFIRMED: ActionInfo(
        _("notification", "given an expert recommendation")
    ),
    Action.SUBMIT: ActionInfo(_("notification", "submitted for expert review")),
    Action.REQUEST_CHANGES: ActionInfo(
        _("notification", "returned with changes requested")
    ),
    Action.ADVANCE_TO_AUDIT: ActionInfo(_("notification", "advanced to audit")),
    Action.FAIL_AUDIT: ActionInfo(_("notification", "returned after a failed audit")),
    Action.CERTIFY: ActionInfo(_("notification", "certified")),
    Action.PUBLISH: ActionInfo(
        _("notification", "published"),
        public=True,
        public_label=_("history", "Published"),
    ),
    Action.START_RENEWAL: ActionInfo(
        _("notification", "opened for renewal"),
        public=True,
        public_label=_("history", "Renewal started"),
    ),
    Action.REAFFIRM: ActionInfo(
        _("notification", "reaffirmed"),
        public=True,
        public_label=_("history", "Reaffirmed"),
    ),
    Action.ABOLISH: ActionInfo(
        _("notification", "abolished"),
        public=True,
        public_label=_("history", "Abolished"),
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


def action_phrase(action: str) -> str:
    info = ACTIONS.get(action)
    return str(info.phrase) if info else action.replace("_", " ")


def public_action_label(action: str) -> str:
    info = ACTIONS.get(action)
    if info and info.public_label:
        return str(info.public_label)
    return action_label(action)
