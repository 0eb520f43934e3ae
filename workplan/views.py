from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from standards.models import Standard, Status

from .models import WorkItem


def _counts_by_state(items) -> dict[int, list[tuple[str, str, int]]]:
    """Per work item, its standards counted by state, in lifecycle order.

    One grouped query for all items, whatever their number.
    """
    rows = (
        Standard.objects.filter(work_item__in=items)
        .values("work_item", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_item: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_item[row["work_item"]][row["status"]] = row["n"]
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


def index(request):
    items = list(WorkItem.objects.prefetch_related("fields"))
    counts = _counts_by_state(items)
    for item in items:
        item.state_counts = counts.get(item.pk, [])
        item.progress = progress_of(item.state_counts)
    return render(request, "workplan/index.html", {"items": items})


def item(request, slug):
    work_item = get_object_or_404(
        WorkItem.objects.prefetch_related("fields__parent"), slug=slug
    )
    work_item.state_counts = _counts_by_state([work_item]).get(work_item.pk, [])
    work_item.progress = progress_of(work_item.state_counts)
    published = (
        Standard.objects.public()
        .filter(work_item=work_item)
        .select_related("field")
        .order_by("number", "title")
    )
    return render(
        request,
        "workplan/item.html",
        {"item": work_item, "published": published},
    )
