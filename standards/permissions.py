"""Who may see and do what with a standard: every rule, in this one module.

Read this file to answer "who may see or do X". Each rule is a predicate of
a standard and a user; where a list needs the same rule, its QuerySet twin
sits beside it, and a test checks that the twins agree on every role and
state (tests/standards/test_permissions.py). Services raise with these rules;
pages, the API, admin, search, feeds, the sitemap, notification recipients and
PDFs ask them what to show. Nothing else re-derives them.

DESIGN.md's terms:

- The **public record** of a standard (its editions, their text and PDFs, its
  number, the in-force edition's title and scope, field, organisation,
  authors, replaces / replaced by, public status and the public history
  actions) is public once the standard has an edition.
- Its **working material** (versions and their files, comments and answers,
  recommendations, expert assignments, audits and findings, certificates of
  unpublished work, every other history entry) is seen by the **draft
  audience** only, during a renewal too: the submitting organisation's
  people, the deputy leaders of the field (or of its parent field), the
  assigned experts, auditors, the secretariat and the leader.

Actions answer with a ``Decision``: true when allowed, else false with the
reason and the HTTP-like code of the refusal (``not_found`` when the person
may not see the draft at all, ``forbidden`` when it is not their role,
``conflict`` when the state does not allow it now), so a page can hide a form
and a service can refuse with the same words.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from committees.selectors import user_roles

# The states of a draft cycle, first drafting or renewal (literal values, so
# that this module does not import the models that import it).
DRAFT = "draft"
EXPERT_REVIEW = "expert_review"
AUDIT = "audit"
CERTIFIED = "certified"
PUBLISHED = "published"
ABOLISHED = "abolished"
DRAFT_CYCLE = (DRAFT, EXPERT_REVIEW, AUDIT, CERTIFIED)


@dataclass(frozen=True)
class Decision:
    """The answer of a rule: ``bool(decision)`` says whether it is allowed;
    a refusal carries its reason and code."""

    allowed: bool
    code: str = ""
    message: str = ""
    # The lifecycle condition not met (``standards.lifecycle.CHECKS``), if
    # that is the reason.
    condition: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def require(decision: Decision) -> None:
    """Raise a refusal as the portal's one domain error (404, 403 or 409)."""
    if not decision:
        from portal.errors import ApplicationError

        raise ApplicationError(decision.message, code=decision.code)


def _refuse(code: str, message) -> Decision:
    return Decision(False, code, str(message))


def _standards():
    from .models import Standard

    return Standard.objects.all()


# --- who someone is ------------------------------------------------------------


def is_leader(standard, user) -> bool:
    return user_roles(user).leader


def is_field_deputy(standard, user) -> bool:
    """A deputy leader of the standard's field, or of that field's parent
    (``deputy_field_ids`` holds the subfields of a deputy's fields)."""
    return standard.field_id in user_roles(user).deputy_field_ids


def is_deputy_or_leader(standard, user) -> bool:
    return is_leader(standard, user) or is_field_deputy(standard, user)


def is_auditor_or_leader(standard, user) -> bool:
    roles = user_roles(user)
    return roles.leader or roles.auditor


def is_organisation_representative(standard, user) -> bool:
    """A member representative of the submitting organisation: the authors'
    side, who edit, upload, answer and submit."""
    return standard.organisation_id in user_roles(user).representative_organisation_ids


def is_organisation_member(standard, user) -> bool:
    """Works for the submitting organisation or represents it."""
    return standard.organisation_id in user_roles(user).organisation_ids


def is_assigned_expert(standard, user) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(standard, "_prefetched_objects_cache", {})
    if "assignments" in cache:
        return any(a.expert_id == user.pk for a in cache["assignments"])
    return standard.assignments.filter(expert=user).exists()


# --- seeing: the public record -------------------------------------------------


def has_public_record(standard) -> bool:
    """Everyone reads a standard's public record once it has an edition."""
    return standard.has_edition


def public_record_standards() -> QuerySet:
    """Twin of ``has_public_record``."""
    return _standards().public()


# --- seeing: the working material ------------------------------------------------


def can_see_working_material(standard, user) -> bool:
    """The draft audience sees a standard's working material, first drafting
    or renewal alike; nobody else does, whether or not it is published."""
    if not user.is_authenticated:
        return False
    roles = user_roles(user)
    return (
        roles.sees_every_draft
        or standard.field_id in roles.deputy_field_ids
        or is_organisation_member(standard, user)
        or is_assigned_expert(standard, user)
    )


def working_material_audience(user) -> QuerySet:
    """Twin of ``can_see_working_material``: the standards whose working
    material ``user`` sees."""
    qs = _standards()
    if not user.is_authenticated:
        return qs.none()
    roles = user_roles(user)
    if roles.sees_every_draft:
        return qs
    from .models import ExpertAssignment

    assigned = ExpertAssignment.objects.filter(standard=OuterRef("pk"), expert=user)
    return qs.filter(
        Q(organisation_id__in=user_roles(user).organisation_ids)
        | Q(field_id__in=roles.deputy_field_ids)
        | Exists(assigned)
    )


def draft_audience(standard) -> QuerySet:
    """Twin of ``can_see_working_material`` the other way round: the users
    who see ``standard``'s working material (who may be told of it)."""
    from django.contrib.auth import get_user_model

    from committees.models import Role

    roles = Role.objects.current().filter(person__user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(
            Exists(
                roles.filter(
                    Q(kind__in=[Role.Kind.LEADER, Role.Kind.AUDITOR])
                    | Q(kind=Role.Kind.SECRETARIAT)
                    | Q(
                        kind=Role.Kind.DEPUTY_LEADER,
                        field_id__in=_expert_field_ids(standard),
                    )
                    | Q(
                        kind=Role.Kind.MEMBER_REPRESENTATIVE,
                        organisation_id=standard.organisation_id,
                    )
                )
            )
            | Q(person__organisation_id=standard.organisation_id)
            | Q(expert_assignments__standard=standard)
        )
        .distinct()
    )


def can_see_standard(standard, user) -> bool:
    """Something of the standard is visible: its public record or its working
    material. Anything else about it answers 404."""
    return has_public_record(standard) or can_see_working_material(standard, user)


def visible_standards(user) -> QuerySet:
    """Twin of ``can_see_standard``."""
    if not user.is_authenticated:
        return public_record_standards()
    if user_roles(user).sees_every_draft:
        return _standards()
    return _standards().filter(
        Q(has_edition=True) | Q(pk__in=working_material_audience(user).values("pk"))
    )


def title_for(standard, user) -> str:
    """The title ``user`` knows ``standard`` by: the draft's own for its
    audience, else the public record's (the in-force edition's); in the
    active language where the standard has a title in it."""
    from portal.localized import localized

    if not has_public_record(standard) or can_see_working_material(standard, user):
        return localized(standard, "title")
    return localized(standard, "public_title")


def can_see_history_entry(entry, user) -> bool:
    """Public history actions are part of the public record; every other
    entry is working material."""
    from .actions import is_public_action

    if is_public_action(entry.action) and has_public_record(entry.standard):
        return True
    return can_see_working_material(entry.standard, user)


def visible_history(standard, user) -> QuerySet:
    """Twin of ``can_see_history_entry`` for one standard's history."""
    from .actions import PUBLIC_ACTIONS
    from .models import HistoryEntry

    qs = HistoryEntry.objects.filter(standard=standard)
    if can_see_working_material(standard, user):
        return qs
    if has_public_record(standard):
        return qs.filter(action__in=PUBLIC_ACTIONS)
    return qs.none()


def visible_history_entries(user) -> QuerySet:
    """Twin of ``can_see_history_entry`` across every standard (the events
    feed of the API lists the events of these entries)."""
    from .actions import PUBLIC_ACTIONS
    from .models import HistoryEntry

    qs = HistoryEntry.objects.all()
    public = Q(action__in=PUBLIC_ACTIONS, standard__has_edition=True)
    if not user.is_authenticated:
        return qs.filter(public)
    if user_roles(user).sees_every_draft:
        return qs
    return qs.filter(
        public | Q(standard__in=working_material_audience(user).values("pk"))
    )


def can_see_edition(edition, user) -> bool:
    """Editions, their text and PDFs are the public record."""
    return has_public_record(edition.standard)


def public_editions() -> QuerySet:
    """Twin of ``can_see_edition``."""
    from .models import Edition

    return Edition.objects.filter(standard__has_edition=True)


def can_see_certificate(audit, user) -> bool:
    """An audit's certificate is working material until the version it
    certified is published; then it is part of the public record."""
    if can_see_working_material(audit.standard, user):
        return True
    return (
        has_public_record(audit.standard)
        and audit.standard.editions.filter(version_id=audit.version_id).exists()
    )


def visible_certificates(user) -> QuerySet:
    """Twin of ``can_see_certificate``: the certified audits ``user`` sees."""
    from .models import Audit, Edition

    published = Edition.objects.filter(
        standard=OuterRef("standard"), version=OuterRef("version")
    )
    return Audit.objects.filter(outcome="certified").filter(
        Q(standard__in=working_material_audience(user)) | Exists(published)
    )


# --- doing: the authors' side ---------------------------------------------------


def can_create_draft(user) -> Decision:
    """A member representative whose person belongs to an organisation
    creates drafts for the organisation they represent."""
    roles = user_roles(user)
    if not user.is_authenticated or not roles.representative_organisation_ids:
        return _refuse(
            "forbidden",
            _("Only member representatives of a member organisation create drafts."),
        )
    return ALLOWED


def _working(standard, user) -> Decision | None:
    if not can_see_working_material(standard, user):
        return _refuse("not_found", _("No such standard."))
    return None


def can_edit(standard, user) -> Decision:
    """The submitting organisation's representatives edit the title, scope,
    field, work item and authors of a draft (not while it is reviewed)."""
    refused = _working(standard, user)
    if refused is not None:
        return refused
    if not is_organisation_representative(standard, user):
        return _refuse(
            "forbidden",
            _("Only representatives of the submitting organisation edit a draft."),
        )
    if standard.status != DRAFT:
        return _refuse(
            "conflict", _("Only a draft can be edited; this one is under review.")
        )
    return ALLOWED


def can_correct(standard, user) -> Decision:
    """The leader and the secretariat correct a draft's details (in the
    admin) while it is a draft, as its authors may."""
    roles = user_roles(user)
    if not (roles.leader or roles.secretariat):
        return _refuse(
            "forbidden", _("Only the leader and the secretariat correct a draft.")
        )
    if standard.status != DRAFT:
        return _refuse(
            "conflict", _("Only a draft can be edited; this one is under review.")
        )
    return ALLOWED


def can_upload(standard, user) -> Decision:
    """Representatives upload a new version while the draft is drafted or in
    expert review (a revision answering the experts)."""
    refused = _working(standard, user)
    if refused is not None:
        return refused
    if not is_organisation_representative(standard, user):
        return _refuse(
            "forbidden",
            _("Only representatives of the submitting organisation upload versions."),
        )
    if standard.status not in (DRAFT, EXPERT_REVIEW):
        return _refuse(
            "conflict",
            _("New versions are uploaded while drafting or during expert review."),
        )
    return ALLOWED


def can_answer(standard, user) -> Decision:
    """Representatives answer expert comments before the draft goes to audit."""
    refused = _working(standard, user)
    if refused is not None:
        return refused
    if not is_organisation_representative(standard, user):
        return _refuse("forbidden", _("Only the draft's authors answer comments."))
    if standard.status not in (DRAFT, EXPERT_REVIEW):
        return _refuse(
            "conflict", _("Comments are answered before the draft goes to audit.")
        )
    return ALLOWED


# --- doing: the reviewers' side --------------------------------------------------


def can_assign(standard, user) -> Decision:
    """A deputy leader of the field (or the leader) assigns experts before or
    during expert review."""
    refused = _working(standard, user)
    if refused is not None:
        return refused
    if not is_deputy_or_leader(standard, user):
        return _refuse(
            "forbidden", _("Only the field's deputy leaders assign experts.")
        )
    if standard.status not in (DRAFT, EXPERT_REVIEW):
        return _refuse(
            "conflict", _("Experts are assigned before or during expert review.")
        )
    return ALLOWED


def _expert_field_ids(standard) -> list[int]:
    ids = [standard.field_id]
    parent_id = standard.field.parent_id
    if parent_id:
        ids.append(parent_id)
    return ids


def can_be_assigned(standard, expert) -> bool:
    """Experts of the standard's field (or its parent field) with an account
    may review it, unless they work for or represent the submitting
    organisation: nobody reviews their own organisation's draft."""
    return assignable_experts(standard).filter(pk=expert.pk).exists()


def assignable_experts(standard) -> QuerySet:
    """Twin of ``can_be_assigned``: the users who may be assigned."""
    from django.contrib.auth import get_user_model

    from committees.models import Role

    own = Role.objects.current().filter(
        person__user=OuterRef("pk"),
        kind=Role.Kind.MEMBER_REPRESENTATIVE,
        organisation_id=standard.organisation_id,
    )
    expert = Role.objects.current().filter(
        person__user=OuterRef("pk"),
        kind=Role.Kind.EXPERT,
        field_id__in=_expert_field_ids(standard),
    )
    return (
        get_user_model()
        .objects.filter(Exists(expert), is_active=True)
        .exclude(person__organisation_id=standard.organisation_id)
        .exclude(Exists(own))
    )


def can_give_feedback(standard, user) -> Decision:
    """Assigned experts comment and recommend while the draft is in expert
    review."""
    refused = _working(standard, user)
    if refused is not None:
        return refused
    if not is_assigned_expert(standard, user):
        return _refuse(
            "forbidden", _("Only experts assigned to this draft give feedback.")
        )
    if standard.status != EXPERT_REVIEW:
        return _refuse(
            "conflict", _("Feedback is given while the draft is in expert review.")
        )
    return ALLOWED


def can_resolve(comment, standard, user) -> Decision:
    """Only the expert who raised a blocking comment resolves it."""
    refused = _working(standard, user)
    if refused is not None:
        return refused
    if comment.expert_id != user.pk:
        return _refuse(
            "forbidden", _("Only the expert who raised a comment resolves it.")
        )
    if not comment.blocking:
        return _refuse("conflict", _("Only blocking comments are resolved."))
    if comment.resolved_at:
        return _refuse("conflict", _("This comment is resolved already."))
    return ALLOWED


# --- reviews belong to a version ---------------------------------------------------
# DESIGN.md: comments and recommendations are given on a version, and only
# the current (latest) version's review counts toward ``advance_to_audit``.
# A new version may be uploaded during expert review; then:
#
# - a recommendation on an older version no longer counts, a "reject"
#   included, until its expert gives one on the current version or confirms
#   the old one there in one click (``can_confirm_recommendation``);
# - a blocking comment holds the draft until the expert who raised it
#   resolves it, whatever version it was raised on; one the authors answered
#   "accepted" also holds it until a version newer than the one it was
#   raised on exists (the accepted change must be in the text, not only
#   promised; the new version does not resolve it, its expert still does);
# - after a failed audit, the version that failed cannot be resubmitted: a
#   new version is needed first (``audit_requires_new_version``), and the
#   recommendations on the failed one then no longer count.
#
# ``standards.services`` refuses by these rules and ``selectors.whose_turn``
# says what is missing by them.

ACCEPTED = "accepted"
AUDIT_FAILED = "failed"


def current_version_id(standard) -> int | None:
    """The id of the standard's latest version (what reviews count on), from
    the figures a list or page loaded when it has them."""
    if hasattr(standard, "current_version_id"):
        return standard.current_version_id
    return standard.versions.order_by("-number").values_list("pk", flat=True).first()


def recommendation_counts(recommendation, version_id) -> bool:
    """A recommendation counts toward ``advance_to_audit`` only when given
    on the current version (``version_id``)."""
    return version_id is not None and recommendation.version_id == version_id


def counted_recommendations(standard, version_id) -> QuerySet:
    """Twin of ``recommendation_counts``: the recommendations that count."""
    from .models import Recommendation

    return Recommendation.objects.filter(standard=standard, version_id=version_id)


def blocking_open(comment) -> bool:
    """A blocking comment not yet resolved by the expert who raised it."""
    return comment.blocking and comment.resolved_at is None


def awaits_revision(comment, version_id) -> bool:
    """A blocking comment the authors accepted, with no version newer than
    the one it was raised on (``version_id`` is the current version's, so
    "raised on the current version")."""
    return (
        comment.blocking
        and comment.reply == ACCEPTED
        and comment.version_id == version_id
    )


def comments_awaiting_revision(comments: QuerySet, version_id) -> QuerySet:
    """Twin of ``awaits_revision`` on a QuerySet of comments (``version_id``
    may be an ``OuterRef``)."""
    return comments.filter(blocking=True, reply=ACCEPTED, version_id=version_id)


def audit_requires_new_version(latest_audit, version_id) -> bool:
    """The latest audit failed on the current version: the draft is not
    resubmitted until a new version is uploaded."""
    return (
        latest_audit is not None
        and latest_audit.outcome == AUDIT_FAILED
        and latest_audit.version_id == version_id
    )


def _recommendations_of(standard, user) -> list:
    cache = getattr(standard, "_prefetched_objects_cache", {})
    if "recommendations" in cache:
        return [r for r in cache["recommendations"] if r.expert_id == user.pk]
    return list(standard.recommendations.filter(expert=user))


def recommendation_to_confirm(standard, user):
    """The assigned expert's latest recommendation on an older version when
    they have none on the current one (what "confirm" would carry over), or
    None."""
    if not user.is_authenticated:
        return None
    version_id = current_version_id(standard)
    mine = _recommendations_of(standard, user)
    if version_id is None or any(r.version_id == version_id for r in mine):
        return None
    # Recommendations are created in order, on ever newer versions.
    return max(mine, key=lambda r: r.pk, default=None)


def can_confirm_recommendation(standard, user) -> Decision:
    """An assigned expert whose recommendation is on an older version
    confirms it on the current version in one click, while the draft is in
    expert review (the same decision and note, given again)."""
    refused = can_give_feedback(standard, user)
    if not refused:
        return refused
    version_id = current_version_id(standard)
    mine = _recommendations_of(standard, user)
    if any(r.version_id == version_id for r in mine):
        return _refuse(
            "conflict", _("Your recommendation is on the current version already.")
        )
    if not mine:
        return _refuse(
            "conflict",
            _("You have no recommendation on an earlier version to confirm."),
        )
    return ALLOWED


# --- doing: the lifecycle ------------------------------------------------------------
# The state machine on ``Standard`` names these as each transition's
# ``permission``, so ``has_transition_perm`` answers from here.

TRANSITION_RIGHTS = {
    "submit": is_organisation_representative,
    "request_changes": is_deputy_or_leader,
    "advance_to_audit": is_deputy_or_leader,
    "fail_audit": is_auditor_or_leader,
    "certify": is_auditor_or_leader,
    "publish": is_leader,
    "start_renewal": is_deputy_or_leader,
    "reaffirm": is_deputy_or_leader,
    "abolish": is_leader,
}


def can_take(standard, user, name: str) -> Decision:
    """Whether ``user`` may take transition ``name`` now, in the order the
    refusals are told: unseen (404); seen from outside the draft audience
    (403 — every right of the lifecycle belongs to someone in the audience,
    so the draft's internal state is not revealed); the state does not allow
    it (409); not this person's right (403). The transition's own
    conditions (a comment, enough reviews) are the service's."""
    from django_fsm import can_proceed, has_transition_perm

    from .actions import Action

    label = Action(name).label
    if not can_see_standard(standard, user):
        return _refuse("not_found", _("No such standard."))
    forbidden = _refuse(
        "forbidden",
        _("You may not %(transition)s this standard.")
        % {"transition": str(label).lower()},
    )
    if not can_see_working_material(standard, user):
        return forbidden
    method = getattr(standard, name)
    if not can_proceed(method):
        targets = {
            t.target for t in standard.get_all_status_transitions() if t.name == name
        }
        if targets == {standard.status}:
            # A retried request, most likely: its own code, so a client can
            # tell "done already" from "not possible".
            return _refuse(
                "already_in_state",
                _("The standard is already “%(status)s”.")
                % {"status": standard.get_status_display()},
            )
        return _refuse(
            "conflict",
            _("“%(transition)s” is not possible while the standard is “%(status)s”.")
            % {"transition": label, "status": standard.get_status_display()},
        )
    if not has_transition_perm(method, user):
        return forbidden
    return ALLOWED


def transitions_open_to(standard, user) -> list[str]:
    """Twin of ``can_take``: the transitions it allows ``user`` now. The
    state and the rights (the person's roles, read once a request) are asked
    first: a reader with none of them costs no question about the draft
    audience."""
    from django_fsm import can_proceed, has_transition_perm

    names = [
        name
        for name in TRANSITION_RIGHTS
        if can_proceed(getattr(standard, name))
        and has_transition_perm(getattr(standard, name), user)
    ]
    if names and not can_see_working_material(standard, user):
        return []
    return names


def can_see_pipeline(user) -> Decision:
    """The dashboard's whole pipeline is for the leader, the deputy leaders,
    the auditors and the secretariat."""
    roles = user_roles(user)
    if roles.leader or roles.is_deputy or roles.auditor or roles.secretariat:
        return ALLOWED
    return _refuse(
        "forbidden",
        _(
            "The dashboard is for the leader, the deputy leaders, the auditors "
            "and the secretariat."
        ),
    )


# --- notifications -------------------------------------------------------------------


def can_be_told(entry, user) -> bool:
    """A person is told of a history entry only if they may see it."""
    return can_see_history_entry(entry, user)


def told_of(entry, user_ids) -> set[int]:
    """Twin of ``can_be_told``: those of ``user_ids`` who may be told."""
    from .actions import is_public_action

    user_ids = set(user_ids)
    if is_public_action(entry.action) and has_public_record(entry.standard):
        return user_ids
    return set(
        draft_audience(entry.standard)
        .filter(pk__in=user_ids)
        .values_list("pk", flat=True)
    )


# --- why an action is refused now ------------------------------------------------


def transition_refusals(standard, user, name: str) -> list[Decision]:
    """Why ``user`` may not take transition ``name`` now: ``can_take``'s
    refusal, else every condition of the transition on the draft that it does
    not meet (enough recommendations, a version to submit...), each with its
    condition's code; empty when allowed. What the person still has to type
    (a comment, findings) is not a refusal here: the form asks for it."""
    decision = can_take(standard, user, name)
    if not decision:
        return [decision]
    from .services.lifecycle import unmet_conditions

    return [
        Decision(False, error.code, str(error.message), error.condition or "")
        for error in unmet_conditions(standard, name)
    ]


def transition_refusal(standard, user, name: str) -> Decision:
    """The first reason of ``transition_refusals``, or allowed: a page shows
    a refused transition disabled with its reason instead of offering it."""
    refusals = transition_refusals(standard, user, name)
    return refusals[0] if refusals else ALLOWED
