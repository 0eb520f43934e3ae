"""The public cache: what anonymous readers and the public API are served
again until the public data changes, and never after it did."""

from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from portal import public_cache
from standards import services
from tests.factories import FieldFactory, PersonFactory

UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "portal.cache.PortalRedisCache",
        # Nothing listens on port 1: every cache call fails at once.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"calls": self.calls}


# --- the version and cached_public ---------------------------------------------


def test_a_value_is_computed_once_until_the_public_data_changes(db):
    compute = Counter()
    first = public_cache.cached_public("test", ("a",), compute)
    again = public_cache.cached_public("test", ("a",), compute)
    assert first == again == {"calls": 1}
    public_cache.bump_public_version()
    assert public_cache.cached_public("test", ("a",), compute) == {"calls": 2}


def test_values_of_other_parts_are_kept_apart(db):
    compute = Counter()
    public_cache.cached_public("test", ("a",), compute)
    public_cache.cached_public("test", ("b",), compute)
    public_cache.cached_public("other", ("a",), compute)
    assert compute.calls == 3


def test_a_public_change_bumps_the_version_now_and_after_commit(
    db, django_capture_on_commit_callbacks
):
    before = public_cache.public_version()
    with django_capture_on_commit_callbacks(execute=True):
        FieldFactory(name="Robotics Field")
        assert public_cache.public_version() > before  # at once
        during = public_cache.public_version()
    assert public_cache.public_version() > during  # and after the commit


def test_a_transaction_renews_the_version_once_for_its_reads_and_once_at_commit(
    db, django_capture_on_commit_callbacks
):
    """Each renewal is a round trip to the cache: a transaction saving many
    public rows renews once before its next read and once at its commit."""
    renewals = Counter()
    original = public_cache.renew_public_version

    def counted(version_key=public_cache.VERSION_KEY):
        renewals.calls += version_key == public_cache.VERSION_KEY
        original(version_key)

    before = public_cache.public_version()
    with (
        patch.object(public_cache, "renew_public_version", counted),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        for name in ("Robotics Field", "Vision Field", "Speech Field"):
            FieldFactory(name=name)
        assert renewals.calls == 0  # nothing read yet
        during = public_cache.public_version()
        assert during > before
        assert renewals.calls == 1
        FieldFactory(name="Law Field")
        assert public_cache.public_version() > during  # read again: renewed
        assert renewals.calls == 2
    assert callbacks.count(public_cache._renew_public_after_commit) == 1
    assert renewals.calls == 3  # the commit's
    assert public_cache.public_version() > during


def test_a_rolled_back_change_still_renews_after_a_later_commit(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                FieldFactory(name="Robotics Field")
                raise RuntimeError
        except RuntimeError:
            pass
        FieldFactory(name="Vision Field")
    assert callbacks.count(public_cache._renew_public_after_commit) == 1


def test_a_draft_edit_leaves_the_public_version_alone(lifecycle):
    standard = lifecycle.draft()
    before = public_cache.public_version()
    services.standard_update(
        standard_id=standard.pk, actor=lifecycle.w.member, title="A better title"
    )
    assert public_cache.public_version() == before


def test_a_publication_bumps_the_public_version(lifecycle):
    standard = lifecycle.certified()
    before = public_cache.public_version()
    lifecycle.go(standard, "publish", lifecycle.w.leader)
    assert public_cache.public_version() > before


def test_a_lost_version_starts_again_above_every_earlier_one(db):
    public_cache.bump_public_version()
    old = public_cache.public_version()
    cache.delete(public_cache.VERSION_KEY)
    assert public_cache.public_version() > old


@override_settings(PUBLIC_CACHE_TIMEOUT=0)
def test_with_the_cache_off_every_call_computes(db):
    compute = Counter()
    public_cache.cached_public("test", ("a",), compute)
    public_cache.cached_public("test", ("a",), compute)
    assert compute.calls == 2


@override_settings(CACHES=UNREACHABLE_CACHE)
def test_an_unreachable_cache_computes_and_bumps_quietly(db, caplog):
    compute = Counter()
    assert public_cache.cached_public("test", ("a",), compute) == {"calls": 1}
    public_cache.bump_public_version()  # no error
    assert public_cache.public_version() == 0
    assert "cannot be reached" in caplog.text


# --- the public API ---------------------------------------------------------------


@pytest.fixture
def published(lifecycle):
    return lifecycle.published(title="Evaluation of medical LLMs")


def test_an_anonymous_list_is_served_again_without_queries(
    published, django_assert_num_queries
):
    client = APIClient()
    first = client.get("/api/v1/standards/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get("/api/v1/standards/")
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"].startswith("application/json")
    assert "Cookie" in again["Vary"]


def test_a_cached_answer_still_honours_a_conditional_request(published):
    client = APIClient()
    etag = client.get("/api/v1/standards/")["ETag"]
    client.get("/api/v1/standards/")  # now from the cache
    response = client.get("/api/v1/standards/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_a_new_publication_is_in_the_next_anonymous_list(lifecycle, published):
    client = APIClient()
    ids = [s["id"] for s in client.get("/api/v1/standards/").json()["results"]]
    assert ids == [published.pk]
    newer = lifecycle.published(title="Agents that call tools")
    ids = [s["id"] for s in client.get("/api/v1/standards/").json()["results"]]
    assert sorted(ids) == sorted([published.pk, newer.pk])


def test_a_pdf_becoming_ready_is_in_the_next_anonymous_detail(published):
    client = APIClient()
    address = f"/api/v1/standards/{published.pk}/"
    client.get(address)
    edition = published.editions.get()
    edition.pdf_state = edition.PdfState.FAILED
    edition.save(update_fields=["pdf_state"])
    body = client.get(address).json()
    assert body["current_edition"]["pdf_state"] == "failed"


def test_signed_in_callers_are_never_served_the_anonymous_answer(
    lifecycle, published, as_user
):
    anonymous = APIClient().get("/api/v1/standards/").json()
    assert [s["id"] for s in anonymous["results"]] == [published.pk]
    draft = lifecycle.draft(title="My own draft")
    member = as_user(lifecycle.w.member)
    ids = [s["id"] for s in member.get("/api/v1/standards/").json()["results"]]
    assert draft.pk in ids
    browser = APIClient()
    browser.force_login(lifecycle.w.member)
    ids = [s["id"] for s in browser.get("/api/v1/standards/").json()["results"]]
    assert draft.pk in ids


def test_an_unknown_standard_is_never_cached(db):
    client = APIClient()
    assert client.get("/api/v1/standards/999999/").status_code == 404
    assert client.get("/api/v1/standards/999999/").status_code == 404


@override_settings(CACHES=UNREACHABLE_CACHE)
def test_the_api_answers_when_the_cache_is_unreachable(published):
    response = APIClient().get("/api/v1/standards/")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["results"]] == [published.pk]


@pytest.fixture
def as_user():
    from accounts import services as token_services

    def make(user):
        client = APIClient()
        secret = token_services.token_create(actor=user, name="tests").secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


# --- the catalogue ---------------------------------------------------------------


def test_a_catalogue_page_seen_before_needs_no_search(
    published, client, django_assert_max_num_queries
):
    first = client.get("/standards/?q=medical")
    assert published.title in first.content.decode()
    # Only the session-free page itself is left: no count, no search, no
    # snippets, no filter choices.
    with django_assert_max_num_queries(0):
        again = client.get("/standards/?q=medical")
    assert again.content == first.content


def test_the_catalogue_finds_a_standard_published_after_the_same_search(
    lifecycle, published, client
):
    assert (
        "Agents that call tools"
        not in client.get("/standards/?q=agents").content.decode()
    )
    lifecycle.published(title="Agents that call tools", scope="Agents.")
    assert (
        "Agents that call tools" in client.get("/standards/?q=agents").content.decode()
    )


def test_a_renamed_field_shows_in_the_filters_at_once(published, client):
    client.get("/standards/")
    field = published.field
    field.name = "Clinical Medicine Subfield"
    field.save()
    assert "Clinical Medicine Subfield" in client.get("/standards/").content.decode()


@override_settings(CACHES=UNREACHABLE_CACHE)
def test_token_creation_is_refused_not_broken_when_the_cache_is_unreachable(world):
    response = APIClient().post(
        "/api/v1/auth/tokens/",
        {"username": "member", "password": "wrong", "name": "x"},
        format="json",
    )
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


def test_the_browsable_api_page_is_never_cached(published):
    client = APIClient()
    first = client.get("/api/v1/standards/", HTTP_ACCEPT="text/html")
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/html")
    key_parts = ("http", "testserver", "/api/v1/standards/", "text/html", "en")
    assert cache.get(public_cache._key("response", key_parts)) is None
    json_parts = ("http", "testserver", "/api/v1/standards/", "", "en")
    client.get("/api/v1/standards/")
    assert cache.get(public_cache._key("response", json_parts)) is not None


@pytest.mark.redis
def test_the_public_cache_runs_on_djangos_own_redis_cache():
    """Django's Redis cache, keeping one client per pool (portal.cache)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    from portal.cache import PortalRedisCache

    assert type(caches["default"]) is PortalRedisCache
    assert isinstance(caches["default"], RedisCache)
    before = public_cache.public_version()
    public_cache.renew_public_version()  # INCR
    assert public_cache.public_version() == before + 1
    compute = Counter()
    public_cache.cached_public("test-redis", ("a",), compute)  # GET, SET
    assert public_cache.cached_public("test-redis", ("a",), compute) == {"calls": 1}


# --- X-Public-Cache ------------------------------------------------------------


def test_the_answer_tells_whether_the_public_cache_served_it(published, client):
    """A miss the first time an address is asked, a hit after; a page the
    cache is not asked for (a signed-in reader's) carries no header."""
    api = APIClient()
    assert api.get("/api/v1/standards/")["X-Public-Cache"] == "miss"
    assert api.get("/api/v1/standards/")["X-Public-Cache"] == "hit"
    assert client.get("/standards/", {"q": "medical"})["X-Public-Cache"] == "miss"
    assert client.get("/standards/", {"q": "medical"})["X-Public-Cache"] == "hit"
    client.force_login(published.organisation.people.first().user)
    assert "X-Public-Cache" not in client.get("/dashboard/")


@override_settings(PUBLIC_CACHE_TIMEOUT=0)
def test_no_header_with_the_cache_off(published):
    assert "X-Public-Cache" not in APIClient().get("/api/v1/standards/")


# --- the working data ------------------------------------------------------------


def test_working_figures_are_kept_until_any_standard_changes(lifecycle):
    """Figures over every standard (the pipeline's counts) are computed once
    until a standard is saved, a draft's edit included."""
    compute = Counter()
    assert public_cache.cached_working("test", (1,), compute) == {"calls": 1}
    assert public_cache.cached_working("test", (1,), compute) == {"calls": 1}
    assert public_cache.cached_working("test", (2,), compute) == {"calls": 2}
    lifecycle.draft(title="A draft nobody outside sees")
    assert public_cache.cached_working("test", (1,), compute) == {"calls": 3}


def test_the_pipeline_counts_follow_a_transition(lifecycle, world, client):
    from standards.selectors import pipeline

    draft = lifecycle.draft(title="Counted")
    before = pipeline(user=world.leader).by_state
    assert pipeline(user=world.leader).by_state == before
    lifecycle.go(draft, "submit", world.member)
    after = pipeline(user=world.leader).by_state
    assert after["draft"] == before["draft"] - 1
    assert after["expert_review"] == before["expert_review"] + 1


# --- whole public pages (cache_public_page) ---------------------------------------


def test_a_standard_page_seen_before_is_served_without_queries(
    published, client, django_assert_num_queries
):
    address = f"/standards/{published.pk}/"
    first = client.get(address)
    assert first.status_code == 200
    assert first["X-Public-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(address)
    assert again["X-Public-Cache"] == "hit"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # The answer's own headers are still added on the way out.
    assert "Content-Security-Policy" in again
    assert again["X-Request-ID"] != first["X-Request-ID"]


def test_each_language_has_its_own_page(published, client):
    english = client.get(f"/standards/{published.pk}/").content.decode()
    chinese = client.get(f"/zh-hans/standards/{published.pk}/").content.decode()
    assert 'lang="en"' in english
    assert 'lang="zh-Hans"' in chinese


def test_a_new_author_is_on_the_next_visit_of_the_page(published, client):
    address = f"/standards/{published.pk}/"
    client.get(address)
    author = PersonFactory(name="Ada Quillfeather")
    published.authors.add(author)
    assert "Ada Quillfeather" in client.get(address).content.decode()
    author.name = "Ada Quillfeather-Lovelace"
    author.save()
    assert "Ada Quillfeather-Lovelace" in client.get(address).content.decode()


def test_the_home_page_follows_the_working_groups_own_text(published, client):
    from committees.models import WorkingGroup

    client.get("/")
    group = WorkingGroup.objects.first() or WorkingGroup.objects.create(
        name="LLM Standards Working Group"
    )
    group.goal = "A goal rewritten this very minute."
    group.save()
    assert "A goal rewritten this very minute." in client.get("/").content.decode()


def test_signed_in_readers_never_get_the_anonymous_page(published, client):
    address = f"/standards/{published.pk}/"
    assert "Sign out" not in client.get(address).content.decode()
    client.get(address)  # now kept
    client.force_login(published.organisation.people.first().user)
    page = client.get(address)
    assert "Sign out" in page.content.decode()
    assert "X-Public-Cache" not in page


def test_a_visitor_with_a_message_is_shown_it_not_the_kept_page(published, client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    client.get("/standards/")
    client.get("/standards/")  # kept
    storage = CookieStorage(RequestFactory().get("/"))
    encoded = storage._encode([Message(constants.INFO, "You have signed out.")])
    client.cookies["messages"] = encoded
    page = client.get("/standards/")
    assert "You have signed out." in page.content.decode()
    # The message was this visitor's only: the next one is served as before.
    del client.cookies["messages"]
    again = client.get("/standards/")
    assert "You have signed out." not in again.content.decode()
    assert again["X-Public-Cache"] == "hit"


@pytest.mark.parametrize(
    "mark",
    [
        lambda request: setattr(request, "_csp_nonce", "abc"),
        lambda request: request.META.__setitem__("CSRF_COOKIE_NEEDS_UPDATE", True),
    ],
    ids=["csp-nonce", "csrf-token"],
)
def test_a_page_that_carries_a_token_of_its_visitor_is_never_kept(mark):
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get("/standards/")
    response = HttpResponse("<p>page</p>")
    assert public_cache._same_for_everyone(request, response, pages=True)
    mark(request)
    assert not public_cache._same_for_everyone(request, response, pages=True)


def test_the_feed_is_kept_and_follows_a_new_publication(
    lifecycle, published, client, django_assert_num_queries
):
    first = client.get("/feeds/standards.atom")
    assert first["Content-Type"].startswith("application/atom+xml")
    with django_assert_num_queries(0):
        again = client.get("/feeds/standards.atom")
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    lifecycle.published(title="Agents that call tools")
    assert (
        "Agents that call tools" in client.get("/feeds/standards.atom").content.decode()
    )


def test_a_refused_diff_is_never_kept(published, client):
    address = f"/standards/{published.pk}/diff/?a=1&b=9"
    assert client.get(address).status_code == 400
    response = client.get(address)
    assert response.status_code == 400
    assert response.get("X-Public-Cache") != "hit"


def test_a_rendered_pdf_is_on_the_next_anonymous_page_and_detail(published, client):
    """The render records its outcome with UPDATEs (its claim), which send
    no signal: it bumps the public version itself."""
    from standards.models import Edition
    from standards.pdf import edition_render_pdf

    edition = published.editions.get()
    Edition.objects.filter(pk=edition.pk).update(pdf_state=Edition.PdfState.PENDING)
    page = f"/standards/{published.pk}/"
    api = f"/api/v1/standards/{published.pk}/"
    assert "being prepared" in client.get(page).content.decode()
    assert APIClient().get(api).json()["current_edition"]["pdf_state"] == "pending"
    edition_render_pdf(edition_id=edition.pk)
    assert "being prepared" not in client.get(page).content.decode()
    assert APIClient().get(api).json()["current_edition"]["pdf_state"] == "ready"


def _chart(html: str) -> str:
    return html.split('<desc id="chart-desc">', 1)[1].split("</desc>", 1)[0]


def test_the_dashboards_pipeline_is_kept_rendered_until_a_standard_changes(
    lifecycle, world, client
):
    """The leader's "My work" renders its pipeline part once until any
    standard changes (standards.views._pipeline_html); a transition shows at
    once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    draft = lifecycle.draft(title="Counted at once")
    client.force_login(world.leader)
    with CaptureQueriesContext(connection) as first:
        before = client.get("/dashboard/").content.decode()
    with CaptureQueriesContext(connection) as again:
        kept = client.get("/dashboard/").content.decode()
    assert len(again) < len(first)
    assert _chart(kept) == _chart(before)
    lifecycle.go(draft, "submit", world.member)
    after = client.get("/dashboard/").content.decode()
    assert _chart(after) != _chart(before)
    assert "Expert review: 1" in _chart(after)


def test_my_work_is_kept_per_person_until_what_it_shows_changes(
    lifecycle, world, client
):
    """ "My work" is read back for the same person until anything it shows
    changes (standards.workspace.cached_workspace): a recommendation or a
    new draft is there on the next visit; another person's
    page is their own; no X-Public-Cache header (not the public cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from standards import services

    standard = lifecycle.in_review(title="Under review by two")
    client.force_login(world.expert1)
    with CaptureQueriesContext(connection) as first:
        before = client.get("/dashboard/")
    assert (
        "No recommendation of yours on the current version" in before.content.decode()
    )
    with CaptureQueriesContext(connection) as again:
        kept = client.get("/dashboard/")
    assert len(again) < len(first)
    assert "X-Public-Cache" not in kept
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    assert "Your recommendation: Approve" in client.get("/dashboard/").content.decode()
    client.force_login(world.expert2)
    page = client.get("/dashboard/").content.decode()
    assert "No recommendation of yours on the current version" in page
    client.force_login(world.member)
    lifecycle.draft(title="A second draft of theirs")
    assert "A second draft of theirs" in client.get("/dashboard/").content.decode()


def test_the_review_queue_is_kept_per_person_until_what_it_shows_changes(
    lifecycle, world, client
):
    """A deputy's review queue is read back until anything it shows changes
    (standards.workspace.cached_review_queue): a submission, an
    organisation's new name; another deputy's queue is their own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from standards import services

    standard = lifecycle.in_review(title="Already in review")
    client.force_login(world.deputy)
    with CaptureQueriesContext(connection) as first:
        before = client.get("/review/").content.decode()
    assert "Already in review" in before
    assert "A new draft" not in before
    with CaptureQueriesContext(connection) as again:
        kept = client.get("/review/")
    assert len(again) < len(first)
    main = before.split("<main", 1)[1].split("</main>", 1)[0]
    assert kept.content.decode().split("<main", 1)[1].startswith(main)
    assert "X-Public-Cache" not in kept
    lifecycle.draft(title="A new draft")
    assert "A new draft" in client.get("/review/").content.decode()
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    assert "advance to audit or request changes" in (
        client.get("/review/").content.decode()
    )
    world.organisation.name = "Peking University Health Science Center"
    world.organisation.save()
    assert "Peking University Health Science Center" in (
        client.get("/review/").content.decode()
    )
    client.force_login(world.other_deputy)
    assert "Already in review" not in client.get("/review/").content.decode()
