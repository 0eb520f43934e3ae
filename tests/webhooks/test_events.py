"""Every lifecycle step writes exactly one event, in its own transaction;
the events feed lists them in order, each to whoever may see it now."""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from committees.models import Role
from standards import services
from standards.actions import PUBLIC_ACTIONS
from standards.models import TRANSITION_NAMES, HistoryEntry
from webhooks.events import EVENT_OF_ACTION, EventKind
from webhooks.models import Event

pytestmark = pytest.mark.django_db

FEED = "/api/v1/events/"


def one_event(step) -> Event:
    """Run ``step``; exactly one event must have been written by it."""
    before = set(Event.objects.values_list("pk", flat=True))
    step()
    new = list(Event.objects.exclude(pk__in=before))
    assert len(new) == 1, [e.kind for e in new]
    return new[0]


def no_event(step) -> None:
    before = Event.objects.count()
    step()
    assert Event.objects.count() == before


def test_every_transition_and_review_step_is_an_event_kind():
    for name in TRANSITION_NAMES:
        assert name in EVENT_OF_ACTION, name
    assert set(EVENT_OF_ACTION.values()) == set(EventKind.values)


def test_each_lifecycle_step_writes_exactly_one_event(lifecycle, world, no_pdf_renders):
    w = world
    standard = lifecycle.draft()
    assert not Event.objects.filter(standard=standard).exists()
    pk = standard.pk

    def go(name, actor, comment="ok"):
        return lambda: lifecycle.go(standard, name, actor, comment=comment)

    def recommend(expert):
        return lambda: services.recommendation_give(
            standard_id=pk, actor=expert, decision="approve"
        )

    seen = []
    for step in [
        go("submit", w.member),
        go("request_changes", w.deputy, "Shorten clause 2."),
        go("submit", w.member),
        lambda: services.experts_assign(
            standard_id=pk, actor=w.deputy, experts=[w.expert1, w.expert2]
        ),
        lambda: services.comment_create(
            standard_id=pk, actor=w.expert1, text="Define LLM."
        ),
    ]:
        seen.append(one_event(step).kind)
    comment = standard.comments.get()
    no_event(
        lambda: services.comment_answer(
            comment_id=comment.pk, actor=w.member, reply="noted", reply_text="Done."
        )
    )
    for step in [
        recommend(w.expert1),
        recommend(w.expert2),
        go("advance_to_audit", w.deputy),
        go("fail_audit", w.auditor, "Clause 3 is untestable."),
    ]:
        seen.append(one_event(step).kind)
    no_event(
        lambda: services.version_create(
            standard_id=pk, actor=w.member, body="# Scope\n\nRevised.\n"
        )
    )
    for step in [
        go("submit", w.member),
        recommend(w.expert1),
        recommend(w.expert2),
        go("advance_to_audit", w.deputy),
        go("certify", w.auditor),
        go("publish", w.leader),
        go("reaffirm", w.deputy),
        go("start_renewal", w.deputy),
        go("abolish", w.leader, "Superseded."),
    ]:
        seen.append(one_event(step).kind)

    assert seen == [
        "submitted",
        "changes_requested",
        "submitted",
        "experts_assigned",
        "commented",
        "recommended",
        "recommended",
        "advanced_to_audit",
        "audit_failed",
        "submitted",
        "recommended",
        "recommended",
        "advanced_to_audit",
        "certified",
        "published",
        "reaffirmed",
        "renewal_started",
        "abolished",
    ]
    # Each event is its history entry's.
    events = Event.objects.filter(standard=standard).select_related("history_entry")
    assert all(EVENT_OF_ACTION[e.history_entry.action] == e.kind for e in events)
    assert (
        events.count()
        == HistoryEntry.objects.filter(
            standard=standard, action__in=list(EVENT_OF_ACTION)
        ).count()
    )


def test_an_event_is_rolled_back_with_its_step(lifecycle, world):
    standard = lifecycle.draft()
    with pytest.raises(RuntimeError), transaction.atomic():
        lifecycle.go(standard, "submit", world.member)
        raise RuntimeError
    assert not Event.objects.filter(standard=standard).exists()


def test_the_published_event_carries_the_edition_and_the_public_record(
    lifecycle, world, no_pdf_renders
):
    standard = lifecycle.certified()
    event = one_event(lambda: lifecycle.go(standard, "publish", world.leader))
    standard.refresh_from_db()
    body = event.body()
    assert body["id"] == event.pk
    assert body["kind"] == "published"
    assert body["standard"] == {
        "id": standard.pk,
        "number": standard.number,
        "title": "Evaluation of medical LLMs",
        "status": "published",
        "public_status": "in_force",
        "url": "http://localhost:8000" + reverse("api:standard", args=[standard.pk]),
    }
    # Named as the API names people everywhere: never by username.
    assert body["actor"] == {
        "id": world.leader.pk,
        "person_id": world.leader.person.pk,
        "name": world.leader.person.name,
    }
    assert body["data"]["from_state"] == "certified"
    assert body["data"]["edition"]["edition"] == 1
    assert body["data"]["edition"]["number"] == standard.number
    assert body["data"]["review_due"] == standard.review_due.isoformat()


def test_public_events_name_the_public_record_during_a_renewal(
    lifecycle, world, no_pdf_renders
):
    standard = lifecycle.published()
    lifecycle.go(standard, "start_renewal", world.deputy)
    services.standard_update(
        standard_id=standard.pk, actor=world.member, title="WMX renewal title"
    )
    event = one_event(
        lambda: lifecycle.go(standard, "abolish", world.leader, comment="Obsolete.")
    )
    assert event.payload["standard"]["title"] == "Evaluation of medical LLMs"
    assert event.payload["data"]["comment"] == "Obsolete."
    feed = APIClient().get(FEED).content.decode()
    assert "WMX renewal title" not in feed
    assert "Obsolete." in feed


def test_the_recommendation_event_says_the_decision_and_version(lifecycle, world):
    standard = lifecycle.in_review()
    event = one_event(
        lambda: services.recommendation_give(
            standard_id=standard.pk, actor=world.expert1, decision="reject"
        )
    )
    assert event.payload["data"]["decision"] == "reject"
    assert event.payload["data"]["version"]["number"] == 1
    assert event.payload["actor"]["id"] == world.expert1.pk


# --- the feed --------------------------------------------------------------------


def feed(user=None, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content
    return response.json()


def kinds_of(page, standard):
    return [e["kind"] for e in page["results"] if e["standard"]["id"] == standard.pk]


@pytest.fixture
def two_standards(lifecycle, world, no_pdf_renders):
    published = lifecycle.published(title="Published one")
    draft = lifecycle.in_review(title="WMX draft only")
    return published, draft


def test_anonymous_readers_see_only_public_events_of_public_standards(
    two_standards,
):
    published, draft = two_standards
    page = feed()
    assert kinds_of(page, published) == ["published"]
    assert kinds_of(page, draft) == []
    assert "WMX draft only" not in str(page)


def test_the_draft_audience_sees_every_event_and_others_the_public_ones(
    two_standards, world
):
    published, draft = two_standards
    for user in (world.member, world.deputy, world.leader, world.auditor):
        page = feed(user)
        assert kinds_of(page, draft) == ["submitted", "experts_assigned"], user
        assert kinds_of(page, published)[-1] == "published", user
        assert len(kinds_of(page, published)) > 1, user
    # A deputy leader of another field, a member of another organisation
    # and an expert not assigned see the public events only.
    for user in (world.other_deputy, world.other_member, world.unassigned_expert):
        page = feed(user)
        assert kinds_of(page, draft) == [], user
        assert kinds_of(page, published) == ["published"], user


def test_the_feed_asks_the_rule_now_not_when_the_event_happened(two_standards, world):
    published, draft = two_standards
    assert kinds_of(feed(world.deputy), draft)
    Role.objects.filter(person__user=world.deputy).delete()
    deputy = type(world.deputy).objects.get(pk=world.deputy.pk)  # roles anew
    assert kinds_of(feed(deputy), draft) == []


def test_the_feed_is_in_order_and_pages_with_its_cursor(two_standards, world):
    everything = feed(world.leader, limit=100)
    ids = [e["id"] for e in everything["results"]]
    assert ids == sorted(ids) and len(ids) >= 4
    assert everything["next"] is None
    assert everything["cursor"] == str(ids[-1])

    walked, page = [], feed(world.leader, limit=3)
    while True:
        walked += [e["id"] for e in page["results"]]
        if not page["next"]:
            break
        assert page["next"].endswith(f"after={page['cursor']}&limit=3")
        page = feed(world.leader, after=page["cursor"], limit=3)
    assert walked == ids

    after = feed(world.leader, after=ids[1])
    assert [e["id"] for e in after["results"]] == ids[2:]
    last = feed(world.leader, after=ids[-1])
    assert last == {"cursor": str(ids[-1]), "next": None, "results": []}


def test_the_feed_and_the_webhook_send_the_same_json(two_standards, world):
    published, _draft = two_standards
    event = Event.objects.filter(standard=published, kind="published").get()
    page = feed()
    assert [e for e in page["results"] if e["id"] == event.pk] == [event.body()]


@pytest.mark.parametrize(
    "params", [{"after": "x"}, {"after": "-1"}, {"limit": "0"}, {"limit": "101"}]
)
def test_a_bad_cursor_or_limit_is_a_400(params):
    response = APIClient().get(FEED, params)
    assert response.status_code == 400
    assert set(params) <= set(response.json()["errors"])


def test_the_newest_events_wait_until_their_order_is_final(two_standards, settings):
    settings.PORTAL_EVENTS_FEED_DELAY = 60
    assert feed()["results"] == []


def test_public_actions_are_the_public_event_kinds():
    public_kinds = {EVENT_OF_ACTION[a] for a in PUBLIC_ACTIONS}
    assert public_kinds == {"published", "reaffirmed", "renewal_started", "abolished"}
