"""Every action that changes a meeting: one function each, in one
transaction, checking its rule in ``meeting_permissions`` (STYLE.md §3-4).

Side effects (invitations, the minutes PDF, reminders' e-mails) are written
as rows or scheduled with ``transaction.on_commit``: a request never waits
on the broker or the mail server.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from accounts.selectors import recipient_locales
from portal.errors import ApplicationError
from portal.i18n import speaking_to
from portal.markdown import validate_markdown_length
from portal.queue import enqueue
from standards.models import Standard
from standards.uploads import attachment_check
from workplan.models import WorkItem

from . import meeting_permissions as rules
from .models import (
    ActionItem,
    ActionReminder,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    Person,
)

User = get_user_model()

TITLE_LIMIT = 300
TEXT_LIMIT = 20_000


# --- input ------------------------------------------------------------------------


def _text(value, *, field: str, required: bool = False, limit: int = TITLE_LIMIT):
    value = (value or "").strip() if isinstance(value, str | type(None)) else None
    if value is None:
        raise ApplicationError(_("Enter text."), field=field)
    if required and not value:
        raise ApplicationError(_("This field is required."), field=field)
    if len(value) > limit:
        raise ApplicationError(
            _("At most %(limit)d characters.") % {"limit": limit}, field=field
        )
    return value


def _zone(value) -> str:
    value = (value or "").strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ApplicationError(
            _("Choose a time zone such as Asia/Shanghai or UTC."), field="time_zone"
        ) from None
    return value


def _moment(value, *, zone: str, field: str) -> datetime:
    """An aware moment from an aware datetime, or a naive one (or ISO text)
    read in the meeting's time zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise ApplicationError(
            _("Enter a date and time, e.g. 2025-03-06 14:00."), field=field
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return value


def _link(value) -> str:
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["https", "http"])(value)
        except ValidationError:
            raise ApplicationError(
                _("Enter a web address starting with https://."), field="online_link"
            ) from None
    return value


def _by_id(model, value, *, field: str, message):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=value)
    except (model.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(message, field=field) from None


def _person(value, *, field: str):
    return _by_id(Person, value, field=field, message=_("Choose a person."))


def _standard(value, actor):
    from standards import permissions as standard_rules

    standard = _by_id(
        Standard, value, field="standard", message=_("Choose a standard.")
    )
    if standard is not None and not standard_rules.can_see_standard(standard, actor):
        raise ApplicationError(_("Choose a standard."), field="standard")
    return standard


def _work_item(value):
    return _by_id(
        WorkItem,
        value,
        field="work_item",
        message=_("Choose a work item of the work plan."),
    )


def _programme(value, actor):
    from qms import permissions as qms_rules
    from qms.models import Programme

    programme = _by_id(
        Programme, value, field="programme", message=_("Choose a QMS programme.")
    )
    if programme is not None and not qms_rules.can_see_programme(programme, actor):
        raise ApplicationError(_("Choose a QMS programme."), field="programme")
    return programme


def _quorum(value):
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = -1
    if not 1 <= value <= 1000:
        raise ApplicationError(
            _("The quorum is a number of organisations, at least 1."), field="quorum"
        )
    return value


def _lock(meeting_id) -> Meeting:
    try:
        return Meeting.objects.select_for_update().get(pk=meeting_id)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such meeting."), code="not_found") from None


def _unique_slug(date, title: str) -> str:
    base = f"{date:%Y-%m-%d}-{slugify(title)[:200]}".strip("-") or f"{date:%Y-%m-%d}"
    slug, n = base, 2
    while Meeting.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _times(start, end, zone):
    start = _moment(start, zone=zone, field="start")
    end = _moment(end, zone=zone, field="end")
    if end <= start:
        raise ApplicationError(_("The meeting must end after it starts."), field="end")
    if end - start > timedelta(days=7):
        raise ApplicationError(_("A meeting lasts at most a week."), field="end")
    return start, end


# --- planning -------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor,
    title: str,
    start,
    end,
    time_zone: str,
    title_zh: str = "",
    place: str = "",
    online_link: str = "",
    chair=None,
    quorum=None,
    invite: bool = True,
) -> Meeting:
    """Plan a meeting (secretariat or leader); the working group is invited
    by e-mail with its calendar file once the meeting is saved."""
    rules.require(rules.can_plan(actor))
    zone = _zone(time_zone)
    start, end = _times(start, end, zone)
    meeting = Meeting(
        title=_text(title, field="title", required=True),
        title_zh=_text(title_zh, field="title_zh"),
        start=start,
        end=end,
        time_zone=zone,
        place=_text(place, field="place"),
        online_link=_link(online_link),
        chair=_person(chair, field="chair"),
        quorum=_quorum(quorum),
    )
    meeting.date = start.astimezone(meeting.zone).date()
    meeting.slug = _unique_slug(meeting.date, meeting.title)
    meeting.save()
    if invite:
        _send_invitations(meeting, "invitation")
    return meeting


@transaction.atomic
def meeting_update(*, meeting_id, actor, **changes) -> Meeting:
    """Change a planned meeting's title, time, place, chair or quorum; the
    working group gets the updated calendar entry."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_edit_details(meeting, actor))
    zone = _zone(changes.get("time_zone", meeting.time_zone))
    if {"start", "end", "time_zone"} & changes.keys():
        start = changes.get("start", meeting.local_start.replace(tzinfo=None))
        end = changes.get("end", meeting.local_end.replace(tzinfo=None))
        meeting.time_zone = zone
        meeting.start, meeting.end = _times(start, end, zone)
    if "title" in changes:
        meeting.title = _text(changes["title"], field="title", required=True)
    if "title_zh" in changes:
        meeting.title_zh = _text(changes["title_zh"], field="title_zh")
    if "place" in changes:
        meeting.place = _text(changes["place"], field="place")
    if "online_link" in changes:
        meeting.online_link = _link(changes["online_link"])
    if "chair" in changes:
        meeting.chair = _person(changes["chair"], field="chair")
    if "quorum" in changes:
        meeting.quorum = _quorum(changes["quorum"])
    meeting.ics_sequence += 1
    meeting.save()
    _send_invitations(meeting, "update")
    return meeting


def _transition(meeting: Meeting, name: str, actor, wrong_state) -> None:
    if not can_proceed(getattr(meeting, name)):
        raise ApplicationError(wrong_state, code="conflict")
    if not has_transition_perm(getattr(meeting, name), actor):
        rules.require(rules.can_run(meeting, actor))
        raise ApplicationError(_("You are not allowed to do this."), code="forbidden")
    getattr(meeting, name)()


@transaction.atomic
def meeting_cancel(*, meeting_id, actor, reason: str = "") -> Meeting:
    """Cancel a planned meeting; the working group gets the cancellation."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_run(meeting, actor))
    _transition(meeting, "cancel", actor, _("Only a planned meeting can be cancelled."))
    meeting.cancel_reason = _text(reason, field="reason", limit=2000)
    meeting.ics_sequence += 1
    meeting.save()
    _send_invitations(meeting, "cancellation")
    return meeting


@transaction.atomic
def meeting_hold(*, meeting_id, actor) -> Meeting:
    """Record that a planned meeting took place: attendance and minutes open."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_run(meeting, actor))
    _transition(meeting, "hold", actor, _("Only a planned meeting can be held."))
    meeting.save()
    return meeting


# --- agenda and documents ---------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    meeting_id,
    actor,
    title: str,
    title_zh: str = "",
    notes: str = "",
    standard=None,
    work_item=None,
    programme=None,
) -> AgendaItem:
    """Add an item at the end of the agenda, linked optionally to a standard
    or a QMS programme (one the actor may see) or a work item."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_edit_agenda(meeting, actor))
    notes = _text(notes, field="notes", limit=TEXT_LIMIT)
    _markdown_or_error(notes, field="notes")
    last = meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0
    return AgendaItem.objects.create(
        meeting=meeting,
        order=last + 1,
        title=_text(title, field="title", required=True),
        title_zh=_text(title_zh, field="title_zh"),
        notes=notes,
        standard=_standard(standard, actor),
        work_item=_work_item(work_item),
        programme=_programme(programme, actor),
    )


def _agenda_item(meeting: Meeting, item_id) -> AgendaItem:
    try:
        return meeting.agenda_items.get(pk=item_id)
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such agenda item."), code="not_found") from None


@transaction.atomic
def agenda_item_move(*, meeting_id, actor, item_id, up: bool) -> AgendaItem:
    """Swap an item with the one before (``up``) or after it."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_edit_agenda(meeting, actor))
    item = _agenda_item(meeting, item_id)
    items = list(meeting.agenda_items.order_by("order"))
    index = items.index(item)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(items):
        return item
    other = items[other_index]
    # Through a free number: (meeting, order) is unique.
    free = max(i.order for i in items) + 1
    item_order, other_order = item.order, other.order
    AgendaItem.objects.filter(pk=item.pk).update(order=free)
    AgendaItem.objects.filter(pk=other.pk).update(order=item_order)
    AgendaItem.objects.filter(pk=item.pk).update(order=other_order)
    item.order = other_order
    return item


@transaction.atomic
def agenda_item_remove(*, meeting_id, actor, item_id) -> None:
    meeting = _lock(meeting_id)
    rules.require(rules.can_edit_agenda(meeting, actor))
    _agenda_item(meeting, item_id).delete()


@transaction.atomic
def document_attach(*, meeting_id, actor, upload, agenda_item=None) -> MeetingDocument:
    """Attach a document to the meeting (or one of its agenda items): the
    same checks as a standard's attachments (type read from the content,
    size capped); the server names the stored file."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_run(meeting, actor))
    if meeting.status == MeetingStatus.MINUTES_APPROVED:
        raise ApplicationError(
            _("The minutes are approved and can no longer change."), code="conflict"
        )
    if upload is None:
        raise ApplicationError(_("Choose a file."), field="files")
    item = _agenda_item(meeting, agenda_item) if agenda_item else None
    checked = attachment_check(upload)
    document = MeetingDocument(
        meeting=meeting,
        agenda_item=item,
        original_name=(upload.name or "file")[:255],
        kind=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document


# --- the meeting's record ----------------------------------------------------------


@transaction.atomic
def attendance_set(*, meeting_id, actor, present, apologies=()) -> list[Attendance]:
    """Record who was present and who sent apologies (replacing the record)."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_record(meeting, actor))
    present_ids = {getattr(p, "pk", p) for p in present}
    apology_ids = {getattr(p, "pk", p) for p in apologies}
    try:
        present_ids = {int(i) for i in present_ids}
        apology_ids = {int(i) for i in apology_ids}
    except (TypeError, ValueError):
        raise ApplicationError(_("Choose people."), field="present") from None
    if present_ids & apology_ids:
        raise ApplicationError(
            _("A person is either present or sends apologies, not both."),
            field="apologies",
        )
    known = set(
        Person.objects.filter(pk__in=present_ids | apology_ids).values_list(
            "pk", flat=True
        )
    )
    if known != present_ids | apology_ids:
        raise ApplicationError(_("Unknown person."), field="present")
    meeting.attendance.all().delete()
    return Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, person_id=i, status=Attendance.Status.PRESENT)
            for i in sorted(present_ids)
        ]
        + [
            Attendance(meeting=meeting, person_id=i, status=Attendance.Status.APOLOGIES)
            for i in sorted(apology_ids)
        ]
    )


def _markdown_or_error(text: str, *, field: str) -> None:
    try:
        validate_markdown_length(text)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], field=field) from None


def _into_draft(meeting: Meeting, actor) -> None:
    """The first record written after the meeting opens its minutes' draft."""
    if meeting.status == MeetingStatus.HELD:
        _transition(
            meeting,
            "start_minutes",
            actor,
            _("Minutes are recorded once the meeting has been held."),
        )
        meeting.save()


@transaction.atomic
def minutes_save(*, meeting_id, actor, minutes: str) -> Meeting:
    """Write the minutes (Markdown, rendered sanitised); a held meeting's
    minutes become a draft with the first save."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_record(meeting, actor))
    minutes = _text(minutes, field="minutes", limit=200_000)
    _markdown_or_error(minutes, field="minutes")
    _into_draft(meeting, actor)
    meeting.minutes = minutes
    meeting.save()
    return meeting


@transaction.atomic
def decision_add(
    *,
    meeting_id,
    actor,
    text: str,
    text_zh: str = "",
    agenda_item=None,
    standard=None,
    work_item=None,
) -> Decision:
    """Record a decision with the meeting's next number (``2024-12-05/D3``).

    The meeting row is locked until the transaction ends, so decisions
    recorded at the same moment get distinct numbers without gaps."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_record(meeting, actor))
    text = _text(text, field="text", required=True, limit=TEXT_LIMIT)
    item = _agenda_item(meeting, agenda_item) if agenda_item else None
    standard = _standard(standard, actor)
    if standard is None and item is not None:
        standard = item.standard
    work_item = _work_item(work_item) or (item.work_item if item else None)
    _into_draft(meeting, actor)
    meeting.last_decision_number += 1
    meeting.save(update_fields=["last_decision_number"])
    return Decision.objects.create(
        meeting=meeting,
        number=meeting.last_decision_number,
        text=text,
        text_zh=_text(text_zh, field="text_zh", limit=TEXT_LIMIT),
        agenda_item=item,
        standard=standard,
        work_item=work_item,
    )


def _due(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%Y-%m-%d").date()  # noqa: DTZ007
        except ValueError:
            value = None
    if value is None or not hasattr(value, "year"):
        raise ApplicationError(_("Enter a date, e.g. 2025-03-31."), field="due")
    return value


@transaction.atomic
def action_add(
    *, meeting_id, actor, text: str, owner, due=None, decision=None
) -> ActionItem:
    """Record an action item with its owner and due date; the owner finds it
    in "My work"."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_record(meeting, actor))
    text = _text(text, field="text", required=True, limit=TEXT_LIMIT)
    owner = _person(owner, field="owner")
    if owner is None:
        raise ApplicationError(_("Choose the action's owner."), field="owner")
    decision_row = None
    if decision not in (None, ""):
        try:
            decision_row = meeting.decision_records.get(pk=decision)
        except (Decision.DoesNotExist, ValueError, TypeError):
            raise ApplicationError(
                _("Choose a decision of this meeting."), field="decision"
            ) from None
    _into_draft(meeting, actor)
    return ActionItem.objects.create(
        meeting=meeting, text=text, owner=owner, due=_due(due), decision=decision_row
    )


@transaction.atomic
def action_set_status(*, action_id, actor, status: str) -> ActionItem:
    """The owner (or whoever runs the meeting) marks an action done, open or
    dropped."""
    try:
        action = (
            ActionItem.objects.select_for_update()
            .select_related("meeting")
            .get(pk=action_id)
        )
    except (ActionItem.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such action item."), code="not_found") from None
    rules.require(rules.can_update_action(action, actor))
    if status not in ActionItem.Status.values:
        raise ApplicationError(_("Choose a status."), field="status")
    action.status = status
    action.completed_at = timezone.now() if status == ActionItem.Status.DONE else None
    action.save(update_fields=["status", "completed_at"])
    return action


@transaction.atomic
def minutes_approve(*, meeting_id, actor, approved_at_meeting=None) -> Meeting:
    """Approve the draft minutes: the leader does, or whoever runs the
    meeting records that a later meeting approved them. The minutes, decisions
    and actions become public; their PDF is rendered in the worker."""
    meeting = _lock(meeting_id)
    rules.require(rules.can_run(meeting, actor))
    later = None
    if approved_at_meeting not in (None, ""):
        later = _by_id(
            Meeting,
            approved_at_meeting,
            field="approved_at_meeting",
            message=_("Choose the meeting that approved the minutes."),
        )
        if (
            later.pk == meeting.pk
            or later.date < meeting.date
            or later.status
            in (
                MeetingStatus.PLANNED,
                MeetingStatus.CANCELLED,
            )
        ):
            raise ApplicationError(
                _("Choose a later meeting that has been held."),
                field="approved_at_meeting",
            )
    elif not rules.is_leader(meeting, actor):
        raise ApplicationError(
            _(
                "The leader approves minutes; otherwise name the later meeting "
                "that approved them."
            ),
            code="forbidden",
        )
    if not meeting.minutes.strip() and meeting.status == MeetingStatus.MINUTES_DRAFT:
        raise ApplicationError(
            _("Write the minutes before approving them."), code="conflict"
        )
    _transition(
        meeting,
        "approve_minutes",
        actor,
        _("Only minutes in draft can be approved."),
    )
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = actor
    meeting.approved_at_meeting = later
    meeting.save()
    transaction.on_commit(lambda: minutes_pdf_enqueue(meeting.pk))
    return meeting


def minutes_pdf_enqueue(meeting_id: int) -> None:
    from .tasks import minutes_pdf_task

    enqueue(minutes_pdf_task, meeting_id)


# --- invitations --------------------------------------------------------------------


def _send_invitations(meeting: Meeting, kind: str) -> None:
    from .tasks import meeting_invitations_task

    meeting_id, sequence = meeting.pk, meeting.ics_sequence
    transaction.on_commit(
        lambda: enqueue(meeting_invitations_task, meeting_id, kind, sequence)
    )


def invitation_recipients():
    """The working group: every active account with a person and an e-mail."""
    return (
        User.objects.filter(is_active=True, person__isnull=False)
        .exclude(email="")
        .order_by("pk")
    )


def meeting_invitations_send(*, meeting_id: int, kind: str, sequence: int) -> int:
    """E-mail the meeting's calendar file to the working group, each in their
    language; an invitation, an update or a cancellation (``kind``). A
    message for an older sequence than the meeting's is not sent: a newer
    one follows. Returns how many e-mails went out."""
    from django.core.mail import EmailMessage, get_connection

    from portal.naming import portal_name

    from . import calendar

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.ics_sequence != sequence:
        return 0
    users = list(invitation_recipients())
    locales = recipient_locales(u.pk for u in users)
    method = "CANCEL" if kind == "cancellation" else "REQUEST"
    ics = calendar.meeting_calendar(meeting, method=method).to_ical()
    messages = []
    for user in users:
        with speaking_to(locales[user.pk]):
            subject, body = _invitation_text(meeting, kind)
            message = EmailMessage(
                f"[{portal_name()}] {subject}", body, to=[user.email]
            )
            message.attach(
                f"{meeting.slug}.ics", ics, f"text/calendar; method={method}"
            )
            messages.append(message)
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def _when(meeting: Meeting) -> str:
    if not meeting.start:
        return formats.date_format(meeting.date, "DATE_FORMAT")
    start = meeting.local_start
    return "%s %s–%s (%s)" % (  # noqa: UP031
        formats.date_format(start, "DATE_FORMAT"),
        formats.time_format(start, "H:i"),
        formats.time_format(meeting.local_end, "H:i"),
        meeting.time_zone,
    )


def _invitation_text(meeting: Meeting, kind: str) -> tuple[str, str]:
    from django.conf import settings

    values = {"title": meeting.title, "when": _when(meeting)}
    if kind == "cancellation":
        subject = _("Cancelled: %(title)s") % values
        body = _("The meeting “%(title)s” on %(when)s is cancelled.") % values
        if meeting.cancel_reason:
            body += "\n\n" + meeting.cancel_reason
    elif kind == "update":
        subject = _("Updated: %(title)s") % values
        body = _("The meeting “%(title)s” has changed: it is now on %(when)s.") % values
    else:
        subject = _("Invitation: %(title)s") % values
        body = _("You are invited to the meeting “%(title)s” on %(when)s.") % values
    body += "\n\n" + _("The calendar file is attached. Place and link: %(url)s") % {
        "url": settings.PORTAL_BASE_URL.rstrip("/") + meeting.get_absolute_url()
    }
    return subject, body


# --- reminders ----------------------------------------------------------------------

REMINDER_DAYS = 7


def _threshold(days_left: int) -> str | None:
    if days_left < 0:
        return ActionReminder.Threshold.OVERDUE
    if days_left == 0:
        return ActionReminder.Threshold.DUE
    if days_left <= REMINDER_DAYS:
        return ActionReminder.Threshold.WEEK
    return None


def action_reminders_send(*, today=None) -> int:
    """Remind the owners of open actions a week before they are due, on the
    day, and once overdue: one notification per threshold and due date, in
    the owner's language. Returns how many were sent."""
    from notifications.models import Kind
    from notifications.services import notifications_create

    today = today or timezone.localdate()
    actions = ActionItem.objects.filter(
        status=ActionItem.Status.OPEN,
        due__isnull=False,
        due__lte=today + timedelta(days=REMINDER_DAYS),
        owner__user__isnull=False,
        owner__user__is_active=True,
    ).select_related("meeting", "owner")
    sent = 0
    for action in actions:
        days_left = (action.due - today).days
        threshold = _threshold(days_left)
        if threshold is None:
            continue
        user_id = action.owner.user_id
        locale = recipient_locales([user_id])[user_id]
        try:
            with transaction.atomic():
                _row, created = ActionReminder.objects.get_or_create(
                    action=action, due=action.due, threshold=threshold
                )
                if not created:
                    continue
                with speaking_to(locale):
                    message = _action_sentence(action, days_left)
                notifications_create(
                    recipients=[(user_id, Kind.ACTION_DUE)],
                    standard=None,
                    message=message,
                )
        except IntegrityError:  # another run recorded it at the same moment
            continue
        sent += 1
    return sent


def _action_sentence(action: ActionItem, days_left: int) -> str:
    values = {
        "action": action.text[:200],
        "meeting": action.meeting.title,
        "due": formats.date_format(action.due, "DATE_FORMAT"),
        "days": abs(days_left),
    }
    if days_left < 0:
        return (
            _(
                "Your action “%(action)s” from “%(meeting)s” is overdue by "
                "%(days)d days (due %(due)s)."
            )
            % values
        )
    if days_left == 0:
        return _("Your action “%(action)s” from “%(meeting)s” is due today.") % values
    return (
        _(
            "Your action “%(action)s” from “%(meeting)s” is due in %(days)d days "
            "(on %(due)s)."
        )
        % values
    )
