"""The API's conventions: Location on every 201, Link headers on paginated
lists (sub-collections included), ordering validated, RateLimit-* headers
from the throttles."""

import pytest
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from standards import services
from tests.factories import FieldFactory

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def url(standard, rest=""):
    return f"/api/v1/standards/{standard.pk}/{rest}"


# --- Location ----------------------------------------------------------------


def test_a_new_draft_is_located_at_its_own_address(as_user, world):
    response = as_user(world.member).post(
        "/api/v1/standards/",
        {"title": "T", "scope": "S", "field": world.subfield.pk},
    )

    assert response.status_code == 201
    assert response["Location"] == (
        f"http://testserver/api/v1/standards/{response.json()['id']}/"
    )
    assert as_user(world.member).get(response["Location"]).status_code == 200


def test_sub_resources_are_located_in_the_list_that_shows_them(
    as_user, world, lifecycle
):
    standard = lifecycle.in_review()
    expert = as_user(world.expert1)

    created = {
        "versions/": as_user(world.member).post(
            url(standard, "versions/"), {"body": "x"}
        ),
        "comments/": expert.post(url(standard, "comments/"), {"text": "Why?"}),
        "recommendations/": expert.post(
            url(standard, "recommendations/"), {"decision": "approve"}
        ),
    }

    for rest, response in created.items():
        assert response.status_code == 201, (rest, response.content)
        assert response["Location"] == f"http://testserver{url(standard, rest)}"


def test_a_confirmed_recommendation_is_located_in_the_recommendations(
    as_user, world, lifecycle
):
    standard = lifecycle.in_review()
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    services.version_create(standard_id=standard.pk, actor=world.member, body="v2")

    response = as_user(world.expert1).post(url(standard, "recommendations/confirm/"))

    assert response.status_code == 201, response.content
    assert response["Location"] == (
        f"http://testserver{url(standard, 'recommendations/')}"
    )


def test_a_watch_is_located_where_it_is_stopped(as_user, world, lifecycle):
    standard = lifecycle.published()

    response = as_user(world.member).post(url(standard, "watch/"))

    assert response.status_code == 201
    assert response["Location"] == f"http://testserver{url(standard, 'watch/')}"


# --- Link and paginated sub-collections -----------------------------------------


def test_a_paginated_list_links_its_next_and_previous_pages(api, world):
    FieldFactory(name="Extra Field")  # four fields at the top level and below

    first = api.get("/api/v1/fields/", {"page_size": 1})
    second = api.get("/api/v1/fields/", {"page_size": 1, "page": 2})

    body = first.json()
    assert first["Link"] == f'<{body["next"]}>; rel="next"'
    assert second["Link"] == (
        f'<{second.json()["next"]}>; rel="next", '
        f'<{second.json()["previous"]}>; rel="prev"'
    )
    last = api.get("/api/v1/fields/", {"page_size": 1, "page": body["count"]})
    assert last["Link"] == f'<{last.json()["previous"]}>; rel="prev"'


def test_a_single_page_has_no_link(api, world):
    assert not api.get("/api/v1/fields/").has_header("Link")


@pytest.mark.parametrize(
    "rest", ["versions/", "comments/", "recommendations/", "assignments/", "history/"]
)
def test_sub_collections_are_paginated(as_user, world, lifecycle, rest):
    standard = lifecycle.reviewed()

    response = as_user(world.member).get(url(standard, rest), {"page_size": 1})

    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == min(1, body["count"])
    if body["count"] > 1:
        assert response["Link"] == f'<{body["next"]}>; rel="next"'


def test_a_standards_editions_are_paginated(api, lifecycle):
    standard = lifecycle.published()

    body = api.get(url(standard, "editions/")).json()

    assert body["count"] == 1 and body["results"][0]["edition"] == 1


# --- ordering ------------------------------------------------------------------


def test_an_unknown_ordering_is_400_listing_the_allowed_ones(api, world):
    response = api.get("/api/v1/standards/", {"ordering": "-title,password"})

    body = assert_error(response, 400, "invalid", field="ordering")
    message = body["errors"]["ordering"][0]
    assert "password" in message
    for allowed in ("number", "title", "updated", "created", "status", "review_due"):
        assert allowed in message
    assert "-title" not in message.split(";")[0]


@pytest.mark.parametrize("ordering", ["number", "-updated", "title,-created"])
def test_an_allowed_ordering_is_kept(api, lifecycle, ordering):
    lifecycle.published()

    assert api.get("/api/v1/standards/", {"ordering": ordering}).status_code == 200


def test_every_list_with_ordering_validates_it(as_user, world):
    client = as_user(world.member)
    for path in (
        "/api/v1/editions/",
        "/api/v1/fields/",
        "/api/v1/people/",
        "/api/v1/work-items/",
    ):
        assert_error(client.get(path, {"ordering": "nope"}), 400, "invalid")


# --- rate limits -----------------------------------------------------------------


def test_rate_limit_headers_count_down_to_the_429(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)

    first = api.get("/api/v1/fields/")
    second = api.get("/api/v1/fields/")
    third = api.get("/api/v1/fields/")

    assert [r["RateLimit-Limit"] for r in (first, second, third)] == ["2"] * 3
    assert [r["RateLimit-Remaining"] for r in (first, second, third)] == [
        "1",
        "0",
        "0",
    ]
    assert 1 <= int(first["RateLimit-Reset"]) <= 60
    assert_error(third, 429, "throttled")
    assert 1 <= int(third["RateLimit-Reset"]) <= int(third["Retry-After"]) + 1


def test_a_signed_in_caller_sees_the_user_rate(as_user, world, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "5/hour", raising=False)
    client = as_user(world.member)

    response = client.get("/api/v1/standards/")

    assert response["RateLimit-Limit"] == "5"
    assert response["RateLimit-Remaining"] == "4"
    assert 3590 <= int(response["RateLimit-Reset"]) <= 3600


def test_the_event_feed_links_its_next_page(as_user, world, lifecycle, settings):
    settings.PORTAL_EVENTS_FEED_DELAY = 0
    lifecycle.in_review()

    response = as_user(world.leader).get("/api/v1/events/", {"limit": 1})

    assert response["Link"] == f'<{response.json()["next"]}>; rel="next"'
