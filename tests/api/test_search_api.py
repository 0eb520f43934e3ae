"""``q`` on ``/api/v1/standards/`` is the catalogue's full-text search: the
same standards, in the same order, as the catalogue page, with the
catalogue's snippets on demand — with PostgreSQL's vectors and with the
embedded (SQLite) method alike."""

import pytest
from django.test import Client, TestCase
from rest_framework.test import APIClient

from catalogue import selectors as catalogue_selectors
from catalogue import services as catalogue_services
from tests.catalogue.conftest import (  # noqa: F401
    MEDICAL,
    corpus_once,
    publish,
    shared_corpus,
)
from tests.conftest import search_hooks_only
from tests.standards.conftest import Lifecycle

pytestmark = pytest.mark.django_db

# One corpus for the module's tests (each test's writes are rolled back).
corpus, world, lifecycle = shared_corpus()

BILINGUAL = "Evaluation reports for Chinese models"
BILINGUAL_ZH = "中文模型评估报告"

QUERIES = [
    "评测",  # Chinese, only in a text (and an abolished standard's)
    "evaluating",  # stemmed: evaluation, evaluate
    "评估报告",  # a bilingual standard's Chinese title, and a text
    "reports",  # its English title, and another's
    "评",  # one character
    "medical 评测",  # both languages at once
    "LLMSWG",  # the number: every public standard, tied, by number
    "quantum",
    "the",  # a stop word alone
]


@pytest.fixture(params=["postgresql", "embedded"])
def method(request, monkeypatch):
    """PostgreSQL's tsvectors, or the embedded (SQLite) method run on the
    same database (as tests/catalogue/test_selectors_search.py does)."""
    if request.param == "embedded":
        monkeypatch.setattr(catalogue_services, "uses_tsvector", lambda: False)
        monkeypatch.setattr(catalogue_selectors, "uses_tsvector", lambda: False)
    elif not catalogue_selectors.uses_tsvector():
        pytest.skip("PostgreSQL only")
    return request.param


@pytest.fixture(scope="module")
def searchable_once(corpus_once, django_db_blocker):  # noqa: F811
    """The corpus and a bilingual standard, published once for the module."""
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        search_hooks_only(patch)
        corpus_once.bilingual = publish(
            Lifecycle(corpus_once.world),
            title=BILINGUAL,
            title_zh=BILINGUAL_ZH,
            scope="Reports of evaluations.",
            scope_zh="评估的报告。",
            body="How reports are written.\n",
            field=corpus_once.world.subfield,
        )
    return corpus_once


@pytest.fixture
def searchable(method, corpus, searchable_once):
    """Indexed by the test's method (rolled back after it)."""
    catalogue_services.search_reindex()
    return searchable_once


def page_ids(q: str) -> list[int]:
    response = Client().get("/standards/", {"q": q, "abolished": "1"})
    assert response.status_code == 200
    return [s.pk for s in response.context["standards"]]


def api_ids(q: str, client=None, **params) -> list[int]:
    response = (client or APIClient()).get(
        "/api/v1/standards/", {"q": q, "page_size": 100, **params}
    )
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["results"]]


@pytest.mark.parametrize("q", QUERIES)
def test_the_api_finds_and_ranks_what_the_catalogue_page_does(searchable, q):
    assert api_ids(q) == page_ids(q)


def test_words_only_in_a_text_are_found(searchable):
    c = searchable
    assert api_ids("评测") == [c.medical.pk, c.chatbots.pk]
    assert api_ids("refusing") == [c.agents.pk]


def test_a_bilingual_title_is_found_in_both_languages(searchable):
    assert searchable.bilingual.pk in api_ids("中文模型")
    assert api_ids("Chinese models") == [searchable.bilingual.pk]


def test_ordering_overrides_relevance(searchable):
    c = searchable
    found = api_ids("LLMSWG", ordering="-number")
    assert found == sorted(found, reverse=True, key=lambda pk: _number(pk))
    assert set(found) == set(page_ids("LLMSWG"))
    assert c.medical.pk in found


def _number(pk):
    from standards.models import Standard

    return Standard.objects.get(pk=pk).number


def test_snippets_mark_the_matches_and_escape_the_rest(searchable):
    results = (
        APIClient()
        .get("/api/v1/standards/", {"q": "评测", "snippets": "1"})
        .json()["results"]
    )
    medical = next(r for r in results if r["title"] == MEDICAL)
    assert "<mark>评测</mark>" in medical["snippet"]
    assert "<" not in medical["snippet"].replace("<mark>", "").replace("</mark>", "")
    plain = APIClient().get("/api/v1/standards/", {"q": "评测"}).json()["results"]
    assert all(r["snippet"] is None for r in plain)


def test_a_draft_is_found_by_its_audience_only(searchable, lifecycle, world):
    draft = lifecycle.draft(title="Quokka handling rules")
    assert api_ids("quokka") == []
    member = APIClient()
    member.force_login(world.member)
    assert api_ids("quokka", member) == [draft.pk]
    # Snippets come from the public record only.
    results = member.get("/api/v1/standards/", {"q": "quokka", "snippets": "1"}).json()[
        "results"
    ]
    assert results[0]["snippet"] is None
