"""The QMS API, /api/v1/qms/: the same conventions as the standards API."""

import pytest
from rest_framework.test import APIClient

from accounts import services as token_services
from portal.api_http import PROBLEM_MEMBERS
from qms.models import Status
from tests.qms.conftest import manual_file

pytestmark = pytest.mark.django_db

BASE = "/api/v1/qms/"


@pytest.fixture(autouse=True)
def _fresh(fresh_cache):
    pass


@pytest.fixture
def as_user():
    def make(user):
        client = APIClient()
        secret = token_services.token_create(actor=user, name="tests").secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) >= PROBLEM_MEMBERS and body["code"] == code, body
    return body


def test_the_register_is_readable_anonymously(qms_world, walk):
    programme = walk.to(Status.CERTIFIED)
    certificate = programme.certificates.get()
    api = APIClient()
    body = api.get(BASE + "certificates/").json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["number"] == certificate.number and row["status"] == "valid"
    assert row["verification_url"].endswith(certificate.get_absolute_url())
    one = api.get(BASE + "certificates/" + certificate.number + "/")
    assert one.status_code == 200 and one.json()["organisation"] == "Peking University"
    problem(api.get(BASE + "certificates/nope/"), 404, "not_found")
    assert api.get(BASE + "certificates/", {"status": "withdrawn"}).json()["count"] == 0


def test_programmes_are_not_for_anonymous_callers(qms_world, walk):
    programme = walk.start()
    api = APIClient()
    assert api.get(BASE + "programmes/").json()["count"] == 0
    problem(api.get(f"{BASE}programmes/{programme.pk}/"), 404, "not_found")
    problem(
        api.post(BASE + "programmes/", {"organisation": 1}), 401, "not_authenticated"
    )


def test_a_programme_goes_through_its_steps_by_the_api(qms_world, as_user):
    w = qms_world
    member = as_user(w.member)
    created = member.post(
        BASE + "programmes/", {"organisation": w.organisation.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created["Location"] == f"http://testserver{BASE}programmes/{pk}/"
    url = f"{BASE}programmes/{pk}/"
    response = member.patch(
        url,
        {"scope": "Evaluation", "quality_policy": "P", "quality_objectives": "O"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["scope"] == "Evaluation"
    assert member.post(url + "transitions/declare_policy/").status_code == 200
    response = member.post(
        url + "processes/", {"name": "Runs", "owner": "Head", "improvement": "Less"}
    )
    assert response.status_code == 201
    member.post(url + "transitions/complete_processes/")
    response = member.post(
        url + "documents/",
        {"file": manual_file(), "kind": "quality_manual", "title": "Manual"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["documents"][0]["versions"][0]["extension"] == "md"
    member.post(url + "transitions/submit_for_approval/")
    leader = as_user(w.leader)
    problem(member.post(url + "committee/", {"expert": w.expert1.pk}), 403, "forbidden")
    assert leader.post(url + "committee/", {"expert": w.expert1.pk}).status_code == 201
    expert = as_user(w.expert1)
    problem(expert.post(url + "votes/", {"decision": "perhaps"}), 400, "invalid")
    assert expert.post(url + "votes/", {"decision": "approve"}).status_code == 201
    response = expert.post(url + "comments/", {"text": "Good"})
    assert response.status_code == 201
    assert response.json()["votes"][0]["decision"] == "approve"
    assert response.json()["comments"][0]["text"] == "Good"
    transitions = {t["name"]: t for t in leader.get(url + "transitions/").json()}
    assert transitions["approve"]["allowed"]
    assert not transitions["certify"]["allowed"]
    assert transitions["certify"]["code"] == "conflict"
    assert leader.post(url + "transitions/approve/").json()["status"] == (
        "external_audit"
    )
    auditor = as_user(w.auditor)
    response = auditor.post(
        url + "audits/",
        {
            "kind": "certification",
            "audit_body": "CQC",
            "lead_auditor": "Li",
            "stage1_date": "2026-01-05",
            "stage2_date": "2026-02-05",
        },
    )
    audit_id = response.json()["audits"][0]["id"]
    response = auditor.post(
        f"{url}audits/{audit_id}/findings/",
        {
            "grade": "major",
            "description": "No review",
            "corrective_action": "Hold one",
            "owner": "QM",
            "due": "2026-03-01",
        },
    )
    finding_id = response.json()["audits"][0]["findings"][0]["id"]
    auditor.post(f"{url}audits/{audit_id}/complete/", {"outcome": "passed"})
    body = problem(leader.post(url + "transitions/certify/"), 409, "conflict")
    assert "major" in body["message"]
    auditor.post(f"{url}findings/{finding_id}/close/", {"note": "Held"})
    response = leader.post(url + "transitions/certify/")
    assert response.status_code == 200 and response.json()["status"] == "certified"
    assert response.json()["certificates"]


def test_refusals_are_problems_with_the_right_codes(qms_world, walk, as_user):
    programme = walk.start()
    url = f"{BASE}programmes/{programme.pk}/"
    problem(as_user(qms_world.stranger).get(url), 404, "not_found")
    problem(
        as_user(qms_world.leader).post(url + "transitions/approve/"), 409, "conflict"
    )
    problem(
        as_user(qms_world.leader).post(url + "transitions/declare_policy/"),
        403,
        "forbidden",
    )
    problem(
        as_user(qms_world.member).post(url + "transitions/unknown/"), 404, "not_found"
    )
    problem(
        as_user(qms_world.auditor).post(
            url + "audits/999/complete/", {"outcome": "passed"}
        ),
        404,
        "not_found",
    )
    problem(as_user(qms_world.member).post(url + "processes/", {}), 400, "invalid")


def test_editing_with_a_body_that_is_not_an_object_is_400(qms_world, walk, as_user):
    programme = walk.start()
    response = as_user(qms_world.member).patch(
        f"{BASE}programmes/{programme.pk}/", [1, 2], format="json"
    )
    problem(response, 400, "invalid")
