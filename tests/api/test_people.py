"""People in the API: who they are, what roles they hold and, where they have
an account, its id, so that an actor's user id and an author's person id
lead to the same person."""

import pytest

from standards import services
from tests.api.conftest import assert_error
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_people_list_each_person_with_roles_and_account(api, world):
    body = api.get("/api/v1/people/").json()
    people = {p["id"]: p for p in body["results"]}
    expert = people[world.expert1.person.pk]
    assert set(expert) == {
        "id",
        "name",
        "title",
        "title_zh",
        "organisation",
        "roles",
        "user_id",
    }
    assert expert["name"] == world.expert1.person.name
    assert expert["user_id"] == world.expert1.pk
    assert [(r["kind"], r["field"]["id"]) for r in expert["roles"]] == [
        ("expert", world.field.pk)
    ]
    text = str(body)
    assert "@" not in text and world.expert1.username not in text


def test_a_person_without_an_account_has_no_user_id(api, world):
    person = PersonFactory(user=None, name="Without Account")
    body = api.get(f"/api/v1/people/{person.pk}/").json()
    assert body["name"] == "Without Account" and body["user_id"] is None


def test_people_are_found_by_their_account(api, world):
    body = api.get("/api/v1/people/", {"user_id": world.deputy.pk}).json()
    assert [p["id"] for p in body["results"]] == [world.deputy.person.pk]


def test_person_detail_shows_the_person(api, world):
    person = world.deputy.person
    body = api.get(f"/api/v1/people/{person.pk}/").json()
    assert body["id"] == person.pk and body["name"] == person.name
    assert body["organisation"]["id"] == person.organisation_id
    assert body["user_id"] == world.deputy.pk
    assert [r["kind"] for r in body["roles"]] == ["deputy_leader"]


def test_unknown_person_is_not_found(api, world):
    assert_error(api.get("/api/v1/people/999999/"), 404, "not_found")


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "0x1"])
def test_bad_person_id_is_not_found(api, world, bad):
    assert_error(api.get(f"/api/v1/people/{bad}/"), 404, "not_found")


def test_actor_ids_lead_to_their_person_and_back(as_user, world, lifecycle):
    standard = lifecycle.in_review()
    services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Name the test set."
    )
    client = as_user(world.member)
    entries = client.get(f"/api/v1/standards/{standard.pk}/history/").json()["results"]
    [entry] = [e for e in entries if e["action"] == "comment_added"]
    actor = entry["actor"]
    assert actor["id"] == world.expert1.pk

    person = client.get(f"/api/v1/people/{actor['person_id']}/").json()
    assert person["user_id"] == actor["id"]
    assert person["name"] == actor["name"] == world.expert1.person.name

    [comment] = client.get(f"/api/v1/standards/{standard.pk}/comments/").json()[
        "results"
    ]
    assert comment["expert"] == actor
    assignments = client.get(f"/api/v1/standards/{standard.pk}/assignments/").json()[
        "results"
    ]
    assert {a["expert"]["person_id"] for a in assignments} == {
        world.expert1.person.pk,
        world.expert2.person.pk,
    }
    assert {a["assigned_by"]["person_id"] for a in assignments} == {
        world.deputy.person.pk
    }


def test_author_refs_carry_the_account_id(as_user, world, lifecycle):
    author = world.member.person
    standard = lifecycle.draft(authors=[author])
    client = as_user(world.member)
    body = client.get(f"/api/v1/standards/{standard.pk}/").json()
    assert body["authors"] == [
        {"id": author.pk, "name": author.name, "user_id": world.member.pk}
    ]
    [version] = client.get(f"/api/v1/standards/{standard.pk}/versions/").json()[
        "results"
    ]
    assert version["author"]["person_id"] == author.pk


def test_an_account_without_a_person_has_no_person_id(as_user, world, lifecycle):
    standard = lifecycle.in_review()
    world.deputy.person.delete()
    world.deputy.refresh_from_db()
    body = as_user(world.member).get(f"/api/v1/standards/{standard.pk}/history/")
    [entry] = [e for e in body.json()["results"] if e["action"] == "experts_assigned"]
    assert entry["actor"] == {
        "id": world.deputy.pk,
        "person_id": None,
        "name": world.deputy.get_full_name() or world.deputy.username,
    }
