"""If-Match on the writes to a standard (PATCH and transitions): the ETag
of the standard as the caller last read it; 412 when it changed meanwhile,
428 when a deployment requires it and it is missing; and a transition to
the state the standard is already in has its own code."""

import pytest

from standards.models import Standard, Status

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def url(standard, rest=""):
    return f"/api/v1/standards/{standard.pk}/{rest}"


def etag(client, standard):
    response = client.get(url(standard))
    assert response.status_code == 200
    return response["ETag"]


def test_patch_with_the_current_etag_is_done(as_user, world, lifecycle):
    member = as_user(world.member)
    draft = lifecycle.draft()

    response = member.patch(
        url(draft), {"title": "New title"}, HTTP_IF_MATCH=etag(member, draft)
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "New title"
    # The answer's ETag is the one a GET sends now: the next write names it.
    assert response["ETag"] == etag(member, draft)
    again = member.patch(url(draft), {"scope": "S2"}, HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 200


def test_patch_with_a_stale_etag_is_412_and_changes_nothing(as_user, world, lifecycle):
    member = as_user(world.member)
    draft = lifecycle.draft(title="Old title")
    seen = etag(member, draft)
    changed = member.patch(url(draft), {"scope": "Changed by someone else."})
    assert changed.status_code == 200

    response = member.patch(url(draft), {"title": "Mine"}, HTTP_IF_MATCH=seen)

    assert_error(response, 412, "precondition_failed")
    assert Standard.objects.get(pk=draft.pk).title == "Old title"


def test_a_transition_with_a_stale_etag_is_412(as_user, world, lifecycle):
    member = as_user(world.member)
    draft = lifecycle.draft()
    seen = etag(member, draft)
    member.patch(url(draft), {"title": "Renamed meanwhile"})

    response = member.post(url(draft, "transitions/submit/"), {}, HTTP_IF_MATCH=seen)

    assert_error(response, 412, "precondition_failed")
    assert Standard.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_transition_with_the_current_etag_is_taken(as_user, world, lifecycle):
    member = as_user(world.member)
    draft = lifecycle.draft()

    response = member.post(
        url(draft, "transitions/submit/"), {}, HTTP_IF_MATCH=etag(member, draft)
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "expert_review"
    assert response["ETag"] == etag(member, draft)


@pytest.mark.parametrize("header", ["*", None])
def test_any_etag_and_no_if_match_are_accepted_by_default(
    as_user, world, lifecycle, header
):
    member = as_user(world.member)
    draft = lifecycle.draft()
    extra = {} if header is None else {"HTTP_IF_MATCH": header}

    assert member.patch(url(draft), {"title": "T2"}, **extra).status_code == 200


def test_a_weak_etag_never_matches(as_user, world, lifecycle):
    member = as_user(world.member)
    draft = lifecycle.draft()

    response = member.patch(
        url(draft), {"title": "T2"}, HTTP_IF_MATCH=f"W/{etag(member, draft)}"
    )

    assert_error(response, 412, "precondition_failed")


def test_one_of_several_etags_matching_is_enough(as_user, world, lifecycle):
    member = as_user(world.member)
    draft = lifecycle.draft()

    response = member.patch(
        url(draft), {"title": "T2"}, HTTP_IF_MATCH=f'"old", {etag(member, draft)}'
    )

    assert response.status_code == 200


def test_when_required_a_missing_if_match_is_428(as_user, world, lifecycle, settings):
    settings.API_REQUIRE_IF_MATCH = True
    member = as_user(world.member)
    draft = lifecycle.draft()

    assert_error(
        member.patch(url(draft), {"title": "T2"}), 428, "precondition_required"
    )
    assert_error(
        member.post(url(draft, "transitions/submit/"), {}),
        428,
        "precondition_required",
    )
    response = member.post(
        url(draft, "transitions/submit/"), {}, HTTP_IF_MATCH=etag(member, draft)
    )
    assert response.status_code == 200


def test_an_unseen_standard_is_404_before_any_precondition(as_user, world, lifecycle):
    draft = lifecycle.draft()

    response = as_user(world.other_member).patch(
        url(draft), {"title": "T2"}, HTTP_IF_MATCH='"stale"'
    )

    assert_error(response, 404)


def test_a_transition_to_the_state_it_is_in_is_409_already_in_state(
    as_user, world, lifecycle
):
    standard = lifecycle.in_review()

    response = as_user(world.member).post(url(standard, "transitions/submit/"), {})

    body = assert_error(response, 409, "already_in_state")
    assert "already" in body["message"]


def test_abolishing_an_abolished_standard_is_already_in_state(
    as_user, world, lifecycle
):
    standard = lifecycle.published()
    leader = as_user(world.leader)
    address = url(standard, "transitions/abolish/")
    assert leader.post(address, {"comment": "Obsolete."}).status_code == 200

    response = leader.post(address, {"comment": "Obsolete."})

    assert_error(response, 409, "already_in_state")


def test_a_transition_from_another_state_is_still_a_conflict(as_user, world, lifecycle):
    draft = lifecycle.draft()

    response = as_user(world.leader).post(url(draft, "transitions/publish/"), {})

    assert_error(response, 409, "conflict")
