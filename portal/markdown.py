"""Markdown written by people, rendered to HTML that is safe to show.

Python-Markdown turns the text into HTML (raw HTML in the text passes through
it), and nh3 then keeps only an allow-list of tags, attributes and URL schemes,
so scripts, event handlers, ``javascript:`` links and images never reach a page.
"""

import re
from dataclasses import dataclass
from html import unescape

import markdown as markdown_lib
import nh3
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

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


@dataclass(frozen=True)
class TocEntry:
    """One heading of a rendered text: its level (after any shift), the id
    given to it and its text (plain, to be escaped by the template)."""

    level: int
    id: str
    text: str
    depth: int = 0  # 0 for the text's top headings, 1 below them, …


# After nh3, a heading has no attribute at all (none is allowed on it), and
# headings cannot nest, so this pattern finds every one of them.
_SANITISED_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)


def _anchor(text: str, taken: set[str], prefix: str) -> str:
    base = slugify(text, allow_unicode=True) or "section"
    anchor = f"{prefix}{base}"
    n = 2
    while anchor in taken:
        anchor = f"{prefix}{base}-{n}"
        n += 1
    taken.add(anchor)
    return anchor


def render_markdown_with_toc(
    text: str | None,
    *,
    shift_headings: int = 1,
    id_prefix: str = "sec-",
    toc_depth: int = 2,
) -> tuple[SafeString, list[TocEntry]]:
    """Render ``text`` like ``render_markdown`` and give its headings ids.

    Ids are made here from the heading's text (slugified, Chinese kept, made
    unique with ``-2``, ``-3``…) and added after sanitising, so nothing a
    writer puts in the text (ids, attributes) ever reaches the page. The
    ``id_prefix`` keeps them apart from the page's own ids. The table of
    contents lists the headings of the ``toc_depth`` top levels of the text."""
    html = str(render_markdown(text, shift_headings=shift_headings))
    taken: set[str] = set()
    found: list[TocEntry] = []

    def identify(match: re.Match) -> str:
        level, inner = int(match[1]), match[2]
        title = unescape(strip_tags(inner)).strip()
        anchor = _anchor(title, taken, id_prefix)
        found.append(TocEntry(level=level, id=anchor, text=title))
        return f'<h{level} id="{escape(anchor)}">{inner}</h{level}>'

    html = _SANITISED_HEADING.sub(identify, html)
    top = min((entry.level for entry in found), default=0)
    toc = [
        TocEntry(entry.level, entry.id, entry.text, depth=entry.level - top)
        for entry in found
        if entry.level - top < toc_depth and entry.text
    ]
    return mark_safe(html), toc  # noqa: S308 — sanitised; ids made and escaped here
