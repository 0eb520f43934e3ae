"""Who is told what, the outbox, and sending at most once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Notification, NotificationPreference, Watch
from standards import services as standards_services
from tests.notifications.mail_backends import REFUSED

pytestmark = pytest.mark.django_db


def told(standard, kind=None):
    """{username: kind} of the notifications about ``standard``."""
    qs = Notification.objects.filter(standard=standard).select_related("recipient")
    if kind:
        qs = qs.filter(kind=kind)
    return {n.recipient.username: n.kind for n in qs}


def test_submitting_tells_the_deputy_leaders_of_the_field_not_the_author(
    lifecycle, world
):
    standard = lifecycle.draft()
    Notification.objects.all().delete()

    lifecycle.go(standard, "submit", world.member)

    assert told(standard) == {"deputy": Kind.REVIEW_NEEDED}


def test_assigned_experts_are_told_once_and_authors_hear_of_it(
    lifecycle, world, django_capture_on_commit_callbacks
):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    Notification.objects.all().delete()

    standards_services.experts_assign(
        standard_id=standard.pk, actor=world.deputy, experts=[world.expert1]
    )
    standards_services.experts_assign(
        standard_id=standard.pk,
        actor=world.deputy,
        experts=[world.expert1, world.expert2],
    )

    assigned = Notification.objects.filter(kind=Kind.EXPERT_ASSIGNED)
    assert sorted(assigned.values_list("recipient__username", flat=True)) == [
        "expert1",
        "expert2",
    ]
    assert told(standard, Kind.DRAFT_CHANGED) == {"member": Kind.DRAFT_CHANGED}


def test_a_new_version_tells_the_assigned_experts(lifecycle, world):
    standard = lifecycle.in_review()
    lifecycle.go(standard, "request_changes", world.deputy, comment="More data")
    Notification.objects.all().delete()

    standards_services.version_create(
        standard_id=standard.pk, actor=world.member, body="# Scope\n\nv2\n"
    )

    assert told(standard) == {
        "expert1": Kind.NEW_VERSION,
        "expert2": Kind.NEW_VERSION,
    }


def test_answering_a_comment_tells_the_deputy_leaders(lifecycle, world):
    standard = lifecycle.in_review()
    comment = standards_services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Define accuracy."
    )
    assert told(standard)["member"] == Kind.DRAFT_CHANGED
    Notification.objects.all().delete()

    standards_services.comment_answer(
        comment_id=comment.pk, actor=world.member, reply="accepted", reply_text="Done"
    )

    assert told(standard) == {"deputy": Kind.REVIEW_NEEDED}


def test_audit_tells_auditors_and_certification_tells_the_leader(lifecycle, world):
    standard = lifecycle.reviewed()
    Notification.objects.all().delete()

    lifecycle.go(standard, "advance_to_audit", world.deputy)
    assert told(standard) == {
        "auditor": Kind.AUDIT_NEEDED,
        "member": Kind.DRAFT_CHANGED,
    }
    Notification.objects.all().delete()

    lifecycle.go(standard, "certify", world.auditor)
    assert told(standard) == {"leader": Kind.CERTIFIED, "member": Kind.DRAFT_CHANGED}


def test_watchers_of_the_field_or_standard_hear_of_publication_and_abolition(
    lifecycle, world
):
    standard = lifecycle.certified()
    services.watch_field(field_id=world.field.pk, user=world.stranger)
    services.watch_standard(standard_id=standard.pk, user=world.auditor)
    Notification.objects.all().delete()

    lifecycle.go(standard, "publish", world.leader)
    assert told(standard) == {
        "stranger": Kind.PUBLISHED,
        "auditor": Kind.PUBLISHED,
        "member": Kind.DRAFT_CHANGED,
    }
    Notification.objects.all().delete()

    lifecycle.go(standard, "abolish", world.leader, comment="Obsolete")
    assert told(standard) == {
        "stranger": Kind.ABOLISHED,
        "auditor": Kind.ABOLISHED,
        "member": Kind.DRAFT_CHANGED,
    }


def test_unwatching_stops_the_notifications(lifecycle, world):
    standard = lifecycle.certified()
    services.watch_field(field_id=world.field.pk, user=world.stranger)
    services.unwatch_field(field_id=world.field.pk, user=world.stranger)
    lifecycle.go(standard, "publish", world.leader)
    assert "stranger" not in told(standard)


def test_an_invisible_draft_cannot_be_watched(lifecycle, world):
    standard = lifecycle.draft()
    with pytest.raises(services.ApplicationError) as refused:
        services.watch_standard(standard_id=standard.pk, user=world.stranger)
    assert refused.value.code == "not_found"
    assert not Watch.objects.exists()


def test_rows_are_written_in_the_actions_transaction_and_sent_after_commit(
    lifecycle, world, django_capture_on_commit_callbacks
):
    standard = lifecycle.draft()
    Notification.objects.all().delete()
    mail.outbox.clear()

    with mock.patch("notifications.services.enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            lifecycle.go(standard, "submit", world.member)
        assert Notification.objects.count() == 1
        assert enqueue.call_count == 1
        (task, ids), _ = enqueue.call_args
        assert ids == list(Notification.objects.values_list("pk", flat=True))
    assert len(callbacks) >= 1


def test_nothing_is_written_or_enqueued_when_the_action_rolls_back(lifecycle, world):
    standard = lifecycle.draft()
    Notification.objects.all().delete()

    with (
        mock.patch("notifications.services.enqueue") as enqueue,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        lifecycle.go(standard, "submit", world.member)
        raise RuntimeError("rolled back")

    assert not Notification.objects.exists()
    enqueue.assert_not_called()


def test_sending_e_mails_a_notification_at_most_once(
    lifecycle, world, django_capture_on_commit_callbacks
):
    standard = lifecycle.draft()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "submit", world.member)
    notification = Notification.objects.get(recipient=world.deputy)

    assert [m.to for m in mail.outbox] == [[world.deputy.email]]
    assert standard.title in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.emailed

    # The task delivered twice, and the sweep: still one mail.
    assert services.notification_send(notification_id=notification.pk) is False
    services.notifications_sweep(now=timezone.now() + timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_e_mail_follows_the_recipients_preference_per_kind(
    lifecycle, world, django_capture_on_commit_callbacks
):
    services.preferences_set(
        user=world.deputy,
        email_kinds=[k for k in Kind.values if k != Kind.REVIEW_NEEDED],
    )
    assert NotificationPreference.objects.filter(user=world.deputy).count() == len(
        Kind.values
    )
    standard = lifecycle.draft()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "submit", world.member)

    notification = Notification.objects.get(recipient=world.deputy)
    assert mail.outbox == []
    assert notification.sent_at is not None and not notification.emailed
    assert notification.read_at is None  # still shown in the portal


def test_the_sweep_sends_rows_the_broker_never_got(lifecycle, world):
    standard = lifecycle.draft()
    mail.outbox.clear()
    with mock.patch("notifications.services.enqueue"):  # the broker is down
        lifecycle.go(standard, "submit", world.member)
    assert Notification.objects.unsent().count() == 1

    # Too recent: its own task may still be on the way.
    assert services.notifications_sweep() == 0
    later = timezone.now() + timedelta(minutes=5)
    assert services.notifications_sweep(now=later) == 1
    assert services.notifications_sweep(now=later) == 0
    assert len(mail.outbox) == 1


def test_a_failed_mail_is_released_for_the_sweep_and_retried_a_bounded_number_of_times(
    lifecycle, world, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    standard = lifecycle.draft()
    with mock.patch("notifications.services.enqueue"):
        lifecycle.go(standard, "submit", world.member)
    notification = Notification.objects.get()
    later = timezone.now() + timedelta(minutes=5)

    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.DownBackend"
    services.notifications_sweep(now=later)
    services.notifications_sweep(now=later)
    services.notifications_sweep(now=later)

    notification.refresh_from_db()
    assert notification.sent_at is None
    assert notification.attempts == 2
    assert "smtp down" in notification.last_error


def _batch(world, standard, people):
    """Unsent outbox rows for ``people`` (the broker never got them)."""
    with mock.patch("notifications.services.enqueue"):
        rows = services.notifications_create(
            recipients=[(p.pk, Kind.REVIEW_NEEDED) for p in people],
            standard=standard,
            message="Please review.",
        )
    return [row.pk for row in rows]


def test_one_refused_mail_leaves_the_rest_of_the_batch_sent(lifecycle, world, settings):
    world.expert2.email = REFUSED
    world.expert2.save()
    standard = lifecycle.draft()
    people = [world.deputy, world.expert1, world.expert2, world.leader]
    ids = _batch(world, standard, people)
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.RefusingBackend"
    mail.outbox.clear()

    assert services.notifications_send(notification_ids=ids) == 3

    assert sorted(to for m in mail.outbox for to in m.to) == sorted(
        p.email for p in (world.deputy, world.expert1, world.leader)
    )
    refused = Notification.objects.get(pk__in=ids, recipient=world.expert2)
    assert refused.sent_at is None and not refused.emailed
    assert "no such user" in refused.last_error
    others = Notification.objects.filter(pk__in=ids).exclude(recipient=world.expert2)
    assert all(n.emailed and n.sent_at for n in others)
    # The sweep tries the refused one again, and only it.
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.notifications_sweep(now=timezone.now() + timedelta(hours=1)) == 1
    assert [m.to for m in mail.outbox] == [[REFUSED]]


def test_a_batch_claims_each_row_once_across_runs(lifecycle, world):
    standard = lifecycle.draft()
    ids = _batch(world, standard, [world.deputy, world.expert1, world.leader])
    mail.outbox.clear()
    assert services.notifications_send(notification_ids=ids) == 3
    assert services.notifications_send(notification_ids=ids + ids) == 0
    assert len(mail.outbox) == 3


def test_an_unreachable_mail_server_releases_the_whole_batch(
    lifecycle, world, settings
):
    standard = lifecycle.draft()
    ids = _batch(world, standard, [world.deputy, world.expert1])
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.DownBackend"
    assert services.notifications_send(notification_ids=ids) == 0
    rows = Notification.objects.filter(pk__in=ids)
    assert all(n.sent_at is None and n.attempts == 1 for n in rows)
    assert all("smtp down" in n.last_error for n in rows)


def test_marking_read_one_and_all(lifecycle, world):
    standard = lifecycle.in_review()
    lifecycle.go(standard, "request_changes", world.deputy, comment="More data")
    mine = Notification.objects.filter(recipient=world.member)
    assert mine.unread().count() >= 2

    services.notification_mark_read(notification_id=mine.first().pk, user=world.member)
    assert mine.unread().count() == mine.count() - 1
    with pytest.raises(services.ApplicationError):
        services.notification_mark_read(
            notification_id=mine.first().pk, user=world.stranger
        )
    services.notifications_mark_all_read(user=world.member)
    assert mine.unread().count() == 0
