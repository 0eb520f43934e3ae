from django.template import Context, Template
from django.utils.safestring import SafeString

from portal.markdown import render_markdown


def test_markdown_renders_headings_lists_tables_code_and_links():
    html = render_markdown(
        "# Scope\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```\nx = 1\n```\n\n[IETF](https://www.ietf.org) and <mailto:wg@example.org>"
    )
    assert isinstance(html, SafeString)
    assert "<h1>Scope</h1>" in html
    assert "<li>one</li>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>x = 1" in html
    assert '<a href="https://www.ietf.org" rel="noopener noreferrer">IETF</a>' in html
    assert 'href="mailto:wg@example.org"' in html


def test_markdown_removes_scripts():
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html
    assert "alert" not in html


def test_markdown_removes_javascript_and_data_links():
    html = render_markdown(
        "[click](javascript:alert(1)) <a href='data:text/html,x'>d</a> "
        '<a href="JaVaScRiPt:alert(2)">e</a>'
    )
    assert "javascript" not in html.lower()
    assert "data:" not in html
    assert "click" in html


def test_markdown_removes_event_handlers_and_images():
    html = render_markdown(
        '<img src="x" onerror="alert(1)"> ![pic](https://example.org/a.png) '
        '<p onclick="alert(2)" style="color:red">text</p>'
    )
    assert "onerror" not in html
    assert "onclick" not in html
    assert "style" not in html
    assert "<img" not in html
    assert "text" in html


def test_markdown_of_nothing_is_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_markdown_template_filter():
    template = Template("{% load portal_tags %}{{ text|markdown }}")
    html = template.render(Context({"text": "**bold** <script>x</script>"}))
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html


def test_headings_move_below_the_pages_title_in_templates():
    from django.template import Context, Template

    html = Template("{% load portal_tags %}{{ text|markdown }}").render(
        Context({"text": "# Scope\n\n###### Deep\n\ntext"})
    )
    assert "<h2>Scope</h2>" in html and "<h1" not in html
    assert "<h6>Deep</h6>" in html


def test_render_markdown_keeps_heading_levels_by_default():
    from portal.markdown import render_markdown

    assert "<h1>Scope</h1>" in render_markdown("# Scope")
