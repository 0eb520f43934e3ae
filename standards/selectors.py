"""Reads of standards that the pages and the API share.

Every list here is built with a fixed number of queries, however many
standards, versions or comments there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.selectors import display_name, user_roles
from portal.errors import ApplicationError
from portal.localized import localized, reads_chinese
from portal.public_cache import cached_public, cached_working

from . import permissions
from .models import (
    PUBLISHED,
    Audit,
    Comment,
    Edition,
    ExpertAssignment,
    HistoryEntry,
    PublicStatus,
    Recommendation,
    Standard,
    Status,
    Version,
    public_status_of,
)

DRAFT_CYCLE = [Status.DRAFT, Status.EXPERT_REVIEW, Status.AUDIT, Status.CERTIFIED]


def _get(qs, standard_id) -> Standard:
    try:
        return qs.select_related(
            "field__parent", "work_item", "organisation", "replaced_by"
        ).get(pk=standard_id)
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such standard."), code="not_found") from None


def standard_get_visible(*, standard_id, user) -> Standard:
    """A standard of which ``user`` sees something (its public record or its
    working material); ``not_found`` otherwise."""
    return _get(permissions.visible_standards(user), standard_id)


def standard_get_working(*, standard_id, user) -> Standard:
    """A standard whose working material ``user`` sees (the draft audience,
    during a renewal too); ``not_found`` otherwise, even when it is public."""
    return _get(permissions.working_material_audience(user), standard_id)


def with_review_figures(qs: QuerySet[Standard]) -> QuerySet[Standard]:
    """Annotate what "whose turn" needs, in the same query."""
    latest = Version.objects.filter(standard=OuterRef("pk")).order_by("-number")
    latest_audit = Audit.objects.filter(standard=OuterRef("pk")).order_by(
        "-created", "-pk"
    )
    return qs.annotate(
        current_version_id=Subquery(latest.values("pk")[:1]),
        # Counted per standard through the comments' index: a join with
        # COUNT(DISTINCT) would multiply and group every row of the list.
        unanswered_comments=_comment_count(reply=""),
        open_blocking=_comment_count(blocking=True, resolved_at__isnull=True),
        awaiting_revision=_comment_count(
            within=lambda comments: permissions.comments_awaiting_revision(
                comments, OuterRef("current_version_id")
            )
        ),
        latest_audit_outcome=Subquery(latest_audit.values("outcome")[:1]),
        latest_audit_version_id=Subquery(latest_audit.values("version_id")[:1]),
    )


def _comment_count(within=None, **conditions):
    comments = Comment.objects.filter(standard=OuterRef("pk"), **conditions)
    if within is not None:
        comments = within(comments)
    counted = comments.order_by().values("standard").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def with_turn_prefetch(qs: QuerySet[Standard]) -> QuerySet[Standard]:
    """What a list of drafts shows, in the same query; ``_with_turns`` then
    loads the experts and recommendations of the drafts in expert review."""
    return with_review_figures(qs).select_related("field", "organisation")


def _load_reviews(standards: list[Standard]) -> None:
    """Give the drafts in expert review their experts and recommendations,
    as ``whose_turn`` reads them: a query for the experts of them all, and
    one for the recommendations of those with experts (without experts, it
    is the deputy leader's turn whatever was recommended).

    Only those drafts: no other state needs them, and a generic
    ``prefetch_related`` costs a queryset per standard and relation."""
    in_review = {
        s.pk: s
        for s in standards
        if s.status == Status.EXPERT_REVIEW
        and "assignments" not in getattr(s, "_prefetched_objects_cache", {})
    }
    if not in_review:
        return
    assignments = defaultdict(list)
    for assignment in ExpertAssignment.objects.filter(
        standard_id__in=in_review
    ).select_related("expert__person"):
        assignments[assignment.standard_id].append(assignment)
    recommendations = defaultdict(list)
    if assignments:
        for recommendation in Recommendation.objects.filter(
            standard_id__in=assignments
        ).only("pk", "standard_id", "version_id", "expert_id", "decision"):
            recommendations[recommendation.standard_id].append(recommendation)
    for pk, standard in in_review.items():
        loaded = {"assignments": assignments.get(pk, [])}
        if pk in assignments:
            loaded["recommendations"] = recommendations[pk]
        if not hasattr(standard, "_prefetched_objects_cache"):
            standard._prefetched_objects_cache = {}
        standard._prefetched_objects_cache.update(loaded)


@dataclass
class Turn:
    """Who must act next on a draft, and what they must do."""

    who: str
    action: str
    people: list[str] = field(default_factory=list)
    role: str = ""

    def __str__(self):
        names = f" ({', '.join(self.people)})" if self.people else ""
        return f"{self.who}{names}: {self.action}"


def _name(user) -> str:
    return display_name(user)


def whose_turn(standard: Standard) -> list[Turn]:
    """Derived from the state and the reviews, never stored. Works on a
    standard of ``_with_turns`` (or ``draft_detail``) without further
    queries, and on any other standard with a few."""
    status = standard.status
    if status == Status.DRAFT:
        version_id = _current_version_id(standard)
        if version_id is None:
            action = _("upload a first version and submit")
        elif permissions.audit_requires_new_version(
            _latest_audit(standard), version_id
        ):
            action = _(
                "upload a new version answering the audit's findings, then submit"
            )
        else:
            action = _("revise and submit for expert review")
        return [
            Turn(
                _("Authors"),
                action,
                [localized(standard.organisation, "name")],
                role="authors",
            )
        ]
    if status == Status.EXPERT_REVIEW:
        assignments = list(standard.assignments.all())
        if not assignments:
            return [
                Turn(
                    _("Deputy leader"),
                    _("assign experts of %(field)s")
                    % {"field": localized(standard.field, "name")},
                    role="deputy",
                )
            ]
        version_id = _current_version_id(standard)
        # Only recommendations on the current version count; an expert whose
        # recommendation is on an older version confirms it (or gives a new one).
        recommendations = list(standard.recommendations.all())
        recommended = {
            r.expert_id
            for r in recommendations
            if permissions.recommendation_counts(r, version_id)
        }
        earlier = {r.expert_id for r in recommendations} - recommended
        turns = []
        pending = [
            a.expert
            for a in assignments
            if a.expert_id not in recommended and a.expert_id not in earlier
        ]
        if pending:
            turns.append(
                Turn(
                    _("Experts"),
                    _("comment and recommend"),
                    [_name(u) for u in pending],
                    role="experts",
                )
            )
        to_confirm = [a.expert for a in assignments if a.expert_id in earlier]
        if to_confirm:
            turns.append(
                Turn(
                    _("Experts"),
                    _("confirm or renew their recommendation on the current version"),
                    [_name(u) for u in to_confirm],
                    role="experts",
                )
            )
        if _figure(standard, "awaiting_revision"):
            turns.append(
                Turn(
                    _("Authors"),
                    _("upload a new version with the accepted blocking changes"),
                    [localized(standard.organisation, "name")],
                    role="authors",
                )
            )
        if _figure(standard, "unanswered_comments"):
            turns.append(
                Turn(
                    _("Authors"),
                    _("answer the expert comments"),
                    [localized(standard.organisation, "name")],
                    role="authors",
                )
            )
        if _figure(standard, "open_blocking"):
            turns.append(
                Turn(
                    _("Experts"),
                    _("resolve their blocking comments"),
                    role="experts",
                )
            )
        if not turns:
            turns.append(
                Turn(
                    _("Deputy leader"),
                    _("advance to audit or request changes"),
                    role="deputy",
                )
            )
        return turns
    if status == Status.AUDIT:
        return [Turn(_("Auditor"), _("certify or fail the audit"), role="auditor")]
    if status == Status.CERTIFIED:
        return [Turn(_("Leader"), _("publish"), role="leader")]
    return []


def _current_version_id(standard: Standard):
    if hasattr(standard, "current_version_id"):
        return standard.current_version_id
    version = standard.versions.order_by("-number").first()
    return version.pk if version else None


def _figure(standard: Standard, name: str) -> int:
    if hasattr(standard, name):
        return getattr(standard, name)
    if name == "unanswered_comments":
        return standard.comments.filter(reply="").count()
    if name == "awaiting_revision":
        return permissions.comments_awaiting_revision(
            standard.comments.all(), _current_version_id(standard)
        ).count()
    return standard.comments.filter(blocking=True, resolved_at__isnull=True).count()


def _latest_audit(standard: Standard) -> Audit | None:
    """The standard's latest audit (its outcome and version), from the
    figures of ``with_review_figures`` when it has them."""
    if hasattr(standard, "latest_audit_outcome"):
        if standard.latest_audit_outcome is None:
            return None
        return Audit(
            outcome=standard.latest_audit_outcome,
            version_id=standard.latest_audit_version_id,
        )
    return standard.audits.order_by("-created", "-pk").first()


def drafts_of_user(user) -> list[Standard]:
    """The drafts of the user's organisation (or organisations they represent),
    including published standards under renewal."""
    organisation_ids = user_roles(user).organisation_ids
    qs = Standard.objects.filter(
        organisation_id__in=organisation_ids, status__in=DRAFT_CYCLE
    ).order_by("-updated")
    return _with_turns(with_turn_prefetch(qs))


def _with_turns(qs) -> list[Standard]:
    standards = list(qs)
    _load_reviews(standards)
    now = timezone.now()
    for standard in standards:
        standard.turns = whose_turn(standard)
        standard.days_waiting = (now - standard.status_changed).days
    return standards


# The oldest drafts of each part of a review queue shown on its page; the
# rest are a click away, a page of REVIEW_PAGE_SIZE at a time.
REVIEW_PART_SIZE = 10
REVIEW_PAGE_SIZE = 25


@dataclass
class QueuePart:
    """One list of a review queue: the oldest drafts of it, and how many
    there are in all."""

    key: str
    label: str
    standards: list[Standard]
    total: int

    @property
    def has_more(self) -> bool:
        return self.total > len(self.standards)


@dataclass
class ReviewQueue:
    deputy: list[QueuePart] = field(default_factory=list)
    expert: QueuePart | None = None
    auditor: QueuePart | None = None
    leader: QueuePart | None = None

    @property
    def other_parts(self) -> list[QueuePart]:
        """The parts besides the deputy's, in the order of the page."""
        return [p for p in (self.expert, self.auditor, self.leader) if p]

    @property
    def is_empty(self) -> bool:
        return not (self.deputy or self.other_parts)


OLDEST_FIRST = ("status_changed", "pk")


def _queue_parts(
    user, *, deputy: bool = True
) -> dict[str, tuple[str, QuerySet[Standard]]]:
    """Each part of the user's queue: its label and its drafts (without the
    deputy leader's parts when ``deputy`` is false)."""
    roles = user_roles(user)
    parts = {}
    if deputy and roles.deputy_field_ids:
        for status in DRAFT_CYCLE:
            parts[status] = (
                Status(status).label,
                Standard.objects.filter(
                    field_id__in=roles.deputy_field_ids, status=status
                ),
            )
    if roles.expert_field_ids or roles.leader:
        parts["expert"] = (
            _("Drafts assigned to me as expert"),
            Standard.objects.filter(
                assignments__expert=user,
                status__in=[Status.DRAFT, Status.EXPERT_REVIEW],
            ),
        )
    if roles.auditor:
        parts["auditor"] = (
            _("Drafts in audit"),
            Standard.objects.filter(status=Status.AUDIT),
        )
    if roles.leader:
        parts["leader"] = (
            _("Certified drafts to publish"),
            Standard.objects.filter(status=Status.CERTIFIED),
        )
    return parts


def review_queue(user, *, size: int | None = None) -> ReviewQueue:
    """The signed-in user's queue, oldest first in each part, at most
    ``size`` drafts of each, in a fixed number of queries however long the
    queue is."""
    size = size or REVIEW_PART_SIZE
    queue = ReviewQueue()
    deputy_field_ids = user_roles(user).deputy_field_ids
    if deputy_field_ids:
        # Every state of the deputy's fields: one narrow query (an index-only
        # scan) ranks them and counts each state, then one query loads the
        # oldest ``size`` of each state with what their rows show.
        ranked = (
            Standard.objects.filter(
                field_id__in=deputy_field_ids, status__in=DRAFT_CYCLE
            )
            .order_by()
            .annotate(
                place=Window(
                    RowNumber(),
                    partition_by=[F("status")],
                    order_by=[F(name) for name in OLDEST_FIRST],
                ),
                total=Window(Count("pk"), partition_by=[F("status")]),
            )
            .filter(place__lte=size)
            .values_list("pk", "status", "total")
        )
        totals = {}
        ids = []
        for pk, status, total in ranked:
            ids.append(pk)
            totals[status] = total
        grouped = defaultdict(list)
        oldest = Standard.objects.filter(pk__in=ids).order_by(*OLDEST_FIRST)
        for standard in _with_turns(with_turn_prefetch(oldest)):
            grouped[standard.status].append(standard)
        queue.deputy = [
            QueuePart(key, Status(key).label, grouped[key], totals[key])
            for key in DRAFT_CYCLE
            if totals.get(key)
        ]
    for key, (label, qs) in _queue_parts(user, deputy=False).items():
        standards = _with_turns(with_turn_prefetch(qs.order_by(*OLDEST_FIRST))[:size])
        total = qs.count()
        if total:
            setattr(queue, key, QueuePart(key, label, standards, total))
    return queue


def review_queue_part(user, *, key: str, page=1) -> tuple[str, Page]:
    """A page of one part of the user's queue (every draft of it, oldest
    first); ``not_found`` for a part that is not the user's."""
    parts = _queue_parts(user)
    if key not in parts:
        raise ApplicationError(_("No such part of your queue."), code="not_found")
    label, qs = parts[key]
    paginator = Paginator(
        with_turn_prefetch(qs.order_by(*OLDEST_FIRST)), REVIEW_PAGE_SIZE
    )
    found = paginator.get_page(page)
    found.object_list = _with_turns(found.object_list)
    return label, found


def draft_detail(*, standard_id, user) -> Standard:
    """A standard's working page, for its draft audience: everything it
    shows, loaded in a fixed number of queries."""
    standard = standard_get_working(standard_id=standard_id, user=user)
    versions = list(
        Version.objects.filter(standard=standard)
        .select_related("author__person")
        .prefetch_related("attachments")
        .order_by("number")
    )
    comments = list(
        Comment.objects.filter(standard=standard)
        .select_related("expert__person", "replied_by__person", "version")
        .order_by("pk")
    )
    recommendations = list(
        Recommendation.objects.filter(standard=standard)
        .select_related("expert__person", "version")
        .order_by("version__number", "pk")
    )
    assignments = list(
        ExpertAssignment.objects.filter(standard=standard).select_related(
            "expert__person"
        )
    )
    standard.version_list = versions
    standard.current = versions[-1] if versions else None
    standard.comment_list = comments
    standard.recommendation_list = recommendations
    standard.assignment_list = assignments
    standard.audit_list = list(
        standard.audits.select_related("auditor__person", "version")
    )
    # Set before the history is read: whether the viewer is an assigned
    # expert is answered from the assignments just loaded.
    standard._prefetched_objects_cache = {
        "assignments": assignments,
        "recommendations": recommendations,
    }
    # The conditions of the transitions the page shows with their reasons
    # read the versions, comments, recommendations and audits loaded here
    # (``services.lifecycle``), not the database once more for each.
    standard.review_loaded = True
    standard.history_list = history_of(standard, user)
    standard.edition_list = list(standard.editions.order_by("-edition"))
    standard.author_list = list(standard.authors.select_related("organisation"))
    # Reuse what was loaded for whose turn.
    standard.current_version_id = standard.current.pk if standard.current else None
    standard.unanswered_comments = sum(1 for c in comments if not c.reply)
    standard.open_blocking = sum(1 for c in comments if c.is_open_blocking)
    standard.awaiting_revision = sum(
        1
        for c in comments
        if permissions.awaits_revision(c, standard.current_version_id)
    )
    latest_audit = max(
        standard.audit_list, key=lambda a: (a.created, a.pk), default=None
    )
    standard.latest_audit_outcome = latest_audit.outcome if latest_audit else None
    standard.latest_audit_version_id = latest_audit.version_id if latest_audit else None
    standard.turns = whose_turn(standard)
    return standard


def history_of(standard: Standard, user=None) -> list[HistoryEntry]:
    """The entries of ``standard``'s history that ``user`` may see (the
    public actions only when ``user`` is None: what every reader sees)."""
    return list(
        permissions.visible_history(standard, user or AnonymousUser())
        .select_related("actor__person")
        .order_by("created", "pk")
    )


def experts_for(standard: Standard):
    """The users the assign form and the API offer: exactly those the rule
    ``permissions.assignable_experts`` allows (experts of the field or its
    parent, never of the submitting organisation), with their people."""
    return (
        permissions.assignable_experts(standard)
        .select_related("person__organisation")
        .order_by("person__name", "pk")
    )


def public_standard_detail(*, standard_id) -> Standard:
    """A published or abolished standard with its in-force edition."""
    try:
        standard = (
            Standard.objects.public()
            .select_related("field__parent", "work_item", "organisation", "replaced_by")
            .get(pk=standard_id)
        )
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such standard."), code="not_found") from None
    editions = list(
        Edition.objects.filter(standard=standard)
        .select_related("version")
        .order_by("-edition")
    )
    standard.edition_list = editions
    standard.in_force = next((e for e in editions if e.in_force), None) or (
        editions[0] if editions else None
    )
    # The public record: the title and scope of this edition, not the
    # standard's own (a renewal's draft).
    standard.public_edition = standard.in_force
    standard.history_list = history_of(standard)
    standard.author_list = list(standard.authors.select_related("organisation"))
    # The standards this one replaces that the public knows of, with their
    # editions for their public titles.
    standard.replaces_list = list(
        standard.replaces.public().prefetch_related("editions").order_by("number")
    )
    return standard


@dataclass
class Pipeline:
    by_state: dict[str, int]
    by_field: list[dict]
    waiting_longest: list[Standard]
    review_due: list[Standard]
    # The public record's figures, counted as home, catalogue and API count
    # them: by ``PublicStatus``, and ``published`` (in force, under renewal
    # or not).
    by_public_status: dict[str, int] = field(default_factory=dict)
    published: int = 0


def pipeline(*, user, limit: int = 10) -> Pipeline:
    """The whole pipeline, as the leader and deputy leaders see it; counts
    cover the standards the user may see."""
    visible = permissions.visible_standards(user)
    rows = cached_working(
        "pipeline-counts",
        # Whose counts: everyone who sees every draft sees the same.
        ("every" if user_roles(user).sees_every_draft else user.pk,),
        lambda: list(
            visible.values(
                "field__name",
                "field__name_zh",
                "field__parent__name",
                "field__parent__name_zh",
                "status",
                "has_edition",
            )
            .annotate(n=Count("pk"))
            .order_by("field__parent__name", "field__name")
        ),
    )
    by_state: dict[str, int] = defaultdict(int)
    by_public_status: dict[str, int] = dict.fromkeys(PublicStatus.values, 0)
    by_field: dict[str, dict] = {}
    chinese = reads_chinese()
    for row in rows:
        by_state[row["status"]] += row["n"]
        public_status = public_status_of(
            status=row["status"], has_edition=row["has_edition"]
        )
        if public_status is not None:
            by_public_status[public_status] += row["n"]
        name = row["field__name"]
        parent = row["field__parent__name"]
        if chinese:  # the names in the reader's language where there is one
            parent = row["field__parent__name_zh"] or parent
        entry = by_field.setdefault(
            name,
            {
                "field": (chinese and row["field__name_zh"]) or name,
                "parent": parent,
                "total": 0,
            },
        )
        entry[row["status"]] = entry.get(row["status"], 0) + row["n"]
        entry["total"] += row["n"]
    # Drafts are working material: only those of the user's draft audience
    # (a renewal of a public standard too).
    waiting = _with_turns(
        with_turn_prefetch(
            permissions.working_material_audience(user)
            .filter(status__in=DRAFT_CYCLE)
            .order_by("status_changed", "pk")
        )[:limit]
    )
    due = list(
        visible.filter(
            status=Status.PUBLISHED,
            review_due__lte=timezone.localdate() + timedelta(days=90),
        )
        .select_related("field")
        .order_by("review_due")[:limit]
    )
    return Pipeline(
        by_state={s: by_state.get(s, 0) for s in Status.values},
        by_field=list(by_field.values()),
        waiting_longest=waiting,
        review_due=due,
        by_public_status=by_public_status,
        published=sum(by_public_status[s] for s in PUBLISHED),
    )


def public_standard_editions(*, standard_id, with_text: bool = False) -> Standard:
    """A published or abolished standard with its editions, newest first
    (``edition_list``), and the one in force (``in_force``), in two queries.

    ``with_text`` also loads each edition's text (for a diff); without it
    the bodies stay in the database (for a citation)."""
    try:
        standard = Standard.objects.public().get(pk=standard_id)
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such standard."), code="not_found") from None
    editions = Edition.objects.filter(standard=standard).order_by("-edition")
    if with_text:
        editions = editions.select_related("version")
    standard.edition_list = list(editions)
    standard.in_force = next(
        (e for e in standard.edition_list if e.in_force), None
    ) or (standard.edition_list[0] if standard.edition_list else None)
    standard.public_edition = standard.in_force
    return standard


def public_standards_of_field(field) -> list[Standard]:
    """The standards of a field (and of its subfields) that the public reads,
    in force first, then by number, with their editions for their public
    titles (the public record's, not a renewal draft's)."""
    from django.db.models import Q

    standards = list(
        Standard.objects.public()
        .filter(Q(field=field) | Q(field__parent=field))
        .select_related("field")
        .prefetch_related("editions")
        .order_by("number", "pk")
    )
    standards.sort(key=lambda s: s.status == Status.ABOLISHED)
    return standards


def edition_diff(old, new):
    """The changes between the texts of two editions of a public standard
    (``standards.diff.version_diff``), kept in the public cache: published
    versions never change, and comparing two long texts word by word costs
    tens of milliseconds."""
    from .diff import version_diff

    return cached_public(
        "edition-diff",
        (old.version_id, new.version_id),
        lambda: version_diff(old.version.body, new.version.body),
    )
