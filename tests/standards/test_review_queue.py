"""The review queue stays bounded: the oldest drafts of each part, how many
there are, and every one of them a page at a time behind "Show all"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from standards import selectors, services
from standards.models import Standard

from .test_views_pages import page


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(selectors, "REVIEW_PART_SIZE", 2)
    monkeypatch.setattr(selectors, "REVIEW_PAGE_SIZE", 2)


def _drafts(lifecycle, n):
    """``n`` drafts, the first the oldest."""
    drafts = [lifecycle.draft(title=f"Queued draft {i}") for i in range(n)]
    now = timezone.now()
    for i, standard in enumerate(drafts):
        Standard.objects.filter(pk=standard.pk).update(
            status_changed=now - timedelta(days=n - i)
        )
    return drafts


def test_each_part_shows_its_oldest_drafts_and_how_many_there_are(
    client, lifecycle, world, small_parts
):
    _drafts(lifecycle, 3)
    review = lifecycle.in_review(title="Only one in review")

    html = page(client, world.deputy, reverse("standards:review"))

    assert "Queued draft 0" in html and "Queued draft 1" in html
    assert "Queued draft 2" not in html
    assert html.index("Queued draft 0") < html.index("Queued draft 1")
    assert "(3)" in html and "The oldest 2 of 3." in html
    assert 'href="?part=draft"' in html
    # A part that fits has no link to the rest.
    assert review.title in html and 'href="?part=expert_review"' not in html


def test_show_all_pages_through_one_part_oldest_first(
    client, lifecycle, world, small_parts
):
    _drafts(lifecycle, 3)
    url = reverse("standards:review")

    first = page(client, world.deputy, f"{url}?part=draft")
    second = page(client, world.deputy, f"{url}?part=draft&page=2")

    assert "Queued draft 0" in first and "Queued draft 1" in first
    assert "Queued draft 2" not in first and "Page 1 of 2" in first
    assert "Queued draft 2" in second and "Queued draft 0" not in second


def test_a_part_that_is_not_the_users_is_not_found(client, lifecycle, world):
    url = reverse("standards:review")
    page(client, world.expert1, f"{url}?part=draft", status=404)
    page(client, world.deputy, f"{url}?part=leader", status=404)
    page(client, world.deputy, f"{url}?part=nonsense", status=404)


def test_the_queue_still_says_whose_turn_from_the_comments(client, lifecycle, world):
    standard = lifecycle.in_review(title="Commented draft")
    services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Why?", blocking=True
    )
    services.comment_create(standard_id=standard.pk, actor=world.expert2, text="Ok")
    queue = selectors.review_queue(world.deputy)
    [part] = [p for p in queue.deputy if p.key == "expert_review"]
    [found] = part.standards
    assert found.unanswered_comments == 2 and found.open_blocking == 1
    assert any(t.action == "answer the expert comments" for t in found.turns)
