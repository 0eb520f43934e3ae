"""PDFs of editions and certificates (WeasyPrint), rendered eagerly here."""

import gc
import io
import re
import socket
import threading
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from pypdf import PdfReader

from portal.errors import ApplicationError
from portal.markdown import render_markdown
from standards import pdf
from standards.models import Audit, Edition

pytestmark = pytest.mark.django_db

CHINESE = "本标准规定了医疗大语言模型的评测方法。"
BODY = f"""# Introduction

This standard specifies how medical LLMs are evaluated.

{CHINESE}

## Terms

| term | meaning |
|---|---|
| LLM | large language model |

# Method

Run the benchmark.
"""


def publish(lifecycle, body=BODY, title="Evaluation of medical LLMs"):
    standard = lifecycle.draft(with_version=False, title=title)
    from standards import services

    services.version_create(
        standard_id=standard.pk, actor=lifecycle.w.member, body=body
    )
    lifecycle.go(standard, "submit", lifecycle.w.member)
    services.experts_assign(
        standard_id=standard.pk,
        actor=lifecycle.w.deputy,
        experts=[lifecycle.w.expert1, lifecycle.w.expert2],
    )
    for expert in (lifecycle.w.expert1, lifecycle.w.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    lifecycle.go(standard, "advance_to_audit", lifecycle.w.deputy)
    lifecycle.go(standard, "certify", lifecycle.w.auditor)
    lifecycle.go(standard, "publish", lifecycle.w.leader)
    return standard.editions.get()


def pdf_files(kind="editions"):
    root = Path(settings.MEDIA_ROOT) / kind
    return sorted(p for p in root.rglob("*.pdf")) if root.exists() else []


def text_of(path) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(Path(path).read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


@pytest.mark.cjk_font
def test_publishing_renders_the_edition_with_cover_contents_body_and_history(
    lifecycle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edition = publish(lifecycle)

    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error
    (path,) = pdf_files()
    data = path.read_bytes()
    text, reader = text_of(path)
    pages = len(reader.pages)
    assert edition.pdf_pages == pages >= 4  # cover, contents, body, history
    assert edition.pdf_size == len(data)
    import hashlib

    assert edition.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert edition.number in text
    assert "Evaluation of medical LLMs" in text
    assert CHINESE in text.replace("\n", "")
    assert f"page 1 of {pages}" in text
    assert f"page {pages} of {pages}" in text
    # The contents list the body's headings with their page numbers.
    contents = reader.pages[1].extract_text()
    assert "Introduction" in contents and "History of approval" in contents
    # The approval history is on the last page.
    last = reader.pages[-1].extract_text()
    assert "History of approval" in last and "Publish" in last
    # Chinese glyphs come from the Simplified Chinese face, not the Japanese.
    fonts = fonts_of(reader)
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    assert not any("JP" in f for f in fonts), fonts


def embedded_fonts(reader: PdfReader) -> dict[str, list[str]]:
    """BaseFont name → the font-file keys of its descriptor, every page."""
    found = {}
    for page in reader.pages:
        for ref in page.get("/Resources", {}).get("/Font", {}).values():
            font = ref.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = [
                key for key in descriptor if key.startswith("/FontFile")
            ]
    return found


@pytest.mark.cjk_font
def test_the_edition_keeps_its_outline_contents_and_embedded_font_subsets(
    lifecycle, django_capture_on_commit_callbacks
):
    body = BODY + (
        "\n## Results 结果\n\n| Item 条目 | Value 数值 |\n|---|---|\n"
        "| Accuracy 准确率 | 78.1 % |\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        edition = publish(lifecycle, body=body)
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error
    text, reader = text_of(pdf_files()[0])

    # The outline (bookmarks) has the headings of the body.
    titles = []
    stack = list(reader.outline)
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        else:
            titles.append(item.title)
    assert {"Introduction", "Terms", "Method", "Results 结果"} <= set(titles)
    # The contents give each heading its page after a dotted leader.
    contents = reader.pages[1].extract_text()
    assert re.search(r"Introduction \.{8,} ?\d+", contents), contents
    assert re.search(r"Results 结果 \.{8,} ?\d+", contents), contents
    # The sized table keeps its text; the running header and footer are there.
    flat = text.replace("\n", "")
    assert "Accuracy 准确率" in flat and "78.1 %" in flat
    assert edition.number in reader.pages[2].extract_text()
    # Every font is embedded, as a subset (a six-letter tag before its name),
    # and the Chinese glyphs come from the Simplified Chinese face.
    fonts = embedded_fonts(reader)
    assert fonts and all(files for files in fonts.values()), fonts
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in fonts), fonts
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts


def test_the_pdf_gives_headings_the_ids_of_the_standards_page(client, lifecycle):
    from django.urls import reverse

    edition = publish(lifecycle)
    html = pdf.edition_html(edition)
    page = client.get(
        reverse("standards:detail", kwargs={"pk": edition.standard_id})
    ).content.decode()

    ids = ["sec-introduction", "sec-terms", "sec-method"]
    for anchor in ids:
        assert f'id="{anchor}"' in html and f'id="{anchor}"' in page
    # The contents link to them, the text's top two levels, the second indented.
    contents = html[html.index('<nav class="toc"') : html.index("</nav>")]
    assert re.findall(r'<li class="level-(\d)"><a href="#sec-([a-z]+)"', contents) == [
        ("1", "introduction"),
        ("2", "terms"),
        ("1", "method"),
    ]


def test_tables_whose_cells_fit_on_one_line_get_their_column_widths():
    html = (
        "<table>\n<thead>\n<tr>\n<th>Item 条目</th>\n"
        '<th align="right">Value</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
        "<td>Accuracy of the model 模型准确率</td>\n"
        '<td align="right">78.1 %</td>\n</tr>\n</tbody>\n</table>'
    )

    sized = pdf.with_table_columns(html)

    widths = [float(w) for w in re.findall(r'<col style="width: ([0-9.]+)%">', sized)]
    assert len(widths) == 2 and widths[0] > 2 * widths[1]
    assert abs(sum(widths) - 100) < 0.1
    assert sized.startswith('<table class="sized"><colgroup>')
    assert "Accuracy of the model 模型准确率" in sized


@pytest.mark.parametrize(
    "cell",
    [
        "long text " * 40,  # wraps: the automatic layout shares the width
        "<p>a paragraph</p>",  # block content: left to the automatic layout
    ],
)
def test_other_tables_keep_the_automatic_layout(cell):
    html = (
        f"<table>\n<tbody>\n<tr>\n<td>a</td>\n<td>{cell}</td>\n</tr>\n"
        "</tbody>\n</table>"
    )
    assert pdf.with_table_columns(html) == html


def test_margin_boxes_are_sized_only_when_both_texts_fit_on_one_line():
    left, right = pdf.margin_box_widths(
        "T/PORTAL 0001-2025", "医疗大语言模型评测 Evaluation"
    )
    assert left.endswith("%") and right.endswith("%")
    assert abs(float(left[:-1]) + float(right[:-1]) - 100) < 0.1
    assert pdf.margin_box_widths("T/PORTAL 0001-2025", "很长的标题" * 20) is None
    assert pdf.margin_box_widths("", "title") is None


def test_a_render_leaves_the_garbage_collector_as_it_found_it(settings):
    before = gc.get_threshold()
    pdf.render_pdf("<p>one page</p>")
    assert gc.get_threshold() == before

    settings.PDF_MAX_PAGES = 1
    with pytest.raises(pdf.PdfRenderError):
        pdf.render_pdf('<p style="break-after: page">1</p><p>2</p>')
    assert gc.get_threshold() == before


def test_a_render_leaves_its_garbage_collected():
    # The render's reference cycles are collected as it ends, not left (tens
    # of megabytes for a standard) to the worker's next full collection.
    gc.collect()
    pdf.render_pdf("<p>a paragraph</p>" * 200)
    assert gc.collect() < 500


def test_a_numbered_list_keeps_its_first_number():
    # Rendered without presentational hints: the list's start is a style.
    body = render_markdown("Steps:\n\n3. three\n4. four\n")
    assert '<ol start="3">' in body

    rendered = pdf.render_pdf(f"<html><body>{body}</body></html>")

    text = PdfReader(io.BytesIO(rendered.data)).pages[0].extract_text()
    assert "3." in text and "4." in text
    assert "1." not in text


def test_rendering_the_same_edition_twice_leaves_one_pdf(
    lifecycle, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edition = publish(lifecycle)
    edition.refresh_from_db()
    first_sha = edition.pdf_sha256

    # A second delivery of the task does nothing.
    pdf.edition_render_pdf(edition_id=edition.pk)
    edition.refresh_from_db()
    assert edition.pdf_sha256 == first_sha
    # The leader renders it again: the one file is replaced.
    with django_capture_on_commit_callbacks(execute=True):
        pdf.edition_rerender(edition_id=edition.pk, actor=world.leader)
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.READY
    assert len(pdf_files()) == 1
    assert Path(edition.pdf.path).read_bytes()


def test_only_the_leader_renders_again(lifecycle, world):
    edition = publish(lifecycle)
    for actor in (world.deputy, world.member, world.stranger):
        with pytest.raises(ApplicationError) as refused:
            pdf.edition_rerender(edition_id=edition.pk, actor=actor)
        assert refused.value.code == "forbidden"


def test_too_many_pages_fails_and_the_leader_can_render_again(
    lifecycle, world, settings, django_capture_on_commit_callbacks
):
    settings.PDF_MAX_PAGES = 5
    rows = "\n".join(f"| {i} | row {i} of an enormous table |" for i in range(400))
    body = f"# Big\n\n| n | text |\n|---|---|\n{rows}\n"
    with django_capture_on_commit_callbacks(execute=True):
        edition = publish(lifecycle, body=body)
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.FAILED
    assert "at most 5" in edition.pdf_error
    assert pdf_files() == []

    settings.PDF_MAX_PAGES = 500
    with django_capture_on_commit_callbacks(execute=True):
        pdf.edition_rerender(edition_id=edition.pk, actor=world.leader)
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.READY
    assert edition.pdf_error == ""
    assert len(pdf_files()) == 1


def test_a_render_stopped_by_the_time_limit_is_marked_failed(
    lifecycle, monkeypatch, django_capture_on_commit_callbacks
):
    def too_slow(html):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pdf, "render_pdf", too_slow)
    with django_capture_on_commit_callbacks(execute=True):
        edition = publish(lifecycle)
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.FAILED
    assert "longer than" in edition.pdf_error


def test_certifying_renders_an_audit_certificate(
    lifecycle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        standard = lifecycle.certified()
    audit = Audit.objects.get(standard=standard)
    assert audit.certificate_state == "ready", audit.certificate_error
    (path,) = pdf_files("certificates")
    text, reader = text_of(path)
    assert audit.certificate_number in text
    assert standard.title in text
    assert audit.certificate_pages == len(reader.pages) == 1


# --- nothing outside the portal is fetched -----------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:6379/",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml,<svg/>",
        "/etc/passwd",
    ],
)
def test_the_url_fetcher_refuses_anything_but_data_images(url):
    with pytest.raises(ValueError, match="refused"):
        pdf.portal_url_fetcher().fetch(url)


def test_the_url_fetcher_serves_a_small_data_image():
    png = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
        "nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="
    )
    response = pdf.portal_url_fetcher().fetch(png)
    assert response.content_type == "image/png"
    assert response.read().startswith(b"\x89PNG")


@pytest.fixture
def listener():
    """A TCP port that records whether anything connects to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            connections.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join(2)
    server.close()


def test_rendering_html_that_points_outside_makes_no_connection(listener, tmp_path):
    port, connections = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
      <style>@import url("http://127.0.0.1:{port}/import.css");
        body {{ background: url("http://127.0.0.1:{port}/bg.png"); }}</style>
      </head><body>
      <p>text</p>
      <img src="http://127.0.0.1:{port}/img.png">
      <img src="file://{secret}">
      <object data="file://{secret}"></object>
      <iframe src="file://{secret}"></iframe>
      <embed src="file://{secret}">
    </body></html>"""

    rendered = pdf.render_pdf(html)

    assert rendered.pages == 1
    assert connections == []
    assert b"TOP-SECRET" not in rendered.data


def test_a_hostile_body_renders_harmlessly(
    lifecycle, listener, django_capture_on_commit_callbacks
):
    port, connections = listener
    body = (
        "# Hostile\n\n"
        '<img src="file:///etc/passwd">\n\n'
        f'<img src="http://127.0.0.1:{port}/x.png">\n\n'
        f"![x](http://127.0.0.1:{port}/y.png)\n\n"
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">\n\n'
        f"[link](http://127.0.0.1:{port}/)\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        edition = publish(lifecycle, body=body)
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error
    assert connections == []
    text, _reader = text_of(pdf_files()[0])
    assert "root:" not in text


def test_css_strings_are_escaped():
    assert pdf.css_string('a"b\\c') == '"a\\22 b\\5c c"'
    assert "counter(pages)" in pdf.page_x_of_y_css()


# --- pages --------------------------------------------------------------------


def test_the_pdf_is_downloaded_and_its_state_polled(
    client, lifecycle, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        edition = publish(lifecycle)
    edition.refresh_from_db()

    status = client.get(reverse("standards_pdf:edition_pdf_status", args=[edition.pk]))
    assert status.json() == {
        "state": "ready",
        "size": edition.pdf_size,
        "pages": edition.pdf_pages,
        "sha256": edition.pdf_sha256,
    }
    response = client.get(reverse("standards_pdf:edition_pdf", args=[edition.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_pending_pdf_is_not_found_and_its_state_says_so(client, lifecycle):
    edition = publish(lifecycle)  # no commit callbacks: still pending
    from django.urls import reverse

    assert (
        client.get(reverse("standards_pdf:edition_pdf", args=[edition.pk])).status_code
        == 404
    )
    status = client.get(reverse("standards_pdf:edition_pdf_status", args=[edition.pk]))
    assert status.json() == {"state": "pending"}


def test_the_leader_renders_again_from_the_page(
    client, lifecycle, world, settings, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    settings.PDF_MAX_PAGES = 1
    with django_capture_on_commit_callbacks(execute=True):
        edition = publish(lifecycle)
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.FAILED
    url = reverse("standards_pdf:edition_rerender", args=[edition.pk])

    client.force_login(world.deputy)
    assert client.post(url).status_code == 403
    settings.PDF_MAX_PAGES = 500
    client.force_login(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": "/standards/"})
    assert response.status_code == 302 and response["Location"] == "/standards/"
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.READY


def test_a_certificate_is_seen_only_by_those_who_see_the_draft(
    client, lifecycle, world, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        standard = lifecycle.certified()
    audit = Audit.objects.get(standard=standard)
    url = reverse("standards_pdf:certificate_pdf", args=[audit.pk])

    client.force_login(world.other_member)
    assert client.get(url).status_code == 404
    client.force_login(world.member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
