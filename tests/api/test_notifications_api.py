"""The caller's own notifications, watching and e-mail choices over the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.selectors import display_name
from notifications.models import Kind, Notification, NotificationPreference, Watch

from .conftest import assert_error

pytestmark = pytest.mark.django_db

SIGNED_IN_ONLY = [
    ("get", "/api/v1/notifications/"),
    ("post", "/api/v1/notifications/1/read/"),
    ("post", "/api/v1/notifications/read-all/"),
    ("get", "/api/v1/notifications/preferences/"),
    ("put", "/api/v1/notifications/preferences/"),
    ("get", "/api/v1/notifications/delivery/"),
    ("put", "/api/v1/notifications/delivery/"),
    ("get", "/api/v1/watches/"),
    ("post", "/api/v1/fields/1/watch/"),
    ("delete", "/api/v1/fields/1/watch/"),
    ("post", "/api/v1/standards/1/watch/"),
    ("delete", "/api/v1/standards/1/watch/"),
]


def _notify(user, n, standard=None, kind=Kind.DRAFT_CHANGED):
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, standard=standard, message=f"#{i}")
        for i in range(n)
    )


@pytest.mark.parametrize(("method", "path"), SIGNED_IN_ONLY)
def test_anonymous_callers_get_401(api, method, path):
    response = getattr(api, method)(path, {})
    assert_error(response, 401, "not_authenticated")
    assert "WWW-Authenticate" in response


# --- notifications --------------------------------------------------------------


def test_list_shows_only_my_notifications_newest_first(as_user, world, lifecycle):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)  # tells the deputy
    _notify(world.stranger, 2)
    body = as_user(world.deputy).get("/api/v1/notifications/").json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["kind"] == "review_needed"
    assert item["standard"] == {
        "id": standard.pk,
        "number": standard.number,
        "title": standard.title,
    }
    # One sentence, the actor first (issue 13: no "… by an expert by Eva").
    assert item["message"] == (
        f"{display_name(world.member)} submitted “{standard.title}” for expert review."
        "\n\nok"  # the history entry's comment follows the sentence
    )
    assert item["category"] == "action"
    assert item["read"] is False and item["read_at"] is None
    assert item["link"].startswith("http://testserver/")
    assert as_user(world.stranger).get("/api/v1/notifications/").json()["count"] == 2


def test_list_is_paginated_and_filters_unread(as_user, world):
    _notify(world.member, 30)
    client = as_user(world.member)
    first = client.get("/api/v1/notifications/").json()
    assert first["count"] == 30 and len(first["results"]) == 25
    assert first["results"][0]["message"] == "#29"
    assert first["next"]
    assert len(client.get(first["next"]).json()["results"]) == 5

    one = Notification.objects.filter(recipient=world.member).first()
    assert client.post(f"/api/v1/notifications/{one.pk}/read/").status_code == 200
    unread = client.get("/api/v1/notifications/", {"unread": "true", "page_size": 100})
    assert unread.json()["count"] == 29
    assert one.pk not in [n["id"] for n in unread.json()["results"]]
    read = client.get("/api/v1/notifications/", {"unread": "false"}).json()
    assert [n["id"] for n in read["results"]] == [one.pk]


def test_list_rejects_a_bad_filter(as_user, world):
    client = as_user(world.member)
    assert_error(client.get("/api/v1/notifications/", {"kind": "nonsense"}), 400)
    assert_error(client.get("/api/v1/notifications/", {"page": "99"}), 404)


def test_mark_one_read(as_user, world):
    _notify(world.member, 1)
    notification = Notification.objects.get(recipient=world.member)
    client = as_user(world.member)
    body = client.post(f"/api/v1/notifications/{notification.pk}/read/").json()
    assert body["id"] == notification.pk and body["read"] is True
    first_read_at = body["read_at"]
    assert first_read_at
    # Again: still read, at the first time.
    again = client.post(f"/api/v1/notifications/{notification.pk}/read/").json()
    assert again["read_at"] == first_read_at


def test_someone_elses_or_an_unknown_notification_is_404(as_user, world):
    _notify(world.member, 1)
    notification = Notification.objects.get(recipient=world.member)
    client = as_user(world.stranger)
    assert_error(
        client.post(f"/api/v1/notifications/{notification.pk}/read/"), 404, "not_found"
    )
    assert_error(client.post("/api/v1/notifications/999999/read/"), 404, "not_found")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(as_user, world):
    _notify(world.member, 3)
    _notify(world.stranger, 2)
    client = as_user(world.member)
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 3}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert Notification.objects.unread().filter(recipient=world.stranger).count() == 2


def test_notification_list_query_count_does_not_grow(as_user, world, lifecycle):
    client = as_user(world.member)
    client.get("/api/v1/auth/tokens/")  # the token's last use is written once

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/notifications/")
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    standard = lifecycle.draft()
    _notify(world.member, 1, standard)
    small, n_small = count()
    # The token, the page of notifications, their count, and the editions and
    # assignments that decide each standard's title for this reader.
    assert small == 5
    other = lifecycle.draft(title="Another")
    _notify(world.member, 5, standard)
    _notify(world.member, 5, other)
    _notify(world.member, 5)
    large, n_large = count()
    assert n_large > n_small
    assert large == small


def test_notification_list_of_public_standards_does_not_grow(
    as_user, world, lifecycle, no_pdf_renders
):
    """A reader outside the drafts' audience knows each standard by its
    public record: the editions (and assignments) that decide it are read
    for the whole page at once, not once per standard."""
    client = as_user(world.stranger)
    client.get("/api/v1/auth/tokens/")  # the token's last use is written once

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/notifications/")
        assert response.status_code == 200
        return len(queries)

    _notify(world.stranger, 1, lifecycle.published(title="First"))
    small = count()
    for title in ("Second", "Third", "Fourth"):
        _notify(world.stranger, 2, lifecycle.published(title=title))
    assert count() == small


def test_each_notification_says_its_category_and_the_list_filters_by_it(as_user, world):
    _notify(world.member, 2, kind=Kind.DRAFT_CHANGED)
    _notify(world.member, 1, kind=Kind.DRAFT_RETURNED)
    client = as_user(world.member)

    every = client.get("/api/v1/notifications/").json()["results"]
    action = client.get("/api/v1/notifications/?category=action").json()
    information = client.get("/api/v1/notifications/?category=information").json()

    assert {(n["kind"], n["category"]) for n in every} == {
        ("draft_changed", "information"),
        ("draft_returned", "action"),
    }
    assert [n["kind"] for n in action["results"]] == ["draft_returned"]
    assert information["count"] == 2
    assert_error(
        client.get("/api/v1/notifications/?category=urgent"),
        400,
        "invalid",
        field="category",
    )


def test_the_category_filtered_list_query_count_does_not_grow(
    as_user, world, lifecycle
):
    client = as_user(world.member)
    client.get("/api/v1/auth/tokens/")  # the token's last use is written once

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/notifications/?category=action")
        assert response.status_code == 200
        return len(queries)

    _notify(world.member, 1, lifecycle.draft(), kind=Kind.DRAFT_RETURNED)
    small = count()
    for title in ("Second", "Third"):
        _notify(world.member, 3, lifecycle.draft(title=title), Kind.COMMENT_RECEIVED)
    assert count() == small


def test_delivery_defaults_to_immediate_and_can_be_a_daily_digest(as_user, world):
    client = as_user(world.member)
    path = "/api/v1/notifications/delivery/"
    assert client.get(path).json() == {"delivery": "immediate"}

    response = client.put(path, {"delivery": "digest"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"delivery": "digest"}
    assert client.get(path).json() == {"delivery": "digest"}
    assert_error(
        client.put(path, {"delivery": "hourly"}, format="json"),
        400,
        "invalid",
        field="delivery",
    )


# --- watching -----------------------------------------------------------------


def test_watch_and_unwatch_a_published_standard(as_user, world, lifecycle):
    standard = lifecycle.published()
    client = as_user(world.stranger)
    path = f"/api/v1/standards/{standard.pk}/watch/"
    created = client.post(path)
    assert created.status_code == 201
    assert created.json()["standard"]["id"] == standard.pk
    assert created.json()["field"] is None
    assert client.post(path).status_code == 200  # already watched
    assert Watch.objects.filter(user=world.stranger, standard=standard).count() == 1

    listed = client.get("/api/v1/watches/").json()
    assert [w["standard"]["id"] for w in listed["results"]] == [standard.pk]

    assert client.delete(path).status_code == 204
    assert client.delete(path).status_code == 204  # not watched: still done
    assert not Watch.objects.filter(user=world.stranger).exists()
    assert client.get("/api/v1/watches/").json()["count"] == 0


def test_a_draft_i_cannot_see_is_404_to_watch_and_unwatch(as_user, world, lifecycle):
    draft = lifecycle.draft()
    path = f"/api/v1/standards/{draft.pk}/watch/"
    for user in (world.stranger, world.other_member):
        client = as_user(user)
        assert_error(client.post(path), 404, "not_found")
        assert_error(client.delete(path), 404, "not_found")
    assert not Watch.objects.exists()
    # Its own organisation sees it, and may watch it.
    assert as_user(world.member).post(path).status_code == 201


def test_an_unknown_standard_or_field_is_404(as_user, world):
    client = as_user(world.member)
    for path in ("/api/v1/standards/999999/watch/", "/api/v1/fields/999999/watch/"):
        assert_error(client.post(path), 404, "not_found")
        assert_error(client.delete(path), 404, "not_found")


def test_watch_and_unwatch_a_field(as_user, world):
    client = as_user(world.stranger)
    path = f"/api/v1/fields/{world.field.pk}/watch/"
    created = client.post(path)
    assert created.status_code == 201
    assert created.json()["field"] == {
        "id": world.field.pk,
        "name": world.field.name,
        "name_zh": world.field.name_zh,
    }
    assert created.json()["standard"] is None
    assert client.post(path).status_code == 200
    listed = client.get("/api/v1/watches/").json()["results"]
    assert [w["field"]["id"] for w in listed] == [world.field.pk]
    assert client.delete(path).status_code == 204
    assert not Watch.objects.exists()


def test_watchers_of_a_field_are_told_of_publication(as_user, world, lifecycle):
    as_user(world.stranger).post(f"/api/v1/fields/{world.field.pk}/watch/")
    lifecycle.published()  # in a subfield of the watched field
    kinds = [
        n["kind"]
        for n in as_user(world.stranger).get("/api/v1/notifications/").json()["results"]
    ]
    assert kinds == ["published"]


# --- e-mail choices -------------------------------------------------------------


def test_preferences_default_to_every_kind_by_email(as_user, world):
    body = as_user(world.member).get("/api/v1/notifications/preferences/").json()
    assert body == dict.fromkeys(Kind.values, True)


def test_put_preferences(as_user, world):
    client = as_user(world.member)
    wanted = {kind: kind == Kind.PUBLISHED for kind in Kind.values}
    response = client.put("/api/v1/notifications/preferences/", wanted, format="json")
    assert response.status_code == 200
    assert response.json() == wanted
    assert client.get("/api/v1/notifications/preferences/").json() == wanted
    assert set(
        NotificationPreference.objects.filter(
            user=world.member, email=True
        ).values_list("kind", flat=True)
    ) == {Kind.PUBLISHED}


def test_put_preferences_needs_every_kind_as_a_boolean(as_user, world):
    client = as_user(world.member)
    path = "/api/v1/notifications/preferences/"
    empty = client.put(path, {}, format="json")
    assert_error(empty, 400, "invalid", field="published")
    bad = dict.fromkeys(Kind.values, True) | {"published": "perhaps"}
    assert_error(client.put(path, bad, format="json"), 400, field="published")
    assert_error(
        client.put(path, "{oops", content_type="application/json"), 400, "parse_error"
    )
    assert not NotificationPreference.objects.exists()
