"""Importing standards over the API (issue 20): the leader posts the JSON
import format, with PDFs in Base64."""

import base64
import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts import services as token_services
from committees.models import Role
from standards.models import Edition, Standard, Status
from tests.api.conftest import assert_error
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
URL = "/api/v1/standards/import/"


@pytest.fixture(autouse=True)
def _fresh(fresh_cache, only_search_hooks):
    """Throttle counts start from zero; no PDF renders."""


def client_of(user) -> APIClient:
    client = APIClient()
    if user is not None:
        secret = token_services.token_create(actor=user, name="tests").secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def body(world, *, dry_run=False) -> dict:
    pdf = (DATA / "files" / "llmswg-0003-2025-edition-1.pdf").read_bytes()
    return {
        "dry_run": dry_run,
        "source": "old-catalogue.json",
        "standards": [
            {
                "number": "LLMSWG 0007:2025",
                "title": "Evaluation of medical LLMs",
                "title_zh": "医疗大模型评测",
                "field": world.field.slug,
                "organisation": world.organisation.slug,
                "editions": [
                    {
                        "published_on": "2025-02-03",
                        "text": "# Scope\n\nMedical LLMs.\n",
                        "pdf_base64": base64.b64encode(pdf).decode(),
                    }
                ],
            },
            {
                "number": "LLMSWG 0008:2025",
                "title": "Broken",
                "field": "no-such-field",
                "organisation": world.organisation.slug,
            },
        ],
    }


def post(client, data):
    return client.post(URL, json.dumps(data), content_type="application/json")


def test_the_leader_imports_and_gets_a_report(world):
    response = post(client_of(world.leader), body(world))

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["dry_run"] is False
    assert report["counts"]["created"] == 1
    assert report["counts"]["invalid"] == 1
    created, invalid = report["results"]
    standard = Standard.objects.get(pk=created["standard"])
    assert created == {
        "result": "created",
        "location": "standards[0]",
        "key": "LLMSWG 0007:2025",
        "messages": [],
        "standard": standard.pk,
    }
    assert standard.status == Status.PUBLISHED
    assert standard.editions.get().pdf_state == Edition.PdfState.READY
    assert invalid["location"] == "standards[1]"
    assert invalid["messages"] == [
        "field: No field “no-such-field” (give its slug or name)."
    ]
    # The import is recorded in the history, by whom and from where.
    entry = standard.history.get(action="created")
    assert entry.actor == world.leader and entry.imported
    assert "old-catalogue.json" in entry.comment
    # It reads like a native standard.
    detail = client_of(None).get(f"/api/v1/standards/{standard.pk}/").json()
    assert detail["number"] == "LLMSWG 0007:2025"


def test_a_dry_run_changes_nothing_and_a_second_run_creates_nothing(world):
    client = client_of(world.leader)

    dry = post(client, body(world, dry_run=True)).json()
    assert dry["dry_run"] is True and dry["counts"]["created"] == 1
    assert not Standard.objects.exists()

    post(client, body(world))
    again = post(client, body(world)).json()
    assert again["counts"]["created"] == 0
    assert again["counts"]["unchanged"] == 1
    assert Standard.objects.count() == 1


def test_the_secretariat_may_import(world):
    secretariat = user_with_role(Role.Kind.SECRETARIAT)
    assert post(client_of(secretariat), body(world, dry_run=True)).status_code == 200


@pytest.mark.parametrize("who", ["member", "deputy", "auditor"])
def test_others_may_not_import(world, who):
    response = post(client_of(getattr(world, who)), body(world))

    assert_error(response, 403, "forbidden")
    assert not Standard.objects.exists()


def test_anonymous_callers_are_asked_to_sign_in(world):
    response = post(client_of(None), body(world))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "data, field",
    [
        ({"standards": "not a list"}, "standards"),
        ({"standards": [1, 2]}, "standards"),
        ({"standards": [], "dry_run": "perhaps"}, "dry_run"),
    ],
)
def test_a_body_that_is_not_an_import_is_a_problem(world, data, field):
    response = post(client_of(world.leader), data)

    assert_error(response, 400, "invalid", field)


def test_a_file_name_is_refused_over_the_api(world):
    data = body(world)
    edition = data["standards"][0]["editions"][0]
    del edition["pdf_base64"]
    edition["pdf"] = "/etc/passwd"

    report = post(client_of(world.leader), data).json()

    assert report["results"][0]["result"] == "invalid"
    assert "only the command line reads" in report["results"][0]["messages"][0]
