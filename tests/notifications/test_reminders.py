"""Review reminders: 90, 30 and 0 days before the review is due, and overdue,
each once, to the field's deputy leaders and the leader."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Notification, ReviewReminder
from standards.models import Standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(lifecycle):
    return lifecycle.published()


def due_in(standard, days, today):
    Standard.objects.filter(pk=standard.pk).update(
        review_due=today + timedelta(days=days)
    )


def reminded():
    return sorted(
        Notification.objects.filter(kind=Kind.REVIEW_DUE).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.mark.parametrize(
    ("days", "threshold"),
    [
        (120, None),
        (91, None),
        (90, "90"),
        (45, "90"),
        (30, "30"),
        (0, "0"),
        (-1, "overdue"),
    ],
)
def test_threshold_reached(days, threshold):
    assert services.review_threshold(days) == threshold


def test_each_threshold_is_announced_once_to_deputies_and_leader(published):
    today = timezone.localdate()
    due_in(published, 90, today)

    assert services.review_reminders_send(today=today) == 1
    assert reminded() == ["deputy", "leader"]
    # The daily task runs again the same day, and the days after: no repeat.
    assert services.review_reminders_send(today=today) == 0
    assert services.review_reminders_send(today=today + timedelta(days=1)) == 0
    assert reminded() == ["deputy", "leader"]

    for day, threshold in ((60, "30"), (90, "0"), (91, "overdue"), (120, None)):
        sent = services.review_reminders_send(today=today + timedelta(days=day))
        assert sent == (1 if threshold else 0), day
    assert sorted(ReviewReminder.objects.values_list("threshold", flat=True)) == sorted(
        ["90", "30", "0", "overdue"]
    )
    assert len(reminded()) == 8
    message = Notification.objects.filter(kind=Kind.REVIEW_DUE).first().message
    assert "overdue" in message


def test_a_missed_day_sends_only_the_threshold_now_reached(published):
    today = timezone.localdate()
    due_in(published, 10, today)
    assert services.review_reminders_send(today=today) == 1
    assert list(ReviewReminder.objects.values_list("threshold", flat=True)) == ["30"]


def test_reaffirming_moves_the_date_and_starts_the_reminders_again(
    published, lifecycle, world
):
    today = timezone.localdate()
    due_in(published, 0, today)
    assert services.review_reminders_send(today=today) == 1
    lifecycle.go(published, "reaffirm", world.deputy)
    published.refresh_from_db()
    days = (published.review_due - today).days
    assert services.review_reminders_send(today=today) == 0
    later = today + timedelta(days=days - 90)
    assert services.review_reminders_send(today=later) == 1


def test_drafts_and_abolished_standards_are_not_reminded(lifecycle, world):
    today = timezone.localdate()
    abolished = lifecycle.published()
    lifecycle.go(abolished, "abolish", world.leader, comment="Obsolete")
    due_in(abolished, 0, today)
    assert services.review_reminders_send(today=today) == 0


def test_the_daily_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "notifications.tasks.review_reminders_task",
        "notifications.tasks.notifications_sweep_task",
        "standards.tasks.pdf_sweep_task",
    } <= tasks
