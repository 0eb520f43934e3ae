"""Notifications as a workspace (issue 13): what needs action apart from
what informs, grouped by standard, read on visit, one clear sentence per
kind, and a daily digest by e-mail."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.selectors import display_name
from notifications import selectors, services
from notifications.models import (
    KIND_CATEGORY,
    Category,
    Delivery,
    Kind,
    Notification,
    category_of,
    kinds_in,
)
from standards import services as standards_services
from tests.standards.conftest import no_pdf_renders  # noqa: F401

pytestmark = pytest.mark.django_db


def _notify(user, standard=None, kind=Kind.DRAFT_CHANGED, n=1):
    return [
        Notification.objects.create(
            recipient=user, kind=kind, standard=standard, message=f"{kind} #{i}"
        )
        for i in range(n)
    ]


# --- classification ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        (Kind.DRAFT_CHANGED, Category.INFORMATION),
        (Kind.DRAFT_RETURNED, Category.ACTION),
        (Kind.COMMENT_RECEIVED, Category.ACTION),
        (Kind.REVIEW_NEEDED, Category.ACTION),
        (Kind.EXPERT_ASSIGNED, Category.ACTION),
        (Kind.NEW_VERSION, Category.ACTION),
        (Kind.AUDIT_NEEDED, Category.ACTION),
        (Kind.CERTIFIED, Category.ACTION),
        (Kind.PUBLISHED, Category.INFORMATION),
        (Kind.ABOLISHED, Category.INFORMATION),
        (Kind.REVIEW_DUE, Category.ACTION),
    ],
)
def test_each_kind_is_action_or_information(kind, category):
    assert category_of(kind) == category
    assert Notification(kind=kind).category == category


def test_every_kind_is_classified_once():
    assert set(KIND_CATEGORY) == set(Kind.values)
    assert sorted(kinds_in(Category.ACTION) + kinds_in(Category.INFORMATION)) == sorted(
        Kind.values
    )


def test_a_returned_draft_and_an_expert_comment_need_the_authors_action(
    lifecycle, world
):
    standard = lifecycle.in_review()
    Notification.objects.all().delete()

    standards_services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Section 2 is vague."
    )
    lifecycle.go(standard, "request_changes", world.deputy, comment="See comments.")

    kinds = list(
        Notification.objects.filter(recipient=world.member)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [Kind.COMMENT_RECEIVED, Kind.DRAFT_RETURNED]
    assert all(category_of(kind) == Category.ACTION for kind in kinds)


# --- wording --------------------------------------------------------------------


def test_each_message_is_one_sentence_with_the_actor_once(lifecycle, world):
    standard = lifecycle.in_review()
    standards_services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Vague."
    )
    lifecycle.go(standard, "request_changes", world.deputy, comment="Clarify.")

    messages = {
        n.kind: n.message
        for n in Notification.objects.filter(standard=standard).order_by("pk")
    }
    title = standard.title
    assert messages[Kind.COMMENT_RECEIVED] == (
        f"{display_name(world.expert1)} commented on “{title}”.\n\nVague."
    )
    # The entry's comment (here: who was assigned) follows the sentence.
    assert messages[Kind.EXPERT_ASSIGNED].startswith(
        f"{display_name(world.deputy)} assigned you as an expert for “{title}”.\n\n"
    )
    assert messages[Kind.DRAFT_RETURNED] == (
        f"{display_name(world.deputy)} returned “{title}” with changes requested."
        "\n\nClarify."
    )
    for message in Notification.objects.values_list("message", flat=True):
        first_line = message.split("\n")[0]
        assert " by " not in first_line
        assert first_line.count(".") == 1 and first_line.endswith(".")


def test_every_history_action_has_its_own_sentence():
    from standards.actions import ACTIONS, Action, action_sentence

    # The sentences live in the actions' registry, one per action.
    assert set(ACTIONS) == set(Action.values)
    sentences = [str(action_sentence(action)) for action in Action.values]
    assert len(set(sentences)) == len(sentences)
    assert all("%(who)s" in s and "%(standard)s" in s for s in sentences)


def test_the_standard_is_named_as_the_recipient_knows_it(lifecycle, world):
    """A watcher outside the renewal draft's audience hears of its
    abolition under the public record's title, the authors under the
    draft's."""
    standard = lifecycle.published(title="Public title")
    services.watch_standard(standard_id=standard.pk, user=world.stranger)
    lifecycle.go(standard, "start_renewal", world.deputy)
    standard.refresh_from_db()
    standard.title = "Renewal draft title"
    standard.save(update_fields=["title"])
    Notification.objects.all().delete()

    lifecycle.go(standard, "abolish", world.leader, comment="Obsolete.")

    to_stranger = Notification.objects.get(recipient=world.stranger)
    to_author = Notification.objects.get(recipient=world.member)
    assert "Public title" in to_stranger.message
    assert "Renewal draft title" not in to_stranger.message
    assert "Renewal draft title" in to_author.message
    assert to_stranger.message.endswith("\n\nObsolete.")


# --- grouping -----------------------------------------------------------------------


def test_the_list_is_grouped_by_standard_action_first_newest_first(lifecycle, world):
    first = lifecycle.draft(title="First")
    second = lifecycle.draft(title="Second")
    Notification.objects.all().delete()
    _notify(world.member, first, Kind.DRAFT_CHANGED, n=3)
    _notify(world.member, second, Kind.DRAFT_CHANGED, n=2)
    _notify(world.member, first, Kind.DRAFT_RETURNED)
    _notify(world.member, None, Kind.DRAFT_CHANGED)
    Notification.objects.filter(standard=second).update(read_at="2026-01-01T00:00Z")

    action, information = selectors.notification_sections(world.member)

    assert action.category == Category.ACTION
    assert [(g.name, g.total, g.unread) for g in action.groups] == [("First", 1, 1)]
    assert [(g.name, g.total, g.unread) for g in information.groups] == [
        ("", 1, 1),  # the one about no standard is the newest
        ("Second", 2, 0),
        ("First", 3, 3),
    ]
    assert information.unread == 4


def test_the_grouped_list_reads_a_fixed_number_of_queries(lifecycle, world):
    def count():
        user = get_user_model().objects.get(pk=world.member.pk)
        with CaptureQueriesContext(connection) as queries:
            sections = selectors.notification_sections(user)
            [g.name for s in sections for g in s.groups]
        return len(queries)

    standard = lifecycle.draft()
    Notification.objects.all().delete()
    _notify(world.member, standard)
    small = count()
    for title in ("A", "B", "C"):
        _notify(world.member, lifecycle.draft(title=title), Kind.DRAFT_RETURNED, n=3)
    assert count() == small


def test_mark_one_group_read(client, lifecycle, world):
    first = lifecycle.draft(title="First")
    second = lifecycle.draft(title="Second")
    Notification.objects.all().delete()
    _notify(world.member, first, Kind.DRAFT_CHANGED, n=2)
    _notify(world.member, first, Kind.DRAFT_RETURNED)
    _notify(world.member, second, Kind.DRAFT_CHANGED)
    client.force_login(world.member)

    response = client.post(
        reverse("notifications:read_group", args=[first.pk]),
        {"category": "information"},
    )

    assert response.status_code == 302
    unread = Notification.objects.unread().filter(recipient=world.member)
    assert sorted(unread.values_list("standard__title", "kind")) == [
        ("First", Kind.DRAFT_RETURNED),
        ("Second", Kind.DRAFT_CHANGED),
    ]


def test_the_page_shows_both_sections_with_groups(client, lifecycle, world):
    standard = lifecycle.draft(title="Grouped standard")
    Notification.objects.all().delete()
    _notify(world.member, standard, Kind.DRAFT_RETURNED)
    _notify(world.member, standard, Kind.DRAFT_CHANGED, n=5)
    client.force_login(world.member)

    page = client.get(reverse("notifications:list")).content.decode()

    assert page.index("Needs your action") < page.index("For your information")
    assert page.count("Grouped standard") >= 2
    assert "5 notifications" in page
    assert "2 earlier" in page  # three shown, the rest folded
    assert 'class="notification-groups" role="list"' in page


# --- read on visit --------------------------------------------------------------


def test_opening_the_draft_marks_its_notifications_read_for_that_user_only(
    client, lifecycle, world
):
    standard = lifecycle.in_review()
    other = lifecycle.draft(title="Other")
    _notify(world.member, other)
    mine = Notification.objects.filter(recipient=world.member, standard=standard)
    theirs = Notification.objects.filter(recipient=world.expert1, standard=standard)
    assert mine.unread().exists() and theirs.unread().exists()

    client.force_login(world.member)
    response = client.get(reverse("standards:draft", args=[standard.pk]))

    assert response.status_code == 200
    assert not mine.unread().exists()
    assert theirs.unread().exists()
    assert (
        Notification.objects.unread()
        .filter(recipient=world.member, standard=other)
        .exists()
    )


@pytest.mark.usefixtures("no_pdf_renders")
def test_opening_the_public_page_marks_its_notifications_read(client, lifecycle, world):
    standard = lifecycle.published()
    _notify(world.stranger, standard, Kind.PUBLISHED)
    client.force_login(world.stranger)

    assert (
        client.get(reverse("standards:detail", args=[standard.pk])).status_code == 200
    )

    assert not Notification.objects.unread().filter(recipient=world.stranger).exists()


def test_a_page_that_is_not_found_marks_nothing_read(client, lifecycle, world):
    standard = lifecycle.draft()
    _notify(world.stranger, standard)
    client.force_login(world.stranger)

    assert client.get(reverse("standards:draft", args=[standard.pk])).status_code == 404
    assert Notification.objects.unread().filter(recipient=world.stranger).exists()


# --- e-mail: immediate, digest, off ---------------------------------------------------


def test_the_digest_gathers_each_users_pending_items_in_one_mail(lifecycle, world):
    standard = lifecycle.draft(title="Digest me")
    Notification.objects.all().delete()
    services.delivery_set(user=world.member, delivery=Delivery.DIGEST)
    rows = _notify(world.member, standard, Kind.DRAFT_RETURNED) + _notify(
        world.member, standard, Kind.DRAFT_CHANGED, n=2
    )
    mail.outbox.clear()

    # The immediate path puts them aside for the digest.
    assert services.notifications_send(notification_ids=[r.pk for r in rows]) == 0
    assert mail.outbox == []
    assert Notification.objects.digest_pending().count() == 3

    assert services.digests_send() == 1
    (message,) = mail.outbox
    assert message.to == [world.member.email]
    assert "3 notifications" in message.subject
    for row in rows:
        assert row.message in message.body
    assert message.body.index("Needs your action") < message.body.index(
        "For your information"
    )
    assert not Notification.objects.digest_pending().exists()

    # Run again: nothing is sent twice.
    assert services.digests_send() == 0
    assert len(mail.outbox) == 1


def test_immediate_users_are_unaffected_and_off_means_no_mail(lifecycle, world):
    standard = lifecycle.draft()
    Notification.objects.all().delete()
    services.delivery_set(user=world.expert1, delivery=Delivery.OFF)
    rows = _notify(world.member, standard) + _notify(world.expert1, standard)
    mail.outbox.clear()

    assert services.notifications_send(notification_ids=[r.pk for r in rows]) == 1
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    assert not Notification.objects.filter(in_digest=True).exists()
    assert services.digests_send() == 0
    assert len(mail.outbox) == 1


def test_a_kind_turned_off_is_not_in_the_digest(lifecycle, world):
    services.delivery_set(user=world.member, delivery=Delivery.DIGEST)
    services.preferences_set(
        user=world.member,
        email_kinds=[k for k in Kind.values if k != Kind.DRAFT_CHANGED],
    )
    Notification.objects.all().delete()
    rows = _notify(world.member, kind=Kind.DRAFT_CHANGED) + _notify(
        world.member, kind=Kind.DRAFT_RETURNED
    )
    services.notifications_send(notification_ids=[r.pk for r in rows])
    mail.outbox.clear()

    assert services.digests_send() == 1
    assert "draft_returned #0" in mail.outbox[0].body
    assert "draft_changed #0" not in mail.outbox[0].body


def test_a_failed_digest_is_released_for_the_next_run(lifecycle, world, settings):
    services.delivery_set(user=world.member, delivery=Delivery.DIGEST)
    Notification.objects.all().delete()
    rows = _notify(world.member, n=2)
    services.notifications_send(notification_ids=[r.pk for r in rows])
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.DownBackend"

    assert services.digests_send() == 0
    assert Notification.objects.digest_pending().count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert services.digests_send() == 1
    assert len(mail.outbox) == 1


def test_the_preferences_page_offers_the_digest(client, world):
    client.force_login(world.member)
    url = reverse("notifications:preferences")
    assert url == "/notifications/preferences/"
    assert 'value="digest"' in client.get(url).content.decode()

    response = client.post(url, {"email": Kind.values, "delivery": "digest"})

    assert response.status_code == 302
    assert selectors.email_delivery(world.member) == Delivery.DIGEST
    # A form without the choice keeps it.
    client.post(url, {"email": Kind.values})
    assert selectors.email_delivery(world.member) == Delivery.DIGEST


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_each_item_once(lifecycle, world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    for user in (world.member, world.expert1):
        services.delivery_set(user=user, delivery=Delivery.DIGEST)
    rows = _notify(world.member, n=3) + _notify(world.expert1, n=2)
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(in_digest=True)
    mail.outbox.clear()

    barrier = threading.Barrier(2)
    results = [None, None]

    def run(index):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            results[index] = services.digests_send()
        except Exception as exc:  # reported to the test
            results[index] = exc
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(results) == 2, results
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.member.email, world.expert1.email]
    )
    assert not Notification.objects.digest_pending().exists()
