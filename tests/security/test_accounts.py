"""Accounts against an attacker: password guessing on the login form and on
the token endpoint is locked per (username, client address) for a cool-off;
X-Forwarded-For written by the client moves neither the lockout nor the
throttles; a changed password revokes API tokens; usernames are normalised the
same way on every door."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import F
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from portal.api_http import PROBLEM_MEMBERS
from portal.throttling import ScopedRateThrottle, client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
LOGIN = "/accounts/login/"
TOKENS = "/api/v1/auth/tokens/"
LOCKED = "Too many failed sign-ins for this account from your address"


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    """The throttles count in the cache: every test starts from zero."""


@pytest.fixture
def member(db):
    return UserFactory(username="member", email="member@example.org")


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def create_token(username, password=PASSWORD, **extra):
    return APIClient().post(
        TOKENS, {"username": username, "password": password, "name": "CI"}, **extra
    )


def assert_error(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"code", "message", "errors"} | PROBLEM_MEMBERS, body
    if code:
        assert body["code"] == code, body
    return body


# --- the login form ---------------------------------------------------------------


def test_forty_wrong_passwords_then_the_right_one_is_refused(client, member):
    for attempt in range(40):
        response = sign_in(client, "member", f"guess-{attempt}")
        assert response.status_code == (200 if attempt < 4 else 429), attempt
    response = sign_in(client, "member")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    assert signed_in_as(client) is None


def test_the_lockout_page_is_in_the_site_design_and_offers_a_reset(client, member):
    for _ in range(5):
        response = sign_in(client, "member", "wrong")
    html = response.content.decode()
    assert '<main id="main"' in html
    assert 'href="/accounts/password/reset/"' in html


def test_a_locked_pair_does_not_lock_the_account_from_another_address(client, member):
    for _ in range(5):
        sign_in(client, "member", "wrong")
    assert sign_in(client, "member").status_code == 429
    response = sign_in(client, "member", REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    assert signed_in_as(client) == member


def test_a_locked_pair_does_not_lock_other_accounts_at_that_address(client, member):
    other = UserFactory(username="other")
    for _ in range(5):
        sign_in(client, "member", "wrong")
    assert sign_in(client, "other").status_code == 302
    assert signed_in_as(client) == other


def test_the_lockout_ends_after_the_cooloff(client, member):
    for _ in range(5):
        sign_in(client, "member", "wrong")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert sign_in(client, "member").status_code == 302
    assert signed_in_as(client) == member


def test_failures_during_the_lockout_do_not_prolong_it(client, member):
    for _ in range(5):
        sign_in(client, "member", "wrong")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    # The attacker went on trying while locked: those tries were not counted.
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert sign_in(client, "member").status_code == 302


def test_a_successful_sign_in_clears_the_count(client, member):
    for _ in range(4):
        sign_in(client, "member", "wrong")
    assert sign_in(client, "member").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert sign_in(client, "member", "wrong").status_code == 200
    assert sign_in(client, "member").status_code == 302


def test_spoofed_forwarded_for_does_not_escape_the_lockout(client, member):
    for attempt in range(5):
        sign_in(client, "member", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    response = sign_in(client, "member", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_lockout_counts_the_forwarded_client(
    client, member, settings
):
    settings.PORTAL_TRUSTED_PROXIES = 1
    # nginx appends the address it saw; what the client wrote before is noise.
    for attempt in range(5):
        sign_in(
            client,
            "member",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 203.0.113.7",
        )
    locked = sign_in(client, "member", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert locked.status_code == 429
    elsewhere = sign_in(client, "member", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert elsewhere.status_code == 302


def test_fullwidth_username_counts_as_the_same_account(client, member):
    for _ in range(5):
        sign_in(client, "ｍｅｍｂｅｒ", "wrong")
    assert sign_in(client, "member").status_code == 429


# --- the token endpoint -----------------------------------------------------------


def test_token_creation_is_locked_after_five_wrong_passwords(member):
    for _ in range(4):
        assert_error(create_token("member", "wrong"), 401, "authentication_failed")
    assert_error(create_token("member", "wrong"), 429, "throttled")
    response = create_token("member")
    body = assert_error(response, 429, "throttled")
    assert LOCKED in body["message"]
    assert int(response["Retry-After"]) == 15 * 60
    assert not ApiToken.objects.exists()
    assert create_token("member", REMOTE_ADDR="198.51.100.20").status_code == 201


def test_failures_on_the_login_form_count_for_the_token_endpoint(client, member):
    for _ in range(5):
        sign_in(client, "member", "wrong")
    assert_error(create_token("member"), 429, "throttled")


def test_spoofed_forwarded_for_does_not_escape_the_token_lockout(member):
    for attempt in range(5):
        create_token("member", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    response = create_token("member", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert_error(response, 429, "throttled")


def test_spoofed_forwarded_for_does_not_escape_the_auth_throttle(member, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth", "3/minute")
    # Other usernames each time, so that only the throttle is at work.
    for attempt in range(3):
        response = create_token(
            f"nobody{attempt}", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}"
        )
        assert_error(response, 401)
    response = create_token("member", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert_error(response, 429, "throttled")


def test_behind_a_trusted_proxy_the_throttle_counts_the_forwarded_client(
    member, monkeypatch, settings
):
    settings.PORTAL_TRUSTED_PROXIES = 1
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth", "3/minute")
    for attempt in range(3):
        create_token(
            f"nobody{attempt}", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}, 203.0.113.7"
        )
    spoofed = create_token("member", HTTP_X_FORWARDED_FOR="10.0.0.99, 203.0.113.7")
    assert_error(spoofed, 429, "throttled")
    assert create_token("member", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 201


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, "192.0.2.1"),
        (0, "203.0.113.5", "192.0.2.1"),
        (1, None, "192.0.2.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (3, "203.0.113.5, 10.0.0.2", "203.0.113.5"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(
    rf, settings, proxies, forwarded, expected
):
    settings.PORTAL_TRUSTED_PROXIES = proxies
    extra = {"REMOTE_ADDR": "192.0.2.1"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(rf.get("/", **extra)) == expected


# --- a changed password revokes the tokens ----------------------------------------


def _tokens_work(secret) -> bool:
    response = APIClient().get(TOKENS, HTTP_AUTHORIZATION=f"Bearer {secret}")
    return response.status_code == 200


def test_changing_the_password_on_the_web_revokes_every_token(client, member):
    secrets = [services.token_create(actor=member, name=n).secret for n in "ab"]
    client.force_login(member)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-77",
            "new_password2": "a-new-long-pass-77",
        },
    )
    assert response.status_code == 302
    assert not any(_tokens_work(secret) for secret in secrets)
    assert not ApiToken.objects.filter(revoked__isnull=True).exists()


def test_an_admin_setting_a_password_revokes_the_persons_tokens(client, member):
    secret = services.token_create(actor=member, name="a").secret
    other = UserFactory(username="other")
    other_secret = services.token_create(actor=other, name="b").secret
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{member.pk}/password/",
        {
            "password1": "a-new-long-pass-77",
            "password2": "a-new-long-pass-77",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content
    assert not _tokens_work(secret)
    assert _tokens_work(other_secret)


def test_a_hash_upgrade_at_sign_in_is_no_password_change(client, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    member = UserFactory(username="member")
    member.password = make_password(PASSWORD, hasher="md5")
    member.save(update_fields=["password"])
    secret = services.token_create(actor=member, name="a").secret
    assert sign_in(client, "member").status_code == 302
    member.refresh_from_db()
    assert member.password.startswith("pbkdf2_sha256$")
    assert _tokens_work(secret)


# --- one normalisation of usernames -----------------------------------------------


def test_fullwidth_username_signs_in_on_the_form_and_the_token_endpoint(client, member):
    assert sign_in(client, "ｍｅｍｂｅｒ").status_code == 302
    assert signed_in_as(client) == member
    response = create_token("ｍｅｍｂｅｒ")
    assert response.status_code == 201, response.content
    assert ApiToken.objects.get().user == member
