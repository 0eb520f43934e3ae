"""The lifecycle: the transitions of the lifecycle table (``Standard``'s
django-fsm methods), the conditions each one checks with its reasons, what
each one does once taken (freezing the version, recording the audit,
publishing the edition, abolishing), and the one service that takes them.

Who may take which transition is ``standards.permissions.can_take``; this
module adds the conditions that need a reason (a missing version, an
incomplete review, a missing comment)."""

from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from portal.errors import ApplicationError, Conflict

from .. import lifecycle as lifecycle_description
from .. import permissions
from ..actions import Action
from ..models import (
    EDITION_IN_FORCE,
    TRANSITION_NAMES,
    Audit,
    Edition,
    Recommendation,
    Standard,
    Status,
)
from . import history
from .common import (
    _check_expected,
    _lock,
    _replacement_or_error,
    current_version,
    integrity_error_told,
)
from .numbering import _next_number

# Each transition's label, from the one registry of history actions.
TRANSITIONS = {name: Action(name).label for name in TRANSITION_NAMES}

# The transitions that ask the person acting for a comment, and what for.
COMMENT_REQUIRED = {"request_changes", "fail_audit", "abolish"}


# --- conditions -------------------------------------------------------------


def _review_loaded(standard: Standard) -> bool:
    """The standard was loaded for the working page (``selectors.draft_detail``)
    with its versions, comments, recommendations and audits: the conditions
    read those, read in this request, instead of asking the database again
    for each transition the page shows with its reason. A service acting
    always has a fresh, locked standard, and asks the database."""
    return getattr(standard, "review_loaded", False)


class _Comments:
    """What the conditions ask of a standard's comments: from the list the
    working page loaded, else of the database, one question at a time (the
    first refusal ends the checks)."""

    def __init__(self, standard: Standard, version_id):
        self.loaded = standard.comment_list if _review_loaded(standard) else None
        self.queryset = standard.comments.all()
        self.version_id = version_id

    def unanswered(self) -> bool:
        if self.loaded is not None:
            return any(not c.reply for c in self.loaded)
        return self.queryset.filter(reply="").exists()

    def awaiting_revision(self) -> bool:
        if self.loaded is not None:
            return any(
                permissions.awaits_revision(c, self.version_id) for c in self.loaded
            )
        return permissions.comments_awaiting_revision(
            self.queryset, self.version_id
        ).exists()

    def open_blocking(self) -> bool:
        if self.loaded is not None:
            return any(permissions.blocking_open(c) for c in self.loaded)
        return self.queryset.filter(blocking=True, resolved_at__isnull=True).exists()


class _Draft:
    """What the conditions of a transition read of a standard, each read once
    however many conditions ask for it."""

    def __init__(self, standard: Standard):
        self.standard = standard
        self.loaded = _review_loaded(standard)

    @cached_property
    def version(self):
        if self.loaded:
            return self.standard.current
        return current_version(self.standard)

    @cached_property
    def version_id(self):
        return self.version.pk if self.version else None

    @cached_property
    def latest_audit(self):
        if self.loaded:
            return max(
                self.standard.audit_list,
                key=lambda a: (a.created, a.pk),
                default=None,
            )
        return self.standard.audits.order_by("-created", "-pk").first()

    @cached_property
    def recommendations(self) -> list[Recommendation]:
        """The recommendations that count on the current version."""
        if self.loaded:
            return [
                r
                for r in self.standard.recommendation_list
                if permissions.recommendation_counts(r, self.version_id)
            ]
        return list(permissions.counted_recommendations(self.standard, self.version_id))

    @cached_property
    def comments(self) -> "_Comments":
        return _Comments(self.standard, self.version_id)


# One test per condition code of ``standards.lifecycle.CHECKS``, which names,
# explains and orders a transition's conditions: a transition checks exactly
# the ones listed there (``check_conditions``), so the lifecycle the API and
# the procedures page describe is the one enforced, and each refusal carries
# its condition's code. A test returns the error to raise, or None.


def _version_required(draft: _Draft, **_kw):
    if draft.version is None:
        return Conflict(_("Upload a version of the text before submitting."))
    return None


def _new_version_after_failed_audit(draft: _Draft, **_kw):
    """The text that failed an audit is not resubmitted as it is."""
    if draft.version is not None and permissions.audit_requires_new_version(
        draft.latest_audit, draft.version.pk
    ):
        return Conflict(
            _(
                "The audit failed on version %(number)d: upload a new version "
                "that answers its findings before submitting again."
            )
            % {"number": draft.version.number}
        )
    return None


def _title_and_scope_required(draft: _Draft, **_kw):
    standard = draft.standard
    if not standard.title.strip() or not standard.scope.strip():
        return ApplicationError(
            _("Title and scope must be set before submitting."), field="scope"
        )
    return None


def _enough_recommendations(draft: _Draft, **_kw):
    """Older versions' recommendations count once confirmed on the current."""
    needed = settings.MIN_EXPERT_REVIEWS
    given = len(draft.recommendations)
    if given < needed:
        return Conflict(
            _(
                "%(needed)d expert recommendations on the current version are "
                "needed; %(given)d given."
            )
            % {"needed": needed, "given": given}
        )
    return None


def _no_rejection(draft: _Draft, **_kw):
    if any(r.decision == Recommendation.Decision.REJECT for r in draft.recommendations):
        return Conflict(_("An expert recommends rejecting the current version."))
    return None


def _comments_answered(draft: _Draft, **_kw):
    if draft.comments.unanswered():
        return Conflict(_("Every expert comment must be answered first."))
    return None


def _accepted_comments_revised(draft: _Draft, **_kw):
    if draft.comments.awaiting_revision():
        return Conflict(
            _(
                "A blocking comment was accepted on version %(number)d: upload a "
                "new version with the change before the draft goes to audit."
            )
            % {"number": draft.version.number}
        )
    return None


def _blocking_comments_resolved(draft: _Draft, **_kw):
    if draft.comments.open_blocking():
        return Conflict(
            _(
                "A blocking comment is still open; the expert who raised it "
                "must resolve it."
            )
        )
    return None


# What the comment of each transition that asks for one is for.
COMMENT_PROMPTS = {
    "request_changes": gettext_lazy("Say which changes are requested."),
    "fail_audit": gettext_lazy("Record the audit's findings."),
    "abolish": gettext_lazy("Give the reason for abolishing this standard."),
}


def _comment_required(draft: _Draft, *, name: str, comment: str = "", **_kw):
    if not comment.strip():
        return ApplicationError(COMMENT_PROMPTS[name], field="comment")
    return None


def _replacement_published(draft: _Draft, *, replaced_by=None, **_kw):
    if replaced_by is None:
        return None
    if replaced_by.pk == draft.standard.pk:
        return ApplicationError(
            _("A standard cannot replace itself."), field="replaced_by"
        )
    if not replaced_by.is_public or replaced_by.status == Status.ABOLISHED:
        return ApplicationError(
            _("The replacement must be a published standard."),
            field="replaced_by",
        )
    return None


CONDITION_TESTS = {
    "version_required": _version_required,
    "new_version_after_failed_audit": _new_version_after_failed_audit,
    "title_and_scope_required": _title_and_scope_required,
    "enough_recommendations": _enough_recommendations,
    "no_rejection": _no_rejection,
    "comments_answered": _comments_answered,
    "accepted_comments_revised": _accepted_comments_revised,
    "blocking_comments_resolved": _blocking_comments_resolved,
    "comment_required": _comment_required,
    "replacement_published": _replacement_published,
}


def unmet_conditions(standard: Standard, name: str) -> list[ApplicationError]:
    """The conditions of transition ``name`` on the draft itself that
    ``standard`` does not meet now, in ``CHECKS``' order, each as the error
    it raises (``condition`` is its code). The conditions on what the person
    acting types with it (``Check.typed``: a comment, a replacement) are left
    out: the form asks for those."""
    draft = _Draft(standard)
    unmet = []
    for check in lifecycle_description.CHECKS.get(name, ()):
        if check.typed:
            continue
        error = CONDITION_TESTS[check.code](draft, name=name)
        if error is not None:
            error.condition = check.code
            unmet.append(error)
    return unmet


def check_conditions(
    standard: Standard, name: str, *, comment: str = "", replaced_by=None
) -> None:
    """Raise the first condition of ``name`` that ``standard`` does not meet."""
    draft = _Draft(standard)
    for check in lifecycle_description.CHECKS.get(name, ()):
        error = CONDITION_TESTS[check.code](
            draft, name=name, comment=comment, replaced_by=replaced_by
        )
        if error is not None:
            error.condition = check.code
            raise error


# --- after a transition -----------------------------------------------------


def _after_certify(standard: Standard, actor, comment: str, **_kw) -> None:
    version = current_version(standard)
    year = timezone.localdate().year
    audit = Audit.objects.create(
        standard=standard,
        version=version,
        auditor=actor,
        findings=comment,
        outcome=Audit.Outcome.CERTIFIED,
        certificate_number=(
            f"{settings.STANDARD_NUMBER_PREFIX}-C {_next_number('C', year):04d}:{year}"
        ),
    )
    for hook in history.audit_certified_hooks:
        transaction.on_commit(lambda hook=hook: hook(audit.pk))


def _after_fail_audit(standard: Standard, actor, comment: str, **_kw) -> None:
    Audit.objects.create(
        standard=standard,
        version=current_version(standard),
        auditor=actor,
        findings=comment,
        outcome=Audit.Outcome.FAILED,
    )


def _after_publish(standard: Standard, actor, **_kw) -> None:
    today = timezone.localdate()
    if not standard.number:
        sequence = _next_number("standard", today.year)
        standard.number = (
            f"{settings.STANDARD_NUMBER_PREFIX} {sequence:04d}:{today.year}"
        )
    standard.review_due = today + timedelta(days=settings.REVIEW_PERIOD_DAYS)
    standard.save(update_fields=["number", "review_due"])
    standard.editions.filter(superseded_on__isnull=True).update(superseded_on=today)
    last = standard.editions.aggregate(n=Max("edition"))["n"] or 0
    edition = Edition.objects.create(
        standard=standard,
        number=standard.number,
        edition=last + 1,
        version=current_version(standard),
        # The public record from now on: edits of a later renewal change
        # the standard's own title and scope, not these.
        title=standard.title,
        title_zh=standard.title_zh,
        scope=standard.scope,
        scope_zh=standard.scope_zh,
        published_on=today,
        published_by=actor,
    )
    for hook in history.edition_published_hooks:
        transaction.on_commit(lambda hook=hook: hook(edition.pk))


def _after_reaffirm(standard: Standard, **_kw) -> None:
    standard.review_due = timezone.localdate() + timedelta(
        days=settings.REVIEW_PERIOD_DAYS
    )
    standard.save(update_fields=["review_due"])


def _after_abolish(standard: Standard, *, comment: str, replaced_by=None, **_kw):
    """The edition in force (if any) is withdrawn today: no longer in force."""
    standard.abolition_reason = comment.strip()
    standard.replaced_by = replaced_by
    standard.save(update_fields=["abolition_reason", "replaced_by"])
    standard.editions.filter(EDITION_IN_FORCE).update(withdrawn_on=timezone.localdate())


def _freeze_current_version(standard: Standard, **_kw) -> None:
    version = current_version(standard)
    if version and not version.frozen:
        version.frozen = True
        version.save(update_fields=["frozen"])


AFTER = {
    "submit": _freeze_current_version,
    "certify": _after_certify,
    "fail_audit": _after_fail_audit,
    "publish": _after_publish,
    "reaffirm": _after_reaffirm,
    "abolish": _after_abolish,
}


# --- taking a transition ----------------------------------------------------


def standard_transition(
    *,
    standard_id,
    name: str,
    actor,
    comment: str = "",
    expected_status: str | None = None,
    replaced_by=None,
) -> Standard:
    """Take transition ``name`` of the lifecycle table, or say why not.

    Order of checks: the actor must see the standard (else 404), the state
    must allow the transition (else 409), the actor must have the right
    (else 403), then the transition's own conditions (409 or 400)."""
    if name not in TRANSITIONS:
        raise ApplicationError(_("Unknown transition."), code="not_found")
    try:
        # Not durable: standards.demo takes its sample transitions inside one
        # transaction, and tests roll a transition back inside their own.
        with transaction.atomic():
            return _transition(
                standard_id=standard_id,
                name=name,
                actor=actor,
                comment=(comment or "").strip(),
                expected_status=expected_status,
                replaced_by=_replacement_or_error(replaced_by),
            )
    except ConcurrentTransition:
        raise Conflict() from None
    except IntegrityError as exc:
        raise integrity_error_told(exc) from None


def _transition(*, standard_id, name, actor, comment, expected_status, replaced_by):
    standard = _lock(standard_id, actor)
    if permissions.can_see_working_material(standard, actor):
        _check_expected(standard, expected_status)
    permissions.require(permissions.can_take(standard, actor, name))
    method = getattr(standard, name)
    if len(comment) > 20000:
        raise ApplicationError(_("At most 20000 characters."), field="comment")
    check_conditions(standard, name, comment=comment, replaced_by=replaced_by)
    from_state = standard.status
    method()
    standard.save()
    after = AFTER.get(name)
    if after:
        after(standard, actor=actor, comment=comment, replaced_by=replaced_by)
    history.history_record(
        standard=standard,
        actor=actor,
        action=name,
        from_state=from_state,
        to_state=standard.status,
        comment=comment,
    )
    return standard


def available_transitions(standard: Standard, actor) -> list[str]:
    """The transitions ``actor`` may take now (``permissions.can_take``; the
    conditions are checked, with reasons, when the transition is taken)."""
    return permissions.transitions_open_to(standard, actor)


# Thin named wrappers, so code reads as the rules of procedure do.


def standard_submit(*, standard_id, actor, comment: str = "") -> Standard:
    return standard_transition(
        standard_id=standard_id, name="submit", actor=actor, comment=comment
    )


def standard_publish(*, standard_id, actor, comment: str = "") -> Standard:
    return standard_transition(
        standard_id=standard_id, name="publish", actor=actor, comment=comment
    )
