"""Reads of notifications that pages share."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from standards.models import Standard, Status

from .models import Kind, Notification, NotificationPreference, Watch

# What ``permissions.title_for`` reads of each standard: its public record
# (the editions) and its draft audience (the assignments).
TITLE_RELATIONS = ("standard__editions", "standard__assignments")


def notifications_for(user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("standard")
        .prefetch_related(*TITLE_RELATIONS)
    )


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.unread().filter(recipient=user).count()


def email_kinds(user) -> list[str]:
    """The kinds ``user`` gets by e-mail (every kind unless turned off)."""
    off = set(
        NotificationPreference.objects.filter(user=user, email=False).values_list(
            "kind", flat=True
        )
    )
    return [kind for kind in Kind.values if kind not in off]


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
