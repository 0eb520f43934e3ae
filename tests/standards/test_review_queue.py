"""The review queue stays bounded: the oldest drafts of each part, how many
there are, and every one of them a page at a time behind "Show all"."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from committees.selectors import UserRoles, user_roles
from standards import selectors, services
from standards.models import Standard

from .test_views_pages import page

User = get_user_model()


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


def test_each_draft_links_to_its_working_page_even_under_renewal(
    client, lifecycle, world
):
    draft = lifecycle.draft(title="A first draft")
    renewal = lifecycle.published(title="A standard under renewal")
    lifecycle.go(renewal, "start_renewal", world.deputy)

    html = page(client, world.deputy, reverse("standards:review"))

    for standard in (draft, renewal):
        address = reverse("standards:draft", kwargs={"pk": standard.pk})
        assert f'<a href="{address}">{standard.title}</a>' in html
    assert '<span class="badge">renewal</span>' in html


def test_the_queue_shows_the_same_state_and_whose_turn_as_the_draft_page(
    client, lifecycle, world
):
    lifecycle.draft(title="Without a version", with_version=False)
    lifecycle.in_review(title="Waiting for the experts")
    lifecycle.in_audit(title="Being audited")

    html = page(client, world.deputy, reverse("standards:review"))

    queue = selectors.review_queue(world.deputy)
    standards = [s for part in queue.deputy for s in part.standards]
    assert len(standards) == 3
    for standard in standards:
        badge = render_to_string(
            "standards/includes/status_badge.html", {"status": standard.status}
        )
        turns = render_to_string(
            "standards/includes/whose_turn.html", {"turns": standard.turns}
        )
        assert f"<td>{badge}</td>" in html
        assert f"<td>{turns}</td>" in html
    assert "upload a first version and submit" in html
    experts = f"{world.expert1.person.name}, {world.expert2.person.name}"
    assert f"<strong>Experts</strong> ({experts}): comment and recommend" in html


def test_a_deputys_queue_takes_six_queries_with_the_roles(
    lifecycle, world, django_assert_num_queries
):
    lifecycle.draft()
    lifecycle.in_review()
    lifecycle.in_audit()
    deputy = User.objects.get(pk=world.deputy.pk)

    # The person, the roles; the drafts ranked, the oldest loaded; the
    # experts and the recommendations of those in review.
    with django_assert_num_queries(6):
        queue = selectors.review_queue(deputy)

    assert [part.key for part in queue.deputy] == ["draft", "expert_review", "audit"]


def test_roles_include_the_subfields_and_keep_the_person(
    world, django_assert_num_queries
):
    deputy = User.objects.get(pk=world.deputy.pk)
    with django_assert_num_queries(2):
        roles = user_roles(deputy)
    assert roles.deputy_field_ids == {world.field.pk, world.subfield.pk}
    assert not roles.expert_field_ids and not roles.leader
    # The header names the person without asking again.
    with django_assert_num_queries(0):
        assert deputy.person.pk == roles.person_id

    expert = user_roles(User.objects.get(pk=world.expert1.pk))
    assert expert.expert_field_ids == {world.field.pk, world.subfield.pk}
    assert not expert.deputy_field_ids
    member = user_roles(User.objects.get(pk=world.member.pk))
    assert member.representative_organisation_ids == {world.organisation.pk}
    assert user_roles(User.objects.get(pk=world.stranger.pk)) == UserRoles()
    # Whose drafts one sees: the organisations one works for or represents.
    assert member.organisation_ids >= {world.organisation.pk}
    assert UserRoles(organisation_id=7).organisation_ids == {7}
    assert UserRoles(
        organisation_id=7, representative_organisation_ids=frozenset({8})
    ).organisation_ids == {7, 8}
    assert UserRoles().organisation_ids == frozenset()


def test_whose_turn_in_review_with_and_without_experts_in_one_list(lifecycle, world):
    lifecycle.go(lifecycle.draft(title="Submitted"), "submit", world.member)
    lifecycle.reviewed(title="Recommended by both")
    half = lifecycle.in_review(title="Recommended by one")
    services.recommendation_give(
        standard_id=half.pk, actor=world.expert1, decision="approve"
    )

    [part] = [
        p
        for p in selectors.review_queue(world.deputy).deputy
        if p.key == "expert_review"
    ]

    turns = {s.title: [str(t) for t in s.turns] for s in part.standards}
    assert turns == {
        "Submitted": [
            "Deputy leader: assign experts of Critical Care Subfield",
        ],
        "Recommended by both": [
            "Deputy leader: advance to audit or request changes",
        ],
        "Recommended by one": [
            f"Experts ({world.expert2.person.name}): comment and recommend",
        ],
    }


# Rendered rows are kept in the cache (standards_tags.draft_rows), keyed by
# everything a row shows: a row that changes in any way must show at once.


def _row_of(html, title):
    start = html.index(title)
    return html[html.rindex("<tr>", 0, start) : html.index("</tr>", start)]


def test_a_kept_row_changes_as_soon_as_whose_turn_does(client, lifecycle, world):
    standard = lifecycle.in_review(title="Turn after turn")
    url = reverse("standards:review")
    before = _row_of(page(client, world.deputy, url), standard.title)
    assert "comment and recommend" in before

    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    after = _row_of(page(client, world.deputy, url), standard.title)

    assert "comment and recommend" not in after
    assert "advance to audit or request changes" in after


def test_a_kept_row_changes_with_the_title_and_the_days_waiting(
    client, lifecycle, world
):
    standard = lifecycle.draft(title="First title")
    url = reverse("standards:review")
    assert '<td class="number">0</td>' in _row_of(
        page(client, world.deputy, url), "First title"
    )

    # Saved, as every change through the portal is: the kept queue follows
    # its signal (standards.workspace.cached_review_queue), then the kept
    # row its new title and days.
    standard.title = "Second <title>"
    standard.status_changed = timezone.now() - timedelta(days=3)
    standard.save(update_fields=["title", "status_changed"])
    html = page(client, world.deputy, url)

    assert "First title" not in html
    row = _row_of(html, "Second &lt;title&gt;")
    assert '<td class="number">3</td>' in row and "<title>" not in row


def test_rows_are_the_same_kept_or_rendered_afresh(lifecycle, world, settings):
    from standards.templatetags.standards_tags import draft_rows

    lifecycle.draft(title="Row & co")
    lifecycle.in_review(title="Row <two>")
    lifecycle.in_audit(title="Row three")
    standards = [
        s
        for part in selectors.review_queue(world.deputy).deputy
        for s in part.standards
    ]

    settings.DEBUG = False
    kept = [draft_rows(standards, True), draft_rows(standards, True)]
    settings.DEBUG = True
    fresh = draft_rows(standards, True)

    assert kept[0] == kept[1] == fresh
    assert fresh.count("<tr>") == 3 and "Row &amp; co" in fresh
    assert "Row &lt;two&gt;" in fresh and "Row <two>" not in fresh
    # Without the organisation under the title, the same drafts make other rows.
    under_title = f'<br><span class="meta">{world.organisation.name}</span>'
    assert under_title in fresh
    assert under_title not in draft_rows(standards, False)
