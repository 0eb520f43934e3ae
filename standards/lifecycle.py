"""The lifecycle of a standard, described from the state machine itself.

The states and transitions come from ``Standard.status`` (django-fsm), the
labels from ``standards.actions``, who may take each transition from
``standards.permissions.TRANSITION_RIGHTS``; only the words that explain a
state or a condition are written here. The procedures page shows it (and an
API can), so the description cannot drift from what is enforced.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import permissions
from .actions import Action
from .models import TRANSITION_NAMES, Standard, Status

STATE_DESCRIPTIONS = {
    Status.DRAFT: _("The draft is written and revised by its authors."),
    Status.EXPERT_REVIEW: _(
        "Assigned experts comment on the current version and recommend."
    ),
    Status.AUDIT: _("An auditor checks the reviewed draft."),
    Status.CERTIFIED: _("The audit passed; awaiting publication."),
    Status.PUBLISHED: _("In force as a numbered edition, reviewed periodically."),
    Status.ABOLISHED: _("Withdrawn; optionally replaced by another."),
}

# Who holds each right of TRANSITION_RIGHTS, in words.
RIGHT_HOLDERS = {
    permissions.is_organisation_representative: _(
        "A member representative of the submitting organisation"
    ),
    permissions.is_deputy_or_leader: _(
        "A deputy leader of the draft's field (or its parent field), the leader"
    ),
    permissions.is_auditor_or_leader: _("An auditor, the leader"),
    permissions.is_leader: _("The leader"),
}

# The same holders as role codes (``committees.models.Role.Kind``), for the
# API's description of the lifecycle.
RIGHT_ROLES = {
    permissions.is_organisation_representative: ("member_representative",),
    permissions.is_deputy_or_leader: ("deputy_leader", "leader"),
    permissions.is_auditor_or_leader: ("auditor", "leader"),
    permissions.is_leader: ("leader",),
}


@dataclass(frozen=True)
class Check:
    """One condition of a transition: a stable code for programs, words for
    people. ``standards.services.lifecycle.CONDITION_TESTS`` holds the test of
    each code, and a transition checks exactly the ones listed here, in this
    order; a refusal carries the code (``ApplicationError.condition``).
    ``typed``: a condition on what the person acting types with the
    transition (a comment, a replacement), not on the draft."""

    code: str
    text: str
    typed: bool = False


# The conditions of each transition, one by one, in the order they are
# checked (the summary for people is CONDITIONS below).
CHECKS = {
    "submit": (
        Check("version_required", _("The draft has at least one version.")),
        Check(
            "new_version_after_failed_audit",
            _("After a failed audit, a new version has been uploaded."),
        ),
        Check("title_and_scope_required", _("Title and scope are set.")),
    ),
    "request_changes": (
        Check(
            "comment_required",
            _("A comment says which changes are requested."),
            typed=True,
        ),
    ),
    "advance_to_audit": (
        Check(
            "enough_recommendations",
            _(
                "At least MIN_EXPERT_REVIEWS expert recommendations on the "
                "current version."
            ),
        ),
        Check("no_rejection", _("No expert recommends rejecting it.")),
        Check("comments_answered", _("Every expert comment is answered.")),
        Check(
            "accepted_comments_revised",
            _("Each accepted blocking comment is revised in a newer version."),
        ),
        Check(
            "blocking_comments_resolved",
            _("Every blocking comment is resolved by its expert."),
        ),
    ),
    "fail_audit": (
        Check("comment_required", _("The audit's findings are given."), typed=True),
    ),
    "abolish": (
        Check("comment_required", _("A reason is given."), typed=True),
        Check(
            "replacement_published",
            _("A replacing standard, if named, is another published standard."),
            typed=True,
        ),
    ),
}

CONDITIONS = {
    "submit": _(
        "At least one version; title, scope and field set. After a failed "
        "audit, a new version."
    ),
    "request_changes": _("A comment is required."),
    "advance_to_audit": _(
        "Enough expert recommendations on the current version (older ones "
        "count once confirmed on it), none to reject, every comment answered, "
        "every blocking comment resolved, and each accepted one revised in a "
        "newer version."
    ),
    "fail_audit": _("Findings are required."),
    "publish": _(
        "Assigns the number at first publication, creates an edition with its "
        "PDF and sets the date of the next review."
    ),
    "start_renewal": _(
        "The edition in force stays public until the next edition is published."
    ),
    "reaffirm": _(
        "A systematic review confirms the standard; the review date moves on."
    ),
    "abolish": _("A reason is required; optionally the standard that replaces it."),
}


@dataclass(frozen=True)
class TransitionInfo:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    who: str
    condition: str | None
    roles: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()

    @property
    def from_any(self) -> bool:
        """From every state but its target (``abolish``)."""
        return set(self.sources) == set(Status.values) - {self.target}


def states() -> list[tuple[str, str, str]]:
    """(code, label, description) of each state, in the lifecycle's order."""
    return [(code, label, STATE_DESCRIPTIONS[code]) for code, label in Status.choices]


def transitions() -> list[TransitionInfo]:
    """Each transition of the state machine, in the rules' order."""
    field = Standard._meta.get_field("status")
    sources: dict[str, list[str]] = {name: [] for name in TRANSITION_NAMES}
    targets: dict[str, str] = {}
    for transition in field.get_all_transitions(Standard):
        sources[transition.name].append(transition.source)
        targets[transition.name] = transition.target
    order = {code: index for index, code in enumerate(Status.values)}
    return [
        TransitionInfo(
            name=name,
            label=Action(name).label,
            sources=tuple(sorted(sources[name], key=order.__getitem__)),
            target=targets[name],
            who=RIGHT_HOLDERS[permissions.TRANSITION_RIGHTS[name]],
            condition=CONDITIONS.get(name),
            roles=RIGHT_ROLES[permissions.TRANSITION_RIGHTS[name]],
            checks=CHECKS.get(name, ()),
        )
        for name in TRANSITION_NAMES
    ]
