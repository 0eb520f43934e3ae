"""Differences between two versions of a standard's text.

The lines are compared first; inside a block of changed lines the words are
compared (``tokenise``: words, runs of spaces and single punctuation marks of
Latin text, single characters of Chinese, Japanese and Korean, which have no
spaces between words), so one phrase inserted in a paragraph marks only that
phrase. A block too large to compare word by word (``MAX_BLOCK_TOKENS``) is
shown line by line, and the diff says so.

Every piece of text is escaped here before it is marked (``<ins>``, ``<del>``),
so a version's Markdown (or any HTML in it) is shown as text, never
interpreted.
"""

import re
from dataclasses import dataclass, field
from itertools import zip_longest

from cydifflib import SequenceMatcher
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Above this many tokens (both sides of a block of changed lines together)
# the block is marked line by line: the word comparison costs up to the
# square of the tokens.
MAX_BLOCK_TOKENS = 5_000

# Han (incl. extension A and compatibility ideographs), kana, hangul, and the
# CJK and full-width punctuation: one token per character.
_CJK = (
    "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uac00-\ud7af\uff00-\uffef"
)
TOKEN = re.compile(rf"\n|[{_CJK}]|[^\W_{_CJK}]+|[^\S\n]+|.", re.DOTALL)


def tokenise(text: str) -> list[str]:
    """``text`` as the tokens the word comparison works on; joined, they give
    ``text`` back."""
    return TOKEN.findall(text)


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "equal", "delete", "insert" or "gap" (unchanged lines left out)
    old_number: int | None
    new_number: int | None
    text: str
    # The line, escaped, its changed words in <del> (a "delete" row) or
    # <ins> (an "insert" row).
    html: SafeString = field(default=SafeString(""), compare=False)


@dataclass(frozen=True)
class SideRow:
    """One row of the side-by-side view: the old line (if any) on the left,
    the new one (if any) on the right."""

    kind: str  # "equal", "change" or "gap"
    old: DiffRow | None
    new: DiffRow | None


@dataclass(frozen=True)
class Diff:
    rows: list[DiffRow]
    added: int
    removed: int
    side_rows: list[SideRow] = field(default_factory=list)
    # Blocks of changed lines too large to compare word by word.
    line_level_blocks: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.added and not self.removed


def _marked(segments: list[tuple[str, bool]], tag: str) -> SafeString:
    html = []
    for text, changed in segments:
        if changed and text:
            html += [f"<{tag}>", escape(text), f"</{tag}>"]
        else:
            html.append(escape(text))
    return mark_safe("".join(html))  # noqa: S308 — every piece escaped above


# Unchanged text this short, with no letter or digit, between two changes is
# marked with them: "<del>a</del> <del>b</del>" reads as "<del>a b</del>".
_GLUE = re.compile(r"[\W_]{1,3}")


def _merge(segments: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Join neighbours of the same kind, and the glue between two changes."""
    for index in range(1, len(segments) - 1):
        text, changed = segments[index]
        if (
            not changed
            and "\n" not in text
            and _GLUE.fullmatch(text)
            and segments[index - 1][1]
            and segments[index + 1][1]
        ):
            segments[index] = (text, True)
    merged: list[tuple[str, bool]] = []
    for text, changed in segments:
        if merged and merged[-1][1] == changed:
            merged[-1] = (merged[-1][0] + text, changed)
        elif text:
            merged.append((text, changed))
    return merged


def _split_lines(segments: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    lines: list[list[tuple[str, bool]]] = [[]]
    for text, changed in segments:
        parts = text.split("\n")
        for number, part in enumerate(parts):
            if number:
                lines.append([])
            if part:
                lines[-1].append((part, changed))
    return lines


def word_diff(
    old_lines: list[str], new_lines: list[str]
) -> tuple[list[SafeString], list[SafeString]] | None:
    """The lines of a changed block with their changed words marked, old
    (``<del>``) and new (``<ins>``); ``None`` when the block is too large to
    compare word by word."""
    a = tokenise("\n".join(old_lines))
    b = tokenise("\n".join(new_lines))
    if len(a) + len(b) > MAX_BLOCK_TOKENS:
        return None
    old_segments: list[tuple[str, bool]] = []
    new_segments: list[tuple[str, bool]] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_segments.append(("".join(a[i1:i2]), tag != "equal"))
        new_segments.append(("".join(b[j1:j2]), tag != "equal"))
    old_html = [_marked(_merge(line), "del") for line in _split_lines(old_segments)]
    new_html = [_marked(_merge(line), "ins") for line in _split_lines(new_segments)]
    return old_html, new_html


def _whole(line: str, tag: str) -> SafeString:
    return _marked([(line, True)], tag)


def version_diff(old: str, new: str, *, context: int = 3) -> Diff:
    """The differences of two texts, line by line with ``context`` unchanged
    lines around each change, and word by word inside the changed lines."""
    a = (old or "").splitlines()
    b = (new or "").splitlines()
    if a == b:
        return Diff(rows=[], added=0, removed=0)
    matcher = SequenceMatcher(None, a, b)
    rows: list[DiffRow] = []
    side: list[SideRow] = []
    added = removed = line_level = 0
    for index, group in enumerate(matcher.get_grouped_opcodes(context)):
        if index:
            rows.append(DiffRow("gap", None, None, ""))
            side.append(SideRow("gap", None, None))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    row = DiffRow("equal", i + 1, j + 1, a[i], escape(a[i]))
                    rows.append(row)
                    side.append(SideRow("equal", row, row))
                continue
            old_html = [_whole(line, "del") for line in a[i1:i2]]
            new_html = [_whole(line, "ins") for line in b[j1:j2]]
            if tag == "replace":
                marked = word_diff(a[i1:i2], b[j1:j2])
                if marked is None:
                    line_level += 1
                else:
                    old_html, new_html = marked
            deleted = [
                DiffRow("delete", i + 1, None, a[i], html)
                for i, html in zip(range(i1, i2), old_html, strict=True)
            ]
            inserted = [
                DiffRow("insert", None, j + 1, b[j], html)
                for j, html in zip(range(j1, j2), new_html, strict=True)
            ]
            rows += deleted + inserted
            side += [
                SideRow("change", left, right)
                for left, right in zip_longest(deleted, inserted)
            ]
            removed += i2 - i1
            added += j2 - j1
    return Diff(
        rows=rows,
        added=added,
        removed=removed,
        side_rows=side,
        line_level_blocks=line_level,
    )
