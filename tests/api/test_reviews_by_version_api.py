"""Reviews belong to a version, over the API: a revision uploaded during
expert review, a recommendation confirmed on the current version in one
call, a failed version refused for resubmission, and experts of the
submitting organisation never listed nor assigned."""

import pytest

from committees.models import Role
from standards import services
from standards.models import Status
from tests.factories import user_with_role

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def url(standard, rest=""):
    return f"/api/v1/standards/{getattr(standard, 'pk', standard)}/{rest}"


def test_authors_upload_a_version_during_expert_review(as_user, world, lifecycle):
    standard = lifecycle.reviewed()

    response = as_user(world.member).post(
        url(standard, "versions/"),
        {"body": "# Scope\n\nRevised.", "change_summary": "2"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2 and response.json()["frozen"] is True
    detail = as_user(world.member).get(url(standard)).json()
    assert detail["status"] == "expert_review"
    assert_error(
        as_user(world.expert1).post(url(standard, "versions/"), {"body": "x"}), 403
    )


def test_an_expert_confirms_a_recommendation_in_one_call(as_user, world, lifecycle):
    standard = lifecycle.reviewed()
    services.version_create(standard_id=standard.pk, actor=world.member, body="v2")
    deputy = as_user(world.deputy)
    assert_error(
        deputy.post(url(standard, "transitions/advance_to_audit/"), {}),
        409,
        "conflict",
    )
    listed = (
        as_user(world.member).get(url(standard, "recommendations/")).json()["results"]
    )
    assert [r["version"] for r in listed] == [1, 1]

    for expert in (world.expert1, world.expert2):
        response = as_user(expert).post(url(standard, "recommendations/confirm/"))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["version"] == 2 and body["decision"] == "approve"
        assert body["expert"]["id"] == expert.pk

    history = as_user(world.member).get(url(standard, "history/")).json()["results"]
    assert [h["action"] for h in history].count("recommendation_confirmed") == 2
    response = deputy.post(url(standard, "transitions/advance_to_audit/"), {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "audit"


def test_confirming_answers_wrong_cases_with_their_status(as_user, world, lifecycle):
    standard = lifecycle.reviewed()
    address = url(standard, "recommendations/confirm/")
    body = assert_error(as_user(world.expert1).post(address), 409, "conflict")
    assert "current version already" in body["message"]

    services.version_create(standard_id=standard.pk, actor=world.member, body="v2")
    assert_error(as_user(world.member).post(address), 403, "forbidden")
    assert_error(as_user(world.deputy).post(address), 403, "forbidden")
    for outsider in (world.other_member, world.unassigned_expert, world.stranger):
        assert_error(as_user(outsider).post(address), 404)
    assert_error(as_user(None).post(address), 401)
    assert_error(
        as_user(world.expert1).post(
            "/api/v1/standards/987654/recommendations/confirm/"
        ),
        404,
    )
    lifecycle.go(standard, "request_changes", world.deputy, comment="Again")
    body = assert_error(as_user(world.expert1).post(address), 409, "conflict")
    assert "expert review" in body["message"]
    assert not standard.recommendations.filter(version__number=2).exists()


def test_a_failed_version_is_not_resubmitted_over_the_api(as_user, world, lifecycle):
    standard = lifecycle.in_audit()
    lifecycle.go(standard, "fail_audit", world.auditor, comment="Unclear")
    member = as_user(world.member)

    body = assert_error(member.post(url(standard, "transitions/submit/"), {}), 409)
    assert "The audit failed on version 1" in body["message"]
    assert member.get(url(standard)).json()["status"] == "draft"

    assert member.post(url(standard, "versions/"), {"body": "v2"}).status_code == 201
    response = member.post(url(standard, "transitions/submit/"), {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.EXPERT_REVIEW


def test_experts_of_the_submitting_organisation_are_not_listed_nor_assigned(
    as_user, world, lifecycle
):
    own = user_with_role(
        Role.Kind.EXPERT,
        field=world.field,
        organisation=world.organisation,
        username="own_expert",
    )
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    deputy = as_user(world.deputy)

    listed = deputy.get(url(standard, "assignable-experts/")).json()
    ids = [e["id"] for e in listed]
    assert {world.expert1.pk, world.expert2.pk} <= set(ids)
    assert own.pk not in ids
    assert len(ids) == len(set(ids))

    body = assert_error(
        deputy.post(url(standard, "assignments/"), {"experts": [own.pk]}),
        400,
        "invalid",
        field="experts",
    )
    assert "do not work for the submitting organisation" in str(body["errors"])
    assert not standard.assignments.exists()
