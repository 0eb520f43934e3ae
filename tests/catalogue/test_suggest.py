"""Suggestions while typing in the catalogue's search box: a JSON list of at
most eight public standards whose number or title starts as typed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalogue import selectors
from catalogue.models import SearchDocument
from standards import services

from .conftest import (
    AGENTS,
    BENCHMARK,
    CHATBOTS,
    DATA,
    MEDICAL,
    TRANSPARENCY,
    shared_corpus,
)

# One corpus for the module's tests (each test's writes are rolled back).
corpus, world, lifecycle = shared_corpus()

ADDRESS = "/standards/suggest"


def suggest(client, q, **params):
    response = client.get(ADDRESS, {"q": q, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(client, q) -> list[str]:
    return [s["title"] for s in suggest(client, q)["suggestions"]]


def test_a_word_of_the_title_suggests_the_standard_with_its_link(client, corpus):
    body = suggest(client, "medic")
    assert body["q"] == "medic"
    [found] = body["suggestions"]
    assert found == {
        "number": corpus.medical.number,
        "title": MEDICAL,
        "url": f"/standards/{corpus.medical.pk}/",
    }
    # Any word of the title, any case; every word typed must start one.
    assert titles(client, "LARGE lang") == [MEDICAL]
    assert titles(client, "require agen") == [AGENTS]
    assert titles(client, "medical agents") == []
    # The start of a word only: "aluation" is inside "Evaluation".
    assert titles(client, "aluation") == []


def test_chinese_characters_are_found_anywhere_in_the_title(client, corpus):
    assert titles(client, "训练") == [DATA]
    assert titles(client, "治理") == [DATA]


def test_the_number_or_a_part_of_it_suggests_the_standard(client, corpus):
    number = corpus.benchmark.number  # "LLMSWG 0004:2026"
    assert titles(client, number) == [BENCHMARK]
    assert titles(client, number.lower()[:8]) != []
    assert titles(client, number.split()[1]) == [BENCHMARK]


def test_only_the_public_record_is_suggested(client, corpus, world):
    """Never a draft's title, an abolished standard, nor the title a renewal's
    draft was given meanwhile (its in-force edition's title is suggested)."""
    services.standard_create(
        actor=world.member,
        title="Zygomorphic secret draft",
        scope="Unpublished.",
        field=world.subfield,
    )
    services.standard_update(
        standard_id=corpus.transparency.pk,
        actor=world.member,
        title="Zebrafish renewal title",
    )
    assert titles(client, "zygo") == []
    assert titles(client, "secret") == []
    assert titles(client, "zebrafish") == []
    assert titles(client, "transparency") == [TRANSPARENCY]
    assert titles(client, "chatbots") == []  # abolished
    # Signed in as an author of the drafts: the same public answer.
    client.force_login(world.member)
    assert titles(client, "zygo") == []
    assert titles(client, "zebrafish") == []
    assert CHATBOTS not in titles(client, "evaluation")


def test_at_most_eight_numbers_first(client, corpus, world):
    from .conftest import bulk_public_standards

    bulk_public_standards(12, field=world.subfield, organisation=world.organisation)
    found = suggest(client, "evaluation")["suggestions"]
    assert len(found) == selectors.SUGGEST_LIMIT == 8
    # Titles starting with the word come before those with it further in.
    assert found[0]["title"].startswith("Evaluation")
    assert [s["number"] for s in suggest(client, "BULK 0001")["suggestions"]] == [
        f"BULK {i:05d}:2026" for i in range(10, 12)
    ]


def test_one_query_for_a_suggestion(client, corpus, settings):
    settings.PUBLIC_CACHE_TIMEOUT = 0
    with CaptureQueriesContext(connection) as queries:
        suggest(client, "evaluation")
    assert len(queries) == 1


@pytest.mark.parametrize("q", ["", "   ", "%", "_", "\\", "(", "'; drop", "’"])
def test_nothing_to_suggest_is_an_empty_list(client, corpus, q):
    assert suggest(client, q)["suggestions"] == []


def test_no_query_at_all_is_an_empty_list(client, db):
    response = client.get(ADDRESS)
    assert response.status_code == 200
    assert response.json() == {"q": "", "suggestions": []}


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("e" * 5000, "at most 200 characters"),
        ("eval\x00", "control characters"),
        ("eval\x01uation", "control characters"),
        ("eval\x1b[0m", "control characters"),
    ],
)
def test_bad_input_is_a_clear_400(client, db, q, reason):
    response = client.get(ADDRESS, {"q": q})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert reason in body["message"]
    assert reason in body["errors"]["q"][0]


def test_only_get(client, db):
    assert client.post(ADDRESS, {"q": "eval"}).status_code == 405


def test_a_chinese_title_is_found_and_shown_to_readers_of_chinese(client, corpus):
    SearchDocument.objects.filter(pk=corpus.medical.pk).update(
        title_zh="医疗大语言模型评测"
    )
    assert titles(client, "语言模型") == [MEDICAL]
    with translation.override("zh-hans"):
        [found] = selectors.suggest_standards("语言模型")
        assert found["title"] == "医疗大语言模型评测"
        # A standard without a Chinese title keeps its own.
        assert [s["title"] for s in selectors.suggest_standards("bench")] == [BENCHMARK]


def test_suggestions_are_kept_in_the_public_cache_until_a_publication(
    client, corpus, lifecycle, fresh_cache
):
    suggest(client, "evaluation")
    with CaptureQueriesContext(connection) as queries:
        assert titles(client, "evaluation") == [MEDICAL]
    assert len(queries) == 0

    lifecycle.published(title="Evaluation of agents")
    assert titles(client, "evaluation") == [MEDICAL, "Evaluation of agents"]
