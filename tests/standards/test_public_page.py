"""A standard's public page: contents of the text, the diff of two editions,
"cite this" (plain text and BibTeX), page metadata, and a number of SQL
queries that does not grow with the editions, the history or the standards."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.markdown import render_markdown_with_toc
from standards import services
from standards.citation import bibtex_escape, bibtex_url

BODY_1 = (
    "# Scope\n\nEvaluating medical LLMs.\n\n"
    "## Terms & definitions\n\nA term.\n\n"
    "## Terms & definitions\n\nThe same heading again.\n\n"
    "# 评测方法\n\n评测大模型。\n\n"
    "### Too deep for the contents\n\nDetail.\n"
)
BODY_2 = BODY_1.replace("Evaluating medical LLMs.", "Evaluating medical LLMs safely.")


def detail_url(standard):
    return reverse("standards:detail", kwargs={"pk": standard.pk})


def diff_url(standard, **params):
    url = reverse("standards:edition_diff", kwargs={"pk": standard.pk})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def publish_with_body(lifecycle, world, body=BODY_1, **kwargs):
    standard = lifecycle.draft(with_version=False, **kwargs)
    services.version_create(standard_id=standard.pk, actor=world.member, body=body)
    lifecycle.go(standard, "submit", world.member)
    services.experts_assign(
        standard_id=standard.pk,
        actor=world.deputy,
        experts=[world.expert1, world.expert2],
    )
    return _approve_to_publication(lifecycle, world, standard)


def _approve_to_publication(lifecycle, world, standard):
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    lifecycle.go(standard, "advance_to_audit", world.deputy)
    lifecycle.go(standard, "certify", world.auditor)
    return lifecycle.go(standard, "publish", world.leader)


def publish_new_edition(lifecycle, world, standard, body):
    """Renew a published standard and publish its next edition."""
    lifecycle.go(standard, "start_renewal", world.deputy)
    services.version_create(standard_id=standard.pk, actor=world.member, body=body)
    lifecycle.go(standard, "submit", world.member)
    return _approve_to_publication(lifecycle, world, standard)


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


# --- table of contents --------------------------------------------------------


def test_headings_get_unique_slug_ids_and_a_table_of_contents():
    html, toc = render_markdown_with_toc(BODY_1)

    assert '<h2 id="sec-scope">Scope</h2>' in html
    assert '<h3 id="sec-terms-definitions">Terms &amp; definitions</h3>' in html
    assert '<h3 id="sec-terms-definitions-2">Terms &amp; definitions</h3>' in html
    assert '<h2 id="sec-评测方法">评测方法</h2>' in html
    assert '<h4 id="sec-too-deep-for-the-contents">' in html
    assert [(e.id, e.text, e.depth) for e in toc] == [
        ("sec-scope", "Scope", 0),
        ("sec-terms-definitions", "Terms & definitions", 1),
        ("sec-terms-definitions-2", "Terms & definitions", 1),
        ("sec-评测方法", "评测方法", 0),
    ]


def test_ids_and_attributes_written_in_the_text_never_reach_the_page():
    html, toc = render_markdown_with_toc(
        '<h2 id="main" class="x" onclick="alert(1)">Raw <b>bold</b></h2>\n\n'
        '# <span id="text">Inline</span>\n\n'
        "# \n\n"
        "# !!!\n"
    )
    assert 'id="main"' not in html and 'id="text"' not in html
    assert "onclick" not in html and "class=" not in html
    assert '<h3 id="sec-raw-bold">Raw <b>bold</b></h3>' in html
    assert '<h2 id="sec-inline">Inline</h2>' in html
    # Nothing to slugify: a generic id; an empty heading is left out of the
    # contents.
    assert '<h2 id="sec-section"></h2>' in html
    assert '<h2 id="sec-section-2">!!!</h2>' in html
    assert [e.id for e in toc] == ["sec-raw-bold", "sec-inline", "sec-section-2"]


def test_rendering_with_a_toc_keeps_the_sanitiser():
    html, _toc = render_markdown_with_toc(
        "# Title\n\n<script>alert(1)</script>[x](javascript:alert(2))"
    )
    assert "<script" not in html and "javascript" not in html
    assert render_markdown_with_toc("") == ("", [])


def test_public_page_has_a_table_of_contents_linking_to_the_headings(
    client, lifecycle, world
):
    standard = publish_with_body(lifecycle, world)

    html = page(client, detail_url(standard))

    assert 'aria-labelledby="toc-title"' in html
    for anchor in ("sec-scope", "sec-terms-definitions", "sec-terms-definitions-2"):
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}"' in html
    assert 'href="#sec-评测方法"' in html
    assert 'href="#sec-too-deep-for-the-contents"' not in html
    assert "Terms &amp; definitions</a>" in html


# --- diff between editions ----------------------------------------------------


def test_page_of_a_standard_with_two_editions_offers_to_compare_them(
    client, lifecycle, world
):
    standard = publish_with_body(lifecycle, world)
    html = page(client, detail_url(standard))
    assert diff_url(standard) not in html  # one edition: nothing to compare

    publish_new_edition(lifecycle, world, standard, BODY_2)

    html = page(client, detail_url(standard))
    assert f'action="{diff_url(standard)}"' in html
    assert re.search(r'<option value="1" selected>', html)
    assert re.search(r'<option value="2" selected>', html)


def test_diff_between_two_editions_is_public(client, lifecycle, world):
    standard = publish_with_body(lifecycle, world)
    publish_new_edition(lifecycle, world, standard, BODY_2)

    html = page(client, diff_url(standard, a=1, b=2))

    assert "From edition 1 to edition 2" in html
    # The changed line, with only the inserted word marked.
    assert "Evaluating medical LLMs<ins> safely</ins>." in html
    assert "<del>" not in html
    assert "1 line added, 1 line removed." in html

    # Without a choice: the last two editions.
    assert "From edition 1 to edition 2" in page(client, diff_url(standard))
    # Backwards works too.
    assert "Evaluating medical LLMs<del> safely</del>." in page(
        client, diff_url(standard, a=2, b=1)
    )
    assert "The texts of these editions are the same." in page(
        client, diff_url(standard, a=2, b=2)
    )


def test_diff_shows_the_text_escaped(client, lifecycle, world):
    standard = publish_with_body(lifecycle, world)
    publish_new_edition(
        lifecycle, world, standard, BODY_1 + "\n<script>alert(1)</script>\n"
    )
    html = page(client, diff_url(standard, a=1, b=2))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "params",
    [
        {"a": 1, "b": 9},
        {"a": "x", "b": 2},
        {"a": 1},
        {"a": "", "b": ""},
        {"a": -1, "b": 2},
    ],
)
def test_unknown_editions_get_a_clear_message_not_a_server_error(
    client, lifecycle, world, params
):
    standard = publish_with_body(lifecycle, world)
    publish_new_edition(lifecycle, world, standard, BODY_2)

    html = page(client, diff_url(standard, **params), status=400)

    assert (
        "This standard has no such edition." in html
        or "This field is required." in html
    )


def test_a_standard_with_one_edition_has_nothing_to_compare(client, lifecycle, world):
    standard = publish_with_body(lifecycle, world)
    html = page(client, diff_url(standard))
    assert "This standard has only one edition" in html


def test_diff_of_a_draft_or_unknown_standard_is_not_found(client, lifecycle, world):
    draft = lifecycle.certified()
    page(client, diff_url(draft, a=1, b=1), status=404)
    page(client, reverse("standards:edition_diff", kwargs={"pk": 99999}), status=404)


# --- cite this ----------------------------------------------------------------


def test_page_shows_a_plain_text_and_a_bibtex_citation(client, lifecycle, world):
    standard = publish_with_body(lifecycle, world)
    standard.refresh_from_db()
    edition = standard.editions.get()
    url = f"http://testserver{detail_url(standard)}"

    html = page(client, detail_url(standard))

    plain = (
        f"LLM Standards Working Group. {standard.number}, "
        f"Evaluation of medical LLMs. Edition 1, "
        f"{edition.published_on.isoformat()}. {url}"
    )
    assert plain in html
    assert "@techreport{" in html
    assert "publisher = {LLM Standards Working Group}," in html
    assert f"url = {{{url}}}," in html
    assert reverse("standards:cite_bibtex", kwargs={"pk": standard.pk}) in html


def test_bibtex_download(client, lifecycle, world):
    standard = publish_with_body(lifecycle, world)
    publish_new_edition(lifecycle, world, standard, BODY_2)
    standard.refresh_from_db()
    in_force = standard.editions.get(edition=2)

    response = client.get(reverse("standards:cite_bibtex", kwargs={"pk": standard.pk}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-bibtex")
    key = re.sub(r"[^a-z0-9]+", "-", standard.number.lower())
    assert response["Content-Disposition"] == f'attachment; filename="{key}.bib"'
    text = response.content.decode()
    assert text.startswith(f"@techreport{{{key},\n")
    assert "  author = {{LLM Standards Working Group}},\n" in text
    assert "  title = {Evaluation of medical LLMs},\n" in text
    assert f"  number = {{{standard.number}}},\n" in text
    assert "  organization = {LLM Standards Working Group},\n" in text
    assert "  edition = {2},\n" in text
    assert f"  year = {{{in_force.published_on.year}}},\n" in text
    assert f"  date = {{{in_force.published_on.isoformat()}}},\n" in text
    assert f"  url = {{http://testserver{detail_url(standard)}}},\n" in text
    assert text.endswith("}\n")


def test_bibtex_special_characters_are_escaped(client, lifecycle, world):
    assert bibtex_escape("50% & {more} $x$ #1 a_b ^ ~ \\cmd") == (
        r"50\% \& \{more\} \$x\$ \#1 a\_b \textasciicircum{} "
        r"\textasciitilde{} \textbackslash{}cmd"
    )
    # A URL is taken verbatim: what would break the entry is percent-encoded.
    assert bibtex_url("https://example.org/a_b/{x} y/评测") == (
        "https://example.org/a_b/%7Bx%7D%20y/%E8%AF%84%E6%B5%8B"
    )
    standard = publish_with_body(
        lifecycle, world, title="Safety {}% of LLM_s \\input{x}\nnext"
    )
    text = client.get(
        reverse("standards:cite_bibtex", kwargs={"pk": standard.pk})
    ).content.decode()
    assert (
        r"  title = {Safety \{\}\% of LLM\_s \textbackslash{}input\{x\} next}," in text
    )


def test_no_citation_of_a_draft(client, lifecycle):
    draft = lifecycle.certified()
    response = client.get(reverse("standards:cite_bibtex", kwargs={"pk": draft.pk}))
    assert response.status_code == 404


# --- metadata -----------------------------------------------------------------


def meta(html, prop):
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return match[1] if match else None


def test_page_has_title_description_opengraph_and_canonical(client, lifecycle, world):
    standard = publish_with_body(
        lifecycle, world, scope="How to evaluate\nmedical LLMs & their <safety>."
    )
    standard.refresh_from_db()
    url = f"http://testserver{detail_url(standard)}"

    html = page(client, detail_url(standard))

    assert (
        f"<title>{standard.number} Evaluation of medical LLMs · "
        "LLM Standards Working Group</title>"
    ) in html
    description = "How to evaluate medical LLMs &amp; their &lt;safety&gt;."
    assert f'<meta name="description" content="{description}">' in html
    assert meta(html, "og:title") == f"{standard.number} Evaluation of medical LLMs"
    assert meta(html, "og:description") == description
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:url") == url
    assert meta(html, "og:site_name") == "LLM Standards Working Group"
    assert f'<link rel="canonical" href="{url}">' in html
    assert html.count('property="og:title"') == 1


def test_every_page_has_default_opengraph_tags(client, db):
    html = page(client, reverse("home"))
    assert meta(html, "og:title") == "LLM Standards Working Group"
    assert meta(html, "og:site_name") == "LLM Standards Working Group"
    assert meta(html, "og:description")


# --- query counts -------------------------------------------------------------


def count_queries(client, address, user=None) -> int:
    if user:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_public_page_queries_do_not_grow_with_editions_and_history(
    client, lifecycle, world
):
    small = publish_with_body(lifecycle, world, title="Small")
    large = publish_with_body(lifecycle, world, title="Large")
    for n in range(3):
        publish_new_edition(
            lifecycle, world, large, BODY_2 + f"\n# Annex {n}\n\nMore text.\n"
        )
    assert large.editions.count() == 4
    assert large.history.count() > 3 * small.history.count()

    # The public page: 5, then 6 since it lists the meetings that discussed
    # the standard (issue 17).
    for address, queries in ((detail_url, 6), (diff_url, 2)):
        counted = count_queries(client, address(small))
        assert counted == queries
        assert counted == count_queries(client, address(large))


def test_dashboard_queries_do_not_grow_with_the_number_of_standards(
    client, lifecycle, world
):
    lifecycle.published(title="Published 0")
    lifecycle.draft(title="Draft 0")
    small = count_queries(client, reverse("standards:dashboard"), world.leader)
    # "My work" (waiting, reviews, periodic reviews, recently published),
    # then the pipeline: 15, then 17 since it shows the leader's meeting
    # actions and overdue ones, and the work plan items at risk (issue 17).
    assert small == 17
    for n in range(1, 6):
        lifecycle.published(title=f"Published {n}", field=world.field)
        lifecycle.in_audit(title=f"In audit {n}")
        lifecycle.draft(title=f"Draft {n}", field=world.field)
    large = count_queries(client, reverse("standards:dashboard"), world.leader)
    assert small == large
