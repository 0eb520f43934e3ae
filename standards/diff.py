"""Line differences between two versions of a standard's text.

The rows are plain data and the template escapes the text, so a version's
Markdown (or any HTML in it) is shown as text, never interpreted.
"""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "equal", "delete", "insert" or "gap" (unchanged lines left out)
    old_number: int | None
    new_number: int | None
    text: str


@dataclass(frozen=True)
class Diff:
    rows: list[DiffRow]
    added: int
    removed: int

    @property
    def is_empty(self) -> bool:
        return not self.added and not self.removed


def version_diff(old: str, new: str, *, context: int = 3) -> Diff:
    """A unified diff of two texts, line by line, with ``context`` unchanged
    lines around each change."""
    a = (old or "").splitlines()
    b = (new or "").splitlines()
    if a == b:
        return Diff(rows=[], added=0, removed=0)
    matcher = difflib.SequenceMatcher(None, a, b)
    rows: list[DiffRow] = []
    added = removed = 0
    for index, group in enumerate(matcher.get_grouped_opcodes(context)):
        if index:
            rows.append(DiffRow("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    DiffRow("equal", i + 1, j + 1, a[i])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            if tag in {"replace", "delete"}:
                rows.extend(DiffRow("delete", i + 1, None, a[i]) for i in range(i1, i2))
                removed += i2 - i1
            if tag in {"replace", "insert"}:
                rows.extend(DiffRow("insert", None, j + 1, b[j]) for j in range(j1, j2))
                added += j2 - j1
    return Diff(rows=rows, added=added, removed=removed)
