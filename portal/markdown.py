"""Markdown written by people, rendered to HTML that is safe to show.

Python-Markdown turns the text into HTML (raw HTML in the text passes through
it), and nh3 then keeps only an allow-list of tags, attributes and URL schemes,
so scripts, event handlers, ``javascript:`` links and images never reach a page.
"""

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


def render_markdown(text: str | None) -> SafeString:
    """Render ``text`` as Markdown and sanitise the result."""
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
    return mark_safe(cleaned)  # noqa: S308 — sanitised by nh3 just above
