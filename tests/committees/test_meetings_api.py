"""Running a meeting through the API: the same rules as the pages."""

import pytest
from rest_framework.test import APIClient

from accounts import services as token_services
from committees.models import Meeting, MeetingStatus

from .meeting_helpers import People, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People()


def client_of(user):
    client = APIClient()
    if user is not None:
        secret = token_services.token_create(actor=user, name="tests").secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_the_secretariat_runs_a_meeting_through_the_api(people):
    meeting = plan(people)
    api = client_of(people.secretariat)
    base = f"/api/v1/meetings/{meeting.pk}"
    response = api.post(f"{base}/agenda/", {"title": "Opening"}, format="json")
    assert response.status_code == 201 and response.json()["order"] == 1
    response = api.post(f"{base}/transitions/hold/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "held"
    person = people.member.person.pk
    response = api.post(f"{base}/attendance/", {"present": [person]}, format="json")
    assert response.status_code == 200
    assert response.json()[0]["person"]["id"] == person
    response = api.post(f"{base}/minutes/", {"minutes": "We met."}, format="json")
    assert response.json()["status"] == "minutes_draft"
    response = api.post(f"{base}/decisions/", {"text": "Adopt"}, format="json")
    assert response.status_code == 201
    assert response.json()["reference"] == "2025-03-06/D1"
    response = api.post(
        f"{base}/actions/",
        {"text": "Write", "owner": person, "due": "2025-03-31"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["due"] == "2025-03-31"
    response = client_of(people.leader).post(
        f"{base}/transitions/approve_minutes/", {}, format="json"
    )
    assert response.status_code == 200
    assert Meeting.objects.get().status == MeetingStatus.MINUTES_APPROVED


def test_api_refusals_are_clear(people):
    meeting = plan(people)
    base = f"/api/v1/meetings/{meeting.pk}"
    response = client_of(None).post(f"{base}/decisions/", {"text": "x"}, format="json")
    assert response.status_code in (401, 403)
    response = client_of(people.member).post(
        f"{base}/transitions/hold/", {}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    api = client_of(people.secretariat)
    response = api.post(f"{base}/decisions/", {"text": "early"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    response = api.post(f"{base}/actions/", {"text": "x", "owner": "me"}, format="json")
    assert response.status_code == 400 and "owner" in response.json()["errors"]
    response = api.post("/api/v1/meetings/999999/transitions/hold/", {}, format="json")
    assert response.status_code == 404
    response = api.post(f"{base}/transitions/explode/", {}, format="json")
    assert response.status_code == 404
    response = api.post(
        f"{base}/agenda/", {"title": "T", "standard": 999999}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"standard": ["Choose a standard."]}
