"""Pages of meetings: thin views that parse the form, call one service
(``meeting_services``) and answer. A refusal is shown on the meeting's page
beside the form it came from, with the refusal's HTTP status; ``not_found``
is a 404."""

from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.errors import ApplicationError
from portal.files import send_file
from portal.markdown import render_markdown
from portal.naming import portal_name
from standards.uploads import download_name

from . import calendar, meeting_selectors, meeting_services
from . import meeting_permissions as rules
from .models import ActionItem, Meeting, MeetingStatus, Person


def _people():
    return Person.objects.select_related("organisation").order_by("name")


def _meeting_or_404(slug) -> Meeting:
    return get_object_or_404(meeting_selectors.meeting_with_record(), slug=slug)


def meetings(request):
    return render(
        request,
        "committees/meetings.html",
        {
            "meetings": meeting_selectors.meetings(),
            "can_plan": rules.can_plan(request.user),
        },
    )


def _detail_context(request, meeting: Meeting, **extra) -> dict:
    user = request.user
    context = {
        "meeting": meeting,
        "attendance": meeting_selectors.attendance_summary(meeting),
        "sees_place": rules.can_see_place(meeting, user),
        "sees_minutes": rules.can_see_minutes(meeting, user),
        "can_run": rules.can_run(meeting, user),
        "can_edit_details": rules.can_edit_details(meeting, user),
        "can_edit_agenda": rules.can_edit_agenda(meeting, user),
        "can_record": rules.can_record(meeting, user),
        "can_approve": rules.can_approve_minutes(meeting, user),
        "is_leader": rules.is_leader(meeting, user),
        "errors": {},
        "posted": {},
    }
    programme_ids = {i.programme_id for i in meeting.agenda_items.all()} - {None}
    if programme_ids:
        from qms.permissions import visible_programmes

        context["visible_programme_ids"] = set(
            visible_programmes(user)
            .filter(pk__in=programme_ids)
            .values_list("pk", flat=True)
        )
    if context["can_edit_agenda"]:
        context["agenda_links"] = meeting_selectors.agenda_link_choices(user)
    if context["can_run"]:
        context["people"] = list(_people())
        context["later_meetings"] = meeting_selectors.later_held_meetings(meeting)
        present = {p.pk for p in context["attendance"].present}
        apologies = {p.pk for p in context["attendance"].apologies}
        context["present_ids"], context["apology_ids"] = present, apologies
    context.update(extra)
    return context


def meeting_detail(request, slug):
    meeting = _meeting_or_404(slug)
    return render(request, "committees/meeting.html", _detail_context(request, meeting))


def _act(request, slug, form: str, call, *, anchor: str = ""):
    """Run ``call(meeting)``; redirect to the meeting's page, or show it
    again with the refusal on the form ``form``."""
    meeting = get_object_or_404(Meeting, slug=slug)
    try:
        call(meeting)
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        meeting = _meeting_or_404(slug)
        context = _detail_context(
            request,
            meeting,
            error_field=exc.field,
            posted={form: request.POST},
        )
        shown = {
            "agenda": context["can_edit_agenda"],
            "documents": context["can_run"]
            and meeting.status != MeetingStatus.MINUTES_APPROVED,
        }.get(form, context["can_record"])
        # A refusal is told beside its form, or at the top when the form is
        # no longer on the page (the meeting's state moved on).
        context["errors"] = {form if shown else "state": exc.message}
        return render(request, "committees/meeting.html", context, status=exc.status)
    return redirect(meeting.get_absolute_url() + (f"#{anchor}" if anchor else ""))


# --- planning -------------------------------------------------------------------


def _details_from(post) -> dict:
    return {
        "title": post.get("title", ""),
        "title_zh": post.get("title_zh", ""),
        "start": post.get("start", ""),
        "end": post.get("end", ""),
        "time_zone": post.get("time_zone", ""),
        "place": post.get("place", ""),
        "online_link": post.get("online_link", ""),
        "chair": post.get("chair") or None,
        "quorum": post.get("quorum") or None,
    }


@login_required
def meeting_new(request):
    rules.require(rules.can_plan(request.user))
    error, field, status = None, None, 200
    if request.method == "POST":
        try:
            meeting = meeting_services.meeting_create(
                actor=request.user, **_details_from(request.POST)
            )
        except ApplicationError as exc:
            error, field, status = exc.message, exc.field, exc.status
        else:
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "committees/meeting_form.html",
        {
            "posted": request.POST,
            "error": error,
            "error_field": field,
            "people": _people(),
            "default_zone": "Asia/Shanghai",
        },
        status=status,
    )


@login_required
def meeting_edit(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    rules.require(rules.can_edit_details(meeting, request.user))
    error, field, status = None, None, 200
    if request.method == "POST":
        try:
            meeting_services.meeting_update(
                meeting_id=meeting.pk,
                actor=request.user,
                **_details_from(request.POST),
            )
        except ApplicationError as exc:
            error, field, status = exc.message, exc.field, exc.status
        else:
            return redirect(meeting.get_absolute_url())
    posted = request.POST or {
        "title": meeting.title,
        "title_zh": meeting.title_zh,
        "start": f"{meeting.local_start:%Y-%m-%dT%H:%M}" if meeting.start else "",
        "end": f"{meeting.local_end:%Y-%m-%dT%H:%M}" if meeting.end else "",
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "chair": str(meeting.chair_id or ""),
        "quorum": meeting.quorum or "",
    }
    return render(
        request,
        "committees/meeting_form.html",
        {
            "meeting": meeting,
            "posted": posted,
            "error": error,
            "error_field": field,
            "people": _people(),
        },
        status=status,
    )


@login_required
@require_POST
def meeting_transition(request, slug, name):
    actor = request.user

    def call(meeting):
        if name == "hold":
            meeting_services.meeting_hold(meeting_id=meeting.pk, actor=actor)
        elif name == "cancel":
            meeting_services.meeting_cancel(
                meeting_id=meeting.pk,
                actor=actor,
                reason=request.POST.get("reason", ""),
            )
        elif name == "approve":
            meeting_services.minutes_approve(
                meeting_id=meeting.pk,
                actor=actor,
                approved_at_meeting=request.POST.get("approved_at_meeting") or None,
            )
        else:
            raise Http404

    return _act(request, slug, "state", call)


# --- agenda and documents ---------------------------------------------------------


@login_required
@require_POST
def agenda_add(request, slug):
    post = request.POST
    return _act(
        request,
        slug,
        "agenda",
        lambda meeting: meeting_services.agenda_item_add(
            meeting_id=meeting.pk,
            actor=request.user,
            title=post.get("title", ""),
            title_zh=post.get("title_zh", ""),
            notes=post.get("notes", ""),
            standard=post.get("standard") or None,
            work_item=post.get("work_item") or None,
            programme=post.get("programme") or None,
        ),
        anchor="agenda-title",
    )


@login_required
@require_POST
def agenda_move(request, slug, pk):
    return _act(
        request,
        slug,
        "agenda",
        lambda meeting: meeting_services.agenda_item_move(
            meeting_id=meeting.pk,
            actor=request.user,
            item_id=pk,
            up=request.POST.get("direction") != "down",
        ),
        anchor="agenda-title",
    )


@login_required
@require_POST
def agenda_remove(request, slug, pk):
    return _act(
        request,
        slug,
        "agenda",
        lambda meeting: meeting_services.agenda_item_remove(
            meeting_id=meeting.pk, actor=request.user, item_id=pk
        ),
        anchor="agenda-title",
    )


@login_required
@require_POST
def document_upload(request, slug):
    return _act(
        request,
        slug,
        "documents",
        lambda meeting: meeting_services.document_attach(
            meeting_id=meeting.pk,
            actor=request.user,
            upload=request.FILES.get("file"),
            agenda_item=request.POST.get("agenda_item") or None,
        ),
        anchor="documents-title",
    )


def document_download(request, slug, pk):
    """A document of the meeting, after the permission check: streamed, or
    through the proxy or a presigned URL when media are elsewhere."""
    meeting = get_object_or_404(Meeting, slug=slug)
    if not rules.can_see_documents(meeting, request.user):
        raise Http404
    document = get_object_or_404(meeting.documents, pk=pk)
    try:
        response = send_file(
            request,
            document.file,
            filename=download_name(document.original_name, document.kind),
            content_type=document.content_type,
        )
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the record -------------------------------------------------------------------


@login_required
@require_POST
def attendance_record(request, slug):
    return _act(
        request,
        slug,
        "attendance",
        lambda meeting: meeting_services.attendance_set(
            meeting_id=meeting.pk,
            actor=request.user,
            present=request.POST.getlist("present"),
            apologies=request.POST.getlist("apologies"),
        ),
        anchor="attendance-title",
    )


@login_required
@require_POST
def minutes_write(request, slug):
    return _act(
        request,
        slug,
        "minutes",
        lambda meeting: meeting_services.minutes_save(
            meeting_id=meeting.pk,
            actor=request.user,
            minutes=request.POST.get("minutes", ""),
        ),
        anchor="minutes-title",
    )


@login_required
@require_POST
def decision_add(request, slug):
    post = request.POST
    return _act(
        request,
        slug,
        "decision",
        lambda meeting: meeting_services.decision_add(
            meeting_id=meeting.pk,
            actor=request.user,
            text=post.get("text", ""),
            text_zh=post.get("text_zh", ""),
            agenda_item=post.get("agenda_item") or None,
        ),
        anchor="decisions-title",
    )


@login_required
@require_POST
def action_add(request, slug):
    post = request.POST
    return _act(
        request,
        slug,
        "action",
        lambda meeting: meeting_services.action_add(
            meeting_id=meeting.pk,
            actor=request.user,
            text=post.get("text", ""),
            owner=post.get("owner") or None,
            due=post.get("due") or None,
            decision=post.get("decision") or None,
        ),
        anchor="actions-title",
    )


@login_required
@require_POST
def action_status(request, pk):
    action = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=pk)
    meeting_services.action_set_status(
        action_id=action.pk, actor=request.user, status=request.POST.get("status")
    )
    target = request.POST.get("next") or ""
    if target == "dashboard":
        return redirect(reverse("standards:dashboard"))
    return redirect(action.meeting.get_absolute_url() + "#actions-title")


# --- files and feeds ---------------------------------------------------------------

ICS = "text/calendar; charset=utf-8"


def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    ics = calendar.meeting_calendar(
        meeting, with_place=rules.can_see_place(meeting, request.user)
    )
    response = HttpResponse(ics.to_ical(), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response


def calendar_ics(request):
    ics = calendar.meetings_calendar(
        Meeting.objects.order_by("date", "pk"),
        with_place=rules.is_member(request.user),
    )
    return HttpResponse(ics.to_ical(), content_type=ICS)


def minutes_pdf(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    if not rules.can_see_minutes_pdf(meeting, request.user):
        raise Http404
    if not meeting.minutes_pdf:
        return render(
            request,
            "error.html",
            {
                "message": _(
                    "The PDF of these minutes is being prepared; try again in a minute."
                ),
                "status": 404,
            },
            status=404,
        )
    try:
        return send_file(
            request,
            meeting.minutes_pdf,
            filename=f"{meeting.slug}.pdf",
            content_type="application/pdf",
            as_attachment=False,
        )
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None


class ApprovedMinutesFeed(Feed):
    """Approved minutes, newest approval first."""

    feed_type = Atom1Feed
    description = gettext_lazy("Minutes of the working group's meetings.")

    def title(self):
        return _("%(portal)s: approved minutes") % {"portal": portal_name()}

    def link(self):
        return reverse("committees:meetings")

    def items(self):
        return meeting_selectors.approved_minutes()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return strip_tags(render_markdown(item.minutes))[:1000]

    def item_pubdate(self, item):
        return item.minutes_approved_at

    def item_updateddate(self, item):
        return item.minutes_approved_at
