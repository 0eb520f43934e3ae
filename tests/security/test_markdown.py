"""Markdown bodies cannot stall or crash the portal (issue 12).

Cost is measured as work, never as time: the characters Python-Markdown's
scanning helpers (link text, link destination, code spans) walk over, and
the probes of the heading-id loop. Before the fix these grew with the square
of the input; now they grow linearly, and pages show the HTML stored when the
version was uploaded, without rendering again.
"""

import logging
import re
from unittest import mock

import markdown.inlinepatterns as ip
import pytest
from django.urls import reverse

from portal import markdown as md
from standards import pdf, services
from standards.models import Edition, Version

from ..api.conftest import assert_error

# --- measuring the work ------------------------------------------------------


class Scanned:
    """Counts the characters Python-Markdown's scanning helpers walk over."""

    def __init__(self, monkeypatch):
        self.chars = 0
        get_text = ip.LinkInlineProcessor.getText
        get_link = ip.LinkInlineProcessor.getLink
        code_spans = ip.BacktickInlineProcessor.find_code_spans

        def counted_text(proc, data, index):
            result = get_text(proc, data, index)
            self.chars += result[1] - index
            return result

        def counted_link(proc, data, index):
            result = get_link(proc, data, index)
            self.chars += result[2] - index
            return result

        def counted_spans(proc, start, text):
            result = code_spans(proc, start, text)
            self.chars += (len(text) if result[1] is None else result[1]) - start
            return result

        monkeypatch.setattr(ip.LinkInlineProcessor, "getText", counted_text)
        monkeypatch.setattr(ip.LinkInlineProcessor, "getLink", counted_link)
        monkeypatch.setattr(
            ip.BacktickInlineProcessor, "find_code_spans", counted_spans
        )

    def of(self, text: str) -> int:
        self.chars = 0
        md.render_markdown_html(text)
        return self.chars


PATHOLOGICAL = {
    # The issue's cases, at a quarter of their size (then twice that).
    "brackets": lambda n: "[" * n + "x" + "]" * n,
    "open links": lambda n: "[a](" * n,
    "open images": lambda n: "![a](" * n,
    "open references": lambda n: "[a][" * n,
    "open brackets": lambda n: "[ " * n,
    "nested link destinations": lambda n: "[a](" * n + ")" * n,
    "unclosed code spans": lambda n: "".join(
        "`" * (k % 50 + 1) + " x " for k in range(n)
    ),
    "unclosed fences": lambda n: "```a\n" * n,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_markdown_costs_work_linear_in_its_length(monkeypatch, name):
    scanned = Scanned(monkeypatch)
    make = PATHOLOGICAL[name]
    small, large = make(2_000), make(4_000)

    cost_small, cost_large = scanned.of(small), scanned.of(large)

    # Linear: a bounded number of characters scanned per input character, and
    # twice the input at most about twice the work (square growth gives 4x).
    assert cost_large <= 20 * len(large), (cost_small, cost_large)
    assert cost_large <= 2.5 * max(cost_small, len(small)), (cost_small, cost_large)


def test_the_issues_bodies_are_neutralised_to_linear_size_and_render():
    brackets = "[" * 8_000 + "x" + "]" * 8_000
    links = "[a](" * 20_000
    for text in (brackets, links):
        neutral = md.neutralise(text)
        assert len(neutral) <= 3 * len(text)
        html = md.render_markdown_html(text)
        assert "x" in html or "a" in html
    # What is shown is the text as written.
    assert "[[[" in md.render_markdown_html("[" * 100 + "x" + "]" * 100)


def test_an_ordinary_text_is_not_changed_by_the_neutraliser():
    text = (
        "# Scope\n\n- one [link](https://example.org) (see [2])\n"
        "    - nested `code [` here`\n\n> quoted <b>x</b>\n\n"
        "```\n[[[ not touched\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert md.neutralise(text) == text


def test_twenty_thousand_identical_headings_get_ids_in_linear_probes():
    class CountingSet(set):
        probes = 0

        def __contains__(self, item):
            CountingSet.probes += 1
            return super().__contains__(item)

    anchors = md._Anchors("sec-")
    anchors.taken = CountingSet()
    ids = [anchors("Scope") for _ in range(20_000)]

    assert len(set(ids)) == 20_000
    assert ids[:3] == ["sec-scope", "sec-scope-2", "sec-scope-3"]
    assert CountingSet.probes <= 3 * 20_000


def test_heading_ids_stay_unique_when_a_title_looks_like_a_numbered_one():
    html, toc = md.html_with_toc(
        "<h1>a</h1><h1>a-2</h1><h1>a</h1><h1>a</h1>", shift_headings=0, id_prefix=""
    )
    assert [e.id for e in toc] == ["a", "a-2", "a-3", "a-4"] or len(
        {e.id for e in toc}
    ) == 4
    assert len(set(re.findall(r'id="([^"]+)"', html))) == 4


def deep_list(depth: int) -> str:
    return "".join("    " * i + "- level\n" for i in range(depth))


@pytest.mark.parametrize(
    "text",
    [
        deep_list(250),
        "- " * 2_000 + "x",
        "1. " * 2_000 + "x",
        "> " * 2_000 + "x",
        "> - " * 500 + "x",
    ],
    ids=["indented list", "one-line list", "one-line ordered", "quotes", "mixed"],
)
def test_nesting_is_capped_and_renders(text):
    html = md.render_markdown_html(text)
    assert not html.startswith("<pre>")  # rendered, not the fallback
    assert (
        html.count("<ul>") + html.count("<ol>") + html.count("<blockquote>")
        <= 2 * md.MAX_NESTING + 2
    )


def test_a_text_the_renderer_cannot_handle_falls_back_to_escaped_plain_text(
    monkeypatch, caplog
):
    def recurse(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(md.markdown_lib, "markdown", recurse)
    with caplog.at_level(logging.WARNING, logger="portal.markdown"):
        html = md.render_markdown_html("<script>x</script> *a*")
    assert html == "<pre>&lt;script&gt;x&lt;/script&gt; *a*</pre>"
    assert "not rendered" in caplog.text


# --- pages and PDFs ------------------------------------------------------------


def _versions_url(standard):
    return reverse("standards:version_new", kwargs={"pk": standard.pk})


def test_a_250_deep_list_shows_on_every_page_and_in_the_pdf(client, lifecycle, world):
    standard = lifecycle.draft()
    services.version_create(
        standard_id=standard.pk, actor=world.member, body=deep_list(250)
    )
    client.force_login(world.member)
    for url in (
        reverse("standards:draft", kwargs={"pk": standard.pk}),
        reverse("standards:version", kwargs={"pk": standard.pk, "number": 2}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "level" in response.content.decode()

    lifecycle.go(standard, "submit", world.member)
    services.experts_assign(
        standard_id=standard.pk,
        actor=world.deputy,
        experts=[world.expert1, world.expert2],
    )
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    lifecycle.go(standard, "advance_to_audit", world.deputy)
    lifecycle.go(standard, "certify", world.auditor)
    lifecycle.go(standard, "publish", world.leader)

    client.logout()
    response = client.get(reverse("standards:detail", kwargs={"pk": standard.pk}))
    assert response.status_code == 200
    edition = pdf.edition_render_pdf(
        edition_id=Edition.objects.get(standard=standard).pk
    )
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error


def test_old_rows_with_a_deep_list_and_no_stored_html_do_not_crash_pages(
    client, lifecycle, world
):
    standard = lifecycle.draft()
    Version.objects.filter(standard=standard).update(body=deep_list(250), body_html="")
    client.force_login(world.member)
    response = client.get(
        reverse("standards:version", kwargs={"pk": standard.pk, "number": 1})
    )
    assert response.status_code == 200
    # Rendered once, then kept.
    assert Version.objects.get(standard=standard).body_html.startswith("<ul>")


def test_pages_and_pdfs_show_the_stored_html_and_never_render(
    client, lifecycle, world, monkeypatch
):
    standard = lifecycle.published()
    version = Version.objects.get(standard=standard)
    assert "<h1>Scope</h1>" in version.body_html

    renderer = mock.Mock(side_effect=AssertionError("rendered on a page view"))
    monkeypatch.setattr(md.markdown_lib, "markdown", renderer)
    client.force_login(world.member)
    for url in (
        reverse("standards:version", kwargs={"pk": standard.pk, "number": 1}),
        reverse("standards:detail", kwargs={"pk": standard.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "Evaluating medical LLMs." in response.content.decode()
    html = pdf.edition_html(Edition.objects.get(standard=standard))
    assert 'id="sec-scope"' in html
    renderer.assert_not_called()


def test_an_oversize_body_is_refused_on_the_form_with_a_message(
    client, lifecycle, world, settings
):
    settings.MAX_BODY_CHARS = 100
    standard = lifecycle.draft()
    client.force_login(world.member)
    response = client.post(_versions_url(standard), {"body": "x" * 101})
    # Post-redirect-get: the form's own page says why, once, with the status.
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 400
    html = page.content.decode()
    assert "The text is too long: 101 characters, at most 100" in html
    assert "x" * 101 in html  # what was typed is kept in the form
    assert standard.versions.count() == 1


def test_an_oversize_body_is_refused_by_the_api_with_the_json_error(
    as_user, lifecycle, world, settings
):
    settings.MAX_BODY_CHARS = 100
    standard = lifecycle.draft()
    response = as_user(world.member).post(
        f"/api/v1/standards/{standard.pk}/versions/", {"body": "x" * 101}
    )
    body = assert_error(response, 400, field="body")
    assert "at most 100" in str(body["errors"]["body"])
    assert standard.versions.count() == 1


def test_the_service_refuses_an_oversize_body_too(lifecycle, world, settings):
    from portal.errors import ApplicationError

    settings.MAX_BODY_CHARS = 100
    standard = lifecycle.draft()
    with pytest.raises(ApplicationError, match="too long"):
        services.version_create(
            standard_id=standard.pk, actor=world.member, body="x" * 101
        )


def test_the_pdf_render_has_a_time_budget_on_the_main_thread(settings, monkeypatch):
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("the budget is only set on the main thread")
    seen = {}

    def fake_render(*args, **kwargs):
        seen["timer"] = signal.getitimer(signal.ITIMER_REAL)[0]
        raise pdf._OutOfTime

    settings.PDF_SOFT_TIME_LIMIT = 7
    from weasyprint import HTML

    monkeypatch.setattr(HTML, "render", fake_render)
    with pytest.raises(pdf.PdfRenderError, match="longer than 7 seconds"):
        pdf.render_pdf("<p>x</p>")
    assert 0 < seen["timer"] <= 7
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
