"""Meetings as iCalendar (RFC 5545), written with the ``icalendar`` library:
one event per meeting, its times in the meeting's own time zone (with the
zone's definition in the file), a stable UID, and a SEQUENCE raised with each
update sent, so calendars replace an entry rather than add a second."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from portal.naming import portal_name

from .models import Meeting, MeetingStatus

PRODID = "-//LLM Standards Working Group//Standards portal//EN"


def meeting_uid(meeting: Meeting) -> str:
    host = settings.PORTAL_BASE_URL.split("//", 1)[-1].split("/", 1)[0] or "portal"
    return f"meeting-{meeting.pk}@{host}"


def meeting_event(meeting: Meeting, *, with_place: bool = True) -> Event:
    """The meeting as one event. The place and link are for members only:
    the public feed leaves them out (``with_place=False``)."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("summary", meeting.title)
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.ics_sequence)
    if meeting.start:
        event.add("dtstart", meeting.local_start)
        event.add("dtend", meeting.local_end)
    else:  # a meeting of the seed: its day only
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + timedelta(days=1))
    url = settings.PORTAL_BASE_URL.rstrip("/") + meeting.get_absolute_url()
    event.add("url", url)
    description = [url]
    if with_place:
        if meeting.place:
            event.add("location", meeting.place)
        elif meeting.online_link:
            event.add("location", meeting.online_link)
        if meeting.online_link:
            description.insert(0, meeting.online_link)
    event.add("description", "\n".join(description))
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", portal_name())
    if method:
        calendar.add("method", method)
    return calendar


def meeting_calendar(
    meeting: Meeting, *, method: str | None = None, with_place: bool = True
) -> Calendar:
    """The ``.ics`` of one meeting (``method`` REQUEST or CANCEL in an
    invitation's attachment)."""
    calendar = _calendar(method)
    calendar.add_component(meeting_event(meeting, with_place=with_place))
    calendar.add_missing_timezones()
    return calendar


def meetings_calendar(meetings, *, with_place: bool = False) -> Calendar:
    """The feed of all meetings."""
    calendar = _calendar()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, with_place=with_place))
    calendar.add_missing_timezones()
    return calendar
