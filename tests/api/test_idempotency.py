"""Idempotency-Key on the API's POSTs: a retry is answered with the first
answer and never does the work twice; the same key with another body is
422; a key still being worked on is 409; a malformed key is 400."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.renderers import MultiPartRenderer

from standards import services
from standards.models import Standard

from .conftest import assert_error

pytestmark = pytest.mark.django_db

STANDARDS = "/api/v1/standards/"


def new_draft(world, title="Evaluating LLMs"):
    return {"title": title, "scope": "How to.", "field": world.subfield.pk}


def test_two_posts_with_the_same_key_create_one_draft(as_user, world):
    member = as_user(world.member)

    first = member.post(STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="draft-1")
    again = member.post(STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="draft-1")

    assert first.status_code == again.status_code == 201, again.content
    assert Standard.objects.filter(title="Evaluating LLMs").count() == 1
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert first["Location"].endswith(f"/api/v1/standards/{first.json()['id']}/")
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")


def test_a_key_is_the_callers_own(as_user, world):
    """Another user's request with the same key is another request; so is
    the same user's through another token (the key is the user's)."""
    first = as_user(world.member).post(
        STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="k"
    )
    other_token = as_user(world.member).post(
        STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="k"
    )
    other_user = as_user(world.other_member).post(
        STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="k"
    )

    assert other_token.json()["id"] == first.json()["id"]
    assert other_token["Idempotent-Replayed"] == "true"
    assert (
        other_user.status_code == 201 and other_user.json()["id"] != first.json()["id"]
    )


def test_json_compared_as_data_not_as_text(as_user, world):
    member = as_user(world.member)
    first = member.post(
        STANDARDS,
        f'{{"title": "T", "scope": "S", "field": {world.subfield.pk}}}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="json",
    )
    again = member.post(
        STANDARDS,
        f'{{"field":{world.subfield.pk},"scope":"S","title":"T"}}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="json",
    )

    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


def test_the_same_key_with_another_body_is_422(as_user, world):
    member = as_user(world.member)
    member.post(STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="draft-1")

    response = member.post(
        STANDARDS, new_draft(world, "Another"), HTTP_IDEMPOTENCY_KEY="draft-1"
    )

    assert_error(response, 422, "idempotency_key_reused")
    assert not Standard.objects.filter(title="Another").exists()


def test_the_same_key_on_another_address_is_422(as_user, world, lifecycle):
    member = as_user(world.member)
    draft = lifecycle.draft()
    member.post(STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="k")

    response = member.post(
        f"/api/v1/standards/{draft.pk}/transitions/submit/",
        {},
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert_error(response, 422, "idempotency_key_reused")


def test_a_second_request_while_the_first_runs_is_409_and_does_nothing(as_user, world):
    member = as_user(world.member)
    seen = {}
    create = services.standard_create

    def create_and_retry(**kwargs):
        # The client retries while its first request is still being worked on.
        seen["retry"] = member.post(
            STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="slow"
        )
        return create(**kwargs)

    with mock.patch.object(services, "standard_create", create_and_retry):
        first = member.post(STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="slow")

    assert first.status_code == 201
    body = assert_error(seen["retry"], 409, "idempotency_in_progress")
    assert seen["retry"]["Retry-After"] == "1"
    assert body["instance"] == STANDARDS
    assert Standard.objects.filter(title="Evaluating LLMs").count() == 1
    # Once the first is done, a retry gets its answer.
    again = member.post(STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY="slow")
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


def test_a_refusal_is_replayed_too(as_user, world, lifecycle):
    """The answer is kept whatever it was (here a 409): retrying does not
    make the portal decide again."""
    member = as_user(world.member)
    draft = lifecycle.draft()
    address = f"/api/v1/standards/{draft.pk}/transitions/publish/"

    first = member.post(address, {}, HTTP_IDEMPOTENCY_KEY="p")
    again = member.post(address, {}, HTTP_IDEMPOTENCY_KEY="p")

    assert_error(first, 409, "conflict")
    body = assert_error(again, 409, "conflict")
    assert again["Idempotent-Replayed"] == "true"
    assert body == first.json()


def test_an_answer_that_says_try_again_is_not_kept(as_user, world, lifecycle):
    """A 403 (here: not this person's right) releases the key."""
    draft = lifecycle.draft()
    address = f"/api/v1/standards/{draft.pk}/transitions/submit/"
    deputy = as_user(world.deputy)

    assert deputy.post(address, {}, HTTP_IDEMPOTENCY_KEY="s").status_code == 403
    response = as_user(world.deputy).post(address, {}, HTTP_IDEMPOTENCY_KEY="s")

    assert response.status_code == 403
    assert not response.has_header("Idempotent-Replayed")


@pytest.mark.parametrize("key", ["", "x" * 256, "ключ", "tab\tkey"])
def test_a_malformed_key_is_400(as_user, world, key):
    response = as_user(world.member).post(
        STANDARDS, new_draft(world), HTTP_IDEMPOTENCY_KEY=key
    )

    assert_error(response, 400, "invalid_idempotency_key")
    assert not Standard.objects.exists()


def test_the_longest_and_shortest_keys_are_accepted(as_user, world):
    member = as_user(world.member)
    for key in ("a", "~" * 255, "with spaces and !#$%"):
        assert (
            member.post(
                STANDARDS, new_draft(world, key[:50]), HTTP_IDEMPOTENCY_KEY=key
            ).status_code
            == 201
        )


def test_a_multipart_upload_retried_with_another_boundary_is_replayed(
    as_user, world, lifecycle
):
    member = as_user(world.member)
    draft = lifecycle.draft()
    address = f"/api/v1/standards/{draft.pk}/versions/"

    def upload():
        return member.post(
            address,
            {
                "body": "# Scope\n\nText.",
                "files": [SimpleUploadedFile("notes.md", b"# Notes\n")],
            },
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="v2",
        )

    first = upload()
    with (
        mock.patch.object(MultiPartRenderer, "BOUNDARY", "AnotherBoundary"),
        mock.patch.object(
            MultiPartRenderer,
            "media_type",
            "multipart/form-data; boundary=AnotherBoundary",
        ),
    ):
        again = upload()

    assert first.status_code == again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "true"
    assert draft.versions.count() == 2


def test_anonymous_posts_are_not_kept(api, world):
    """Token creation answers with the token's secret, which is never
    stored: a retry creates another token."""
    world.member.set_password("pw-for-tokens-1")
    world.member.save()
    data = {"username": "member", "password": "pw-for-tokens-1", "name": "CI"}

    first = api.post("/api/v1/auth/tokens/", data, HTTP_IDEMPOTENCY_KEY="t")
    again = api.post("/api/v1/auth/tokens/", data, HTTP_IDEMPOTENCY_KEY="t")

    assert first.status_code == again.status_code == 201
    assert first.json()["token"] != again.json()["token"]
    assert first["Location"].endswith(f"/api/v1/auth/tokens/{first.json()['id']}/")


def test_without_a_key_every_post_is_done(as_user, world):
    member = as_user(world.member)
    member.post(STANDARDS, new_draft(world))
    member.post(STANDARDS, new_draft(world))

    assert Standard.objects.filter(title="Evaluating LLMs").count() == 2


def test_a_stale_if_match_is_not_kept_so_the_retry_can_read_again(
    as_user, world, lifecycle
):
    member = as_user(world.member)
    draft = lifecycle.draft()
    address = f"/api/v1/standards/{draft.pk}/transitions/submit/"

    stale = member.post(address, {}, HTTP_IDEMPOTENCY_KEY="s", HTTP_IF_MATCH='"old"')
    fresh = member.get(f"/api/v1/standards/{draft.pk}/")["ETag"]
    retry = member.post(address, {}, HTTP_IDEMPOTENCY_KEY="s", HTTP_IF_MATCH=fresh)
    again = member.post(address, {}, HTTP_IDEMPOTENCY_KEY="s", HTTP_IF_MATCH=fresh)

    assert_error(stale, 412, "precondition_failed")
    assert retry.status_code == 200 and retry.json()["status"] == "expert_review"
    assert again["Idempotent-Replayed"] == "true"
    assert again["ETag"] == retry["ETag"]


def test_a_new_tokens_secret_is_never_kept_even_for_a_session(client, world):
    client.force_login(world.member)
    data = {"username": "member", "password": "pw-for-tokens-1", "name": "CI"}
    world.member.set_password(data["password"])
    world.member.save()
    client.force_login(world.member)

    first = client.post(
        "/api/v1/auth/tokens/",
        data,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="t",
    )
    again = client.post(
        "/api/v1/auth/tokens/",
        data,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="t",
    )

    assert first.status_code == again.status_code == 201, again.content
    assert first.json()["token"] != again.json()["token"]
    assert not again.has_header("Idempotent-Replayed")


def test_a_webhook_created_twice_with_one_key_is_one_endpoint(as_user, world, settings):
    settings.PORTAL_WEBHOOKS_ALLOW_PRIVATE = True
    member = as_user(world.member)
    data = {"url": "http://127.0.0.1:9/hook", "kinds": ["published"]}

    first = member.post("/api/v1/webhooks/", data, HTTP_IDEMPOTENCY_KEY="w")
    again = member.post("/api/v1/webhooks/", data, HTTP_IDEMPOTENCY_KEY="w")

    assert first.status_code == again.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"].endswith(f"/api/v1/webhooks/{first.json()['id']}/")
    assert member.get("/api/v1/webhooks/").json()["count"] == 1
