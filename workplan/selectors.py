"""Reads of the work plan that pages share: each work item's standards by
state and its progress, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Value, When

from standards.models import Standard, Status
from standards.permissions import DRAFT_CYCLE

from .models import WorkItem


def counts_by_state(items) -> dict[int, list[tuple[str, str, int]]]:
    """Per work item, its standards counted by state, in lifecycle order; a
    standard under renewal counts as published, as the public sees it (its
    edition stays in force; the renewal's state is working material).

    One grouped query for all items, whatever their number.
    """
    rows = (
        Standard.objects.filter(work_item__in=items)
        .annotate(
            shown=Case(
                When(
                    has_edition=True,
                    status__in=DRAFT_CYCLE,
                    then=Value(Status.PUBLISHED.value),
                ),
                default=F("status"),
                output_field=CharField(),
            )
        )
        .values("work_item", "shown")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_item: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_item[row["work_item"]][row["shown"]] += row["n"]
    return {
        item_id: [
            (status.value, status.label, counts[status.value])
            for status in Status
            if counts.get(status.value)
        ]
        for item_id, counts in by_item.items()
    }


@dataclass(frozen=True)
class Segment:
    status: str
    label: str
    count: int
    x: float  # where it starts, in % of the bar
    width: float  # its share, in % of the bar


@dataclass(frozen=True)
class Progress:
    """A work item's standards as a stacked bar, one segment per state."""

    total: int
    published: int
    segments: list[Segment]

    @property
    def percent(self) -> int:
        """The share published, in whole per cent."""
        return round(100 * self.published / self.total) if self.total else 0


def progress_of(state_counts: list[tuple[str, str, int]]) -> Progress:
    """The progress bar of the counts by state of ``_counts_by_state``;
    no query."""
    total = sum(n for _code, _label, n in state_counts)
    segments = []
    x = 0.0
    for code, label, n in state_counts:
        width = round(100 * n / total, 2) if total else 0.0
        segments.append(Segment(code, label, n, round(x, 2), width))
        x += width
    published = sum(n for code, _l, n in state_counts if code == Status.PUBLISHED)
    return Progress(total=total, published=published, segments=segments)


def items_with_progress(queryset=None) -> list[WorkItem]:
    """Work items in plan order, each with ``state_counts`` and ``progress``;
    two queries, whatever the number of items and standards."""
    items = list(WorkItem.objects.all() if queryset is None else queryset)
    counts = counts_by_state(items)
    for item in items:
        item.state_counts = counts.get(item.pk, [])
        item.progress = progress_of(item.state_counts)
    return items
