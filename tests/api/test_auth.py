"""API tokens: created once with the secret shown, stored hashed, revoked,
expiring, recording their last use; the profile page manages them."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_token_is_created_with_username_and_password_and_shown_once(api, world):
    response = api.post(
        "/api/v1/auth/tokens/",
        {"username": "member", "password": "pw-for-tests-1", "name": "CI"},
    )
    assert response.status_code == 201, response.content
    secret = response.json()["token"]
    token = ApiToken.objects.get(user=world.member)
    assert token.name == "CI"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values_list())
    listed = api.get(
        "/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    assert [t["name"] for t in listed] == ["CI"]
    assert "token" not in listed[0]


def test_wrong_password_is_401_and_creates_nothing(api, world):
    response = api.post(
        "/api/v1/auth/tokens/",
        {"username": "member", "password": "wrong", "name": "CI"},
    )
    assert_error(response, 401, "authentication_failed")
    assert not ApiToken.objects.exists()


def test_missing_fields_are_400_with_field_errors(api, world):
    body = assert_error(api.post("/api/v1/auth/tokens/", {}), 400, "invalid")
    assert {"username", "password", "name"} <= set(body["errors"])


def test_bearer_and_token_keywords_both_authenticate(api, world):
    secret = services.token_create(actor=world.member, name="x").secret
    for keyword in ("Bearer", "Token", "bearer"):
        response = api.get(
            "/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"{keyword} {secret}"
        )
        assert response.status_code == 200, keyword


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer abc.def", "Bearer", "Bearer a b"]
)
def test_an_invalid_token_is_401_with_www_authenticate(api, world, header):
    response = api.get("/api/v1/standards/", HTTP_AUTHORIZATION=header)
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_no_longer_authenticate(api, world):
    revoked = services.token_create(actor=world.member, name="old")
    services.token_revoke(token_id=revoked.token.pk, actor=world.member)
    expired = services.token_create(
        actor=world.member, name="short", expires=timezone.now() + timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires=timezone.now() - timedelta(seconds=1)
    )
    for secret in (revoked.secret, expired.secret):
        response = api.get(
            "/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        assert_error(response, 401)


def test_delete_revokes_own_token_and_404s_on_others(as_user, world):
    mine = services.token_create(actor=world.member, name="mine").token
    theirs = services.token_create(actor=world.deputy, name="theirs").token
    client = as_user(world.member)
    assert client.delete(f"/api/v1/auth/tokens/{mine.pk}/").status_code == 204
    mine.refresh_from_db()
    assert mine.revoked is not None
    assert_error(client.delete(f"/api/v1/auth/tokens/{theirs.pk}/"), 404)
    theirs.refresh_from_db()
    assert theirs.revoked is None


def test_listing_tokens_needs_authentication(api, world):
    assert_error(api.get("/api/v1/auth/tokens/"), 401, "not_authenticated")


def test_last_used_is_written_at_most_once_a_minute(api, world):
    created = services.token_create(actor=world.member, name="x")
    header = {"HTTP_AUTHORIZATION": f"Bearer {created.secret}"}
    api.get("/api/v1/auth/tokens/", **header)
    first = ApiToken.objects.get().last_used
    assert first is not None
    api.get("/api/v1/auth/tokens/", **header)
    assert ApiToken.objects.get().last_used == first
    ApiToken.objects.update(last_used=first - timedelta(minutes=2))
    api.get("/api/v1/auth/tokens/", **header)
    assert ApiToken.objects.get().last_used > first - timedelta(minutes=2)


def test_token_name_and_expiry_are_checked(world):
    from portal.errors import ApplicationError

    with pytest.raises(ApplicationError) as error:
        services.token_create(actor=world.member, name=" ")
    assert error.value.field == "name"
    with pytest.raises(ApplicationError) as error:
        services.token_create(
            actor=world.member, name="x", expires=timezone.now() - timedelta(days=1)
        )
    assert error.value.field == "expires"


def test_profile_page_creates_shows_once_and_revokes(client, world):
    client.force_login(world.member)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    assert "no API token yet" in page.content.decode()
    response = client.post("/accounts/profile/", {"name": "laptop"})
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    again = client.get("/accounts/profile/").content.decode()
    assert "laptop" in again and secret not in again
    token = ApiToken.objects.get()
    response = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None


def test_profile_page_needs_sign_in(client, world):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_profile_page_refuses_an_empty_name(client, world):
    client.force_login(world.member)
    response = client.post("/accounts/profile/", {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()
