"""The work plan in the API: items with owner, status, dates and
milestones; changes by those who may, with the API's conventions (problem
bodies, If-Match, 201 with Location)."""

import datetime

import pytest
from rest_framework.test import APIClient

from accounts import services as token_services
from tests.api.conftest import assert_error
from workplan import services
from workplan.models import HistoryEntry, Milestone, WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    """Throttling counts live in the cache: every test starts from zero."""


def client_of(user=None):
    client = APIClient()
    if user is not None:
        secret = token_services.token_create(actor=user, name="tests").secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def item_url(plan, rest=""):
    return f"/api/v1/work-items/{plan.item.pk}/{rest}"


def test_the_work_plan_lists_owner_status_dates_and_milestones(plan):
    services.work_item_update(
        work_item_id=plan.item.pk,
        actor=plan.owner,
        status="active",
        start="2026-01-01",
        end="2027-12-31",
    )
    services.milestone_create(
        work_item_id=plan.item.pk,
        actor=plan.owner,
        title="First draft",
        title_zh="初稿",
        due="2026-03-01",
    )

    listed = client_of().get("/api/v1/work-items/").json()["results"]

    [item] = [i for i in listed if i["id"] == plan.item.pk]
    assert item["owner"] == {
        "id": plan.owner.person.pk,
        "name": plan.owner.person.name,
    }
    assert (item["status"], item["start"], item["end"]) == (
        "active",
        "2026-01-01",
        "2027-12-31",
    )
    [milestone] = item["milestones"]
    assert milestone | {"id": 0} == {
        "id": 0,
        "title": "First draft",
        "title_zh": "初稿",
        "due": "2026-03-01",
        "done_on": None,
        "overdue": True,
    }
    assert client_of().get(item_url(plan)).json() == item


def test_the_owner_changes_their_item_with_if_match(plan):
    client = client_of(plan.owner)
    read = client.get(item_url(plan))

    changed = client.patch(
        item_url(plan),
        {"status": "at_risk", "end": "2027-06-30"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )

    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "at_risk"
    assert changed["ETag"] == client.get(item_url(plan))["ETag"]
    stale = client.patch(
        item_url(plan),
        {"status": "done"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert_error(stale, 412, "precondition_failed")
    assert WorkItem.objects.get(pk=plan.item.pk).status == "at_risk"


def test_a_deputy_of_another_field_is_refused(plan):
    response = client_of(plan.other_deputy).patch(
        item_url(plan), {"status": "done"}, format="json"
    )
    assert_error(response, 403, "forbidden")
    response = client_of(plan.other_deputy).post(
        item_url(plan, "milestones/"),
        {"title": "X", "due": "2027-01-01"},
        format="json",
    )
    assert_error(response, 403, "forbidden")
    assert WorkItem.objects.get(pk=plan.item.pk).status == "planned"


def test_an_anonymous_caller_must_sign_in(plan):
    response = client_of().patch(item_url(plan), {"status": "done"}, format="json")
    assert_error(response, 401, "not_authenticated")


def test_only_the_leader_names_the_owner(plan):
    new_owner = plan.other_deputy.person.pk
    response = client_of(plan.deputy).patch(
        item_url(plan), {"owner": new_owner}, format="json"
    )
    assert_error(response, 403, "forbidden", field="owner")
    response = client_of(plan.leader).patch(
        item_url(plan), {"owner": new_owner}, format="json"
    )
    assert response.json()["owner"]["id"] == new_owner


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "2027-06-01", "end": "2027-01-01"}, "end"),
        ({"owner": "me"}, "owner"),
        ({"owner": 2**70}, "owner"),
    ],
)
def test_bad_input_is_a_400_on_its_field(plan, body, field):
    response = client_of(plan.owner).patch(item_url(plan), body, format="json")
    assert_error(response, 400, "invalid", field=field)


def test_unknown_items_and_milestones_are_404(plan):
    client = client_of(plan.leader)
    assert_error(client.get("/api/v1/work-items/999999/"), 404, "not_found")
    assert_error(
        client.patch("/api/v1/work-items/999999/", {"status": "done"}, format="json"),
        404,
        "not_found",
    )
    assert_error(client.get("/api/v1/work-items/999999/milestones/"), 404)
    assert_error(client.get("/api/v1/work-items/999999/history/"), 404)
    assert_error(client.get(item_url(plan, "milestones/999999/")), 404)
    assert_error(
        client.patch(item_url(plan, "milestones/999999/"), {}, format="json"), 404
    )


def test_milestones_are_added_marked_done_and_removed(plan, time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 10, 9, tzinfo=datetime.UTC))
    client = client_of(plan.deputy)

    created = client.post(
        item_url(plan, "milestones/"),
        {"title": "Expert review", "due": "2027-03-01"},
        format="json",
    )
    assert created.status_code == 201, created.content
    milestone = created.json()
    assert milestone["overdue"] is True
    assert created["Location"].endswith(
        item_url(plan, f"milestones/{milestone['id']}/")
    )

    url = item_url(plan, f"milestones/{milestone['id']}/")
    assert client_of().get(url).json() == milestone
    tomorrow = client.patch(url, {"done_on": "2027-03-11"}, format="json")
    assert_error(tomorrow, 400, "invalid", field="done_on")
    done = client.patch(url, {"done_on": "2027-03-09"}, format="json")
    assert done.json()["done_on"] == "2027-03-09"
    assert done.json()["overdue"] is False

    assert client_of().get(item_url(plan, "milestones/")).json()["count"] == 1
    assert client.delete(url).status_code == 204
    assert not Milestone.objects.exists()
    assert_error(client.delete(url), 404, "not_found")


def test_the_history_says_who_changed_what(plan):
    services.work_item_update(
        work_item_id=plan.item.pk, actor=plan.owner, status="active"
    )
    history = client_of().get(item_url(plan, "history/")).json()["results"]
    assert len(history) == 1
    entry = history[0]
    assert entry["action"] == "edited"
    assert entry["actor"]["name"] == plan.owner.person.name
    assert entry["changes"] == [{"field": "status", "old": "planned", "new": "active"}]
    assert HistoryEntry.objects.count() == 1


def test_the_list_keeps_its_query_count(plan, django_assert_max_num_queries):
    for n in range(10):
        item = WorkItem.objects.create(
            title=f"Item {n}", slug=f"item-{n}", order=10 + n
        )
        for m in range(3):
            Milestone.objects.create(
                work_item=item, title=f"M{m}", due=datetime.date(2027, 1, 1 + m)
            )
    # Items with owners, their fields, milestones and counts, and the count.
    with django_assert_max_num_queries(6):
        assert client_of().get("/api/v1/work-items/").status_code == 200


def test_qms_programmes_are_listed_to_those_who_see_them(plan):
    from qms.models import Programme
    from tests.factories import OrganisationFactory

    programme = Programme.objects.create(organisation=OrganisationFactory())
    response = client_of(plan.owner).patch(
        item_url(plan), {"qms_programmes": [programme.pk]}, format="json"
    )
    assert response.json()["qms_programme_ids"] == [programme.pk]
    assert client_of().get(item_url(plan)).json()["qms_programme_ids"] == []
    response = client_of(plan.owner).patch(
        item_url(plan), {"qms_programmes": [programme.pk + 1000]}, format="json"
    )
    assert_error(response, 400, "invalid", field="qms_programmes")
