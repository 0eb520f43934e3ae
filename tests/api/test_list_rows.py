"""A visitor's page of the standards list is written from plain values
(standards.api.rows): the same rows, key for key and in the same order, as
the serializer writes for a caller outside every draft audience, for every
state a standard can be in."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from standards.api.public import _attach_snippets, _standards_for
from standards.api.serializers import StandardSerializer
from standards.models import Edition, Standard
from tests.catalogue.conftest import corpus  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(corpus):  # noqa: F811
    """The corpus with what else a public row can show: a renewal whose
    draft has a new title, a ready PDF, a second edition superseding the
    first, a replacement, and a row marked public without any edition (only
    hand-made data has one)."""
    transparency = corpus.transparency
    Standard.objects.filter(pk=transparency.pk).update(
        title="Transparency reports, renewed", title_zh="透明度报告（修订）"
    )
    Edition.objects.filter(standard=corpus.medical).update(
        pdf="editions/medical.pdf",
        pdf_state=Edition.PdfState.READY,
        pdf_size=12345,
        pdf_pages=7,
        pdf_sha256="a" * 64,
    )
    first = corpus.benchmark.editions.get()
    Edition.objects.filter(pk=first.pk).update(superseded_on=date(2026, 5, 1))
    Edition.objects.create(
        standard=corpus.benchmark,
        number=first.number,
        edition=2,
        version=first.version,
        title="Benchmark reporting format, second edition",
        title_zh="基准报告格式（第二版）",
        scope="Reported with confidence intervals.",
        published_on=date(2026, 5, 1),
        published_by=first.published_by,
    )
    Standard.objects.filter(pk=corpus.chatbots.pk).update(
        replaced_by=corpus.medical, review_due=date(2027, 1, 31)
    )
    w = corpus.world
    Standard.objects.create(
        title="Hand-made public row",
        field=w.field,
        organisation=w.organisation,
        created_by=w.leader,
        status="published",
        has_edition=True,
    )
    return corpus


def _serialized(ids, *, q="", snippets=False):
    """What the serializer writes for ``ids`` to a visitor."""
    request = Request(APIRequestFactory().get("/api/v1/standards/"))
    request.user = AnonymousUser()
    found = _standards_for(AnonymousUser()).in_bulk(ids)
    standards = [found[pk] for pk in ids]
    for standard in standards:
        standard.in_draft_audience = False
    if snippets:
        _attach_snippets(standards, q)
    return StandardSerializer(standards, many=True, context={"request": request}).data


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"page_size": 3, "page": 2},
        {"ordering": "title"},
        {"public_status": "under_renewal"},
        {"public_status": "abolished"},
        {"q": "evaluation"},
        {"q": "evaluation", "snippets": "1"},
        {"q": "评测", "snippets": "true"},
        {"q": "reports", "ordering": "-number", "snippets": "1"},
    ],
)
def test_a_visitors_rows_are_the_serializers(varied, params):
    response = APIClient().get("/api/v1/standards/", params)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, params
    ids = [row["id"] for row in rows]
    expected = _serialized(ids, q=params.get("q", ""), snippets="snippets" in params)
    # Byte for byte: the same keys in the same order, the same values.
    assert json.dumps(rows) == json.dumps(expected)


def test_every_kind_of_row_is_on_the_visitors_list(varied):
    rows = {
        row["id"]: row
        for row in APIClient()
        .get("/api/v1/standards/", {"page_size": 100})
        .json()["results"]
    }
    transparency = rows[varied.transparency.pk]
    assert transparency["title"] == "Transparency reports"
    assert transparency["status"] == "published"
    assert transparency["under_renewal"] is True
    assert transparency["draft_title"] is None
    medical = rows[varied.medical.pk]["current_edition"]
    assert medical["pdf_url"] == "http://testserver" + reverse(
        "standards_pdf:edition_pdf", kwargs={"pk": medical["id"]}
    )
    assert medical["pdf_download_url"].endswith(
        f"/api/v1/standards/{varied.medical.pk}/editions/1/pdf/"
    )
    assert medical["pdf_size"] == 12345
    assert rows[varied.agents.pk]["current_edition"]["pdf_url"] is None
    benchmark = rows[varied.benchmark.pk]
    assert benchmark["current_edition"]["edition"] == 2
    assert benchmark["title"] == "Benchmark reporting format, second edition"
    assert rows[varied.chatbots.pk]["replaced_by"] == varied.medical.pk
    assert rows[varied.chatbots.pk]["public_status"] == "abolished"
    hand_made = next(r for r in rows.values() if r["title"] == "Hand-made public row")
    assert hand_made["current_edition"] is None


def test_a_visitors_page_costs_the_same_queries_whatever_its_size(varied):
    client = APIClient()
    counts = []
    for size in (1, 7):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                "/api/v1/standards/", {"page_size": size, "q": "evaluation"}
            )
        body = response.json()
        assert body["count"] > 1
        assert len(body["results"]) == min(size, body["count"])
        counts.append(len(queries))
    assert counts[0] == counts[1]
