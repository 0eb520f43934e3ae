"""Expert feedback on a draft: assigning the field's experts, their comments
and the authors' answers, and their recommendations on the current version
(and confirming one given on an older version)."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.selectors import display_name
from portal.errors import ApplicationError, Conflict

from .. import permissions
from ..actions import Action
from ..models import Comment, ExpertAssignment, Recommendation, Standard, Version
from .common import _clean_text, _lock, current_version
from .history import history_record


# Not durable: standards.demo assigns its sample experts inside one transaction
# (as it comments, answers and recommends below).
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
        comment=(
            _("Blocking comment: %(text)s") % {"text": comment.text[:500]}
            if blocking
            else comment.text[:500]
        ),
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
        comment=_("%(answer)s: %(reply)s")
        % {"answer": comment.get_reply_display(), "reply": reply_text[:500]},
    )
    return comment


@transaction.atomic(durable=True)
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
        comment=(
            _("%(decision)s (v%(version)d). %(note)s")
            % {
                "decision": recommendation.get_decision_display(),
                "version": version.number,
                "note": note,
            }
        )[:1000],
    )
    return recommendation


@transaction.atomic(durable=True)
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
            _("%(decision)s (v%(earlier)d → v%(version)d). %(note)s")
            % {
                "decision": recommendation.get_decision_display(),
                "earlier": earlier_number,
                "version": version.number,
                "note": earlier.note,
            }
        )[:1000],
    )
    return recommendation
