"""Who may see and do what with a meeting: every rule, in this one module.

- Everyone reads a meeting's public record: its title, times, state, agenda,
  the documents attached to its agenda, and, once its minutes are approved,
  the minutes, decisions, action items and attendance.
- **Members** of the working group (anyone with a person in it) also see the
  place and online link, and minutes that are still a draft.
- The **secretariat** and the **leader** plan meetings and run them; the
  **chair** of a meeting runs that one (agenda, attendance, minutes,
  decisions and actions).
- Minutes are approved by the **leader**, or recorded by whoever runs the
  meeting as approved at a later meeting (that meeting named).

Each rule answers with a ``Decision`` (``standards.permissions``): a page
hides a form, a service refuses with the same words and code.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from standards.permissions import ALLOWED, Decision, require  # noqa: F401

from .selectors import user_roles

PLANNED = "planned"
HELD = "held"
MINUTES_DRAFT = "minutes_draft"
MINUTES_APPROVED = "minutes_approved"
CANCELLED = "cancelled"


def _refuse(code: str, message) -> Decision:
    return Decision(False, code, str(message))


# --- who someone is -------------------------------------------------------------


def is_member(user) -> bool:
    """A person of the working group (any role, or none yet)."""
    return user_roles(user).person_id is not None


def is_organiser(user) -> bool:
    """The secretariat or the leader: they plan every meeting."""
    roles = user_roles(user)
    return roles.leader or roles.secretariat


def is_chair(meeting, user) -> bool:
    person_id = user_roles(user).person_id
    return person_id is not None and meeting.chair_id == person_id


def runs_meeting(meeting, user) -> bool:
    """The secretariat, the leader, or the meeting's chair."""
    return is_organiser(user) or is_chair(meeting, user)


def is_leader(meeting, user) -> bool:
    return user_roles(user).leader


# --- seeing ---------------------------------------------------------------------


def can_see_place(meeting, user) -> bool:
    """The place and online link are for members only."""
    return is_member(user)


def can_see_minutes(meeting, user) -> bool:
    """Approved minutes are public; a draft stays with the members."""
    return meeting.status == MINUTES_APPROVED or is_member(user)


def can_see_documents(meeting, user) -> bool:
    """The documents of a meeting's agenda are public, as meeting materials
    are at the IETF or W3C: they are what the public record discusses."""
    return True


def can_see_minutes_pdf(meeting, user) -> bool:
    """The PDF is made of approved minutes only, which are public."""
    return meeting.status == MINUTES_APPROVED


def minutes_visible_meetings(user, queryset: QuerySet) -> QuerySet:
    """The twin of ``can_see_minutes``: the meetings whose minutes ``user``
    may read."""
    if is_member(user):
        return queryset
    return queryset.filter(status=MINUTES_APPROVED)


def approved_minutes_q() -> Q:
    return Q(status=MINUTES_APPROVED)


# --- doing ----------------------------------------------------------------------


def can_plan(user) -> Decision:
    if not user.is_authenticated:
        return _refuse("forbidden", _("Sign in to plan a meeting."))
    if not is_organiser(user):
        return _refuse(
            "forbidden", _("Only the secretariat or the leader plan meetings.")
        )
    return ALLOWED


def can_run(meeting, user) -> Decision:
    """Edit the meeting, its agenda, attendance, minutes, decisions and
    actions (the state decides which of these are open)."""
    if not runs_meeting(meeting, user):
        return _refuse(
            "forbidden",
            _("Only the secretariat, the leader or the chair run this meeting."),
        )
    return ALLOWED


def can_edit_details(meeting, user) -> Decision:
    decision = can_run(meeting, user)
    if not decision:
        return decision
    if meeting.status != PLANNED:
        return _refuse(
            "conflict", _("Only a planned meeting's time and place can change.")
        )
    return ALLOWED


def can_edit_agenda(meeting, user) -> Decision:
    decision = can_run(meeting, user)
    if not decision:
        return decision
    if meeting.status not in (PLANNED, HELD):
        return _refuse(
            "conflict",
            _("The agenda is closed once the minutes are written."),
        )
    return ALLOWED


def can_record(meeting, user) -> Decision:
    """Attendance, minutes, decisions and actions: after the meeting is
    held and until its minutes are approved."""
    decision = can_run(meeting, user)
    if not decision:
        return decision
    if meeting.status not in (HELD, MINUTES_DRAFT):
        if meeting.status == MINUTES_APPROVED:
            return _refuse(
                "conflict", _("The minutes are approved and can no longer change.")
            )
        return _refuse(
            "conflict", _("Minutes are recorded once the meeting has been held.")
        )
    return ALLOWED


def can_update_action(action, user) -> Decision:
    """The owner of an action, or whoever runs its meeting, sets its status."""
    person_id = user_roles(user).person_id
    if person_id is not None and action.owner_id == person_id:
        return ALLOWED
    return can_run(action.meeting, user)


def can_approve_minutes(meeting, user) -> bool:
    """Whether the page offers the approval form: minutes in draft, and the
    person runs the meeting (``_may_approve``)."""
    return meeting.status == MINUTES_DRAFT and _may_approve(meeting, user)


# The rights of the state machine's transitions (``Meeting``), as
# django-fsm asks them (``has_transition_perm``).
def _may_run(meeting, user) -> bool:
    return runs_meeting(meeting, user)


def _may_approve(meeting, user) -> bool:
    # The leader approves; whoever runs the meeting may record an approval
    # given at a later meeting (the service requires that meeting).
    return runs_meeting(meeting, user)


TRANSITION_RIGHTS = {
    "hold": _may_run,
    "start_minutes": _may_run,
    "approve_minutes": _may_approve,
    "cancel": _may_run,
}
