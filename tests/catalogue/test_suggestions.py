""" "Did you mean": a search that finds nothing suggests the closest words of
the public standards (pg_trgm on PostgreSQL, difflib elsewhere)."""

import pytest

from catalogue import selectors
from catalogue.forms import CatalogueForm
from standards import services

from .conftest import MEDICAL, shared_corpus

# One corpus for the module's tests (each test's writes are rolled back).
corpus, world, lifecycle = shared_corpus()


def filters(**data):
    return CatalogueForm(data).filters()


def test_the_fallback_finds_the_closest_word():
    vocabulary = ["evaluation", "governance", "benchmark", "evaluating"]
    assert selectors.close_words_in("evalution", vocabulary)[0] == "evaluation"
    assert selectors.close_words_in("Benchmrk", vocabulary) == ["benchmark"]
    assert selectors.close_words_in("zebra", vocabulary) == []


def test_the_vocabulary_is_the_public_record_alone(corpus, lifecycle, world):
    services.standard_create(
        actor=world.member,
        title="Zygomorphic secret draft",
        scope="Unpublished.",
        field=world.subfield,
    )
    vocabulary = selectors.public_vocabulary()
    assert "evaluation" in vocabulary
    assert "governance" in vocabulary
    assert "zygomorphic" not in vocabulary
    assert "unpublished" not in vocabulary
    # The renewal's draft of a public standard keeps its public title only.
    assert "2026" not in vocabulary


@pytest.mark.postgres
def test_evalution_suggests_evaluation_and_the_link_runs_it(client, corpus):
    assert selectors.close_words("evalution")[0] == "evaluation"

    html = client.get("/standards/", {"q": "evalution"}).content.decode()
    assert "No standard matches “evalution”" in html
    assert 'Did you mean <a href="?q=evaluation" rel="nofollow">' in html

    html = client.get("/standards/?q=evaluation").content.decode()
    assert MEDICAL in html
    assert "Did you mean" not in html


@pytest.mark.postgres
def test_the_suggestion_keeps_the_other_filters(client, corpus):
    html = client.get(
        "/standards/", {"q": "medicl evalution", "sort": "title"}
    ).content.decode()
    assert 'href="?q=medical+evaluation&amp;sort=title"' in html


@pytest.mark.postgres
def test_no_suggestion_from_the_words_of_drafts(client, corpus, world):
    services.standard_create(
        actor=world.member,
        title="Zygomorphic secret draft",
        scope="Unpublished.",
        field=world.subfield,
    )
    assert selectors.close_words("zygomorphik") == []
    assert selectors.search_suggestion(filters(q="zygomorphik")) is None
    html = client.get("/standards/", {"q": "zygomorphik"}).content.decode()
    assert "Did you mean" not in html
    assert "Zygomorphic" not in html


def test_no_suggestion_for_a_search_that_finds_something_or_only_stop_words(
    corpus,
):
    assert selectors.search_suggestion(filters(q="the of")) is None
    assert selectors.search_suggestion(filters(q="qqqqqqqq")) is None


def test_the_suggestion_on_either_database(corpus):
    """The same answer through pg_trgm or difflib."""
    assert selectors.search_suggestion(filters(q="evalution")) == "evaluation"
    assert selectors.search_suggestion(filters(q="Benchmrk")) == "benchmark"
