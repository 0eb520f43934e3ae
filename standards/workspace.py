"""Reads of "my work": what waits on the signed-in person, by role.

The dashboard (``/dashboard/``) is every signed-in person's home. This module
reads what it shows, in a fixed number of queries however many standards
there are; whose turn it is comes from ``selectors.whose_turn`` and what the
person may do from ``permissions``, never from rules of its own.

- **Waiting on you**: the drafts where it is this person's turn, oldest
  first, with the days since their last history entry and their due date
  (the periodic review date of a standard under renewal);
- **My drafts**: the drafts of the organisations the person represents or
  works for;
- **My reviews**: the drafts the person is assigned to as an expert, with
  their recommendation on the current version;
- **Periodic review due**: the published standards of a deputy leader's
  fields (every one for the leader) by the date their review is due,
  overdue first, with the actions the person may take on them;
- **Recently published**: the newest editions of the public record.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import meeting_selectors
from committees.selectors import user_roles
from portal.public_cache import cached_working

from . import permissions
from .models import (
    Comment,
    Edition,
    ExpertAssignment,
    HistoryEntry,
    Recommendation,
    Standard,
    Status,
)
from .selectors import (
    DRAFT_CYCLE,
    ReviewQueue,
    _queue_parts,
    _with_turns,
    review_queue,
    with_turn_prefetch,
)

# How many rows each part of the dashboard shows; the rest is a click away
# (the drafts page, the review queue, the catalogue).
WAITING_LIMIT = 20
LIST_LIMIT = 8
RECENT_LIMIT = 5
# A periodic review due within this time is marked as due soon.
REVIEW_DUE_HORIZON = timedelta(days=90)
# The actions on a published standard the periodic review leads to.
REVIEW_ACTIONS = ("reaffirm", "start_renewal", "abolish")


ROLE_LABELS = {
    "authors": gettext_lazy("As author"),
    "deputy": gettext_lazy("As deputy leader"),
    "expert": gettext_lazy("As expert"),
    "auditor": gettext_lazy("As auditor"),
    "leader": gettext_lazy("As leader"),
}


@dataclass
class WorkItem:
    """One thing waiting on the person: a standard, what to do, since when."""

    standard: Standard
    role: str
    actions: list[str]
    url: str
    since: datetime
    due: date | None = None
    # Why a draft came back to its authors (the comment of the request for
    # changes or of the failed audit), when it did.
    returned_action: str = ""
    returned_comment: str = ""

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, "")

    @property
    def days_waiting(self) -> int:
        return max((timezone.now() - self.since).days, 0)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


@dataclass
class ReviewDue:
    """A published standard whose periodic review is due."""

    standard: Standard
    due: date
    actions: list[tuple[str, str, str]]  # name, label, address
    url: str

    @property
    def days_left(self) -> int:
        return (self.due - timezone.localdate()).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def due_soon(self) -> bool:
        """Overdue, or due within ``REVIEW_DUE_HORIZON``."""
        return self.due <= timezone.localdate() + REVIEW_DUE_HORIZON

    @property
    def days_overdue(self) -> int:
        return -self.days_left


@dataclass
class Workspace:
    waiting: list[WorkItem] = field(default_factory=list)
    my_drafts: list[Standard] | None = None
    my_reviews: list[Standard] | None = None
    review_due: list[ReviewDue] | None = None
    review_due_total: int = 0
    recently_published: list[Edition] = field(default_factory=list)
    # Meetings' action items: the person's own open ones, and the overdue
    # ones they look after (``committees.meeting_selectors``).
    my_actions: list = field(default_factory=list)
    overdue_actions: list = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.review_due or [] if item.overdue)

    @property
    def due_soon_count(self) -> int:
        return sum(1 for item in self.review_due or [] if item.due_soon)


# --- what the navigation offers -------------------------------------------------


def has_drafts_page(user) -> bool:
    """Whether the navigation offers the drafts page: to those who may
    create drafts (the member representatives). Anyone else whose
    organisation has drafts finds them under "My drafts" on "My work",
    without a query on every page to know whether there are any."""
    return user.is_authenticated and bool(permissions.can_create_draft(user))


def has_review_queue(user) -> bool:
    """Whether the review page has a queue for ``user`` (the parts it shows:
    experts, deputy leaders, auditors and the leader)."""
    return user.is_authenticated and bool(_queue_parts(user))


# --- the reads --------------------------------------------------------------------


def _working_url(standard, sent_back: bool = False) -> str:
    """The working page at the person's actions; at why the draft came back
    when it did (the reason stands just above the actions, and would be
    scrolled away by the actions' anchor)."""
    anchor = "returned" if sent_back else "actions"
    return reverse("standards:draft", kwargs={"pk": standard.pk}) + f"#{anchor}"


def _sent_back(standard) -> bool:
    """The draft came back to its authors with changes requested or after a
    failed audit (as the working page's "returned" box tells them)."""
    return standard.status == Status.DRAFT and standard.returned_action in (
        "request_changes",
        "fail_audit",
    )


def _with_last_events(qs: QuerySet[Standard]) -> QuerySet[Standard]:
    """The time of the last history entry, and why the draft last came back
    to draft (its action and comment), in the same query."""
    history = HistoryEntry.objects.filter(standard=OuterRef("pk"))
    last = history.order_by("-created", "-pk")
    returned = (
        history.filter(to_state=Status.DRAFT)
        .exclude(from_state="")
        .exclude(from_state=Status.DRAFT)
    )
    returned = returned.order_by("-created", "-pk")
    return qs.annotate(
        last_event_at=Subquery(last.values("created")[:1]),
        returned_action=Subquery(returned.values("action")[:1]),
        returned_comment=Subquery(returned.values("comment")[:1]),
    )


def _candidates(user) -> QuerySet[Standard] | None:
    """The drafts where it may be ``user``'s turn, by their roles (whose turn
    it really is is decided on each one): None when there is none."""
    roles = user_roles(user)
    wanted = Q()
    if roles.representative_organisation_ids:
        wanted |= Q(
            organisation_id__in=roles.representative_organisation_ids,
            status__in=[Status.DRAFT, Status.EXPERT_REVIEW],
        )
    if roles.deputy_field_ids:
        wanted |= Q(field_id__in=roles.deputy_field_ids, status=Status.EXPERT_REVIEW)
    if roles.expert_field_ids or roles.leader:
        assigned = ExpertAssignment.objects.filter(standard=OuterRef("pk"), expert=user)
        wanted |= Q(Exists(assigned), status=Status.EXPERT_REVIEW)
    if roles.auditor:
        wanted |= Q(status=Status.AUDIT)
    if roles.leader:
        wanted |= Q(status=Status.CERTIFIED)
    if not wanted:
        return None
    mine = Comment.objects.filter(
        standard=OuterRef("pk"),
        expert=user,
        blocking=True,
        resolved_at__isnull=True,
    ).exclude(reply="")
    counted = mine.order_by().values("standard").annotate(n=Count("pk")).values("n")
    qs = Standard.objects.filter(wanted).annotate(
        my_blocking_to_resolve=Coalesce(Subquery(counted), 0)
    )
    return _with_last_events(with_turn_prefetch(qs))


def _actions_for(standard, user, roles) -> tuple[str, list[str]]:
    """The role in which ``user`` must act on ``standard`` now, and what to
    do; ("", []) when it is not their turn."""
    turns = standard.turns
    by_role = {}
    for turn in turns:
        by_role.setdefault(turn.role, []).append(turn.action)
    if (
        "authors" in by_role
        and permissions.is_organisation_representative(standard, user)
        and (
            "submit" in permissions.transitions_open_to(standard, user)
            or permissions.can_upload(standard, user)
            or permissions.can_answer(standard, user)
        )
    ):
        return "authors", by_role["authors"]
    if (
        "deputy" in by_role
        and permissions.is_field_deputy(standard, user)
        and permissions.can_assign(standard, user)
    ):
        return "deputy", by_role["deputy"]
    # Only drafts in expert review have their experts loaded: asking of
    # another would cost a query each.
    if standard.status == Status.EXPERT_REVIEW and permissions.can_give_feedback(
        standard, user
    ):
        version_id = permissions.current_version_id(standard)
        mine = [
            r
            for r in standard.recommendations.all()
            if r.expert_id == user.pk
            and permissions.recommendation_counts(r, version_id)
        ]
        actions = []
        if not mine:
            if permissions.recommendation_to_confirm(standard, user) is not None:
                actions.append(
                    _("confirm or renew your recommendation on the current version")
                )
            else:
                actions.append(_("comment and recommend"))
        if getattr(standard, "my_blocking_to_resolve", 0):
            actions.append(_("resolve your answered blocking comments"))
        if actions:
            return "expert", actions
    open_now = permissions.transitions_open_to(standard, user)
    if roles.auditor and standard.status == Status.AUDIT and "certify" in open_now:
        return "auditor", [_("certify or fail the audit")]
    if roles.leader and standard.status == Status.CERTIFIED and "publish" in open_now:
        return "leader", [_("publish")]
    return "", []


def waiting_on(user) -> list[WorkItem]:
    """The drafts where it is ``user``'s turn, the longest waiting first."""
    qs = _candidates(user)
    if qs is None:
        return []
    roles = user_roles(user)
    standards = _with_turns(qs.order_by("status_changed", "pk")[: WAITING_LIMIT * 3])
    items = []
    for standard in standards:
        role, actions = _actions_for(standard, user, roles)
        if not role:
            continue
        returned = standard.status == Status.DRAFT and standard.returned_action
        items.append(
            WorkItem(
                standard=standard,
                role=role,
                actions=actions,
                url=_working_url(standard, _sent_back(standard)),
                since=standard.last_event_at or standard.status_changed,
                due=standard.review_due if standard.has_edition else None,
                returned_action=standard.returned_action if returned else "",
                returned_comment=standard.returned_comment if returned else "",
            )
        )
    items.sort(key=lambda item: (item.since, item.standard.pk))
    return items[:WAITING_LIMIT]


def my_drafts(user) -> list[Standard] | None:
    """The drafts of the organisations ``user`` represents or works for,
    the most recently changed first; None for those with no organisation."""
    roles = user_roles(user)
    organisation_ids = roles.organisation_ids
    if not organisation_ids:
        return None
    qs = Standard.objects.filter(
        organisation_id__in=organisation_ids, status__in=DRAFT_CYCLE
    ).order_by("-updated", "-pk")
    standards = _with_turns(with_turn_prefetch(qs)[:LIST_LIMIT])
    if not standards and not roles.representative_organisation_ids:
        # Works for an organisation without drafts, and may not create any.
        return None
    return standards


def my_reviews(user) -> list[Standard] | None:
    """The drafts ``user`` is assigned to as an expert, in the draft cycle,
    with their recommendation on the current version (``my_decision``);
    None for those who are not experts."""
    roles = user_roles(user)
    if not (roles.expert_field_ids or roles.leader):
        return None
    assigned = ExpertAssignment.objects.filter(standard=OuterRef("pk"), expert=user)
    qs = with_turn_prefetch(
        Standard.objects.filter(Exists(assigned), status__in=DRAFT_CYCLE)
    )
    decision = Recommendation.objects.filter(
        standard=OuterRef("pk"),
        expert=user,
        version_id=OuterRef("current_version_id"),
    ).order_by("-pk")
    qs = qs.annotate(my_decision=Subquery(decision.values("decision")[:1]))
    standards = list(qs.order_by("-status_changed", "-pk")[:LIST_LIMIT])
    if not standards and not roles.expert_field_ids:
        # The leader may be assigned as an expert; say nothing when not.
        return None
    labels = dict(Recommendation.Decision.choices)
    for standard in standards:
        standard.my_decision_label = labels.get(standard.my_decision, "")
    return standards


def review_due(user) -> tuple[list[ReviewDue] | None, int]:
    """The published standards whose periodic review ``user`` takes (a
    deputy leader's fields, every one for the leader), the first due first,
    and how many there are in all; (None, 0) for everyone else."""
    roles = user_roles(user)
    if roles.leader:
        qs = Standard.objects.all()
    elif roles.deputy_field_ids:
        qs = Standard.objects.filter(field_id__in=roles.deputy_field_ids)
    else:
        return None, 0
    # Every published standard of theirs, the overdue first: the way in to
    # its periodic review whenever it is taken, not only when due soon.
    qs = qs.filter(status=Status.PUBLISHED, review_due__isnull=False)
    total = qs.count()
    labels = {name: _label(name) for name in REVIEW_ACTIONS}
    found = []
    for standard in qs.select_related("field").order_by("review_due", "pk")[
        :LIST_LIMIT
    ]:
        open_now = permissions.transitions_open_to(standard, user)
        found.append(
            ReviewDue(
                standard=standard,
                due=standard.review_due,
                actions=[
                    (n, labels[n], _review_action_url(standard, n))
                    for n in REVIEW_ACTIONS
                    if n in open_now
                ],
                url=_working_url(standard),
            )
        )
    return found, total


def _review_action_url(standard, name: str) -> str:
    """Abolishing cannot be undone: its link opens its confirmation page (as
    on the working page, standards.views.CONFIRMED); the others' forms are
    in the working page's actions."""
    if name == "abolish":
        return reverse(
            "standards:transition_confirm", kwargs={"pk": standard.pk, "name": name}
        )
    return _working_url(standard)


def _label(name: str) -> str:
    from .actions import Action

    return str(Action(name).label)


def recently_published(limit: int = RECENT_LIMIT) -> list[Edition]:
    """The newest editions of the public record (those not superseded, so
    that a standard appears once)."""
    return list(
        permissions.public_editions()
        .filter(superseded_on__isnull=True)
        .select_related("standard")
        .order_by("-published_on", "-pk")[:limit]
    )


def workspace(user) -> Workspace:
    """Everything the "My work" page shows for ``user``."""
    due, due_total = review_due(user)
    actions = meeting_selectors.actions_for_work(user)
    return Workspace(
        waiting=waiting_on(user),
        my_drafts=my_drafts(user),
        my_reviews=my_reviews(user),
        review_due=due,
        review_due_total=due_total,
        recently_published=recently_published(),
        my_actions=actions[0],
        overdue_actions=actions[1],
    )


def cached_workspace(user) -> Workspace:
    """``workspace(user)``, kept per person until anything it shows changes
    (every model it reads bumps the working data's version: portal.apps
    WORKING_MODELS), or the day does (days waiting, reviews due), in their
    time zone and language: 50-85 ms of queries and Python at 10,000
    standards on every visit of "My work", 1-2 ms to read back."""
    return cached_working("workspace", person_today(user), lambda: workspace(user))


def cached_review_queue(user) -> ReviewQueue:
    """``selectors.review_queue(user)``, kept per person as "My work" is
    (``cached_workspace``): every model the queue shows bumps the working
    data's version, and the day is part of the key (days waiting)."""
    return cached_working(
        "review-queue", person_today(user), lambda: review_queue(user)
    )


def person_today(user) -> tuple:
    """What a person's kept "My work" parts are keyed on besides the data's
    version: who, and which day it is where they are (days waiting, reviews
    due)."""
    return (
        user.pk,
        timezone.localdate().isoformat(),
        timezone.get_current_timezone_name(),
    )
