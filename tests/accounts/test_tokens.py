"""API tokens: a default lifetime (PORTAL_API_TOKEN_DAYS) that a creator may
shorten but not pass, and read-only or read-write scopes, enforced on every
unsafe method of the API and shown on the profile page."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, Scope
from portal.api_http import PROBLEM_MEMBERS
from portal.errors import ApplicationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/auth/tokens/"


@pytest.fixture
def member(db):
    return UserFactory(username="member")


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def assert_error(response, status, code=None, field=None):
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"code", "message", "errors"} | PROBLEM_MEMBERS, body
    if code:
        assert body["code"] == code, body
    if field:
        assert field in body["errors"], body
    return body


# --- lifetime ---------------------------------------------------------------------


def test_a_token_from_the_api_lives_ninety_days_by_default(member):
    response = APIClient().post(
        TOKENS, {"username": "member", "password": "pw-for-tests-1", "name": "CI"}
    )
    assert response.status_code == 201, response.content
    expires = parse_datetime(response.json()["expires"])
    expected = timezone.now() + timedelta(days=90)
    assert abs(expires - expected) < timedelta(minutes=1)


def test_a_token_from_the_profile_page_lives_ninety_days_by_default(client, member):
    client.force_login(member)
    client.post("/accounts/profile/", {"name": "laptop"})
    token = ApiToken.objects.get()
    assert abs(token.expires - (timezone.now() + timedelta(days=90))) < timedelta(
        minutes=1
    )


def test_the_lifetime_is_configurable_and_zero_means_no_expiry(member, settings):
    settings.PORTAL_API_TOKEN_DAYS = 7
    token = services.token_create(actor=member, name="a").token
    assert abs(token.expires - (timezone.now() + timedelta(days=7))) < timedelta(
        minutes=1
    )
    settings.PORTAL_API_TOKEN_DAYS = 0
    assert services.token_create(actor=member, name="b").token.expires is None


def test_a_shorter_expiry_is_kept_and_a_longer_one_refused(member):
    soon = timezone.now() + timedelta(days=3)
    assert services.token_create(
        actor=member, name="a", expires=soon
    ).token.expires == (soon)
    with pytest.raises(ApplicationError) as error:
        services.token_create(
            actor=member, name="b", expires=timezone.now() + timedelta(days=91)
        )
    assert error.value.field == "expires"
    response = APIClient().post(
        TOKENS,
        {
            "username": "member",
            "password": "pw-for-tests-1",
            "name": "CI",
            "expires": (timezone.now() + timedelta(days=400)).isoformat(),
        },
    )
    body = assert_error(response, 400, "invalid", field="expires")
    assert "at most 90 days" in body["message"]


def test_a_token_past_its_default_lifetime_is_refused(member):
    secret = services.token_create(actor=member, name="a").secret
    assert bearer(secret).get(TOKENS).status_code == 200
    later = timezone.now() + timedelta(days=90, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = bearer(secret).get(TOKENS)
    assert_error(response, 401, "authentication_failed")


# --- scopes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/standards/"),
        ("post", TOKENS),
        ("delete", f"{TOKENS}1/"),
        ("put", "/api/v1/standards/1/"),
        ("patch", "/api/v1/standards/1/"),
    ],
)
def test_a_read_only_token_is_refused_every_unsafe_method(member, method, path):
    secret = services.token_create(actor=member, name="r", scope=Scope.READ).secret
    response = getattr(bearer(secret), method)(path, {"title": "x"})
    body = assert_error(response, 403, "forbidden")
    assert "read only" in body["message"]


def test_a_read_only_token_reads(member):
    secret = services.token_create(actor=member, name="r", scope=Scope.READ).secret
    assert bearer(secret).get(TOKENS).status_code == 200
    assert bearer(secret).get("/api/v1/standards/").status_code == 200
    assert bearer(secret).options("/api/v1/standards/").status_code == 200


def test_a_read_write_token_may_write(member):
    mine = services.token_create(actor=member, name="rw").token
    secret = services.token_create(actor=member, name="writer").secret
    assert bearer(secret).delete(f"{TOKENS}{mine.pk}/").status_code == 204


def test_the_scope_is_chosen_when_the_token_is_created_over_the_api(member):
    response = APIClient().post(
        TOKENS,
        {
            "username": "member",
            "password": "pw-for-tests-1",
            "name": "reader",
            "scope": "read",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["scope"] == "read"
    assert ApiToken.objects.get().scope == Scope.READ
    response = APIClient().post(
        TOKENS,
        {
            "username": "member",
            "password": "pw-for-tests-1",
            "name": "x",
            "scope": "all",
        },
    )
    assert_error(response, 400, "invalid", field="scope")


def test_the_profile_page_creates_a_read_only_token_and_lists_scope_and_expiry(
    client, member
):
    client.force_login(member)
    page = client.get("/accounts/profile/").content.decode()
    assert 'name="scope"' in page
    assert "At most, and by default, 90 days from now." in page
    client.post("/accounts/profile/", {"name": "reader", "scope": "read"})
    token = ApiToken.objects.get()
    assert token.scope == Scope.READ
    page = client.get("/accounts/profile/").content.decode()
    assert "<td>read only</td>" in page
    assert f"<td>{timezone.localtime(token.expires):%Y-%m-%d %H:%M}</td>" in page


def test_tokens_made_before_scopes_are_read_write():
    field = ApiToken._meta.get_field("scope")
    assert field.default == Scope.READ_WRITE
