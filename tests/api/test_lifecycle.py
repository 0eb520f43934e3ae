"""The lifecycle driven over the API: the whole journey, a transition × role
matrix, invisible drafts (404 on every sub-resource) and wrong states (409)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from standards.models import Status

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def url(standard, rest=""):
    return f"/api/v1/standards/{getattr(standard, 'pk', standard)}/{rest}"


def test_a_draft_goes_from_creation_to_publication_over_the_api(as_user, world):
    member, deputy = as_user(world.member), as_user(world.deputy)
    expert1, expert2 = as_user(world.expert1), as_user(world.expert2)
    auditor, leader = as_user(world.auditor), as_user(world.leader)

    response = member.post(
        "/api/v1/standards/",
        {"title": "Evaluating LLMs", "scope": "How to.", "field": world.subfield.pk},
    )
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and draft["transitions"] == ["submit"]
    pk = draft["id"]

    response = member.patch(url(pk), {"title": "Evaluating medical LLMs"})
    assert response.json()["title"] == "Evaluating medical LLMs"

    response = member.post(
        url(pk, "versions/"),
        {
            "body": "# Scope\n\nText.",
            "change_summary": "First",
            "files": [SimpleUploadedFile("notes.md", b"# Notes\n")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["attachments"][0]["extension"] == "md"

    assert member.post(url(pk, "transitions/submit/"), {}).json()["status"] == (
        "expert_review"
    )
    experts = deputy.get(url(pk, "assignable-experts/")).json()
    assert {world.expert1.pk, world.expert2.pk} <= {e["id"] for e in experts}
    response = deputy.post(
        url(pk, "assignments/"), {"experts": [world.expert1.pk, world.expert2.pk]}
    )
    assert response.status_code == 201 and len(response.json()) == 2

    comment = expert1.post(
        url(pk, "comments/"), {"text": "Define LLM.", "blocking": True}
    ).json()
    assert comment["blocking"] is True
    response = member.post(
        url(pk, f"comments/{comment['id']}/reply/"),
        {"reply": "accepted", "reply_text": "Done."},
    )
    assert response.json()["reply"] == "accepted"
    # An accepted blocking comment is revised in a newer version, uploaded
    # during expert review, before the draft may go to audit.
    response = member.post(
        url(pk, "versions/"), {"body": "# Scope\n\nText, with LLM defined."}
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2 and response.json()["frozen"] is True
    response = expert1.post(url(pk, f"comments/{comment['id']}/resolve/"))
    assert response.json()["resolved_at"]
    for client in (expert1, expert2):
        response = client.post(url(pk, "recommendations/"), {"decision": "approve"})
        assert response.status_code == 201
    assert len(member.get(url(pk, "recommendations/")).json()["results"]) == 2

    assert deputy.post(url(pk, "transitions/advance_to_audit/"), {}).json()[
        "status"
    ] == ("audit")
    assert auditor.post(url(pk, "transitions/certify/"), {"comment": "Fine"}).json()[
        "status"
    ] == ("certified")
    assert member.get(url(pk, "audits/")).json()["results"][0]["outcome"] == (
        "certified"
    )
    published = leader.post(url(pk, "transitions/publish/"), {}).json()
    assert published["status"] == "published"
    assert published["number"].startswith("LLMSWG 0001:")
    assert published["current_edition"]["edition"] == 1

    public = as_user(None)
    listed = public.get("/api/v1/standards/", {"q": "medical"}).json()
    assert [s["id"] for s in listed["results"]] == [pk]
    # The public reads the public actions; the draft audience, all of it.
    actions = [h["action"] for h in public.get(url(pk, "history/")).json()["results"]]
    assert actions == ["publish"]
    actions = [h["action"] for h in member.get(url(pk, "history/")).json()["results"]]
    assert actions[0] == "created" and actions[-1] == "publish"
    edition = public.get(url(pk, "editions/")).json()["results"][0]
    detail = public.get(f"/api/v1/editions/{edition['id']}/").json()
    assert detail["body"].startswith("# Scope")


TRANSITION_CASES = [
    # (state, transition, allowed roles, refused roles with their status)
    ("draft", "submit", ["member"], {"deputy": 403, "leader": 403, "auditor": 403}),
    (
        "expert_review",
        "request_changes",
        ["deputy", "leader"],
        {"other_deputy": 404, "member": 403, "expert1": 403, "auditor": 403},
    ),
    (
        "expert_review",
        "advance_to_audit",
        ["deputy", "leader"],
        {"member": 403, "expert1": 403, "other_member": 404},
    ),
    ("audit", "certify", ["auditor", "leader"], {"deputy": 403, "member": 403}),
    ("audit", "fail_audit", ["auditor"], {"deputy": 403, "expert1": 403}),
    ("certified", "publish", ["leader"], {"auditor": 403, "deputy": 403}),
    ("published", "start_renewal", ["deputy"], {"member": 403, "stranger": 403}),
    ("published", "reaffirm", ["leader"], {"auditor": 403, "other_deputy": 403}),
    ("draft", "abolish", ["leader"], {"deputy": 403, "member": 403}),
]

TARGET = {
    "submit": "expert_review",
    "request_changes": "draft",
    "advance_to_audit": "audit",
    "certify": "certified",
    "fail_audit": "draft",
    "publish": "published",
    "start_renewal": "draft",
    "reaffirm": "published",
    "abolish": "abolished",
}


@pytest.mark.parametrize(
    "state,name,allowed,refused",
    TRANSITION_CASES,
    ids=[case[1] for case in TRANSITION_CASES],
)
def test_transition_matrix_over_the_api(
    as_user, world, lifecycle, state, name, allowed, refused
):
    for role, status in refused.items():
        standard = lifecycle.at(state)
        response = as_user(getattr(world, role)).post(
            url(standard, f"transitions/{name}/"), {"comment": "because"}
        )
        assert_error(response, status)
        standard.refresh_from_db()
        assert standard.status == state, role
    for role in allowed:
        standard = lifecycle.at(state)
        client = as_user(getattr(world, role))
        offered = [t["name"] for t in client.get(url(standard, "transitions/")).json()]
        assert name in offered, role
        before = standard.history.count()
        response = client.post(url(standard, f"transitions/{name}/"), {"comment": "ok"})
        assert response.status_code == 200, (role, response.content)
        assert response.json()["status"] == TARGET[name]
        assert standard.history.count() == before + 1


def test_anonymous_cannot_take_a_transition(api, lifecycle):
    standard = lifecycle.published()
    assert_error(api.post(url(standard, "transitions/reaffirm/"), {}), 401)
    assert api.get(url(standard, "transitions/")).json() == []


@pytest.mark.parametrize(
    "state,name",
    [("draft", "certify"), ("published", "submit"), ("audit", "publish")],
)
def test_wrong_state_is_409_and_changes_nothing(as_user, world, lifecycle, state, name):
    standard = lifecycle.at(state)
    response = as_user(world.leader).post(url(standard, f"transitions/{name}/"), {})
    assert_error(response, 409, "conflict")
    standard.refresh_from_db()
    assert standard.status == state


def test_stale_expected_status_is_409(as_user, world, lifecycle):
    standard = lifecycle.at("expert_review")
    response = as_user(world.deputy).post(
        url(standard, "transitions/advance_to_audit/"),
        {"expected_status": "draft"},
    )
    assert_error(response, 409, "conflict")


def test_missing_required_comment_is_400_on_comment(as_user, world, lifecycle):
    standard = lifecycle.at("expert_review")
    response = as_user(world.deputy).post(
        url(standard, "transitions/request_changes/"), {}
    )
    assert_error(response, 400, "invalid", field="comment")


def test_unknown_transition_is_404(as_user, world, lifecycle):
    standard = lifecycle.draft()
    response = as_user(world.member).post(url(standard, "transitions/fly/"), {})
    assert_error(response, 404)


SUB_RESOURCES = [
    ("get", ""),
    ("patch", ""),
    ("get", "versions/"),
    ("post", "versions/"),
    ("get", "comments/"),
    ("post", "comments/"),
    ("get", "recommendations/"),
    ("post", "recommendations/"),
    ("get", "assignments/"),
    ("post", "assignments/"),
    ("get", "assignable-experts/"),
    ("get", "audits/"),
    ("get", "history/"),
    ("get", "editions/"),
    ("get", "transitions/"),
    ("post", "transitions/submit/"),
]
BODIES = {
    "": {"title": "Mine now"},
    "versions/": {"body": "x"},
    "comments/": {"text": "x"},
    "recommendations/": {"decision": "approve"},
    "assignments/": {"experts": [1]},
    "transitions/submit/": {},
}


@pytest.mark.parametrize("outsider", ["other_member", "other_deputy", "stranger"])
def test_an_invisible_draft_is_404_on_every_sub_resource(
    as_user, world, lifecycle, outsider
):
    standard = lifecycle.at("expert_review")
    comment = as_user(world.expert1).post(url(standard, "comments/"), {"text": "c"})
    comment_id = comment.json()["id"]
    client = as_user(getattr(world, outsider))
    paths = [
        *SUB_RESOURCES,
        ("post", f"comments/{comment_id}/reply/"),
        ("post", f"comments/{comment_id}/resolve/"),
    ]
    for method, rest in paths:
        body = BODIES.get(rest, {"reply": "noted"})
        response = getattr(client, method)(url(standard, rest), body)
        assert_error(response, 404)
    anonymous = as_user(None)
    for method, rest in paths:
        if method == "get":
            assert_error(anonymous.get(url(standard, rest)), 404)
    listed = client.get("/api/v1/standards/").json()["results"]
    assert standard.pk not in {s["id"] for s in listed}
    assert standard.history.filter(action="edited").count() == 0


def test_the_working_material_of_a_published_standard_is_not_public(api, lifecycle):
    standard = lifecycle.published()
    assert api.get(url(standard)).status_code == 200
    assert api.get(url(standard, "history/")).status_code == 200
    for rest in ("versions/", "comments/", "recommendations/", "audits/"):
        assert_error(api.get(url(standard, rest)), 404)


def test_comment_of_another_standard_is_404(as_user, world, lifecycle):
    one = lifecycle.at("expert_review")
    other = lifecycle.at("expert_review", title="Other")
    comment = as_user(world.expert1).post(url(one, "comments/"), {"text": "c"}).json()
    response = as_user(world.member).post(
        url(other, f"comments/{comment['id']}/reply/"), {"reply": "noted"}
    )
    assert_error(response, 404)


def test_patch_of_a_draft_under_review_is_409(as_user, world, lifecycle):
    standard = lifecycle.at("expert_review")
    response = as_user(world.member).patch(url(standard), {"title": "New"})
    assert_error(response, 409, "conflict")


def test_only_representatives_create_drafts(as_user, world):
    response = as_user(world.expert1).post(
        "/api/v1/standards/", {"title": "T", "field": world.field.pk}
    )
    assert_error(response, 403, "forbidden")


def test_unassigned_expert_does_not_see_the_draft(as_user, world, lifecycle):
    standard = lifecycle.at("expert_review")
    client = as_user(world.unassigned_expert)
    assert_error(client.post(url(standard, "comments/"), {"text": "x"}), 404)
    assert_error(
        client.post(url(standard, "recommendations/"), {"decision": "approve"}), 404
    )


def test_deputy_sees_but_cannot_comment(as_user, world, lifecycle):
    standard = lifecycle.at("expert_review")
    client = as_user(world.deputy)
    assert client.get(url(standard, "comments/")).status_code == 200
    assert_error(client.post(url(standard, "comments/"), {"text": "x"}), 403)


def test_rejected_answer_needs_a_reason(as_user, world, lifecycle):
    standard = lifecycle.at("expert_review")
    comment = as_user(world.expert1).post(url(standard, "comments/"), {"text": "c"})
    response = as_user(world.member).post(
        url(standard, f"comments/{comment.json()['id']}/reply/"), {"reply": "rejected"}
    )
    assert_error(response, 400, field="reply_text")


def test_advance_with_too_few_recommendations_is_409(as_user, world, lifecycle):
    standard = lifecycle.in_review()
    response = as_user(world.deputy).post(
        url(standard, "transitions/advance_to_audit/"), {}
    )
    body = assert_error(response, 409, "conflict")
    assert "recommendations" in body["message"]
    standard.refresh_from_db()
    assert standard.status == Status.EXPERT_REVIEW


def test_abolish_with_a_replacement(as_user, world, lifecycle):
    old = lifecycle.published()
    new = lifecycle.published(title="Successor")
    response = as_user(world.leader).post(
        url(old, "transitions/abolish/"),
        {"comment": "Replaced", "replaced_by": new.pk},
    )
    assert response.json()["status"] == "abolished"
    assert response.json()["replaced_by"] == new.pk
