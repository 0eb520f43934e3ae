"""The "My work" page (/dashboard/) shows each person what waits on them, and the
navigation offers each person only the links they can use."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from standards import services
from standards.models import HistoryEntry, Standard

DASHBOARD = "/dashboard/"


def get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def section(html, section_id) -> str:
    """The HTML of one section of the page (empty when it is not there)."""
    found = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def waiting(client, user) -> str:
    return section(get(client, user, DASHBOARD).content.decode(), "waiting")


def titles(html) -> list[str]:
    return re.findall(r'class="work-title" href="[^"]*">([^<]*)<', html)


# --- waiting on you, by role ------------------------------------------------------


def test_authors_wait_on_their_drafts_and_see_why_one_came_back(
    client, lifecycle, world
):
    lifecycle.draft(title="To submit")
    returned = lifecycle.in_review(title="Came back")
    lifecycle.go(returned, "request_changes", world.deputy, comment="Cite sources.")
    lifecycle.reviewed(title="With the experts")

    html = waiting(client, world.member)

    assert titles(html) == ["To submit", "Came back"]
    assert "Revise and submit for expert review" in html
    assert "Request changes:</strong> Cite sources." in html
    assert "With the experts" not in html
    assert "Nothing waits on you now." in waiting(client, world.other_member)


def test_a_draft_that_came_back_links_to_why_a_renewal_to_the_actions(
    client, lifecycle, world
):
    returned = lifecycle.in_review(title="Came back")
    lifecycle.go(returned, "request_changes", world.deputy, comment="Cite sources.")
    renewal = lifecycle.published(title="Renewed")
    lifecycle.go(renewal, "start_renewal", world.deputy, comment="Out of date.")

    html = waiting(client, world.member)

    # The reason stands just above the actions on the working page.
    assert f'href="/drafts/{returned.pk}/#returned"' in html
    assert f'href="/drafts/{renewal.pk}/#actions"' in html
    page = get(client, world.member, f"/drafts/{returned.pk}/").content.decode()
    assert page.index('id="returned"') < page.index('id="actions"')


def test_deputies_wait_on_drafts_needing_experts_or_a_decision(
    client, lifecycle, world
):
    submitted = lifecycle.draft(title="Needs experts")
    lifecycle.go(submitted, "submit", world.member)
    lifecycle.reviewed(title="Enough recommendations")
    lifecycle.in_review(title="Experts still reading")
    lifecycle.draft(title="Still a draft")

    html = waiting(client, world.deputy)

    assert titles(html) == ["Needs experts", "Enough recommendations"]
    assert "Assign experts of Critical Care Subfield" in html
    assert "Advance to audit or request changes" in html
    assert "Nothing waits on you now." in waiting(client, world.other_deputy)


def test_experts_wait_on_drafts_without_their_recommendation(client, lifecycle, world):
    standard = lifecycle.in_review(title="To review")
    assert titles(waiting(client, world.expert1)) == ["To review"]
    assert "Comment and recommend" in waiting(client, world.expert1)

    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )

    html = get(client, world.expert1, DASHBOARD).content.decode()
    assert titles(section(html, "waiting")) == []
    reviews = section(html, "my-reviews")
    assert "To review" in reviews and "Your recommendation: Approve" in reviews
    assert titles(waiting(client, world.expert2)) == ["To review"]
    assert "Nothing waits on you now." in waiting(client, world.unassigned_expert)


def test_auditors_wait_on_audits_and_the_leader_on_publications(
    client, lifecycle, world
):
    lifecycle.in_audit(title="In audit")
    lifecycle.certified(title="Certified")

    auditor = waiting(client, world.auditor)
    assert titles(auditor) == ["In audit"]
    assert "Certify or fail the audit" in auditor

    leader = waiting(client, world.leader)
    assert titles(leader) == ["Certified"]
    assert "As leader" in leader and "Publish" in leader


def test_nothing_waits_on_a_person_without_a_role(client, lifecycle, world):
    lifecycle.in_review(title="Someone else's")
    html = get(client, world.stranger, DASHBOARD).content.decode()
    assert "Nothing waits on you now." in section(html, "waiting")
    assert "Someone else" not in html
    for part in ("my-drafts", "my-reviews", "review-due", "pipeline"):
        assert f'id="{part}"' not in html


def test_an_item_links_to_the_actions_and_says_how_long_it_waits(
    client, lifecycle, world
):
    standard = lifecycle.draft(title="Old draft")
    # The last history entry is three days old (rows are never changed
    # through the model; the test moves time back).
    HistoryEntry.objects.filter(standard=standard).update(
        created=timezone.now() - timedelta(days=3, hours=1)
    )

    html = waiting(client, world.member)

    assert f'href="/drafts/{standard.pk}/#actions"' in html
    assert "waiting 3 days" in html


# --- periodic reviews -------------------------------------------------------------


def test_periodic_reviews_overdue_first_with_their_actions(client, lifecycle, world):
    later = lifecycle.published(title="Due later")
    overdue = lifecycle.published(title="Overdue")
    other = lifecycle.published(title="Other field")
    Standard.objects.filter(pk=other.pk).update(field=world.other_field)
    today = timezone.localdate()
    Standard.objects.filter(pk=later.pk).update(review_due=today + timedelta(days=30))
    Standard.objects.filter(pk=overdue.pk).update(review_due=today - timedelta(days=5))
    Standard.objects.filter(pk=other.pk).update(review_due=today - timedelta(days=9))

    html = get(client, world.deputy, DASHBOARD).content.decode()
    due = section(html, "review-due")

    assert due.index("Overdue") < due.index("Due later")
    assert "Other field" not in due
    assert "overdue by 5 days" in due and "due in 30 days" in due
    assert f'href="/drafts/{overdue.pk}/#actions">Reaffirm' in due
    assert f'href="/drafts/{overdue.pk}/#actions">Start renewal' in due
    assert "Abolish" not in due  # the leader's
    assert "1 periodic review overdue" in html

    leader = section(
        get(client, world.leader, DASHBOARD).content.decode(), "review-due"
    )
    assert leader.index("Other field") < leader.index("Overdue")
    # Abolishing cannot be undone: its link opens the confirmation page.
    assert f'href="/drafts/{overdue.pk}/confirm/abolish/">Abolish' in leader

    member = get(client, world.member, DASHBOARD).content.decode()
    assert 'id="review-due"' not in member


def test_recently_published_lists_the_public_record(client, lifecycle, world):
    lifecycle.published(title="Fresh standard")
    html = get(client, world.expert1, DASHBOARD).content.decode()
    assert "Fresh standard" in section(html, "recent")


# --- the way in -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={DASHBOARD}"


def test_signing_in_lands_on_my_work_unless_asked_elsewhere(client, world):
    world.member.set_password("a-good-pass-5081")
    world.member.save()
    data = {"username": "member", "password": "a-good-pass-5081"}

    response = client.post(reverse("login"), data)
    assert response.status_code == 302 and response["Location"] == DASHBOARD

    client.logout()
    response = client.post(reverse("login") + "?next=/standards/", data)
    assert response["Location"] == "/standards/"


def test_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code in (200, 301, 302)
    assert response["Location"].endswith("img/favicon.ico")
    assert finders.find("img/favicon.ico")


# --- navigation -------------------------------------------------------------------

ROLES = ["leader", "deputy", "member", "expert1", "auditor", "stranger"]
WORK_LINKS = {
    "leader": ["dashboard", "review"],
    "deputy": ["dashboard", "review"],
    "member": ["dashboard", "drafts"],
    "expert1": ["dashboard", "review"],
    "auditor": ["dashboard", "review"],
    "stranger": ["dashboard"],
}


@pytest.mark.parametrize("role", ROLES)
def test_every_navigation_link_a_role_sees_answers(client, lifecycle, world, role):
    lifecycle.in_review(title="In review")
    lifecycle.published(title="Published")
    user = getattr(world, role)

    items = list(get(client, user, DASHBOARD).context["nav_items"])

    assert [item.key for item in items if item.work] == WORK_LINKS[role]
    assert "Standards" in [str(item.label) for item in items]
    for item in items:
        assert client.get(item.url).status_code == 200, (role, item.url)


@pytest.mark.django_db
def test_anonymous_visitors_see_no_work_links(client):
    html = client.get("/").content.decode()
    assert 'class="nav-dashboard' not in html and "/drafts/" not in html


def current(html) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)<', nav)


def test_the_current_section_is_marked(client, lifecycle, world):
    standard = lifecycle.in_review(title="In review")
    draft = f"/drafts/{standard.pk}/"

    assert current(get(client, world.member, DASHBOARD).content.decode()) == ["My work"]
    assert current(get(client, world.member, "/drafts/new/").content.decode()) == [
        "Drafts"
    ]
    assert current(get(client, world.member, draft).content.decode()) == ["Drafts"]
    assert current(get(client, world.member, draft + "diff/").content.decode()) == [
        "Drafts"
    ]
    # Reviewers have no drafts page: their working pages are the review's.
    assert current(get(client, world.expert1, draft).content.decode()) == ["Review"]
    assert current(get(client, world.stranger, "/standards/").content.decode()) == [
        "Standards"
    ]
    # Error pages belong to no section.
    assert (
        current(get(client, world.stranger, draft, status=404).content.decode()) == []
    )
    assert (
        current(get(client, world.expert1, "/drafts/new/", status=403).content.decode())
        == []
    )


def test_the_name_in_the_header_links_to_the_profile(client, world):
    world.member.email = "member@example.org"
    world.member.save()
    html = get(client, world.member, DASHBOARD).content.decode()
    assert '<a class="account-link" href="/accounts/profile/"' in html

    profile = get(client, world.member, "/accounts/profile/").content.decode()
    assert "member@example.org" in profile
    assert reverse("notifications:preferences") in profile
    assert reverse("password_change") in profile


# --- queries ----------------------------------------------------------------------


def count_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(queries)


def add_work(lifecycle, world, n):
    for i in range(n):
        lifecycle.draft(title=f"Draft {i}")
        lifecycle.in_review(title=f"In review {i}")
        lifecycle.reviewed(title=f"Reviewed {i}")
        lifecycle.in_audit(title=f"In audit {i}")
        lifecycle.certified(title=f"Certified {i}")
        lifecycle.published(title=f"Published {i}")


def test_my_work_has_a_fixed_number_of_queries(client, lifecycle, world):
    roles = ["member", "deputy", "expert1", "auditor", "leader", "stranger"]
    add_work(lifecycle, world, 1)
    small = {role: count_queries(client, getattr(world, role)) for role in roles}
    add_work(lifecycle, world, 3)
    large = {role: count_queries(client, getattr(world, role)) for role in roles}
    assert small == large
