"""A catalogue page costs the same however many standards a search finds
(issue 19): beyond ``EXACT_COUNT_LIMIT`` matches the count is the planner's
estimate and a relevance page ranks only the heads that can rank. The
results and their order stay those of ``catalogue_search``, which orders
every match (rank, number, id)."""

import random
from datetime import date

import pytest

from catalogue import selectors
from catalogue import services as catalogue_services
from catalogue.forms import CatalogueForm
from standards.models import Edition, Standard, Status, Version
from tests.factories import StandardFactory
from tests.standards.conftest import make_world

ENGLISH = [
    "evaluation",
    "robustness",
    "safety",
    "medical",
    "agents",
    "prompts",
    "privacy",
    "data",
]
CHINESE = ["评测", "模型", "安全", "医疗", "数据"]
QUERIES = [
    "evaluation",
    "evaluation robustness",
    "safety medical agents",
    "prompts privacy data evaluation",
    "评测",
    "评测模型",
    "安全 医疗 数据",
    "评",
    "evaluation 评测",
    "medical agents 安全",
    "red-teaming",
    "nothing-matches-this",
]
SORTS = ["", "relevance", "number", "title", "date"]


def text(rng, words, n, joiner=" "):
    return joiner.join(rng.choice(words) for _ in range(n))


@pytest.fixture(scope="module")
def _varied_once(module_db, django_db_blocker):
    """``varied`` and its world, made once for the module (each test's
    writes are rolled back after it)."""
    with django_db_blocker.unblock():
        world = make_world()
        return world, make_varied(world)


@pytest.fixture
def varied(db, _varied_once):
    return _varied_once[1]


@pytest.fixture
def world(varied, _varied_once):
    return _varied_once[0]


def make_varied(world):
    """120 public standards (10 abolished) whose titles, scopes and texts
    hold the query terms in every combination, with ties of rank."""
    rng = random.Random(19)
    numbers = rng.sample(range(1, 1000), 120)  # not in the order of ids
    standards = Standard.objects.bulk_create(
        [
            Standard(
                title=f"{text(rng, ENGLISH, rng.randint(1, 3)).capitalize()} "
                f"{text(rng, CHINESE, rng.randint(0, 2), '')} {i}",
                scope=f"{text(rng, ENGLISH, rng.randint(0, 6))}. "
                f"{text(rng, CHINESE, rng.randint(0, 3), '')}。",
                field=world.field if i % 3 else world.subfield,
                organisation=world.organisation,
                status=Status.ABOLISHED if i % 12 == 0 else Status.PUBLISHED,
                number=f"VAR {numbers[i]:04d}:2026",
                has_edition=True,
            )
            for i in range(120)
        ]
    )
    versions = Version.objects.bulk_create(
        [
            Version(
                standard=s,
                number=1,
                body=f"# Scope\n\n{text(rng, ENGLISH, 40)}.\n\n"
                f"{text(rng, CHINESE, 20, '')}。\n",
                frozen=True,
            )
            for s in standards
        ]
    )
    Edition.objects.bulk_create(
        [
            Edition(
                standard=s,
                number=s.number,
                edition=1,
                version=v,
                title=s.title,
                scope=s.scope,
                published_on=date(2020 + i % 7, 1 + i % 12, 1),
            )
            for i, (s, v) in enumerate(zip(standards, versions, strict=True))
        ]
    )
    for s in standards:
        catalogue_services.search_index_standard(s.pk)
    return standards


def every_page(params: dict, per_page: int = 7) -> tuple[list[int], list]:
    """The ids of every page of the catalogue as a reader pages through it,
    and the counts it shows."""
    filters = CatalogueForm(params).filters()
    ids, counts, number = [], [], 1
    while True:
        found = selectors._page_ids(filters, number, per_page)
        counts.append((found.count, found.estimated))
        if found.number != number or not found.ids:
            break
        ids += found.ids
        if len(ids) >= found.count and not found.estimated:
            break
        number += 1
    return ids, counts


def expected(params: dict) -> list[int]:
    filters = CatalogueForm(params).filters()
    return list(selectors.catalogue_search(**filters).values_list("pk", flat=True))


def test_pages_hold_every_result_in_order(varied):
    """Within the exact limit: the same results, in the same order, as one
    query ordering them all. (One test for every query and sort: the corpus
    is made once.)"""
    for q in QUERIES:
        for sort in SORTS:
            params = {"q": q, "sort": sort}
            ids, counts = every_page(params)
            assert ids == expected(params), params
            assert all(not estimated for _count, estimated in counts), params


@pytest.mark.postgres
def test_large_results_keep_the_same_order(varied, monkeypatch):
    """Beyond the exact limit (lowered here to 5 matches) the count is an
    estimate, and the pages, ranked from the heads alone, still hold every
    result in the order of ranking them all."""
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 5)
    large = 0
    for q in QUERIES:
        for sort in SORTS:
            params = {"q": q, "sort": sort}
            wanted = expected(params)
            ids, counts = every_page(params)
            assert ids == wanted, params
            if len(wanted) > 5:
                large += 1
                assert counts[0][1] is True, params  # an estimate
                assert counts[0][0] > 5, params
    assert large >= 40  # most of the queries took the large path


@pytest.mark.postgres
def test_filters_and_abolished_standards_in_a_large_result(varied, monkeypatch, world):
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 5)
    for params in (
        {"q": "evaluation", "field": world.subfield.slug},
        {"q": "评测", "abolished": "on"},
        {"q": "safety", "status": "abolished"},
        {"q": "evaluation", "year": "2023", "sort": "date"},
    ):
        assert every_page(params)[0] == expected(params), params


@pytest.mark.postgres
def test_the_ranked_heads_are_bounded(varied, monkeypatch):
    """With more heads that may rank than ``RANKED_LIMIT`` the page is still
    a page of results, best first among those ranked, without repeats."""
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 5)
    monkeypatch.setattr(selectors, "RANKED_LIMIT", 3)
    params = {"q": "evaluation"}
    ids, _counts = every_page(params)
    assert sorted(ids) == sorted(expected(params))
    assert len(ids) == len(set(ids))


@pytest.mark.postgres
def test_an_estimated_count_reads_about(client, varied, monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 5)
    monkeypatch.setattr(selectors, "_estimated_count", lambda qs: 1234)
    response = client.get("/standards/", {"q": "evaluation"})
    assert response.status_code == 200
    assert "About 1200 standards" in response.content.decode()


def test_counts_are_rounded_to_two_figures():
    assert [selectors._about(n) for n in (7, 42, 1001, 5942, 61234)] == [
        7,
        42,
        1000,
        5900,
        61000,
    ]


# --- the API's search, for a visitor ----------------------------------------------


def api_pages(client, params: dict) -> tuple[list[int], list]:
    ids, counts, page = [], [], 1
    while True:
        response = client.get("/api/v1/standards/", {**params, "page": page})
        if response.status_code == 404:  # past the end
            break
        assert response.status_code == 200, response.content
        body = response.json()
        counts.append((body["count"], response.get("X-Count-Estimated")))
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        page += 1
    return ids, counts


@pytest.mark.postgres
def test_the_api_search_keeps_the_catalogue_order_within_bounds(
    varied, monkeypatch, client
):
    """A visitor's API search, counted by estimate beyond the exact limit
    (lowered to 5 here) and ranked from the heads alone, lists every result
    in the order of ranking them all, as a signed-in caller's does."""
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 5)
    monkeypatch.setattr(selectors, "_estimated_count", lambda qs: qs.count())
    for q in ("evaluation", "evaluation robustness", "评测", "medical agents 安全"):
        params = {"q": q, "page_size": 7}
        ranked = (
            Standard.objects.filter(
                pk__in=selectors.catalogue_search(q=q, include_abolished=True)
            )
            .annotate(rank=selectors._rank(selectors.analysis.parse_query(q)))
            .order_by("-rank", "number", "pk")
        )
        wanted = list(ranked.values_list("pk", flat=True))
        ids, counts = api_pages(client, params)
        assert ids == wanted, q
        if len(wanted) > 5:
            assert counts[0] == (selectors._about(len(wanted)), "true"), q
        else:
            assert counts[0] == (len(wanted), None), q


# --- the documents' copy of the filters -------------------------------------------


def test_a_document_follows_its_standards_filters(varied, world):
    """A search reads the filters from the search document: it holds the
    standard's field (and its parent), organisation, work item and public
    state, and follows a change of any of them."""
    from catalogue.models import SearchDocument

    standard = varied[1]
    document = SearchDocument.objects.get(standard=standard)
    assert (document.field_key, document.organisation_key) == (
        standard.field_id,
        standard.organisation_id,
    )
    assert document.public_state == "in_force"
    standard.field = world.other_field
    standard.save()
    document.refresh_from_db()
    assert document.field_key == world.other_field.pk
    assert document.field_parent_key == world.other_field.parent_id
    words = standard.title.split()[0]
    moved = {"q": words, "field": world.other_field.slug}
    assert standard.pk in expected(moved)
    assert standard.pk not in expected({"q": words, "field": world.field.slug})
    Standard.objects.filter(pk=standard.pk).update(status=Status.ABOLISHED)
    standard.refresh_from_db()
    standard.save()  # a transition saves the standard
    assert SearchDocument.objects.get(standard=standard).public_state == "abolished"
    assert standard.pk not in expected(moved)
    assert standard.pk in expected({**moved, "abolished": "on"})


@pytest.mark.postgres
def test_a_search_with_filters_matches_on_the_documents_filters(varied, world):
    """The same standards whether the filters are read from the standards or
    from their documents."""
    for params in (
        {"field": world.subfield.slug},
        {"field": world.field.slug, "status": "in_force"},
        {"status": "abolished"},
        {"organisation": world.organisation.slug, "abolished": "on"},
    ):
        filters = CatalogueForm(params).filters()
        filters.pop("q"), filters.pop("sort")
        on_standards = selectors._filtered(selectors._results(), **filters)
        on_documents = selectors._filtered(
            selectors._results(), **filters, on_document=True
        )
        assert set(on_standards.values_list("pk", flat=True)) == set(
            on_documents.values_list("pk", flat=True)
        ), params


@pytest.mark.postgres
def test_the_api_search_with_filters_reads_the_documents_filters(
    varied, monkeypatch, client, world
):
    """A visitor's API search with a field, an organisation or a public
    status finds what the catalogue finds with them, in the same order,
    within bounds or not."""
    for limit in (1000, 5):
        monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", limit)
        for q, params, catalogue in (
            ("evaluation", {"field": world.subfield.pk}, {"field": world.subfield}),
            ("评测", {"public_status": "abolished"}, {"status": "abolished"}),
            (
                "safety",
                {"organisation": world.organisation.pk},
                {"organisation": world.organisation, "include_abolished": True},
            ),
        ):
            ranked = (
                Standard.objects.filter(
                    pk__in=selectors.catalogue_search(
                        q=q, **{"include_abolished": True, **catalogue}
                    )
                )
                .annotate(rank=selectors._rank(selectors.analysis.parse_query(q)))
                .order_by("-rank", "number", "pk")
            )
            ids, _counts = api_pages(client, {"q": q, "page_size": 7, **params})
            assert ids == list(ranked.values_list("pk", flat=True)), (q, params)


# --- the API's list, for a visitor ----------------------------------------------


@pytest.mark.postgres
def test_a_visitors_api_list_is_counted_within_bounds(
    varied, monkeypatch, client, world
):
    """A visitor's list without a search reads at most the first ids beyond
    the exact limit (lowered to 5): the count is then the estimate, told by
    ``X-Count-Estimated``; every standard is still listed, in the same
    order. A signed-in caller's list is counted exactly."""
    exact = [
        row["id"]
        for row in _all_pages(client, {"page_size": 100, "ordering": "number"})
    ]
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 5)
    monkeypatch.setattr(selectors, "_estimated_count", lambda qs: qs.count())
    ids, counts = api_pages(client, {"page_size": 7, "ordering": "number"})
    assert ids == exact
    assert counts[0] == (selectors._about(len(exact)), "true")
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 200)
    ids, counts = api_pages(client, {"page_size": 7, "ordering": "number"})
    assert ids == exact
    assert counts[0] == (len(exact), None)
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 5)
    StandardFactory(title="A draft the leader sees")
    client.force_login(world.leader)
    response = client.get("/api/v1/standards/", {"page_size": 7})
    everyone = Standard.objects.count()
    assert response.json()["count"] == everyone > len(exact)
    assert "X-Count-Estimated" not in response


def _all_pages(client, params):
    rows, page = [], 1
    while True:
        body = client.get("/api/v1/standards/", {**params, "page": page}).json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1
