"""Every action that changes a standard: one function per action, each in one
transaction, each checking who may do it and recording history.

Refusals raise ``portal.errors.ApplicationError``: ``not_found`` when the actor
may not even see the draft (a 404, so its existence is not revealed),
``forbidden`` when they see it but may not act, ``conflict`` when the state
does not allow the action or changed meanwhile, ``invalid`` for bad input.
"""

import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from committees.models import Field, Person
from committees.selectors import display_name, user_roles
from portal.errors import ApplicationError, Conflict, Forbidden
from workplan.models import WorkItem

from . import permissions
from .actions import Action
from .models import (
    EDITION_IN_FORCE,
    TRANSITION_NAMES,
    Attachment,
    Audit,
    Comment,
    Edition,
    ExpertAssignment,
    HistoryEntry,
    NumberCounter,
    Recommendation,
    Standard,
    Status,
    Version,
)
from .uploads import attachment_check

# Hooks run inside the action's transaction after its history entry is
# written (for example, to write notification rows into an outbox). Each is
# called as ``hook(entry)``.
history_hooks: list[Callable[[HistoryEntry], None]] = []
# Called with the new edition's id once the publishing transaction commits.
edition_published_hooks: list[Callable[[int], None]] = []
# Called with the audit's id once a certification commits.
audit_certified_hooks: list[Callable[[int], None]] = []


# Each transition's label, from the one registry of history actions.
TRANSITIONS = {name: Action(name).label for name in TRANSITION_NAMES}


def _not_found() -> ApplicationError:
    return ApplicationError(_("No such standard."), code="not_found")


def _lock(standard_id, actor) -> Standard:
    """The standard, locked for this transaction, if the actor may see
    something of it (each action's rule then says whether they may act)."""
    try:
        standard = Standard.objects.select_for_update().get(pk=standard_id)
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None
    if not permissions.can_see_standard(standard, actor):
        raise _not_found()
    return standard


def _check_expected(standard: Standard, expected_status: str | None) -> None:
    if expected_status and standard.status != expected_status:
        raise Conflict(
            _(
                "This standard changed meanwhile: it is now “%(status)s”. "
                "Reload the page to see what happened."
            )
            % {"status": standard.get_status_display()}
        )


def history_record(
    *,
    standard: Standard,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
) -> HistoryEntry:
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


def current_version(standard: Standard) -> Version | None:
    return standard.versions.order_by("-number").first()


# --- drafts ---------------------------------------------------------------


def _clean_text(value: str | None, *, field: str, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("This field is required."), field=field)
    if len(value) > limit:
        raise ApplicationError(
            _("At most %(limit)d characters.") % {"limit": limit}, field=field
        )
    return value


def _field_or_error(field) -> Field:
    if isinstance(field, Field):
        return field
    try:
        return Field.objects.get(pk=field)
    except (Field.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("Choose a field."), field="field") from None


def _work_item_or_error(work_item) -> WorkItem | None:
    if work_item in (None, ""):
        return None
    if isinstance(work_item, WorkItem):
        return work_item
    try:
        return WorkItem.objects.get(pk=work_item)
    except (WorkItem.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(
            _("Choose a work item of the work plan."), field="work_item"
        ) from None


def _authors_or_error(authors) -> list[Person]:
    ids = {getattr(a, "pk", a) for a in authors}
    people = list(Person.objects.filter(pk__in=ids))
    if len(people) != len(ids):
        raise ApplicationError(_("Unknown author."), field="authors")
    return people


@transaction.atomic
def standard_create(
    *,
    actor,
    title: str,
    scope: str = "",
    field,
    work_item=None,
    organisation=None,
    authors: Iterable = (),
    is_sample: bool = False,
) -> Standard:
    """A member representative opens a draft for their organisation."""
    permissions.require(permissions.can_create_draft(actor))
    roles = user_roles(actor)
    represented = roles.representative_organisation_ids
    if organisation is None:
        organisation_id = min(represented)
    else:
        organisation_id = getattr(organisation, "pk", organisation)
        if organisation_id not in represented:
            raise Forbidden(_("You do not represent that organisation."))
    standard = Standard(
        title=_clean_text(title, field="title", required=True, limit=300),
        scope=_clean_text(scope, field="scope", required=False, limit=20000),
        field=_field_or_error(field),
        work_item=_work_item_or_error(work_item),
        organisation_id=organisation_id,
        created_by=actor,
        is_sample=is_sample,
    )
    standard.save()
    people = _authors_or_error(authors)
    if roles.person_id and roles.person_id not in {p.pk for p in people}:
        people.append(Person.objects.get(pk=roles.person_id))
    standard.authors.set(people)
    history_record(
        standard=standard, actor=actor, action="created", to_state=standard.status
    )
    return standard


@transaction.atomic
def standard_update(
    *,
    standard_id,
    actor,
    expected_status: str | None = None,
    **changes,
) -> Standard:
    """The submitting organisation edits title, scope, field, work item and
    authors while the standard is a draft (during a renewal too: the public
    record keeps the in-force edition's until the next one)."""
    standard = _lock(standard_id, actor)
    _check_expected(standard, expected_status)
    permissions.require(permissions.can_edit(standard, actor))
    return _apply_details(standard, actor, changes)


@transaction.atomic
def standard_correct(*, standard_id, actor, note: str = "", **changes) -> Standard:
    """The leader or the secretariat corrects a draft's details (the admin)."""
    standard = _lock(standard_id, actor)
    permissions.require(permissions.can_correct(standard, actor))
    return _apply_details(standard, actor, changes, note=note)


def _apply_details(standard: Standard, actor, changes: dict, note: str = ""):
    changed = []
    if "title" in changes:
        standard.title = _clean_text(
            changes["title"], field="title", required=True, limit=300
        )
        changed.append("title")
    if "scope" in changes:
        standard.scope = _clean_text(
            changes["scope"], field="scope", required=False, limit=20000
        )
        changed.append("scope")
    if "field" in changes:
        standard.field = _field_or_error(changes["field"])
        changed.append("field")
    if "work_item" in changes:
        standard.work_item = _work_item_or_error(changes["work_item"])
        changed.append("work_item")
    unknown = set(changes) - {"title", "scope", "field", "work_item", "authors"}
    if unknown:
        raise ApplicationError(
            _("Unknown field: %(name)s") % {"name": ", ".join(sorted(unknown))}
        )
    standard.save()
    if "authors" in changes:
        standard.authors.set(_authors_or_error(changes["authors"]))
        changed.append("authors")
    if changed:
        history_record(
            standard=standard,
            actor=actor,
            action="edited",
            comment=(note or "") + ", ".join(changed),
        )
    return standard


@transaction.atomic
def version_create(
    *,
    standard_id,
    actor,
    body: str,
    change_summary: str = "",
    files: Iterable = (),
) -> Version:
    """A representative of the submitting organisation uploads a new version
    of a draft, or of a draft in expert review (a revision answering the
    experts). Files are checked by content and stored under server names.

    A version uploaded during expert review is under review at once, so it
    is frozen as a submitted one is; the recommendations on earlier versions
    stop counting (``permissions.recommendation_counts``) and the assigned
    experts are told (the ``version_uploaded`` history entry)."""
    standard = _lock(standard_id, actor)
    permissions.require(permissions.can_upload(standard, actor))
    under_review = standard.status == Status.EXPERT_REVIEW
    body = _clean_text(body, field="body", required=True, limit=2_000_000)
    change_summary = _clean_text(
        change_summary, field="change_summary", required=False, limit=500
    )
    files = list(files)
    checked = [attachment_check(upload) for upload in files]
    last = standard.versions.aggregate(n=Max("number"))["n"] or 0
    version = Version.objects.create(
        standard=standard,
        number=last + 1,
        body=body,
        change_summary=change_summary,
        author=actor,
        frozen=under_review,
    )
    for upload, check in zip(files, checked, strict=True):
        attachment = Attachment(
            version=version,
            token=secrets.token_hex(16),
            original_name=(upload.name or "file")[-255:],
            extension=check.extension,
            content_type=check.content_type,
            size=check.size,
            sha256=check.sha256,
        )
        attachment.file.save("upload", upload, save=False)
        attachment.save()
    comment = _("Version %(number)d. %(summary)s") % {
        "number": version.number,
        "summary": change_summary,
    }
    if under_review:
        note = _(
            "Uploaded during expert review: recommendations on earlier "
            "versions count again once confirmed on this one."
        )
        comment = f"{comment.strip()} {note}"
    history_record(
        standard=standard,
        actor=actor,
        action="version_uploaded",
        comment=comment,
    )
    standard.save(update_fields=["updated"])
    return version


# --- experts ----------------------------------------------------------------


@transaction.atomic
def experts_assign(*, standard_id, actor, experts: Iterable) -> list[ExpertAssignment]:
    """A deputy leader of the field (or the leader) assigns experts of the
    field to a draft or a standard under expert review."""
    standard = _lock(standard_id, actor)
    permissions.require(permissions.can_assign(standard, actor))
    wanted = set()
    for expert in experts:
        try:
            wanted.add(int(getattr(expert, "pk", expert)))
        except (TypeError, ValueError):
            raise ApplicationError(
                _("Choose experts from the list."), field="experts"
            ) from None
    if not wanted:
        raise ApplicationError(_("Choose at least one expert."), field="experts")
    eligible = set(
        permissions.assignable_experts(standard)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - eligible:
        raise ApplicationError(
            _(
                "Only experts of this standard's field who do not work for the "
                "submitting organisation can be assigned."
            ),
            field="experts",
        )
    already = set(standard.assignments.values_list("expert_id", flat=True))
    created = []
    for expert_id in sorted(wanted - already):
        created.append(
            ExpertAssignment.objects.create(
                standard=standard, expert_id=expert_id, assigned_by=actor
            )
        )
    if created:
        # The experts with their people, in one query, for the history's
        # names and for the caller's answer.
        experts = get_user_model().objects.select_related("person")
        experts = experts.in_bulk([a.expert_id for a in created])
        for assignment in created:
            assignment.expert = experts[assignment.expert_id]
        names = ", ".join(display_name(a.expert) for a in created)
        history_record(
            standard=standard,
            actor=actor,
            action="experts_assigned",
            comment=names,
        )
    return created


def _require_feedback(standard: Standard, actor) -> Version:
    """The version an assigned expert gives feedback on: the current one."""
    permissions.require(permissions.can_give_feedback(standard, actor))
    version = current_version(standard)
    if version is None:  # pragma: no cover - submit requires a version
        raise Conflict(_("This draft has no version yet."))
    return version


@transaction.atomic
def comment_create(
    *,
    standard_id,
    actor,
    text: str,
    section: str = "",
    blocking: bool = False,
) -> Comment:
    """An assigned expert comments on the current version under review."""
    standard = _lock(standard_id, actor)
    version = _require_feedback(standard, actor)
    comment = Comment.objects.create(
        standard=standard,
        version=version,
        expert=actor,
        text=_clean_text(text, field="text", required=True, limit=20000),
        section=_clean_text(section, field="section", required=False, limit=100),
        blocking=bool(blocking),
    )
    history_record(
        standard=standard,
        actor=actor,
        action="comment_added",
        comment=(_("Blocking comment: ") if blocking else "") + comment.text[:500],
    )
    return comment


def _lock_comment(comment_id, actor) -> tuple[Comment, Standard]:
    try:
        standard_id = Comment.objects.values_list("standard_id", flat=True).get(
            pk=comment_id
        )
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such comment."), code="not_found") from None
    standard = _lock(standard_id, actor)
    comment = Comment.objects.select_for_update().get(pk=comment_id)
    return comment, standard


@transaction.atomic
def comment_answer(*, comment_id, actor, reply: str, reply_text: str = "") -> Comment:
    """The authors answer a comment: accepted, rejected or noted, with a reply."""
    comment, standard = _lock_comment(comment_id, actor)
    permissions.require(permissions.can_answer(standard, actor))
    if reply not in Comment.Reply.values:
        raise ApplicationError(
            _("Answer with accepted, rejected or noted."), field="reply"
        )
    reply_text = _clean_text(
        reply_text, field="reply_text", required=False, limit=20000
    )
    if reply == Comment.Reply.REJECTED and not reply_text:
        raise ApplicationError(
            _("Say why the comment is rejected."), field="reply_text"
        )
    comment.reply = reply
    comment.reply_text = reply_text
    comment.replied_by = actor
    comment.replied_at = timezone.now()
    comment.save()
    history_record(
        standard=standard,
        actor=actor,
        action="comment_answered",
        comment=f"{comment.get_reply_display()}: {reply_text[:500]}",
    )
    return comment


@transaction.atomic
def comment_resolve(*, comment_id, actor) -> Comment:
    """Only the expert who raised a blocking comment resolves it."""
    comment, standard = _lock_comment(comment_id, actor)
    permissions.require(permissions.can_resolve(comment, standard, actor))
    comment.resolved_at = timezone.now()
    comment.save()
    history_record(
        standard=standard,
        actor=actor,
        action="comment_resolved",
        comment=comment.text[:500],
    )
    return comment


@transaction.atomic
def recommendation_give(
    *, standard_id, actor, decision: str, note: str = ""
) -> Recommendation:
    """An assigned expert recommends on the current version; giving it again
    replaces the earlier recommendation on that version."""
    standard = _lock(standard_id, actor)
    version = _require_feedback(standard, actor)
    if decision not in Recommendation.Decision.values:
        raise ApplicationError(
            _("Recommend approve, approve with changes, or reject."), field="decision"
        )
    note = _clean_text(note, field="note", required=False, limit=20000)
    recommendation, _created = Recommendation.objects.update_or_create(
        version=version,
        expert=actor,
        defaults={
            "standard": standard,
            "decision": decision,
            "note": note,
            "created": timezone.now(),
        },
    )
    history_record(
        standard=standard,
        actor=actor,
        action="recommendation_given",
        comment=f"{recommendation.get_decision_display()} (v{version.number}). {note}"[
            :1000
        ],
    )
    return recommendation


@transaction.atomic
def recommendation_confirm(*, standard_id, actor) -> Recommendation:
    """An assigned expert confirms their recommendation on an older version
    on the current version, in one click: the same decision and note, given
    on the current version, where it counts toward ``advance_to_audit``
    again (``permissions.can_confirm_recommendation``)."""
    standard = _lock(standard_id, actor)
    permissions.require(permissions.can_confirm_recommendation(standard, actor))
    earlier = permissions.recommendation_to_confirm(standard, actor)
    version = current_version(standard)
    earlier_number = Version.objects.values_list("number", flat=True).get(
        pk=earlier.version_id
    )
    recommendation = Recommendation.objects.create(
        standard=standard,
        version=version,
        expert=actor,
        decision=earlier.decision,
        note=earlier.note,
    )
    history_record(
        standard=standard,
        actor=actor,
        action=Action.RECOMMENDATION_CONFIRMED,
        comment=(
            f"{recommendation.get_decision_display()} "
            f"(v{earlier_number} → v{version.number}). {earlier.note}"
        )[:1000],
    )
    return recommendation


# --- the lifecycle ----------------------------------------------------------


def _conditions_submit(standard: Standard, **_kw) -> None:
    """A version to review, title and scope set; and after a failed audit, a
    new version: the text that failed is not resubmitted as it is."""
    version = current_version(standard)
    if version is None:
        raise Conflict(_("Upload a version of the text before submitting."))
    latest_audit = standard.audits.order_by("-created", "-pk").first()
    if permissions.audit_requires_new_version(latest_audit, version.pk):
        raise Conflict(
            _(
                "The audit failed on version %(number)d: upload a new version "
                "that answers its findings before submitting again."
            )
            % {"number": version.number}
        )
    if not standard.title.strip() or not standard.scope.strip():
        raise ApplicationError(
            _("Title and scope must be set before submitting."), field="scope"
        )


def _conditions_advance(standard: Standard, **_kw) -> None:
    """The review of the current version is complete: enough recommendations
    on it (older ones do not count), none "reject", every comment answered,
    every blocking comment resolved by its expert, and each one the authors
    accepted revised in a newer version than the one it was raised on."""
    version = current_version(standard)
    version_id = version.pk if version else None
    recommendations = list(permissions.counted_recommendations(standard, version_id))
    needed = settings.MIN_EXPERT_REVIEWS
    if len(recommendations) < needed:
        raise Conflict(
            _(
                "%(needed)d expert recommendations on the current version are "
                "needed; %(given)d given."
            )
            % {"needed": needed, "given": len(recommendations)}
        )
    if any(r.decision == Recommendation.Decision.REJECT for r in recommendations):
        raise Conflict(_("An expert recommends rejecting the current version."))
    comments = standard.comments.all()
    if comments.filter(reply="").exists():
        raise Conflict(_("Every expert comment must be answered first."))
    if permissions.comments_awaiting_revision(comments, version_id).exists():
        raise Conflict(
            _(
                "A blocking comment was accepted on version %(number)d: upload a "
                "new version with the change before the draft goes to audit."
            )
            % {"number": version.number}
        )
    if comments.filter(blocking=True, resolved_at__isnull=True).exists():
        raise Conflict(
            _(
                "A blocking comment is still open; the expert who raised it "
                "must resolve it."
            )
        )


def _require_comment(label: str):
    def check(standard: Standard, *, comment: str = "", **_kw) -> None:
        if not comment.strip():
            raise ApplicationError(label, field="comment")

    return check


def _conditions_abolish(
    standard: Standard, *, comment: str = "", replaced_by=None, **_kw
):
    if not comment.strip():
        raise ApplicationError(
            _("Give the reason for abolishing this standard."), field="comment"
        )
    if replaced_by is not None:
        if replaced_by.pk == standard.pk:
            raise ApplicationError(
                _("A standard cannot replace itself."), field="replaced_by"
            )
        if not replaced_by.is_public or replaced_by.status == Status.ABOLISHED:
            raise ApplicationError(
                _("The replacement must be a published standard."),
                field="replaced_by",
            )


CONDITIONS = {
    "submit": _conditions_submit,
    "request_changes": _require_comment(
        gettext_lazy("Say which changes are requested.")
    ),
    "advance_to_audit": _conditions_advance,
    "fail_audit": _require_comment(gettext_lazy("Record the audit's findings.")),
    "abolish": _conditions_abolish,
}


def _next_number(kind: str, year: int) -> int:
    """The next number of a counter, locked until the transaction ends, so
    two publications at once get distinct numbers without gaps."""
    prefix = (
        settings.STANDARD_NUMBER_PREFIX
        if kind == "standard"
        else f"{settings.STANDARD_NUMBER_PREFIX}-{kind}"
    )[:20]
    NumberCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = NumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


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
    for hook in audit_certified_hooks:
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
        scope=standard.scope,
        published_on=today,
        published_by=actor,
    )
    for hook in edition_published_hooks:
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

# The transitions that ask the person acting for a comment, and what for.
COMMENT_REQUIRED = {"request_changes", "fail_audit", "abolish"}


def _replacement_or_error(replaced_by) -> Standard | None:
    if replaced_by in (None, ""):
        return None
    if isinstance(replaced_by, Standard):
        return replaced_by
    try:
        return Standard.objects.get(pk=replaced_by)
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(
            _("The replacement must be a published standard."), field="replaced_by"
        ) from None


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
        with transaction.atomic():
            return _transition(
                standard_id=standard_id,
                name=name,
                actor=actor,
                comment=(comment or "").strip(),
                expected_status=expected_status,
                replaced_by=_replacement_or_error(replaced_by),
            )
    except (ConcurrentTransition, IntegrityError):
        raise Conflict() from None


def _transition(*, standard_id, name, actor, comment, expected_status, replaced_by):
    standard = _lock(standard_id, actor)
    if permissions.can_see_working_material(standard, actor):
        _check_expected(standard, expected_status)
    permissions.require(permissions.can_take(standard, actor, name))
    method = getattr(standard, name)
    if len(comment) > 20000:
        raise ApplicationError(_("At most 20000 characters."), field="comment")
    check = CONDITIONS.get(name)
    if check:
        check(standard, comment=comment, replaced_by=replaced_by)
    from_state = standard.status
    method()
    standard.save()
    after = AFTER.get(name)
    if after:
        after(standard, actor=actor, comment=comment, replaced_by=replaced_by)
    history_record(
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
