"""A page of results is written by catalogue_tags.result_rows (format_html,
not a template loop): what each row shows, escaped as the template did."""

from datetime import date

from django.utils import translation
from django.utils.safestring import mark_safe

from catalogue.selectors import ResultRow
from catalogue.templatetags.catalogue_tags import result_rows, select_options


def row(**values):
    defaults = {
        "pk": 7,
        "number": "LLM-0007",
        "url": "/standards/7/",
        "title": "Evaluation of medical LLMs",
        "public_scope": "",
        "public_status": "under_renewal",
        "status_label": "In force — under renewal",
        "field": "Medical Subfield",
        "field_parent": "Medical Field",
        "work_item": "Evaluation methods",
        "organisation": "Acme Labs",
        "published_on": date(2026, 3, 5),
        "edition_number": 2,
        "snippet": None,
    }
    defaults.update(values)
    return ResultRow(**defaults)


def test_a_row_shows_what_a_result_shows():
    html = result_rows([row()])
    assert html.startswith('<li class="card catalogue-result">')
    assert '<span class="catalogue-number">LLM-0007</span>' in html
    assert (
        '<span class="badge public-status status-under_renewal">'
        "In force — under renewal</span>" in html
    )
    assert '<a href="/standards/7/">Evaluation of medical LLMs</a>' in html
    assert "Medical Field › Medical Subfield · Evaluation methods · Acme Labs" in html
    assert '<time datetime="2026-03-05">March 5, 2026</time>' in html
    assert html.endswith(" · edition 2</p></li>")


def test_what_a_row_lacks_is_left_out():
    html = result_rows(
        [
            row(
                number="",
                public_status="",
                field_parent="",
                work_item="",
                published_on=None,
                edition_number=1,
            )
        ]
    )
    assert "catalogue-number" not in html
    assert "badge" not in html
    assert "<time" not in html
    assert "edition" not in html
    assert '<p class="meta">Medical Subfield · Acme Labs</p>' in html


def test_text_is_escaped_and_the_snippet_keeps_its_marks():
    html = result_rows(
        [
            row(
                title="<script>alert(1)</script>",
                organisation="A & B",
                snippet=mark_safe("about <mark>evaluation</mark> &amp; more"),
            )
        ]
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B" in html
    assert (
        '<p class="catalogue-snippet">about <mark>evaluation</mark> &amp; more' in html
    )


def test_chinese_readers_get_chinese_dates_and_editions():
    with translation.override("zh-hans"):
        html = result_rows([row()])
    assert "2026年3月5日" in html
    assert "第 2 版" in html


def test_the_chosen_option_is_selected_and_labels_are_escaped():
    html = select_options([("a", "Alpha"), ("b", "<B>"), (2026, 2026)], 2026)
    assert html == (
        '<option value="a">Alpha</option>'
        '<option value="b">&lt;B&gt;</option>'
        '<option value="2026" selected>2026</option>'
    )
    assert "selected" not in select_options([("a", "Alpha")], None)
