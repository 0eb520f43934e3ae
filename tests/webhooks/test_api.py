"""Registering webhook endpoints over the API: the owner's own, a write
token to change them, the secret shown once, and URLs checked against SSRF."""

import pytest
from rest_framework.test import APIClient

from accounts import services as token_services
from accounts.models import Scope
from webhooks.events import EventKind
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

LIST = "/api/v1/webhooks/"
# A public address (documentation examples are reserved, so a literal of a
# real public network): no name to resolve, so no DNS is needed.
PUBLIC_URL = "https://93.184.215.14/hooks/portal"


@pytest.fixture(autouse=True)
def no_private_addresses(settings):
    settings.PORTAL_WEBHOOKS_ALLOW_PRIVATE = False


def client_of(user, scope=Scope.READ_WRITE):
    client = APIClient()
    secret = token_services.token_create(actor=user, name="t", scope=scope).secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_registering_an_endpoint_shows_its_secret_once(world):
    client = client_of(world.member)
    response = client.post(
        LIST, {"url": PUBLIC_URL, "kinds": ["published", "submitted"]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert body["kinds"] == ["submitted", "published"]  # the registry's order
    assert body["active"] is True
    assert response["Location"].endswith(f"/api/v1/webhooks/{body['id']}/")
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner == world.member and endpoint.secret == body["secret"]

    listed = client.get(LIST).json()["results"]
    assert [e["id"] for e in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"{LIST}{body['id']}/").json()


def test_without_kinds_an_endpoint_gets_every_kind(world):
    response = client_of(world.member).post(LIST, {"url": PUBLIC_URL}, format="json")
    assert response.json()["kinds"] == list(EventKind.values)


def test_a_read_only_token_cannot_register_or_change_endpoints(world):
    reader = client_of(world.member, scope=Scope.READ)
    assert reader.post(LIST, {"url": PUBLIC_URL}, format="json").status_code == 403
    endpoint = WebhookEndpoint.objects.create(
        owner=world.member, url=PUBLIC_URL, secret="s", kinds=["published"]
    )
    address = f"{LIST}{endpoint.pk}/"
    assert reader.patch(address, {"active": False}, format="json").status_code == 403
    assert reader.delete(address).status_code == 403
    assert reader.get(address).status_code == 200


def test_anonymous_callers_have_no_endpoints():
    assert APIClient().get(LIST).status_code == 401
    assert APIClient().post(LIST, {"url": PUBLIC_URL}, format="json").status_code in (
        401,
        403,
    )


def test_the_owner_changes_and_deletes_their_endpoint_and_nobody_else_does(world):
    owner = client_of(world.member)
    created = owner.post(LIST, {"url": PUBLIC_URL}, format="json").json()
    address = f"{LIST}{created['id']}/"
    other = client_of(world.other_member)
    assert other.get(address).status_code == 404
    assert other.patch(address, {"active": False}, format="json").status_code == 404
    assert other.delete(address).status_code == 404
    assert other.get(f"{address}deliveries/").status_code == 404

    changed = owner.patch(
        address, {"active": False, "kinds": ["abolished"]}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["active"] is False
    assert changed.json()["kinds"] == ["abolished"]
    refused = owner.patch(address, {"url": "http://10.0.0.8/"}, format="json")
    assert refused.status_code == 400
    assert owner.delete(address).status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://localhost:8000/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://192.168.0.10/hook", "private"),
        ("https://172.16.5.4/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[::ffff:10.0.0.1]/hook", "private"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://100.64.0.1/hook", "reserved"),
    ],
)
def test_urls_on_internal_addresses_are_refused_with_a_clear_400(world, url, why):
    response = client_of(world.member).post(LIST, {"url": url}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    message = body["errors"]["url"][0]
    assert why in message and "Use a public address" in message, message
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://93.184.215.14/x",
        "file:///etc/passwd",
        "https://user:pw@93.184.215.14/x",
        "not a url",
        "https:///nohost",
    ],
)
def test_urls_that_are_not_http_are_refused(world, url):
    response = client_of(world.member).post(LIST, {"url": url}, format="json")
    assert response.status_code == 400, response.content
    assert "url" in response.json()["errors"]


def test_the_development_setting_allows_loopback(world, settings):
    settings.PORTAL_WEBHOOKS_ALLOW_PRIVATE = True
    response = client_of(world.member).post(
        LIST, {"url": "http://127.0.0.1:9/hook"}, format="json"
    )
    assert response.status_code == 201


def test_unknown_event_kinds_are_refused(world):
    response = client_of(world.member).post(
        LIST, {"url": PUBLIC_URL, "kinds": ["exploded"]}, format="json"
    )
    assert response.status_code == 400
    assert "kinds" in response.json()["errors"]


def test_the_admin_checks_the_url_as_the_api_does(world):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    staff = get_user_model().objects.create_superuser("staff", "s@x.org", "pw")
    client = Client()
    client.force_login(staff)
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "owner": world.member.pk,
            "url": "http://169.254.169.254/latest/",
            "kinds": '["published"]',
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "link-local" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "owner": world.member.pk,
            "url": PUBLIC_URL,
            "kinds": '["published"]',
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().secret.startswith("whsec_")
