"""List endpoints answer with a number of queries that does not grow with
the number of objects."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import WorkItemFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/standards/",
    "/api/v1/editions/",
    "/api/v1/fields/",
    "/api/v1/people/",
    "/api/v1/organisations/",
    "/api/v1/work-items/",
    "/api/v1/meetings/",
    "/api/v1/notifications/",
    "/api/v1/watches/",
]


# The queries of each list, and of each sub-resource of a standard in review
# ("" is the standard itself), at the smaller size.
QUERIES = {
    "/api/v1/standards/": 7,
    "/api/v1/editions/": 3,
    "/api/v1/fields/": 4,
    "/api/v1/people/": 4,
    "/api/v1/organisations/": 3,
    # + the milestones of the page's items, and the QMS programmes the
    # caller sees (their roles, two, then the programmes).
    "/api/v1/work-items/": 9,
    "/api/v1/meetings/": 2,
    # + the editions and assignments behind each standard's title (one each).
    "/api/v1/notifications/": 7,
    "/api/v1/watches/": 2,
}
SUB_QUERIES = {
    "": 13,
    # Paginated: one more query, the page's COUNT.
    "versions/": 7,
    "comments/": 6,
    "recommendations/": 6,
    "history/": 6,
    "assignments/": 6,
}


def _counts(client, paths):
    # The token's last use is written at most once a minute: not in a count.
    client.get("/api/v1/auth/tokens/")
    result = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        result[path] = len(queries)
    return result


def _grow(lifecycle, world, n):
    item = WorkItemFactory()
    for i in range(n):
        lifecycle.published(title=f"Published {n}-{i}", work_item=item)
        lifecycle.at("expert_review", title=f"Review {n}-{i}")


def test_list_query_counts_do_not_grow(as_user, world, lifecycle):
    client = as_user(world.member)
    _grow(lifecycle, world, 1)
    standard = lifecycle.at("expert_review", title="Sub-resources")
    # Not empty: a page of an empty list skips its query.
    as_user(world.expert1).post(
        f"/api/v1/standards/{standard.pk}/comments/", {"text": "first"}
    )
    subs = [
        f"/api/v1/standards/{standard.pk}/{rest}"
        for rest in (
            "",
            "versions/",
            "comments/",
            "recommendations/",
            "history/",
            "assignments/",
        )
    ]
    small = _counts(client, LISTS + subs)
    assert small == {
        **QUERIES,
        **{f"/api/v1/standards/{standard.pk}/{r}": n for r, n in SUB_QUERIES.items()},
    }
    _grow(lifecycle, world, 3)
    for expert in (world.expert1, world.expert2):
        as_user(expert).post(
            f"/api/v1/standards/{standard.pk}/comments/", {"text": "x"}
        )
    large = _counts(client, LISTS + subs)
    assert large == small
