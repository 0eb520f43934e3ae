"""Markdown written by people, rendered to HTML that is safe to show.

Python-Markdown turns the text into HTML (raw HTML in the text passes through
it), and nh3 then keeps only an allow-list of tags, attributes and URL schemes,
so scripts, event handlers, ``javascript:`` links and images never reach a page.
"""

import bisect
import logging
import re
from dataclasses import dataclass
from html import unescape

import markdown as markdown_lib
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


# --- limits -------------------------------------------------------------------


def validate_markdown_length(value: str | None) -> None:
    """Refuse a text longer than ``settings.MAX_BODY_CHARS`` characters. The
    one check of a version's text, shared by the model field, the web form,
    the API and the service."""
    limit = settings.MAX_BODY_CHARS
    length = len(value or "")
    if length > limit:
        raise ValidationError(
            _(
                "The text is too long: %(length)d characters, at most "
                "%(limit)d are allowed."
            )
            % {"length": length, "limit": limit},
            code="max_length",
        )


# --- neutralising pathological constructs ----------------------------------------
#
# Python-Markdown looks for the end of a link's text, destination, a code
# fence or a raw HTML tag by scanning forward, once per opening character: a
# text of many unmatched or deeply nested ``[``, ``](``, ``<`` or code fences
# costs time in the square of its length, and nesting is parsed by recursion.
# ``neutralise`` rewrites just those constructs, in time linear in the text,
# before Python-Markdown sees it, so that what is left costs at most
# ``SCAN_BUDGET`` scanned characters per block:
#
# - list and quote markers deeper than ``MAX_NESTING`` are escaped (their
#   lines join the level above), and deep indentation of such lines capped;
# - a code fence that is never closed is escaped (it is text, as before);
# - in a block (lines between blank lines) whose unmatched brackets or
#   parentheses, brackets nested deeper than ``MAX_BRACKET_DEPTH``, and
#   ``<`` that cannot open a tag would cost more than ``SCAN_BUDGET``, those
#   are escaped; so are the lines after its headings and rules split apart.
#
# An escaped character shows as itself, so an ordinary text is untouched and
# a hostile one renders as the text it is. Code in fences is never changed.

MAX_NESTING = 20  # list and quote levels
MAX_BRACKET_DEPTH = 8  # [ ] or ( ) inside one another
SCAN_BUDGET = 200_000  # characters Python-Markdown may rescan per block
# Python-Markdown copies a paragraph's text once per inline match: a block
# whose markup characters times its length exceed this is cut into
# paragraphs of at most CHUNK_CHARS characters.
COPY_BUDGET = 50_000_000
CHUNK_CHARS = 4_000

_FENCE_OPEN = re.compile(
    r"(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*)?"
    r"(?:hl_lines=(\"|').*?\2[ ]*)?$"
)
_FENCE_CLOSE = re.compile(r"(`{3,}|~{3,})[ ]*$")
_INDENT = re.compile(r"[ \t]*")
_CONTAINER = re.compile(r"(>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$))[ \t]*")
_ATX_HEADING = re.compile(r"#{1,6}(?!#)")
_UNDERLINE_OR_RULE = re.compile(r" {0,3}(?:[=-]+[ ]*|([-*_])[ ]*(?:\1[ ]*){2,})$")
_BACKTICKS = re.compile(r"`+")
_MARKUP = re.compile(r"\\.|[\[\]()<>]", re.DOTALL)
_SPECIAL = re.compile(r"[\\`*_\[\]()<>&!]")
_ESCAPED = {"[": "\\[", "]": "\\]", "(": "\\(", ")": "\\)", "<": "&lt;"}


def _columns(indent: str) -> int:
    return len(indent.expandtabs(4))


def _cap_nesting(line: str) -> str:
    """Escape the list or quote markers of ``line`` beyond ``MAX_NESTING``
    levels (4 columns of indentation count as a level)."""
    indent = _INDENT.match(line)[0]
    pos = len(indent)
    depth = _columns(indent) // 4
    if not _CONTAINER.match(line, pos):
        return line
    if depth > MAX_NESTING:
        line = " " * (4 * MAX_NESTING) + line[pos:]
        pos, depth = 4 * MAX_NESTING, MAX_NESTING
    while match := _CONTAINER.match(line, pos):
        depth += 1
        if depth > MAX_NESTING:
            marker = match[1]
            escaped = f"\\{marker}" if not marker[0].isdigit() else None
            if escaped is None:  # "12." → "12\."
                escaped = f"{marker[:-1]}\\{marker[-1]}"
            return line[:pos] + escaped + line[pos + len(marker) :]
        pos = match.end()
    return line


def _fenced(lines: list[str]) -> list[bool]:
    """Which lines belong to a closed code fence (as Python-Markdown's
    ``fenced_code`` finds them); an opening fence that is never closed is
    escaped in ``lines``, so that it costs nothing and shows as before."""
    closers: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if match := _FENCE_CLOSE.match(line):
            closers.setdefault(match[1], []).append(i)
    inside = [False] * len(lines)
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i]) if lines[i][:1] in "`~" else None
        if match is None:
            i += 1
            continue
        after = closers.get(match[1], [])
        k = bisect.bisect_right(after, i)
        if k == len(after):
            # Never closed: text, as it was; escaped so that neither the
            # fence nor its backticks are looked for again.
            fence = match[1]
            marker = "\\`" * len(fence) if fence[0] == "`" else "&#126;" + fence[1:]
            lines[i] = marker + lines[i][len(fence) :]
            i += 1
            continue
        for j in range(i, after[k] + 1):
            inside[j] = True
        i = after[k] + 1
    return inside


def _code_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The code spans of a block's ``text`` (a run of backticks up to the
    next run of the same length; they may cross lines) and the runs that
    open none, which Python-Markdown scans to the end of the text for."""
    runs = []
    for m in _BACKTICKS.finditer(text):
        a, b = m.span()
        if a and text[a - 1] == "\\" and (a < 2 or text[a - 2] != "\\"):
            a += 1  # the first backtick is escaped
        if a < b:
            runs.append((a, b))
    by_length: dict[int, list[int]] = {}
    for n, (a, b) in enumerate(runs):
        by_length.setdefault(b - a, []).append(n)
    spans, unmatched, n = [], [], 0
    while n < len(runs):
        a, b = runs[n]
        same = by_length[b - a]
        k = bisect.bisect_right(same, n)
        if k == len(same):
            unmatched.append((a, b))
            n += 1
            continue
        spans.append((a, runs[same[k]][1]))
        n = same[k] + 1
    return spans, unmatched


def _block_escapes(text: str) -> list[tuple[int, int]]:
    """The (start, end) of the characters of a block's ``text`` to escape:
    backtick runs that open no code span, unmatched or too deeply nested
    brackets and parentheses, and ``<`` followed by another ``<`` before
    any ``>``."""
    spans, marked = _code_spans(text) if "`" in text else ([], [])
    squares: list[tuple[int, int]] = []
    rounds: list[tuple[int, int]] = []
    open_angle = None
    s = 0
    for match in _MARKUP.finditer(text):
        col = match.start()
        while s < len(spans) and spans[s][1] <= col:
            s += 1
        if s < len(spans) and spans[s][0] <= col or match[0][0] == "\\":
            continue
        c = match[0]
        if c == "[" or c == "(":
            (squares if c == "[" else rounds).append((col, col + 1))
        elif c == "]" or c == ")":
            stack = squares if c == "]" else rounds
            if stack:
                opened = stack.pop()
                if len(stack) >= MAX_BRACKET_DEPTH:
                    marked += (opened, (col, col + 1))
        elif c == "<":
            if open_angle is not None:
                marked.append(open_angle)
            open_angle = (col, col + 1)
        else:  # ">"
            open_angle = None
    marked += squares + rounds
    if open_angle is not None:
        marked.append(open_angle)
    return marked


def _escape(text: str, marked: list[tuple[int, int]]) -> str:
    pieces, start = [], 0
    for a, b in sorted(marked):
        pieces.append(text[start:a])
        pieces.append("".join(_ESCAPED.get(c, "\\" + c) for c in text[a:b]))
        start = b
    pieces.append(text[start:])
    return "".join(pieces)


def _split_after(line: str) -> bool:
    """Whether ``line`` ends a block element by itself (a heading, a setext
    underline, a rule), so that a blank line after it changes nothing."""
    return bool(_ATX_HEADING.match(line) or _UNDERLINE_OR_RULE.match(line))


def _chunks(lines: list[str]) -> list[str]:
    """``lines`` with a blank line at least every ``CHUNK_CHARS`` characters
    (a line longer than that is cut at a space, or anywhere), so that no
    paragraph is longer than that."""
    out: list[str] = []
    size = 0
    for line in lines:
        while len(line) > CHUNK_CHARS:
            cut = line.rfind(" ", 0, CHUNK_CHARS) + 1 or CHUNK_CHARS
            out += (line[:cut], "")
            line, size = line[cut:], 0
        if size and size + len(line) > CHUNK_CHARS:
            out.append("")
            size = 0
        out.append(line)
        size += len(line) + 1
    return out


def _neutralise_block(lines: list[str]) -> list[str]:
    block = "\n".join(lines)
    size = len(block) + 1
    marked = _block_escapes(block)
    if len(marked) * size > SCAN_BUDGET:
        block = _escape(block, marked)
    lines = block.split("\n")
    splits = [n for n, line in enumerate(lines) if _split_after(line)]
    if len(splits) * size > SCAN_BUDGET:
        for n in reversed(splits):
            lines.insert(n + 1, "")
    return lines


def neutralise(text: str) -> str:
    """``text`` with the constructs that would make Python-Markdown slow or
    recurse deeply escaped (see above); linear in the length of ``text``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    inside = _fenced(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        if inside[i] or not lines[i].strip():
            out.append(lines[i])
            i += 1
            continue
        first = i
        while i < len(lines) and not inside[i] and lines[i].strip():
            lines[i] = _cap_nesting(lines[i])
            i += 1
        block = lines[first:i]
        size = sum(len(line) + 1 for line in block)
        specials = sum(len(_SPECIAL.findall(line)) for line in block)
        if specials * size <= COPY_BUDGET:
            out.extend(_neutralise_block(block))
            continue
        # Escaping may double the markup: chunks are cut before, and each
        # is looked at as the paragraph Python-Markdown will see.
        chunk: list[str] = []
        for line in [*_chunks(block), ""]:
            if line:
                chunk.append(line)
            elif chunk:
                out.extend([*_neutralise_block(chunk), ""])
                chunk = []
        out.pop()
    return "\n".join(out)


# --- rendering ------------------------------------------------------------------


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def render_markdown_html(text: str | None) -> str:
    """``text`` rendered and sanitised, headings as written: what a version
    stores (``Version.body_html``) and pages and PDFs show without rendering
    again. Never raises: a text Python-Markdown cannot render (too deep a
    structure that got past ``neutralise``, a bug) shows as plain text."""
    if not text:
        return ""
    text = str(text)
    try:
        html = markdown_lib.markdown(
            neutralise(text),
            extensions=EXTENSIONS,
            extension_configs=EXTENSION_CONFIGS,
        )
    except Exception as exc:  # noqa: BLE001 — RecursionError above all
        logger.warning(
            "Markdown of %d characters not rendered (%s); shown as plain text",
            len(text),
            exc.__class__.__name__,
        )
        return f"<pre>{escape(text)}</pre>"
    return _sanitise(html)


def shift_heading_levels(html: str, levels: int) -> str:
    """Move every heading of sanitised ``html`` down ``levels`` levels (at
    most to ``h6``)."""
    if not levels:
        return html
    return _HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + levels, 6)}", html)


def render_markdown(text: str | None, *, shift_headings: int = 0) -> SafeString:
    """Render ``text`` as Markdown and sanitise the result.

    ``shift_headings`` moves every heading down that many levels (at most to
    ``h6``), so a text that starts with ``# Scope`` does not add a second
    ``h1`` to a page that has its own title."""
    html = shift_heading_levels(render_markdown_html(text), shift_headings)
    return mark_safe(html)  # noqa: S308 — sanitised by nh3


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


class _Anchors:
    """Unique ids for headings: the slug, then ``-2``, ``-3``… In time
    linear in the number of headings, however many share a title: the next
    number to try is kept for each slug."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.taken: set[str] = set()
        self.next: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = f"{self.prefix}{slugify(text, allow_unicode=True) or 'section'}"
        anchor = base
        if anchor in self.taken:
            n = self.next.get(base, 2)
            while f"{base}-{n}" in self.taken:
                n += 1
            anchor = f"{base}-{n}"
            self.next[base] = n + 1
        self.taken.add(anchor)
        return anchor


def render_markdown_with_toc(
    text: str | None,
    *,
    shift_headings: int = 1,
    id_prefix: str = "sec-",
    toc_depth: int = 2,
) -> tuple[SafeString, list[TocEntry]]:
    """Render ``text`` like ``render_markdown`` and give its headings ids
    (``html_with_toc``)."""
    return html_with_toc(
        render_markdown_html(text),
        shift_headings=shift_headings,
        id_prefix=id_prefix,
        toc_depth=toc_depth,
    )


def html_with_toc(
    html: str,
    *,
    shift_headings: int = 1,
    id_prefix: str = "sec-",
    toc_depth: int = 2,
) -> tuple[SafeString, list[TocEntry]]:
    """Give the headings of rendered, sanitised ``html`` (``Version.body_html``)
    ids and list them, without rendering the Markdown again.

    Ids are made here from the heading's text (slugified, Chinese kept, made
    unique with ``-2``, ``-3``…) and added after sanitising, so nothing a
    writer puts in the text (ids, attributes) ever reaches the page. The
    ``id_prefix`` keeps them apart from the page's own ids. The table of
    contents lists the headings of the ``toc_depth`` top levels of the text."""
    html = shift_heading_levels(html or "", shift_headings)
    anchor_for = _Anchors(id_prefix)
    found: list[TocEntry] = []

    def identify(match: re.Match) -> str:
        level, inner = int(match[1]), match[2]
        title = unescape(strip_tags(inner)).strip()
        anchor = anchor_for(title)
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
