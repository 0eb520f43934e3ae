"""Reads of notifications that pages share."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from standards import permissions
from standards.models import Standard, Status

from .models import (
    Category,
    Delivery,
    EmailSettings,
    Kind,
    Notification,
    NotificationPreference,
    Watch,
    category_of,
)

# What ``permissions.title_for`` reads of each standard: its public record
# (the editions) and its draft audience (the assignments).
TITLE_RELATIONS = ("standard__editions", "standard__assignments")


def notifications_for(user, *, category: str | None = None) -> QuerySet[Notification]:
    qs = (
        Notification.objects.filter(recipient=user)
        .select_related("standard")
        .prefetch_related(*TITLE_RELATIONS)
    )
    if category:
        qs = qs.in_category(category)
    return qs


def standard_name_for(standard: Standard, user) -> str:
    """The standard as ``user`` knows it: its number, if it has one, and
    the title ``permissions.title_for`` gives them."""
    return " ".join(
        filter(None, [standard.number, permissions.title_for(standard, user)])
    )


@dataclass
class NotificationGroup:
    """One standard's notifications of one category, for one person."""

    category: str
    standard: Standard | None
    name: str
    total: int
    unread: int
    latest: datetime
    notifications: list[Notification] = field(default_factory=list)

    @property
    def shown(self) -> list[Notification]:
        return self.notifications[:GROUP_SHOWN]

    @property
    def more(self) -> list[Notification]:
        return self.notifications[GROUP_SHOWN:]

    @property
    def not_listed(self) -> int:
        return self.total - len(self.notifications)


@dataclass
class NotificationSection:
    category: str
    label: str
    groups: list[NotificationGroup]

    @property
    def unread(self) -> int:
        return sum(group.unread for group in self.groups)


# A group lists this many of its newest notifications, the rest on demand;
# the page reads at most ``WINDOW`` notifications in all (the counts are
# always complete).
GROUP_SHOWN = 3
WINDOW = 300


def notification_sections(user, *, window: int = WINDOW) -> list[NotificationSection]:
    """``user``'s notifications in two sections, "needs your action" first,
    each grouped by standard (a group per standard, the one with the newest
    notification first), with each group's counts of all and unread.

    Three queries however many there are: the counts per standard and kind,
    the newest ``window`` notifications, and what decides their titles."""
    counts = (
        Notification.objects.filter(recipient=user)
        .values("standard_id", "kind")
        .annotate(
            total=Count("pk"),
            unread=Count("pk", filter=Q(read_at__isnull=True)),
            latest=Max("created"),
        )
        .order_by()
    )
    groups: dict[tuple[str, int | None], NotificationGroup] = {}
    for row in counts:
        key = (category_of(row["kind"]), row["standard_id"])
        group = groups.get(key)
        if group is None:
            groups[key] = NotificationGroup(
                category=key[0],
                standard=None,
                name="",
                total=row["total"],
                unread=row["unread"],
                latest=row["latest"],
            )
        else:
            group.total += row["total"]
            group.unread += row["unread"]
            group.latest = max(group.latest, row["latest"])
    for notification in notifications_for(user)[:window]:
        group = groups.get((notification.category, notification.standard_id))
        if group is None:  # written since the counts were read
            continue
        group.standard = notification.standard
        group.notifications.append(notification)
    unseen = {key[1] for key, g in groups.items() if g.standard is None and key[1]}
    if unseen:  # groups with none of their notifications in the window
        standards = Standard.objects.prefetch_related("editions", "assignments")
        found = standards.in_bulk(unseen)
        for (_category, standard_id), group in groups.items():
            group.standard = group.standard or found.get(standard_id)
    for group in groups.values():
        if group.standard is not None:
            group.name = standard_name_for(group.standard, user)
    sections = []
    for category in Category:
        members = [g for g in groups.values() if g.category == category]
        members.sort(key=lambda g: g.latest, reverse=True)
        sections.append(NotificationSection(category, category.label, members))
    return sections


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.unread().filter(recipient=user).count()


def unread_counts(user, *, standard) -> tuple[int, int]:
    """``user``'s unread notifications, all and those about ``standard``,
    counted in one query."""
    if not getattr(user, "is_authenticated", False):
        return 0, 0
    counts = (
        Notification.objects.unread()
        .filter(recipient=user)
        .aggregate(all=Count("pk"), about=Count("pk", filter=Q(standard=standard)))
    )
    return counts["all"], counts["about"]


def email_kinds(user) -> list[str]:
    """The kinds ``user`` gets by e-mail (every kind unless turned off)."""
    off = set(
        NotificationPreference.objects.filter(user=user, email=False).values_list(
            "kind", flat=True
        )
    )
    return [kind for kind in Kind.values if kind not in off]


def email_delivery(user) -> str:
    """How ``user`` takes notification e-mails (immediately by default)."""
    row = EmailSettings.objects.filter(user=user).values_list("delivery", flat=True)
    return row.first() or Delivery.IMMEDIATE


def is_watching(user, *, standard=None, field=None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # Template variables that are not given arrive as "".
    if standard:
        return Watch.objects.filter(user=user, standard=standard).exists()
    if field:
        return Watch.objects.filter(user=user, field=field).exists()
    return False


def watches_of(user) -> QuerySet[Watch]:
    return (
        Watch.objects.filter(user=user)
        .select_related("field", "standard")
        .prefetch_related(*TITLE_RELATIONS)
    )


def standards_due_for_review(*, within_days: int = 90, today=None):
    """Published standards whose systematic review is due within
    ``within_days`` or overdue, soonest first (for the dashboard)."""
    today = today or timezone.localdate()
    return (
        Standard.objects.filter(
            status=Status.PUBLISHED,
            review_due__isnull=False,
            review_due__lte=today + timedelta(days=within_days),
        )
        .select_related("field")
        .order_by("review_due", "pk")
    )
