"""Search finds the same standards for a fixed set of English and Chinese
queries, on SQLite and on PostgreSQL."""

import re

import pytest

from catalogue import analysis, selectors
from catalogue import services as catalogue_services
from catalogue.models import SearchDocument
from standards.models import Standard

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

ALL_PUBLIC = {MEDICAL, AGENTS, DATA, BENCHMARK, TRANSPARENCY}

# (query, what it finds with abolished standards hidden)
EXPECTATIONS = [
    ("evaluating", {MEDICAL}),  # stemming: "evaluation", "evaluate"
    ("evaluation", {MEDICAL}),
    ("Evaluate", {MEDICAL}),
    ("refusing", {AGENTS}),  # "refuse" in the text only
    ("governance", {DATA}),  # scope only
    ("benchmarks", {BENCHMARK}),
    ("transparency", {TRANSPARENCY}),  # under renewal: still public
    ("clinical experts", {MEDICAL}),  # every word must occur
    ("clinical agents", set()),
    ("评测", {MEDICAL}),  # a two-character word inside a longer run
    ("测评", {DATA}),  # the reverse order is another word
    ("大模型评测", {MEDICAL}),
    ("安全", {AGENTS}),
    ("智能体", {AGENTS}),
    ("数据治理", {DATA}),  # in the title
    ("训练", {DATA}),
    ("评", {MEDICAL, BENCHMARK, DATA}),  # one character: 评测, 评估, 评集
    ("medical 评测", {MEDICAL}),  # both languages at once
    ("agents 评测", set()),
    ("the", set()),  # only a stop word
    ("quantum", set()),
    ("量子", set()),
    ("LLMSWG", ALL_PUBLIC),  # the number
]


def found(**kwargs) -> set[str]:
    return {s.title for s in selectors.catalogue_search(**kwargs)}


@pytest.mark.parametrize(("query", "expected"), EXPECTATIONS)
def test_search_finds_the_expected_standards(corpus, query, expected):
    assert found(q=query) == expected


def test_abolished_standards_are_found_only_when_asked_for(corpus):
    assert found(q="评测", include_abolished=True) == {MEDICAL, CHATBOTS}
    assert found(q="evaluating", include_abolished=True) == {MEDICAL, CHATBOTS}
    assert found(q="evaluating", status="abolished") == {CHATBOTS}


def test_a_match_in_the_title_ranks_before_one_in_the_text(corpus):
    results = list(selectors.catalogue_search(q="evaluation", include_abolished=True))
    # Both have the word in their title; the medical one has it in its scope too.
    assert [s.title for s in results] == [MEDICAL, CHATBOTS]
    results = list(selectors.catalogue_search(q="benchmark model"))
    assert [s.title for s in results] == [BENCHMARK]


def test_drafts_are_never_found(corpus, lifecycle):
    lifecycle.draft(title="Evaluation draft 评测草案")
    catalogue_services.search_reindex()
    assert found(q="草案") == set()
    assert found(q="evaluation") == {MEDICAL}


def test_query_and_index_split_chinese_the_same_way():
    assert analysis.cjk_terms("评测标准，模型") == ["评测", "测标", "标准", "模型"]
    assert analysis.cjk_terms("A 评 B") == ["评"]
    parsed = analysis.parse_query("Evaluating 评测标准 the 评")
    assert parsed.words == ("evaluating",)
    assert parsed.stems == ("evalu",)
    assert parsed.cjk == ("评测", "测标", "标准")
    assert parsed.cjk_prefix == ("评",)
    assert parsed.cjk_tsquery() == "评测 & 测标 & 标准 & 评:*"


def test_snippets_mark_the_matches(corpus):
    standards = list(selectors.catalogue_search(q="refusing"))
    selectors.attach_snippets(standards, "refusing")
    assert "<mark>refuse</mark>" in standards[0].snippet
    standards = list(selectors.catalogue_search(q="评测"))
    selectors.attach_snippets(standards, "评测")
    assert "<mark>评测</mark>" in standards[0].snippet
    standards = list(selectors.catalogue_search(q="medical 评测"))
    selectors.attach_snippets(standards, "medical 评测")
    assert "<mark>评测</mark>" in standards[0].snippet


def test_snippets_are_escaped(corpus, lifecycle, world):
    from .conftest import publish

    standard = publish(
        lifecycle,
        title="Markup",
        scope="Scope.",
        body="Tags like <script>alert(1)</script> are text. 标记语言。",
        field=world.field,
    )
    catalogue_services.search_index_standard(standard.pk)
    for q in ("tags", "标记"):
        standards = list(selectors.catalogue_search(q=q))
        selectors.attach_snippets(standards, q)
        assert "<script>" not in standards[0].snippet


def test_the_index_follows_the_lifecycle(
    corpus, lifecycle, django_capture_on_commit_callbacks
):
    w = corpus.world
    assert SearchDocument.objects.count() == 6
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(corpus.agents, "abolish", w.leader, comment="Obsolete.")
    assert found(q="安全") == set()
    assert found(q="安全", include_abolished=True) == {AGENTS}


def test_reindex_rebuilds_the_index(corpus):
    SearchDocument.objects.all().delete()
    assert found(q="评测") == set()
    assert catalogue_services.search_reindex() == 6
    assert found(q="评测") == {MEDICAL}


@pytest.mark.postgres
def test_postgres_and_the_embedded_method_agree(corpus, monkeypatch):
    """The LIKE method of SQLite, run on the same documents, finds what the
    tsvector method finds, and both find what is expected."""
    monkeypatch.setattr(catalogue_services, "uses_tsvector", lambda: False)
    catalogue_services.search_reindex()  # also stores the English stems
    monkeypatch.undo()
    catalogue_services.search_refresh_vectors()
    base = Standard.objects.public().exclude(status="abolished")
    for query, expected in EXPECTATIONS:
        parsed = analysis.parse_query(query)
        if parsed.is_empty:
            continue
        embedded = {s.title for s in selectors._search(base, parsed)}
        postgres = {s.title for s in selectors._search_postgres(base, parsed)}
        assert embedded == postgres == expected, query


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("q", "index"), [("evaluation", "search_gin"), ("评测", "search_gin")]
)
def test_postgres_search_uses_the_gin_indexes(corpus, client, q, index):
    """The search page's query of the matches is planned on the GIN index as
    the page runs it (on so few rows the planner would read the table), and
    the planner hint (``selectors.search_plans``) holds for that query alone."""
    from django.db import connection

    seen = []  # (a query of the matches?, enable_seqscan, plan) of each SELECT

    def explain(execute, sql, params, many, context):
        if sql.startswith("SELECT"):
            execute("SHOW enable_seqscan", None, many, context)
            [(setting,)] = context["cursor"].fetchall()
            execute("EXPLAIN " + sql, params, many, context)
            plan = "\n".join(row[0] for row in context["cursor"].fetchall())
            seen.append(("@@" in sql, setting, plan))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain):
        response = client.get("/standards/", {"q": q})

    assert response.status_code == 200
    matching = [plan for matches, _setting, plan in seen if matches]
    assert matching and all(index in plan for plan in matching), matching
    assert {(matches, setting) for matches, setting, _plan in seen} == {
        (True, "off"),
        (False, "on"),  # the page's rows, their snippets, the filters' choices
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


def _plans_of_matches(run) -> list[str]:
    """The plans of the queries of the long vectors' matches that ``run()``
    makes, as it makes them."""
    from django.db import connection

    plans = []

    def explain(execute, sql, params, many, context):
        if sql.startswith("SELECT") and re.search(r'"(english|cjk)_vector" @@', sql):
            execute("EXPLAIN " + sql, params, many, context)
            plans.append("\n".join(row[0] for row in context["cursor"].fetchall()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain):
        run()
    return plans


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("address", "params", "key"),
    [
        ("/standards/", {"q": "evaluation", "status": "abolished"}, "public_state"),
        ("/standards/", {"q": "评测", "organisation": "slug"}, "organisation_key"),
        (
            "/api/v1/standards/",
            {"q": "agents", "organisation": "pk"},
            "organisation_key",
        ),
        # A field is the field or its parent: an OR, which the planner may
        # check on the rows the index found (inline columns, no long vector).
        ("/api/v1/standards/", {"q": "models", "field": "pk"}, None),
    ],
)
def test_a_search_and_its_filter_are_found_in_one_index(
    corpus, client, address, params, key
):
    """The matches of a search with a filter come from the one GIN index
    that holds the vectors and the filters (catalogue migration 0007), the
    filter in its condition too: never a filter's candidates, each checked
    against its long vector (read whole from TOAST)."""
    w = corpus.world
    if "organisation" in params:
        organisation = w.other_organisation
        params["organisation"] = getattr(organisation, params["organisation"])
    if "field" in params:
        params["field"] = w.field.pk
    plans = _plans_of_matches(lambda: client.get(address, params))
    assert plans, params
    for plan in plans:
        lines = plan.splitlines()
        conditions = [line for line in lines if "Index Cond" in line]
        assert any("Index Scan on search_gin" in line for line in lines), plan
        assert any("@@" in c for c in conditions), plan
        if key:
            assert any("@@" in c and key in c for c in conditions), plan
        assert not [line for line in lines if "Filter:" in line and "@@" in line], plan


@pytest.mark.postgres
def test_stop_words_are_those_of_postgresql(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w "
            "WHERE ts_lexize('english_stem', w) <> '{}'",
            [sorted(analysis.STOP_WORDS)],
        )
        assert cursor.fetchall() == []


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        # Snowball changes the last letters of some words; the snippet marks
        # every word the index stems alike.
        ("happiness", "The happy few.", ["happy"]),
        ("die", "Dying processes must be logged.", ["Dying"]),
        ("abilities", "The ability to refuse.", ["ability"]),
        ("possible", "Where possibility allows.", ["possibility"]),
        # A word inside a longer one is another word.
        ("evaluation", "A reevaluation, then an evaluation.", ["evaluation"]),
        # English right after Chinese is a word of its own.
        ("evaluation", "模型evaluation结果", ["evaluation"]),
        ("the evaluation", "The EVALUATIONS of the model.", ["EVALUATIONS"]),
    ],
)
def test_snippets_mark_each_word_with_a_searched_stem(query, text, marked):
    snippet = selectors._snippet(text, analysis.parse_query(query))
    assert snippet is not None
    assert re.findall("<mark>(.*?)</mark>", snippet) == marked


def test_a_snippet_comes_from_deep_in_a_long_text(corpus, lifecycle, world):
    from .conftest import publish

    filler = "Plain words about nothing in particular. " * 400  # 16,400 chars
    standard = publish(
        lifecycle,
        title="Long",
        scope="A scope without it.",
        body=f"{filler}Then hallucination appears, late.",
        field=world.field,
    )
    catalogue_services.search_index_standard(standard.pk)
    [found] = selectors.catalogue_search(q="hallucinations")
    selectors.attach_snippets([found], "hallucinations")
    assert "<mark>hallucination</mark> appears" in found.snippet
    assert found.snippet.startswith("… ")
