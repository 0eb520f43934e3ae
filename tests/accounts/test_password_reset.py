"""Password reset by e-mail: asked from the login page, a link on
PORTAL_BASE_URL, a new password, signing in with it; the same answer for an
address no account has."""

import re

import pytest
from django.core import mail

from accounts import services
from accounts.models import ApiToken
from tests.factories import UserFactory

# The reset-mail counts live in the cache.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

RESET = "/accounts/password/reset/"


@pytest.fixture
def member(db):
    return UserFactory(username="member", email="member@example.org")


def _link(message, base_url):
    match = re.search(re.escape(base_url) + r"(/accounts/password/reset/\S+/)", message)
    assert match, message
    return match.group(1)


def test_reset_journey_from_the_login_page_to_signing_in(client, member, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    secret = services.token_create(actor=member, name="CI").secret
    login = client.get("/accounts/login/").content.decode()
    assert f'href="{RESET}"' in login

    response = client.post(RESET, {"email": "MEMBER@example.org"})
    assert response.status_code == 302
    assert response["Location"] == f"{RESET}sent/"
    assert "a link to choose a new password is on its way" in (
        client.get(response["Location"]).content.decode()
    )
    [message] = mail.outbox
    assert message.to == ["member@example.org"]
    assert "Reset your password" in message.subject
    assert "Your username: member" in message.body

    link = _link(message.body, "https://portal.example.org")
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "a-new-long-pass-77", "new_password2": "a-new-long-pass-77"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{RESET}complete/"
    assert (
        "Your new password is set" in client.get(response["Location"]).content.decode()
    )

    # The link works once; the old password no longer, the new one does.
    assert not client.get(link, follow=True).context["validlink"]
    assert (
        client.post(
            "/accounts/login/", {"username": "member", "password": "pw-for-tests-1"}
        ).status_code
        == 200
    )
    response = client.post(
        "/accounts/login/", {"username": "member", "password": "a-new-long-pass-77"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)

    # And whoever knew the old password lost the token they may have made.
    assert ApiToken.objects.get().revoked is not None
    response = client.get("/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, member):
    known = client.post(RESET, {"email": "member@example.org"})
    unknown = client.post(RESET, {"email": "nobody@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (
        known.status_code,
        known["Location"],
    )
    assert len(mail.outbox) == 1


def test_an_inactive_account_gets_no_mail(client, member):
    member.is_active = False
    member.save()
    response = client.post(RESET, {"email": "member@example.org"})
    assert response.status_code == 302
    assert not mail.outbox


def test_the_link_is_built_on_the_base_url_not_the_host_header(
    client, member, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.org/"
    settings.ALLOWED_HOSTS = ["*"]
    client.post(RESET, {"email": "member@example.org"}, HTTP_HOST="evil.example")
    [message] = mail.outbox
    assert "evil.example" not in message.body
    assert "https://portal.example.org/accounts/password/reset/" in message.body


def test_a_broken_link_says_so_and_offers_a_new_one(client, member):
    page = client.get(f"{RESET}MQ/not-a-token/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "This link does not work" in html
    assert f'href="{RESET}"' in html


def test_a_flood_of_reset_requests_sends_at_most_the_limit(client, member, settings):
    settings.PORTAL_PASSWORD_RESET_MAILS = 3
    answers = {
        client.post(RESET, {"email": "member@example.org"})["Location"]
        for _ in range(6)
    }
    assert answers == {f"{RESET}sent/"}  # the same answer every time
    assert len(mail.outbox) == 3


def test_one_client_cannot_flood_many_addresses(client, settings, django_user_model):
    settings.PORTAL_PASSWORD_RESET_MAILS = 1
    for n in range(8):
        django_user_model.objects.create_user(
            f"person{n}", email=f"person{n}@example.org", password="a-long-pass-77"
        )
        client.post(RESET, {"email": f"person{n}@example.org"})
    # Five times the per-address limit from one client address.
    assert len(mail.outbox) == 5


def test_the_limit_is_per_address(client, member, settings, django_user_model):
    settings.PORTAL_PASSWORD_RESET_MAILS = 1
    django_user_model.objects.create_user(
        "other", email="other@example.org", password="a-long-pass-77"
    )
    for email in ("member@example.org", "member@example.org", "other@example.org"):
        client.post(RESET, {"email": email})
    assert sorted(m.to[0] for m in mail.outbox) == [
        "member@example.org",
        "other@example.org",
    ]
