"""The public record is the in-force edition, and a standard has one public
status (DESIGN.md, "Public record and working material").

A renewal's edits change the draft only: the catalogue, the public page, the
API's public fields, the CSV, search, feeds and the edition's PDF keep the
in-force edition's title and scope until the next edition is published.
"""

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as token_services
from catalogue import selectors as catalogue_selectors
from catalogue import services as catalogue_services
from standards import pdf, services
from standards.models import Edition, PublicStatus, Standard, Status

PUBLISHED_TITLE = "Evaluation of medical LLMs"
PUBLISHED_SCOPE = "How to evaluate medical LLMs."
DRAFT_TITLE = "Zebrafish husbandry protocol"
DRAFT_SCOPE = "Quokka enclosures and their upkeep."


@pytest.fixture(autouse=True)
def _search_hooks_only(only_search_hooks):
    """Every test here runs with the search hooks only."""


@pytest.fixture
def renewal(lifecycle, world, django_capture_on_commit_callbacks):
    """A published standard under renewal whose draft was given a new title
    and scope through the API, as its authors may."""
    with django_capture_on_commit_callbacks(execute=True):
        standard = lifecycle.published(title=PUBLISHED_TITLE, scope=PUBLISHED_SCOPE)
        lifecycle.go(standard, "start_renewal", world.deputy)
        response = _api(world.member).patch(
            f"/api/v1/standards/{standard.pk}/",
            {"title": DRAFT_TITLE, "scope": DRAFT_SCOPE},
            format="json",
        )
    assert response.status_code == 200, response.content
    standard.refresh_from_db()
    assert (standard.title, standard.scope) == (DRAFT_TITLE, DRAFT_SCOPE)
    return standard


def _api(user=None) -> APIClient:
    """An API client, with a bearer token of ``user`` (as integrators call;
    the public cache tells callers apart by their credentials)."""
    client = APIClient()
    if user is not None:
        secret = token_services.token_create(actor=user, name="tests").secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


# --- the public record during a renewal --------------------------------------


def test_editing_a_renewal_leaves_the_public_page_as_published(renewal):
    html = Client().get(f"/standards/{renewal.pk}/").content.decode()
    assert PUBLISHED_TITLE in html and PUBLISHED_SCOPE in html
    assert DRAFT_TITLE not in html and DRAFT_SCOPE not in html
    assert "In force — under renewal" in html


def test_editing_a_renewal_leaves_the_catalogue_and_its_csv_as_published(renewal):
    html = Client().get("/standards/").content.decode()
    assert PUBLISHED_TITLE in html
    assert DRAFT_TITLE not in html and "Quokka" not in html

    response = Client().get("/standards/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["title"], r["state"]) for r in rows] == [
        (PUBLISHED_TITLE, PublicStatus.UNDER_RENEWAL)
    ]


def test_editing_a_renewal_leaves_search_as_published(renewal):
    def found(q):
        return {s.pk for s in catalogue_selectors.catalogue_search(q=q)}

    assert found("medical") == {renewal.pk}
    assert found("zebrafish") == set() and found("quokka") == set()
    assert catalogue_services.search_index_standard(renewal.pk).title == (
        PUBLISHED_TITLE
    )
    response = _api().get("/api/v1/standards/", {"q": "zebrafish"})
    assert response.json()["count"] == 0


def test_editing_a_renewal_leaves_the_feeds_as_published(renewal):
    for path in ("/feeds/standards.atom", f"/feeds/standards/{renewal.pk}.atom"):
        feed = Client().get(path).content.decode()
        assert PUBLISHED_TITLE in feed, path
        assert DRAFT_TITLE not in feed and DRAFT_SCOPE not in feed, path


def test_the_public_reads_the_editions_title_and_scope_in_the_api(renewal):
    for path in (f"/api/v1/standards/{renewal.pk}/", "/api/v1/standards/"):
        body = _api().get(path).json()
        item = body if "id" in body else body["results"][0]
        assert (item["title"], item["scope"]) == (PUBLISHED_TITLE, PUBLISHED_SCOPE)
        assert item["draft_title"] is None and item["draft_scope"] is None
        assert item["current_edition"]["scope"] == PUBLISHED_SCOPE
        # The renewal's state is working material.
        assert item["status"] == Status.PUBLISHED
        assert item["public_status"] == PublicStatus.UNDER_RENEWAL


def test_the_draft_audience_also_reads_the_drafts_title_and_scope(renewal, world):
    for path in (f"/api/v1/standards/{renewal.pk}/", "/api/v1/standards/"):
        body = _api(world.member).get(path).json()
        item = body if "id" in body else body["results"][0]
        assert (item["title"], item["scope"]) == (PUBLISHED_TITLE, PUBLISHED_SCOPE)
        assert (item["draft_title"], item["draft_scope"]) == (DRAFT_TITLE, DRAFT_SCOPE)
        assert item["status"] == Status.DRAFT
    response = _api(world.member).get("/api/v1/standards/", {"q": "zebrafish"})
    assert [s["id"] for s in response.json()["results"]] == [renewal.pk]
    stranger = _api(world.other_member).get(f"/api/v1/standards/{renewal.pk}/")
    assert stranger.json()["draft_title"] is None


def test_the_web_edit_form_changes_the_draft_only(client, lifecycle, world):
    standard = lifecycle.published(title=PUBLISHED_TITLE, scope=PUBLISHED_SCOPE)
    lifecycle.go(standard, "start_renewal", world.deputy)
    client.force_login(world.member)
    response = client.post(
        reverse("standards:draft_edit", kwargs={"pk": standard.pk}),
        {"title": DRAFT_TITLE, "scope": DRAFT_SCOPE, "field": world.subfield.pk},
    )
    assert response.status_code == 302
    html = Client().get(f"/standards/{standard.pk}/").content.decode()
    assert PUBLISHED_TITLE in html and DRAFT_TITLE not in html


def test_the_editions_pdf_prints_the_editions_title_and_scope(renewal):
    edition = renewal.editions.get()
    html = pdf.edition_html(edition)
    assert PUBLISHED_TITLE in html and PUBLISHED_SCOPE in html
    assert DRAFT_TITLE not in html and DRAFT_SCOPE not in html


def test_the_next_edition_publishes_the_renewals_edits(renewal, lifecycle, world):
    lifecycle.go(renewal, "submit", world.member)
    services.experts_assign(
        standard_id=renewal.pk,
        actor=world.deputy,
        experts=[world.expert1, world.expert2],
    )
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=renewal.pk, actor=expert, decision="approve"
        )
    lifecycle.go(renewal, "advance_to_audit", world.deputy)
    lifecycle.go(renewal, "certify", world.auditor)
    lifecycle.go(renewal, "publish", world.leader)

    first, second = renewal.editions.order_by("edition")
    assert (first.title, first.scope) == (PUBLISHED_TITLE, PUBLISHED_SCOPE)
    assert (second.title, second.scope) == (DRAFT_TITLE, DRAFT_SCOPE)
    html = Client().get(f"/standards/{renewal.pk}/").content.decode()
    assert DRAFT_TITLE in html and DRAFT_SCOPE in html
    body = _api().get(f"/api/v1/standards/{renewal.pk}/").json()
    assert (body["title"], body["public_status"]) == (
        DRAFT_TITLE,
        PublicStatus.IN_FORCE,
    )


# --- one public status ---------------------------------------------------------


def test_published_means_in_force_under_renewal_or_not(lifecycle, world):
    in_force = lifecycle.published(title="In force")
    renewed = lifecycle.published(title="Renewed")
    lifecycle.go(renewed, "start_renewal", world.deputy)
    abolished = lifecycle.published(title="Abolished")
    lifecycle.go(abolished, "abolish", world.leader, comment="Obsolete")
    draft = lifecycle.draft(title="A first draft")

    def listed(client, **params):
        return {
            s["id"] for s in client.get("/api/v1/standards/", params).json()["results"]
        }

    anonymous, leader = _api(), _api(world.leader)
    for client in (anonymous, leader):
        assert listed(client, status="published") == {in_force.pk, renewed.pk}
        assert listed(client, public_status="under_renewal") == {renewed.pk}
        assert listed(client, public_status="in_force") == {in_force.pk}
        assert listed(client, public_status="abolished") == {abolished.pk}
    body = anonymous.get(f"/api/v1/standards/{renewed.pk}/").json()
    assert body["public_status"] == "under_renewal" and body["under_renewal"]
    # A renewal's internal state is the draft audience's to filter on.
    assert listed(anonymous, status="draft") == set()
    assert listed(leader, status="draft") == {renewed.pk, draft.pk}
    assert listed(leader, public_status="in_force", status="published") == {in_force.pk}
    assert leader.get(f"/api/v1/standards/{draft.pk}/").json()["public_status"] is None


def test_the_property_and_its_queryset_twin_agree(lifecycle, world):
    renewed = lifecycle.published(title="Renewed")
    lifecycle.go(renewed, "start_renewal", world.deputy)
    lifecycle.go(renewed, "submit", world.member)
    gone = lifecycle.published(title="Gone")
    lifecycle.go(gone, "abolish", world.leader, comment="Obsolete")
    never = lifecycle.draft(title="Never published")
    lifecycle.go(never, "abolish", world.leader, comment="Dropped")
    for state in ("draft", "expert_review", "audit", "certified", "published"):
        lifecycle.at(state, title=state)

    annotated = dict(
        Standard.objects.with_public_status().values_list("pk", "public_status_value")
    )
    standards = list(Standard.objects.all())
    assert annotated == {s.pk: s.public_status for s in standards}
    assert annotated[never.pk] is None
    assert annotated[renewed.pk] == PublicStatus.UNDER_RENEWAL
    for value in PublicStatus.values:
        expected = {s.pk for s in standards if s.public_status == value}
        found = Standard.objects.public_status_in(value).values_list("pk", flat=True)
        assert set(found) == expected, value
    assert set(Standard.objects.published().values_list("pk", flat=True)) == {
        s.pk
        for s in standards
        if s.public_status in (PublicStatus.IN_FORCE, PublicStatus.UNDER_RENEWAL)
    }


def test_abolishing_withdraws_the_edition_in_force(lifecycle, world):
    replacement = lifecycle.published(title="The new one")
    old = lifecycle.published(title="The old one")
    lifecycle.go(
        old, "abolish", world.leader, comment="Superseded.", replaced_by=replacement.pk
    )

    edition = old.editions.get()
    assert not edition.in_force
    assert edition.withdrawn_on == timezone.localdate()
    assert edition.superseded_on is None
    body = _api().get(f"/api/v1/standards/{old.pk}/").json()
    assert body["public_status"] == "abolished" and body["status"] == "abolished"
    assert body["current_edition"]["in_force"] is False
    assert body["current_edition"]["withdrawn_on"] == edition.withdrawn_on.isoformat()
    assert body["editions"][0]["in_force"] is False
    in_force = _api().get("/api/v1/editions/", {"in_force": "true"}).json()
    assert [e["standard"] for e in in_force["results"]] == [replacement.pk]

    html = Client().get(f"/standards/{old.pk}/").content.decode()
    assert "in force" not in html.lower()
    assert "withdrawn on" in html
    assert "Replaced by" in html
    assert f'href="/standards/{replacement.pk}/"' in html
    assert 'class="badge public-status status-abolished"' in html


def test_abolishing_a_standard_under_renewal_withdraws_its_edition(lifecycle, world):
    standard = lifecycle.published()
    lifecycle.go(standard, "start_renewal", world.deputy)
    lifecycle.go(standard, "abolish", world.leader, comment="Dropped")
    edition = standard.editions.get()
    assert edition.withdrawn_on and not edition.in_force
    standard.refresh_from_db()
    assert standard.public_status == PublicStatus.ABOLISHED


def test_latest_publications_badge_an_abolished_standard(lifecycle, world):
    kept = lifecycle.published(title="Kept")
    gone = lifecycle.published(title="Gone")
    lifecycle.go(gone, "abolish", world.leader, comment="Obsolete")
    kept.refresh_from_db()
    gone.refresh_from_db()

    html = Client().get("/").content.decode()
    latest = html[html.index('id="latest-title"') :]
    latest = latest[: latest.index("</section>")]
    entries = latest.split("<li>")[1:]
    [gone_entry] = [e for e in entries if gone.number in e]
    [kept_entry] = [e for e in entries if kept.number in e]
    assert "status-abolished" in gone_entry and "Abolished" in gone_entry
    assert "status-in_force" in kept_entry and "In force" in kept_entry


def test_catalogue_filters_by_public_status(lifecycle, world):
    in_force = lifecycle.published(title="In force")
    renewed = lifecycle.published(title="Renewed")
    lifecycle.go(renewed, "start_renewal", world.deputy)

    def found(status):
        return {s.pk for s in catalogue_selectors.catalogue_search(status=status)}

    assert found("published") == found("") == {in_force.pk, renewed.pk}
    assert found("in_force") == {in_force.pk}
    assert found("under_renewal") == found("renewal") == {renewed.pk}
    html = Client().get("/standards/", {"status": "under_renewal"}).content.decode()
    assert "Renewed" in html and "In force — under renewal" in html


def test_the_sitemap_ranks_abolished_standards_lower(lifecycle, world):
    kept = lifecycle.published(title="Kept")
    gone = lifecycle.published(title="Gone")
    lifecycle.go(gone, "abolish", world.leader, comment="Obsolete")
    xml = Client().get(reverse("catalogue:sitemap")).content.decode()
    kept_entry = xml[xml.index(f"/standards/{kept.pk}/") :]
    gone_entry = xml[xml.index(f"/standards/{gone.pk}/") :]
    assert "<priority>0.8</priority>" in kept_entry[: kept_entry.index("</url>")]
    assert "<priority>0.3</priority>" in gone_entry[: gone_entry.index("</url>")]


# --- the data migration --------------------------------------------------------


def test_the_migration_fills_scope_and_the_withdrawal_of_abolished_standards(
    lifecycle, world
):
    kept = lifecycle.published(title="Kept", scope="Kept scope.")
    gone = lifecycle.published(title="Gone", scope="Gone scope.")
    lifecycle.go(gone, "abolish", world.leader, comment="Obsolete")
    abolished_on = gone.history.get(action="abolish").created
    # As the rows were before the fields existed.
    Edition.objects.update(scope="", withdrawn_on=None)

    migration = importlib.import_module(
        "standards.migrations.0006_fill_edition_scope_withdrawn_on"
    )
    migration.fill(apps, None)

    assert kept.editions.get().scope == "Kept scope."
    assert kept.editions.get().withdrawn_on is None
    edition = gone.editions.get()
    assert edition.scope == "Gone scope."
    assert edition.withdrawn_on == timezone.localdate(abolished_on)
    assert not edition.in_force
