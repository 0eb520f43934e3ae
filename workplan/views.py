"""The work plan's pages: thin, they read through ``selectors`` and change
through ``services``, whose refusals they put back on the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.errors import ApplicationError
from portal.localized import localized
from qms.permissions import visible_programmes
from standards.models import Standard

from . import permissions, selectors, services
from .forms import MilestoneForm, WorkItemForm
from .models import Milestone, WorkItem
from .timeline import describe, item_timeline, plan_timeline


def _timeline_context(timeline, title: str) -> dict:
    if timeline is None:
        return {"timeline": None}
    return {
        "timeline": timeline,
        "timeline_title": title,
        "timeline_desc": describe(timeline),
    }


def index(request):
    items = selectors.plan_items()
    timeline = plan_timeline(items, timezone.localdate())
    context = {"items": items}
    context.update(_timeline_context(timeline, _("Timeline of the work plan")))
    return render(request, "workplan/index.html", context)


def _item_or_404(slug) -> WorkItem:
    try:
        return selectors.item_detail(slug)
    except WorkItem.DoesNotExist:
        raise Http404(_("No such work item.")) from None


def item(request, slug):
    work_item = _item_or_404(slug)
    published = (
        Standard.objects.public()
        .filter(work_item=work_item)
        .select_related("field")
        # Their public titles are their editions'.
        .prefetch_related("editions")
        .order_by("number", "title")
    )
    timeline = item_timeline(work_item, timezone.localdate())
    context = {
        "item": work_item,
        "published": published,
        "history": selectors.history_of(work_item),
        # Working material of their organisations: to those who see them.
        "programmes": visible_programmes(request.user)
        .filter(work_items=work_item)
        .select_related("organisation"),
        "can_edit": permissions.can_edit_work_item(work_item, request.user),
    }
    context.update(
        _timeline_context(
            timeline,
            _("Timeline of %(item)s") % {"item": localized(work_item, "title")},
        )
    )
    return render(request, "workplan/item.html", context)


def _refused(form, exc: ApplicationError) -> int:
    """Put a refusal on the form (on its field when the form has it); the
    status to answer with. An unknown item or milestone is a 404."""
    if exc.code == "not_found":
        raise Http404(exc.message)
    if exc.code == "forbidden" and exc.field is None:
        raise exc
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))
    return exc.status


@login_required
def item_edit(request, slug):
    work_item = get_object_or_404(
        WorkItem.objects.prefetch_related("fields"), slug=slug
    )
    permissions.require(permissions.can_edit_work_item(work_item, request.user))
    may_change_owner = bool(permissions.can_change_owner(work_item, request.user))
    status = 200
    if request.method == "POST":
        form = WorkItemForm(request.POST, may_change_owner=may_change_owner)
        if form.is_valid():
            data = form.cleaned_data
            changes = {
                name: data[name]
                for name in (
                    "status",
                    "start",
                    "end",
                    "description",
                    "description_zh",
                    "qms_programmes",
                )
            }
            if may_change_owner:
                changes["owner"] = data["owner"]
            try:
                services.work_item_update(
                    work_item_id=work_item.pk,
                    actor=request.user,
                    expected_updated=data["updated"] or None,
                    **changes,
                )
            except ApplicationError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("The work item is saved."))
                return redirect(work_item)
        else:
            status = 400
    else:
        form = WorkItemForm(
            initial=WorkItemForm.initial_from(work_item),
            may_change_owner=may_change_owner,
        )
    return render(
        request,
        "workplan/item_form.html",
        {"form": form, "item": work_item},
        status=status,
    )


@login_required
def milestone_new(request, slug):
    work_item = get_object_or_404(
        WorkItem.objects.prefetch_related("fields"), slug=slug
    )
    permissions.require(permissions.can_edit_work_item(work_item, request.user))
    status = 200
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                services.milestone_create(
                    work_item_id=work_item.pk, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("The milestone is added."))
                return redirect(work_item)
        else:
            status = 400
    else:
        form = MilestoneForm()
    return render(
        request,
        "workplan/milestone_form.html",
        {"form": form, "item": work_item, "milestone": None},
        status=status,
    )


@login_required
def milestone_edit(request, slug, pk):
    work_item = get_object_or_404(
        WorkItem.objects.prefetch_related("fields"), slug=slug
    )
    milestone = get_object_or_404(Milestone, pk=pk, work_item=work_item)
    permissions.require(permissions.can_edit_work_item(work_item, request.user))
    status = 200
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                services.milestone_update(
                    work_item_id=work_item.pk,
                    milestone_id=milestone.pk,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("The milestone is saved."))
                return redirect(work_item)
        else:
            status = 400
    else:
        form = MilestoneForm(initial=MilestoneForm.initial_from(milestone))
    return render(
        request,
        "workplan/milestone_form.html",
        {"form": form, "item": work_item, "milestone": milestone},
        status=status,
    )


@login_required
@require_POST
def milestone_delete(request, slug, pk):
    work_item = get_object_or_404(WorkItem, slug=slug)
    try:
        services.milestone_delete(
            work_item_id=work_item.pk, milestone_id=pk, actor=request.user
        )
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        raise
    messages.success(request, _("The milestone is removed."))
    return redirect(work_item)
