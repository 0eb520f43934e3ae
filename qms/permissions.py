"""Who may see and do what with a QMS programme: every rule, in this module.

- A programme (its policy, processes, documents, committee, votes,
  comments, audits and findings, history) is seen by its organisation's
  people, its committee, the leader, the deputy leaders, the auditors and
  the secretariat (``can_see_programme`` and its twin
  ``visible_programmes``).
- Certificates and their status are public (the register); a programme's
  state is shown to the public on its organisation's page.
- The organisation's representatives run their programme; the leader or a
  deputy leader appoints the expert committee and records the decisions;
  committee members comment and vote; auditors, the secretariat and the
  leader record external audits and findings.

Rules answer with ``standards.permissions.Decision`` (the portal's one
shape of refusal: ``not_found``, ``forbidden`` or ``conflict``).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from committees.selectors import user_roles
from standards.permissions import ALLOWED, Decision, require  # noqa: F401

# The states (literal values, so that this module does not import the
# models that import it).
DEVELOPING = "developing"
PROCESSES_IDENTIFIED = "processes_identified"
DOCUMENTED = "documented"
EXPERT_APPROVAL = "expert_approval"
EXTERNAL_AUDIT = "external_audit"
CERTIFIED = "certified"
SUSPENDED = "suspended"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"
PREPARING = (DEVELOPING, PROCESSES_IDENTIFIED, DOCUMENTED)
AUDITABLE = (EXTERNAL_AUDIT, CERTIFIED, SUSPENDED)


def _refuse(code: str, message) -> Decision:
    return Decision(False, code, str(message))


def _programmes():
    from .models import Programme

    return Programme.objects.all()


# --- who someone is ----------------------------------------------------------


def is_leader(programme, user) -> bool:
    return user_roles(user).leader


def is_leader_or_deputy(programme, user) -> bool:
    """The leader or a deputy leader (of any field: the QMS is the working
    group's, not a field's)."""
    roles = user_roles(user)
    return roles.leader or roles.is_deputy


def is_representative(programme, user) -> bool:
    """A member representative of the programme's organisation."""
    return programme.organisation_id in user_roles(user).representative_organisation_ids


def is_organisation_member(programme, user) -> bool:
    return programme.organisation_id in user_roles(user).organisation_ids


def is_committee_member(programme, user) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(programme, "_prefetched_objects_cache", {})
    if "committee" in cache:
        return any(m.expert_id == user.pk for m in cache["committee"])
    return programme.committee.filter(expert=user).exists()


def records_audits(programme, user) -> bool:
    """Auditors, and the secretariat or the leader recording an external
    audit body's work."""
    roles = user_roles(user)
    return roles.auditor or roles.secretariat or roles.leader


def nobody(programme, user) -> bool:
    """A transition the portal takes itself (expiry), never a person."""
    return False


# --- seeing ------------------------------------------------------------------


def _sees_every_programme(user) -> bool:
    roles = user_roles(user)
    return roles.sees_every_draft or roles.is_deputy


def can_see_programme(programme, user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        _sees_every_programme(user)
        or is_organisation_member(programme, user)
        or is_committee_member(programme, user)
    )


def visible_programmes(user) -> QuerySet:
    """Twin of ``can_see_programme``."""
    qs = _programmes()
    if not user.is_authenticated:
        return qs.none()
    if _sees_every_programme(user):
        return qs
    from .models import CommitteeMember

    member = CommitteeMember.objects.filter(programme=OuterRef("pk"), expert=user)
    own = Q(organisation_id__in=user_roles(user).organisation_ids)
    return qs.filter(own | Exists(member))


def programme_audience(programme) -> QuerySet:
    """The users who see ``programme`` (who may be told of it)."""
    from django.contrib.auth import get_user_model

    from committees.models import Role

    roles = Role.objects.current().filter(person__user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(
            Exists(
                roles.filter(
                    Q(
                        kind__in=[
                            Role.Kind.LEADER,
                            Role.Kind.AUDITOR,
                            Role.Kind.SECRETARIAT,
                            Role.Kind.DEPUTY_LEADER,
                        ]
                    )
                    | Q(organisation_id=programme.organisation_id)
                )
            )
            | Q(person__organisation_id=programme.organisation_id)
            | Q(qms_committees__programme=programme)
        )
        .distinct()
    )


# --- doing: the state machine ---------------------------------------------------

TRANSITION_RIGHTS = {
    "declare_policy": is_representative,
    "complete_processes": is_representative,
    "submit_for_approval": is_representative,
    "request_changes": is_leader_or_deputy,
    "approve": is_leader_or_deputy,
    "certify": is_leader_or_deputy,
    "suspend": is_leader_or_deputy,
    "reinstate": is_leader_or_deputy,
    "withdraw": is_leader,
    "expire": nobody,
    "start_recertification": is_representative,
    "restart": is_representative,
}


def _not_found() -> Decision:
    return _refuse("not_found", _("No such QMS programme."))


def can_take(programme, user, name: str) -> Decision:
    """Whether ``user`` may take transition ``name`` now: unseen (404), the
    state does not allow it (409), not this person's right (403). The
    transition's own conditions are the service's."""
    from django_fsm import can_proceed, has_transition_perm

    if name not in TRANSITION_RIGHTS:
        return _refuse("not_found", _("Unknown transition."))
    if not can_see_programme(programme, user):
        return _not_found()
    method = getattr(programme, name)
    if not can_proceed(method):
        return _refuse(
            "conflict",
            _("This is not possible while the programme is “%(status)s”.")
            % {"status": programme.get_status_display()},
        )
    if not has_transition_perm(method, user):
        return _refuse("forbidden", _("This is not your role in the QMS."))
    return ALLOWED


def transitions_open_to(programme, user) -> list[str]:
    """Twin of ``can_take``: the transitions it allows ``user`` now."""
    from django_fsm import can_proceed, has_transition_perm

    if not can_see_programme(programme, user):
        return []
    return [
        name
        for name in TRANSITION_RIGHTS
        if can_proceed(getattr(programme, name))
        and has_transition_perm(getattr(programme, name), user)
    ]


# --- doing: the work of each step -------------------------------------------------


def _working(programme, user) -> Decision | None:
    if not can_see_programme(programme, user):
        return _not_found()
    return None


def can_start_programme(organisation, user) -> Decision:
    if organisation.pk in user_roles(user).representative_organisation_ids:
        return ALLOWED
    return _refuse(
        "forbidden",
        _("Only a representative of the organisation starts its QMS programme."),
    )


def can_edit(programme, user) -> Decision:
    """Representatives edit the policy, objectives, scope and processes
    until the programme goes to the expert committee."""
    refused = _working(programme, user)
    if refused:
        return refused
    if not is_representative(programme, user):
        return _refuse(
            "forbidden", _("Only the organisation's representatives edit it.")
        )
    if programme.status not in PREPARING:
        return _refuse(
            "conflict",
            _("The programme is not being prepared; it is “%(status)s”.")
            % {"status": programme.get_status_display()},
        )
    return ALLOWED


def can_upload(programme, user) -> Decision:
    """Documents are uploaded once the core processes are identified."""
    decision = can_edit(programme, user)
    if decision and programme.status == DEVELOPING:
        return _refuse(
            "conflict",
            _("Identify the core processes before uploading documents."),
        )
    return decision


def can_appoint(programme, user) -> Decision:
    refused = _working(programme, user)
    if refused:
        return refused
    if not is_leader_or_deputy(programme, user):
        return _refuse(
            "forbidden",
            _("The leader or a deputy leader appoints the expert committee."),
        )
    if programme.status not in (DOCUMENTED, EXPERT_APPROVAL):
        return _refuse(
            "conflict",
            _("The committee is appointed once the QMS is documented."),
        )
    return ALLOWED


def may_serve_on_committee(programme, expert) -> Decision:
    """An appointee holds an expert role and is not of the organisation."""
    roles = user_roles(expert)
    if not roles.expert_field_ids:
        return _refuse("invalid", _("Only experts serve on a QMS committee."))
    if is_organisation_member(programme, expert):
        return _refuse(
            "invalid",
            _("An expert of the organisation cannot judge its own QMS."),
        )
    return ALLOWED


def can_review(programme, user) -> Decision:
    """Committee members vote and comment while approval is under way."""
    refused = _working(programme, user)
    if refused:
        return refused
    if not is_committee_member(programme, user):
        return _refuse(
            "forbidden", _("Only members of the expert committee vote and comment.")
        )
    if programme.status != EXPERT_APPROVAL:
        return _refuse("conflict", _("The committee is not reviewing this QMS now."))
    return ALLOWED


def can_resolve_concern(concern, user) -> Decision:
    refused = _working(concern.programme, user)
    if refused:
        return refused
    if concern.author_id != user.pk and not user_roles(user).leader:
        return _refuse(
            "forbidden",
            _("The expert who raised a concern, or the leader, resolves it."),
        )
    if concern.resolved_at is not None:
        return _refuse("conflict", _("This comment is resolved already."))
    return ALLOWED


def can_record_audit(programme, user) -> Decision:
    refused = _working(programme, user)
    if refused:
        return refused
    if not records_audits(programme, user):
        return _refuse(
            "forbidden",
            _("Auditors, the secretariat or the leader record external audits."),
        )
    if programme.status not in AUDITABLE:
        return _refuse(
            "conflict",
            _("External audits are recorded once the committee has approved."),
        )
    return ALLOWED


def can_see_pipeline(user) -> bool:
    """The list of all programmes is for those who see every programme."""
    return user.is_authenticated and _sees_every_programme(user)
