from collections import defaultdict

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


def index(request):
    items = list(WorkItem.objects.prefetch_related("fields"))
    counts = _counts_by_state(items)
    for item in items:
        item.state_counts = counts.get(item.pk, [])
    return render(request, "workplan/index.html", {"items": items})


def item(request, slug):
    work_item = get_object_or_404(
        WorkItem.objects.prefetch_related("fields__parent"), slug=slug
    )
    work_item.state_counts = _counts_by_state([work_item]).get(work_item.pk, [])
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
