"""Markdown written by people, rendered to HTML that is safe to show.

Python-Markdown turns the text into HTML (raw HTML in the text passes through
it), and nh3 then keeps only an allow-list of tags, attributes and URL schemes,
so scripts, event handlers, ``javascript:`` links and images never reach a page.
"""

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "b",
        "i",
        "del",
        "sup",
        "sub",
        "blockquote",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}


_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def render_markdown(text: str | None, *, shift_headings: int = 0) -> SafeString:
    """Render ``text`` as Markdown and sanitise the result.

    ``shift_headings`` moves every heading down that many levels (at most to
    ``h6``), so a text that starts with ``# Scope`` does not add a second
    ``h1`` to a page that has its own title."""
    if not text:
        return mark_safe("")  # noqa: S308 — empty
    html = markdown_lib.markdown(
        str(text), extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS
    )
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    if shift_headings:
        cleaned = _HEADING_TAG.sub(
            lambda m: f"<{m[1]}h{min(int(m[2]) + shift_headings, 6)}", cleaned
        )
    return mark_safe(cleaned)  # noqa: S308 — sanitised by nh3 just above
