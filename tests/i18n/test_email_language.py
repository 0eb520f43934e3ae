"""Notifications and e-mails are written in their recipient's language and
time zone, whoever's request caused them; password-reset mail in the
language of the page it was asked from."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone, translation

from accounts import services as accounts_services
from notifications import services
from notifications.models import Delivery, Kind, Notification
from standards.models import HistoryEntry, Standard

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
# 12:30 UTC is 20:30 in Shanghai.
MOMENT = datetime(2026, 1, 15, 12, 30, tzinfo=UTC)


def in_chinese(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


@pytest.fixture
def chinese_deputy(world):
    accounts_services.preferences_set(
        user=world.deputy, language="zh-hans", time_zone="Asia/Shanghai"
    )
    return world.deputy


def submitted(lifecycle, world, django_capture_on_commit_callbacks) -> Standard:
    """A draft submitted by its author: its field's deputy is told. The
    notifications are written, not yet sent."""
    standard = lifecycle.draft()
    Notification.objects.all().delete()
    mail.outbox.clear()
    with (
        mock.patch("notifications.services.enqueue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lifecycle.go(standard, "submit", world.member)
    return standard


def test_the_stored_message_is_in_the_recipients_language(
    lifecycle, world, chinese_deputy, django_capture_on_commit_callbacks
):
    # The author's request is in English; the deputy reads Chinese.
    standard = submitted(lifecycle, world, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient=chinese_deputy)
    entry = HistoryEntry.objects.filter(standard=standard, action="submit").latest("pk")
    with translation.override("zh-hans"):
        expected = services.message_for(
            entry, kind=notification.kind, user=chinese_deputy
        )
    assert notification.message == expected
    assert translation.get_language() == "en"  # nothing leaked
    assert CJK.search(notification.message)


def test_an_english_recipient_keeps_english(
    lifecycle, world, chinese_deputy, django_capture_on_commit_callbacks
):
    standard = submitted(lifecycle, world, django_capture_on_commit_callbacks)
    # The leader hears nothing of a submission; the author's co-readers do
    # not exist: the deputy is the one recipient, so tell the leader by hand.
    entry = HistoryEntry.objects.filter(standard=standard, action="submit").latest("pk")
    with translation.override("zh-hans"):
        chinese = services.message_for(
            entry, kind=Kind.REVIEW_NEEDED, user=world.leader
        )
    english = services.message_for(entry, kind=Kind.REVIEW_NEEDED, user=world.leader)
    assert standard.title in english
    assert "“" in english
    assert CJK.search(chinese)
    assert not CJK.search(english)


def test_the_e_mail_is_in_the_recipients_language_and_time_zone(
    lifecycle, world, chinese_deputy, django_capture_on_commit_callbacks
):
    standard = submitted(lifecycle, world, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient=chinese_deputy)
    Notification.objects.filter(pk=notification.pk).update(created=MOMENT)

    assert services.notifications_send(notification_ids=[notification.pk]) == 1
    (message,) = mail.outbox
    assert message.to == [chinese_deputy.email]
    label = in_chinese(Kind.REVIEW_NEEDED.label)
    assert message.subject.endswith(label)
    assert CJK.search(message.subject)
    assert notification.message in message.body
    # The link leads to the Chinese address of the draft.
    assert f"/zh-hans/drafts/{standard.pk}/" in message.body
    # The time in Shanghai, as Chinese writes it, with its zone.
    assert "2026年1月15日 20:30 CST" in message.body
    assert "12:30" not in message.body


def test_an_english_recipients_e_mail_stays_english_and_utc(
    lifecycle, world, django_capture_on_commit_callbacks
):
    standard = submitted(lifecycle, world, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient=world.deputy)
    Notification.objects.filter(pk=notification.pk).update(created=MOMENT)

    with translation.override("zh-hans"):  # the sender's language is not theirs
        services.notifications_send(notification_ids=[notification.pk])
    (message,) = mail.outbox
    assert message.subject.endswith(str(Kind.REVIEW_NEEDED.label))
    assert f"/drafts/{standard.pk}/" in message.body
    assert "/zh-hans/" not in message.body
    assert "Time: Jan. 15, 2026, 12:30 p.m. UTC" in message.body


def test_the_digest_is_in_the_recipients_language_and_time_zone(
    lifecycle, world, chinese_deputy, django_capture_on_commit_callbacks
):
    standard = submitted(lifecycle, world, django_capture_on_commit_callbacks)
    services.delivery_set(user=chinese_deputy, delivery=Delivery.DIGEST)
    notification = Notification.objects.get(recipient=chinese_deputy)
    Notification.objects.filter(pk=notification.pk).update(created=MOMENT)
    services.notifications_send(notification_ids=[notification.pk])
    assert mail.outbox == []

    assert services.digests_send(now=timezone.now()) == 1
    (message,) = mail.outbox
    assert CJK.search(message.subject)
    assert in_chinese(services.Category.ACTION.label) in message.body
    assert f"/zh-hans/drafts/{standard.pk}/" in message.body
    assert "/zh-hans/notifications/preferences/" in message.body
    assert "2026年1月15日 20:30 CST" in message.body


def test_a_review_reminder_is_written_for_each_recipient(lifecycle, world):
    accounts_services.preferences_set(user=world.deputy, language="zh-hans")
    published = lifecycle.published()
    today = timezone.localdate()
    Standard.objects.filter(pk=published.pk).update(
        review_due=today + timedelta(days=30)
    )
    Notification.objects.all().delete()
    services.review_reminders_send(today=today)
    chinese = Notification.objects.get(recipient=world.deputy, kind=Kind.REVIEW_DUE)
    english = Notification.objects.get(recipient=world.leader, kind=Kind.REVIEW_DUE)
    due = today + timedelta(days=30)
    assert f"{due.year}年{due.month}月{due.day}日" in chinese.message
    assert due.strftime("%b") in english.message
    assert "年" not in english.message


# --- password reset ----------------------------------------------------------------


def test_a_reset_asked_from_the_chinese_page_is_mailed_in_chinese(
    client, world, fresh_cache
):
    mail.outbox.clear()
    response = client.post(
        "/zh-hans/accounts/password/reset/", {"email": world.member.email}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/zh-hans/")
    (message,) = mail.outbox
    assert "/zh-hans/accounts/password/reset/" in message.body
    with translation.override("zh-hans"):
        line = translation.gettext("Choose a new password at this address:")
    assert line in message.body


def test_a_reset_asked_from_the_english_page_is_mailed_in_english(
    client, world, fresh_cache
):
    mail.outbox.clear()
    client.post(
        "/accounts/password/reset/",
        {"email": world.member.email},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    (message,) = mail.outbox
    assert "Choose a new password at this address:" in message.body
    assert "/zh-hans/" not in message.body


def test_a_chinese_recipient_is_told_the_chinese_title(
    lifecycle, world, chinese_deputy, django_capture_on_commit_callbacks
):
    standard = lifecycle.draft()
    Standard.objects.filter(pk=standard.pk).update(title_zh="分诊聊天机器人评测")
    Notification.objects.all().delete()
    with (
        mock.patch("notifications.services.enqueue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lifecycle.go(Standard.objects.get(pk=standard.pk), "submit", world.member)
    told = Notification.objects.get(recipient=chinese_deputy)
    assert "分诊聊天机器人评测" in told.message
    assert standard.title not in told.message
    # The author, who reads English, keeps the English title.
    accounts_services.preferences_set(user=world.deputy, language="en", time_zone="")
    Notification.objects.all().delete()
    entry = HistoryEntry.objects.filter(standard=standard, action="submit").latest("pk")
    english = services.message_for(entry, kind=told.kind, user=world.deputy)
    assert standard.title in english
    assert "分诊聊天机器人评测" not in english
