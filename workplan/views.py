from django.shortcuts import get_object_or_404, render

from standards.models import Standard

from .models import WorkItem
from .selectors import counts_by_state, items_with_progress, progress_of


def index(request):
    items = items_with_progress(WorkItem.objects.prefetch_related("fields"))
    return render(request, "workplan/index.html", {"items": items})


def item(request, slug):
    work_item = get_object_or_404(
        WorkItem.objects.prefetch_related("fields__parent"), slug=slug
    )
    work_item.state_counts = counts_by_state([work_item]).get(work_item.pk, [])
    work_item.progress = progress_of(work_item.state_counts)
    published = (
        Standard.objects.public()
        .filter(work_item=work_item)
        .select_related("field")
        # Their public titles are their editions'.
        .prefetch_related("editions")
        .order_by("number", "title")
    )
    return render(
        request,
        "workplan/item.html",
        {"item": work_item, "published": published},
    )
