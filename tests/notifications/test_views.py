"""The notifications pages, the bell, watching and e-mail choices."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Kind, Notification, NotificationPreference, Watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(lifecycle, world):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    return standard


def test_the_list_shows_my_notifications_and_the_bell_counts_unread(
    client, world, submitted
):
    client.force_login(world.deputy)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    page = response.content.decode()
    # The wording is one sentence, actor first (issue 13).
    assert f"submitted “{submitted.title}” for expert review" in page
    assert page.index("Needs your action") < page.index("For your information")
    assert 'class="bell has-unread"' in page
    assert '<span class="badge count"' in page


def test_the_list_needs_a_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_marking_one_and_all_read(client, world, submitted, lifecycle):
    lifecycle.go(submitted, "request_changes", world.deputy, comment="More")
    lifecycle.go(submitted, "submit", world.member)
    client.force_login(world.deputy)
    mine = Notification.objects.filter(recipient=world.deputy)
    assert mine.unread().count() == 2

    first = mine.first()
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    assert mine.unread().count() == 1

    client.post(reverse("notifications:read_all"))
    assert mine.unread().count() == 0
    page = client.get(reverse("notifications:list")).content.decode()
    assert "has-unread" not in page


def test_someone_elses_notification_is_not_found(client, world, submitted):
    notification = Notification.objects.get(recipient=world.deputy)
    client.force_login(world.stranger)
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_only_by_post(client, world, submitted):
    notification = Notification.objects.get(recipient=world.deputy)
    client.force_login(world.deputy)
    assert (
        client.get(reverse("notifications:read", args=[notification.pk])).status_code
        == 405
    )


def test_preferences_form_turns_e_mail_off_per_kind(client, world):
    client.force_login(world.deputy)
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    assert 'name="email"' in page and "checked" in page

    keep = [k for k in Kind.values if k != Kind.REVIEW_NEEDED]
    response = client.post(url, {"email": keep})
    assert response.status_code == 302
    assert not NotificationPreference.objects.get(
        user=world.deputy, kind=Kind.REVIEW_NEEDED
    ).email
    assert not services.email_wanted(user=world.deputy, kind=Kind.REVIEW_NEEDED)
    assert services.email_wanted(user=world.deputy, kind=Kind.REVIEW_DUE)

    response = client.post(url, {"email": ["not-a-kind"]})
    assert response.status_code == 200  # the form says what is wrong


def test_watch_and_unwatch_a_field_and_a_standard(client, world, lifecycle):
    standard = lifecycle.published()
    client.force_login(world.stranger)

    response = client.post(
        reverse("notifications:watch_field", args=[world.field.pk]),
        {"next": "/somewhere/"},
    )
    assert response.status_code == 302 and response["Location"] == "/somewhere/"
    client.post(reverse("notifications:watch_standard", args=[standard.pk]))
    assert Watch.objects.filter(user=world.stranger).count() == 2
    # Watching twice changes nothing.
    client.post(reverse("notifications:watch_standard", args=[standard.pk]))
    assert Watch.objects.filter(user=world.stranger).count() == 2

    page = client.get(reverse("notifications:list")).content.decode()
    assert "Stop watching" in page

    client.post(reverse("notifications:unwatch_standard", args=[standard.pk]))
    client.post(reverse("notifications:unwatch_field", args=[world.field.pk]))
    assert not Watch.objects.filter(user=world.stranger).exists()


def test_an_outside_next_is_ignored(client, world):
    client.force_login(world.stranger)
    response = client.post(
        reverse("notifications:watch_field", args=[world.field.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("notifications:list")


def test_watching_an_invisible_draft_or_unknown_field_is_not_found(
    client, world, lifecycle
):
    draft = lifecycle.draft()
    client.force_login(world.stranger)
    assert (
        client.post(
            reverse("notifications:watch_standard", args=[draft.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("notifications:watch_field", args=[999999])).status_code
        == 404
    )
    assert not Watch.objects.exists()


def test_anonymous_visitors_cannot_watch(client, world):
    response = client.post(reverse("notifications:watch_field", args=[world.field.pk]))
    assert response.status_code == 302
    assert not Watch.objects.exists()
