"""Deliveries to a real HTTP receiver on loopback: signed as the README says,
retried after a failure, only of events the owner may see, re-delivered on
request, and sent once when the broker was down."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as token_services
from committees.models import Role
from tests.notifications.broker import celery_broker
from webhooks import services
from webhooks.models import Delivery, Event

pytestmark = pytest.mark.django_db


def readme_verify():
    """``verify_webhook`` exactly as the README's API section shows it."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    code = next(b for b in blocks if "def verify_webhook" in b)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102
    return namespace["verify_webhook"]


def endpoint_of(user, receiver, **kwargs):
    return services.endpoint_create(actor=user, url=receiver.url, **kwargs)


def test_a_delivery_is_signed_and_verifies_with_the_readme_snippet(
    lifecycle, world, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_of(world.member, receiver)
    standard = lifecycle.draft()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "submit", world.member)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    event = Event.objects.get(standard=standard, kind="submitted")
    assert request["path"] == "/hook"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Webhook-Id"] == str(event.pk)
    assert request["headers"]["Webhook-Event"] == "submitted"
    assert json.loads(request["body"]) == event.body()
    verify = readme_verify()
    assert verify(endpoint.secret, request["headers"], request["body"])
    assert not verify("whsec_wrong", request["headers"], request["body"])
    assert not verify(endpoint.secret, request["headers"], request["body"] + b" ")
    stale = {**request["headers"], "Webhook-Timestamp": "1000000000"}
    assert not verify(endpoint.secret, stale, request["body"])

    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.DELIVERED
    assert delivery.attempts == 1 and delivery.last_status_code == 200
    assert delivery.next_attempt_at is None
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 200 and attempt.duration_ms >= 0


def test_only_the_kinds_chosen_are_delivered(
    lifecycle, world, receiver, django_capture_on_commit_callbacks
):
    endpoint_of(world.member, receiver, kinds=["experts_assigned"])
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.in_review()
    assert receiver.kinds() == ["experts_assigned"]


def test_a_500_is_retried_later_by_the_schedule_then_delivered(
    lifecycle, world, receiver, django_capture_on_commit_callbacks
):
    endpoint_of(world.member, receiver)
    receiver.statuses = [500]
    standard = lifecycle.draft()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "submit", world.member)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.PENDING
    assert delivery.attempts == 1 and delivery.last_status_code == 500
    assert "500" in delivery.last_error
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert wait == settings.PORTAL_WEBHOOKS_RETRY_SCHEDULE[0] == 60

    # Not yet due.
    assert services.deliveries_sweep() == 0
    assert len(receiver.requests) == 1
    # A minute later the sweep sends it again, and it is delivered.
    later = timezone.now() + timedelta(seconds=61)
    assert services.deliveries_sweep(now=later) == 1
    assert services.deliveries_sweep(now=later + timedelta(days=2)) == 0
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED
    assert delivery.attempts == 2 and delivery.last_error == ""
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    ids = {r["headers"]["Webhook-Id"] for r in receiver.requests}
    assert len(receiver.requests) == 2 and len(ids) == 1


def test_a_delivery_is_given_up_after_the_last_retry(
    lifecycle, world, receiver, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_WEBHOOKS_RETRY_SCHEDULE = [60, 300]
    endpoint_of(world.member, receiver)
    receiver.statuses = [503] * 10
    standard = lifecycle.draft()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "submit", world.member)
    now = timezone.now()
    services.deliveries_sweep(now=now + timedelta(seconds=61))
    services.deliveries_sweep(now=now + timedelta(seconds=61 + 301))
    services.deliveries_sweep(now=now + timedelta(days=30))
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.FAILED
    assert delivery.attempts == 3 and delivery.next_attempt_at is None
    assert len(receiver.requests) == 3


def test_an_owner_who_cannot_see_a_draft_gets_no_delivery_of_its_events(
    lifecycle, world, receiver, no_pdf_renders
):
    mine = endpoint_of(world.member, receiver)
    other_deputy = endpoint_of(world.other_deputy, receiver)
    stranger = endpoint_of(world.stranger, receiver)
    standard = lifecycle.published()

    def kinds(endpoint):
        return sorted(
            Delivery.objects.filter(
                endpoint=endpoint, event__standard=standard
            ).values_list("event__kind", flat=True)
        )

    assert kinds(other_deputy) == kinds(stranger) == ["published"]
    assert kinds(mine) == sorted(
        [
            "submitted",
            "experts_assigned",
            "recommended",
            "recommended",
            "advanced_to_audit",
            "certified",
            "published",
        ]
    )


def test_an_owner_who_lost_sight_of_a_draft_before_its_delivery_gets_nothing(
    lifecycle, world, receiver
):
    endpoint_of(world.deputy, receiver)
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)  # the task has not run yet
    delivery = Delivery.objects.get()
    Role.objects.filter(person__user=world.deputy).delete()

    assert services.deliveries_sweep() == 0
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SKIPPED
    assert receiver.requests == []


def test_the_owner_redelivers_from_the_api(
    lifecycle, world, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_of(world.member, receiver)
    standard = lifecycle.draft()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "submit", world.member)
    delivery = Delivery.objects.get()
    address = reverse(
        "api:webhook-delivery-redeliver",
        kwargs={"pk": endpoint.pk, "delivery_id": delivery.pk},
    )

    other = APIClient()
    other.force_authenticate(world.other_member)
    assert other.post(address).status_code == 404

    client = APIClient()
    secret = token_services.token_create(actor=world.member, name="t").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(address)
    assert response.status_code == 202, response.content
    assert response.json()["attempts"] == 0  # queued again
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first["headers"]["Webhook-Id"] == second["headers"]["Webhook-Id"]
    assert first["body"] == second["body"]
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED and delivery.attempts == 1
    assert delivery.attempt_log.count() == 2

    detail = client.get(
        reverse(
            "api:webhook-delivery",
            kwargs={"pk": endpoint.pk, "delivery_id": delivery.pk},
        )
    ).json()
    assert [a["status_code"] for a in detail["attempt_log"]] == [200, 200]
    assert detail["event"]["kind"] == "submitted"
    listed = client.get(reverse("api:webhook-deliveries", args=[endpoint.pk])).json()
    assert [d["id"] for d in listed["results"]] == [delivery.pk]


def test_staff_redeliver_from_the_admin(
    lifecycle, world, receiver, django_capture_on_commit_callbacks
):
    endpoint_of(world.member, receiver)
    standard = lifecycle.draft()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "submit", world.member)
    delivery = Delivery.objects.get()
    staff = get_user_model().objects.create_superuser("staff", "s@x.org", "pw")
    client = Client()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    assert len(receiver.requests) == 2
    assert (
        client.get(
            reverse("admin:webhooks_delivery_change", args=[delivery.pk])
        ).status_code
        == 200
    )


def test_broker_down_then_up_delivers_exactly_once(
    lifecycle, world, receiver, django_capture_on_commit_callbacks
):
    endpoint_of(world.member, receiver)
    standard = lifecycle.draft()
    # Nothing listens on port 9 (discard): the enqueue after commit fails.
    with (
        celery_broker("redis://127.0.0.1:9/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lifecycle.go(standard, "submit", world.member)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.PENDING and delivery.attempts == 0
    assert receiver.requests == []

    # Back up: beat's sweep sends it, and nothing sends it twice.
    assert services.deliveries_sweep() == 1
    assert services.deliveries_sweep() == 0
    assert services.deliveries_send(delivery_ids=[delivery.pk]) == 0
    assert services.deliveries_sweep(now=timezone.now() + timedelta(days=2)) == 0
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED and delivery.attempts == 1


def test_the_address_is_checked_again_at_delivery(
    lifecycle, world, receiver, settings, django_capture_on_commit_callbacks
):
    endpoint_of(world.member, receiver)
    settings.PORTAL_WEBHOOKS_ALLOW_PRIVATE = False
    standard = lifecycle.draft()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "submit", world.member)
    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.PENDING
    assert "loopback" in delivery.last_error
    assert delivery.last_status_code is None


def test_an_inactive_endpoint_gets_no_deliveries(lifecycle, world, receiver):
    endpoint_of(world.member, receiver, active=False)
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    assert not Delivery.objects.exists()
