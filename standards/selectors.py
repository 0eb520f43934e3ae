"""Reads of standards that the pages and the API share.

Every list here is built with a fixed number of queries, however many
standards, versions or comments there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Role
from committees.selectors import user_roles
from portal.errors import ApplicationError

from .models import (
    Comment,
    Edition,
    ExpertAssignment,
    HistoryEntry,
    Recommendation,
    Standard,
    Status,
    Version,
)

DRAFT_CYCLE = [Status.DRAFT, Status.EXPERT_REVIEW, Status.AUDIT, Status.CERTIFIED]


def visible_standards(user) -> QuerySet[Standard]:
    """Standards ``user`` may see: every public one, and the drafts the
    visibility rule of DESIGN.md opens to them."""
    qs = Standard.objects.all()
    if not user.is_authenticated:
        return qs.filter(has_edition=True)
    roles = user_roles(user)
    if roles.sees_every_draft:
        return qs
    organisation_ids = set(roles.representative_organisation_ids)
    if roles.organisation_id:
        organisation_ids.add(roles.organisation_id)
    assigned = ExpertAssignment.objects.filter(standard=OuterRef("pk"), expert=user)
    return qs.filter(
        Q(has_edition=True)
        | Q(organisation_id__in=organisation_ids)
        | Q(field_id__in=roles.deputy_field_ids)
        | Exists(assigned)
    )


def standard_get_visible(*, standard_id, user) -> Standard:
    try:
        return (
            visible_standards(user)
            .select_related("field__parent", "work_item", "organisation", "replaced_by")
            .get(pk=standard_id)
        )
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such standard."), code="not_found") from None


def with_review_figures(qs: QuerySet[Standard]) -> QuerySet[Standard]:
    """Annotate what "whose turn" needs, in the same query."""
    latest = Version.objects.filter(standard=OuterRef("pk")).order_by("-number")
    return qs.annotate(
        current_version_id=Subquery(latest.values("pk")[:1]),
        # Counted per standard through the comments' index: a join with
        # COUNT(DISTINCT) would multiply and group every row of the list.
        unanswered_comments=_comment_count(reply=""),
        open_blocking=_comment_count(blocking=True, resolved_at__isnull=True),
    )


def _comment_count(**conditions):
    counted = (
        Comment.objects.filter(standard=OuterRef("pk"), **conditions)
        .order_by()
        .values("standard")
        .annotate(n=Count("pk"))
        .values("n")
    )
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
    ).select_related("expert"):
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
    return user.get_full_name() or user.username


def whose_turn(standard: Standard) -> list[Turn]:
    """Derived from the state and the reviews, never stored. Works on a
    standard of ``_with_turns`` (or ``draft_detail``) without further
    queries, and on any other standard with a few."""
    status = standard.status
    if status == Status.DRAFT:
        action = (
            _("upload a first version and submit")
            if _current_version_id(standard) is None
            else _("revise and submit for expert review")
        )
        return [
            Turn(
                _("Authors"),
                action,
                [standard.organisation.name],
                role="authors",
            )
        ]
    if status == Status.EXPERT_REVIEW:
        assignments = list(standard.assignments.all())
        if not assignments:
            return [
                Turn(
                    _("Deputy leader"),
                    _("assign experts of %(field)s") % {"field": standard.field.name},
                    role="deputy",
                )
            ]
        version_id = _current_version_id(standard)
        recommended = {
            r.expert_id
            for r in standard.recommendations.all()
            if r.version_id == version_id
        }
        turns = []
        pending = [a.expert for a in assignments if a.expert_id not in recommended]
        if pending:
            turns.append(
                Turn(
                    _("Experts"),
                    _("comment and recommend"),
                    [_name(u) for u in pending],
                    role="experts",
                )
            )
        if _figure(standard, "unanswered_comments"):
            turns.append(
                Turn(
                    _("Authors"),
                    _("answer the expert comments"),
                    [standard.organisation.name],
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
    return standard.comments.filter(blocking=True, resolved_at__isnull=True).count()


def drafts_of_user(user) -> list[Standard]:
    """The drafts of the user's organisation (or organisations they represent),
    including published standards under renewal."""
    roles = user_roles(user)
    organisation_ids = set(roles.representative_organisation_ids)
    if roles.organisation_id:
        organisation_ids.add(roles.organisation_id)
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
    """A draft (or any visible standard) with everything its working page
    shows, loaded in a fixed number of queries."""
    standard = standard_get_visible(standard_id=standard_id, user=user)
    versions = list(
        Version.objects.filter(standard=standard)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("number")
    )
    comments = list(
        Comment.objects.filter(standard=standard)
        .select_related("expert", "replied_by", "version")
        .order_by("pk")
    )
    recommendations = list(
        Recommendation.objects.filter(standard=standard)
        .select_related("expert", "version")
        .order_by("version__number", "pk")
    )
    assignments = list(
        ExpertAssignment.objects.filter(standard=standard).select_related("expert")
    )
    standard.version_list = versions
    standard.current = versions[-1] if versions else None
    standard.comment_list = comments
    standard.recommendation_list = recommendations
    standard.assignment_list = assignments
    standard.audit_list = list(standard.audits.select_related("auditor", "version"))
    standard.history_list = history_of(standard)
    standard.edition_list = list(standard.editions.order_by("-edition"))
    standard.author_list = list(standard.authors.select_related("organisation"))
    # Reuse what was loaded for whose turn.
    standard.current_version_id = standard.current.pk if standard.current else None
    standard.unanswered_comments = sum(1 for c in comments if not c.reply)
    standard.open_blocking = sum(1 for c in comments if c.is_open_blocking)
    standard._prefetched_objects_cache = {
        "assignments": assignments,
        "recommendations": recommendations,
    }
    standard.turns = whose_turn(standard)
    return standard


def history_of(standard: Standard) -> list[HistoryEntry]:
    return list(
        HistoryEntry.objects.filter(standard=standard)
        .select_related("actor")
        .order_by("created", "pk")
    )


def experts_for(standard: Standard):
    """Users who may be assigned: experts of the field or its parent."""
    field_ids = [standard.field_id]
    if standard.field.parent_id:
        field_ids.append(standard.field.parent_id)
    return (
        Role.objects.current()
        .filter(
            kind=Role.Kind.EXPERT, field_id__in=field_ids, person__user__isnull=False
        )
        .select_related("person__user", "person__organisation")
        .order_by("person__name")
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
    standard.history_list = history_of(standard)
    standard.author_list = list(standard.authors.select_related("organisation"))
    standard.replaces_list = list(standard.replaces.all())
    return standard


@dataclass
class Pipeline:
    by_state: dict[str, int]
    by_field: list[dict]
    waiting_longest: list[Standard]
    review_due: list[Standard]


def pipeline(*, user, limit: int = 10) -> Pipeline:
    """The whole pipeline, as the leader and deputy leaders see it; counts
    cover the standards the user may see."""
    visible = visible_standards(user)
    by_state = dict(
        visible.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    rows = (
        visible.values("field__name", "field__parent__name", "status")
        .annotate(n=Count("pk"))
        .order_by("field__parent__name", "field__name")
    )
    by_field: dict[str, dict] = {}
    for row in rows:
        name = row["field__name"]
        entry = by_field.setdefault(
            name,
            {"field": name, "parent": row["field__parent__name"], "total": 0},
        )
        entry[row["status"]] = row["n"]
        entry["total"] += row["n"]
    waiting = _with_turns(
        with_turn_prefetch(
            visible.filter(status__in=DRAFT_CYCLE).order_by("status_changed", "pk")
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
    return standard
