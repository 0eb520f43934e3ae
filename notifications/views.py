"""Notification pages: the list, marking read, watching, e-mail choices.

Thin: parse, call a service, answer. Refusals of the services become pages
with their status through ``portal.middleware``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferencesForm


def _back(request, default: str = "notifications:list"):
    """Back to the page the form was on, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
def notification_list(request):
    sections = selectors.notification_sections(request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "sections": sections,
            "unread": sum(section.unread for section in sections),
            "watches": selectors.watches_of(request.user),
        },
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = services.notification_mark_read(
        notification_id=pk, user=request.user
    )
    if request.POST.get("open") and notification.link():
        return redirect(notification.link())
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications marked as read."))
    return _back(request)


@login_required
@require_POST
def notification_read_group(request, standard_id):
    """Mark read one group of the list: one standard's notifications (0 for
    those about no standard) of one category."""
    count = services.notifications_mark_all_read(
        user=request.user,
        standard_id=standard_id,
        category=request.POST.get("category") or None,
    )
    if count:
        messages.success(request, _("Marked as read."))
    return _back(request)


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_set(
                user=request.user, email_kinds=form.cleaned_data["email"]
            )
            if form.cleaned_data["delivery"]:
                services.delivery_set(
                    user=request.user, delivery=form.cleaned_data["delivery"]
                )
            messages.success(request, _("Your e-mail choices are saved."))
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(
            initial={
                "email": selectors.email_kinds(request.user),
                "delivery": selectors.email_delivery(request.user),
            }
        )
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
@require_POST
def watch_standard(request, pk):
    services.watch_standard(standard_id=pk, user=request.user)
    messages.success(request, _("You will be told when this standard changes."))
    return _back(request)


@login_required
@require_POST
def unwatch_standard(request, pk):
    services.unwatch_standard(standard_id=pk, user=request.user)
    messages.success(request, _("You no longer watch this standard."))
    return _back(request)


@login_required
@require_POST
def watch_field(request, pk):
    services.watch_field(field_id=pk, user=request.user)
    messages.success(
        request, _("You will be told of publications and abolitions in this field.")
    )
    return _back(request)


@login_required
@require_POST
def unwatch_field(request, pk):
    services.unwatch_field(field_id=pk, user=request.user)
    messages.success(request, _("You no longer watch this field."))
    return _back(request)
