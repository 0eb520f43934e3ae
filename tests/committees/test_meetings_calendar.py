"""Calendars, invitations and reminders of meetings."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from committees import calendar
from committees import meeting_services as services
from committees.models import ActionReminder
from notifications.models import Kind, Notification
from tests.factories import UserFactory

from .meeting_helpers import BEIJING, People, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People()


def event_of(ics: bytes):
    parsed = Calendar.from_ical(ics)
    events = parsed.walk("VEVENT")
    assert len(events) == 1
    return parsed, events[0]


# --- the .ics ---------------------------------------------------------------------


def test_a_beijing_meeting_round_trips_through_the_ics(people):
    meeting = plan(people)
    parsed, event = event_of(calendar.meeting_calendar(meeting).to_ical())
    start = event.decoded("dtstart")
    assert start == datetime(2025, 3, 6, 14, 0, tzinfo=BEIJING)
    assert start.astimezone(UTC) == datetime(2025, 3, 6, 6, 0, tzinfo=UTC)
    assert str(event["dtstart"].params["TZID"]) == "Asia/Shanghai"
    assert event.decoded("dtend") - start == timedelta(hours=2)
    # The zone's definition travels with the file.
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert str(event["summary"]) == "Second Work Group Meeting"
    assert str(event["uid"]).startswith(f"meeting-{meeting.pk}@")


def test_a_utc_meeting_round_trips_through_the_ics(people):
    meeting = plan(
        people,
        start=datetime(2025, 3, 6, 23, 30),
        end=datetime(2025, 3, 7, 1, 0),
        time_zone="UTC",
    )
    _parsed, event = event_of(calendar.meeting_calendar(meeting).to_ical())
    start = event.decoded("dtstart")
    assert start == datetime(2025, 3, 6, 23, 30, tzinfo=UTC)
    # The same moment is the next morning in Beijing.
    assert start.astimezone(BEIJING) == datetime(2025, 3, 7, 7, 30, tzinfo=BEIJING)
    assert meeting.date == date(2025, 3, 6)


def test_the_seed_meeting_is_a_whole_day(people):
    from committees.models import Meeting

    meeting = Meeting.objects.create(
        title="First Work Group Meeting", slug="first", date=date(2024, 12, 5)
    )
    _parsed, event = event_of(calendar.meeting_calendar(meeting).to_ical())
    assert event.decoded("dtstart") == date(2024, 12, 5)


def test_the_public_ics_leaves_out_the_place_and_link(client, people):
    meeting = plan(people)
    url = reverse("committees:meeting_ics", kwargs={"slug": meeting.slug})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    _parsed, event = event_of(response.content)
    assert "location" not in event
    assert "meet.example.org" not in response.content.decode()
    client.force_login(people.member)
    _parsed, event = event_of(client.get(url).content)
    assert str(event["location"]) == "Room 301, Beijing"
    assert "meet.example.org" in str(event["description"])


def test_the_calendar_feed_lists_every_meeting(client, people):
    first = plan(people)
    second = plan(
        people, start=datetime(2025, 4, 3, 9, 0), end=datetime(2025, 4, 3, 10, 0)
    )
    response = client.get(reverse("committees:calendar"))
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert {str(e["uid"]) for e in events} == {
        calendar.meeting_uid(first),
        calendar.meeting_uid(second),
    }


def test_an_unknown_meeting_has_no_ics(client):
    response = client.get(reverse("committees:meeting_ics", kwargs={"slug": "nope"}))
    assert response.status_code == 404


# --- invitations ----------------------------------------------------------------------


def attachment(message):
    (name, content, mimetype) = message.attachments[0]
    return name, content, mimetype


def test_the_working_group_is_invited_with_the_ics(
    people, django_capture_on_commit_callbacks
):
    UserFactory(username="no-person")  # an account outside the working group
    with django_capture_on_commit_callbacks(execute=True):
        meeting = plan(people, invite=True)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [people.secretariat.email, people.leader.email, people.member.email]
    )
    message = mail.outbox[0]
    assert "Invitation: Second Work Group Meeting" in message.subject
    assert "14:00" in message.body and "Asia/Shanghai" in message.body
    name, content, mimetype = attachment(message)
    assert name == f"{meeting.slug}.ics"
    assert mimetype.startswith("text/calendar")
    parsed, event = event_of(content.encode() if isinstance(content, str) else content)
    assert str(parsed["method"]) == "REQUEST"
    assert event.decoded("dtstart") == datetime(2025, 3, 6, 14, 0, tzinfo=BEIJING)


def test_an_update_and_a_cancellation_are_sent_the_same_way(
    people, django_capture_on_commit_callbacks
):
    meeting = plan(people)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting_id=meeting.pk,
            actor=people.secretariat,
            start=datetime(2025, 3, 6, 15, 0),
            end=datetime(2025, 3, 6, 17, 0),
        )
    assert len(mail.outbox) == 3
    update = mail.outbox[0]
    assert update.subject.endswith("Updated: Second Work Group Meeting")
    _parsed, event = event_of(attachment(update)[1].encode())
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == datetime(2025, 3, 6, 15, 0, tzinfo=BEIJING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(
            meeting_id=meeting.pk, actor=people.leader, reason="No quorum expected"
        )
    cancellation = mail.outbox[0]
    assert "Cancelled: Second Work Group Meeting" in cancellation.subject
    assert "No quorum expected" in cancellation.body
    parsed, event = event_of(attachment(cancellation)[1].encode())
    assert str(parsed["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 2


def test_an_invitation_overtaken_by_an_update_is_not_sent(people):
    meeting = plan(people)
    services.meeting_update(meeting_id=meeting.pk, actor=people.leader, place="B")
    sent = services.meeting_invitations_send(
        meeting_id=meeting.pk, kind="invitation", sequence=0
    )
    assert sent == 0 and not mail.outbox


def test_an_invitation_is_written_in_the_recipients_language(
    people, django_capture_on_commit_callbacks
):
    from accounts.models import Preferences

    Preferences.objects.update_or_create(
        user=people.member, defaults={"language": "zh-hans"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        plan(people, invite=True)
    to_member = next(m for m in mail.outbox if m.to == [people.member.email])
    to_leader = next(m for m in mail.outbox if m.to == [people.leader.email])
    assert to_member.subject != to_leader.subject


# --- reminders ----------------------------------------------------------------------


def owned_action(people, due):
    meeting = held(people)
    return services.action_add(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        text="Circulate the draft",
        owner=people.member.person.pk,
        due=due,
    )


def reminders_of(user):
    return list(
        Notification.objects.filter(recipient=user, kind=Kind.ACTION_DUE)
        .order_by("pk")
        .values_list("message", flat=True)
    )


def test_action_reminders_a_week_before_on_the_day_and_overdue(people):
    action = owned_action(people, date(2025, 3, 31))
    with time_machine.travel(datetime(2025, 3, 20, 8, 0, tzinfo=UTC), tick=False):
        assert services.action_reminders_send() == 0
    with time_machine.travel(datetime(2025, 3, 24, 8, 0, tzinfo=UTC), tick=False):
        assert services.action_reminders_send() == 1
        assert services.action_reminders_send() == 0  # once per threshold
    assert "due in 7 days" in reminders_of(people.member)[-1]
    with time_machine.travel(datetime(2025, 3, 31, 8, 0, tzinfo=UTC), tick=False):
        assert services.action_reminders_send() == 1
    assert "due today" in reminders_of(people.member)[-1]
    with time_machine.travel(datetime(2025, 4, 2, 8, 0, tzinfo=UTC), tick=False):
        assert services.action_reminders_send() == 1
        assert services.action_reminders_send() == 0
    assert "overdue by 2 days" in reminders_of(people.member)[-1]
    assert ActionReminder.objects.filter(action=action).count() == 3
    assert len(reminders_of(people.member)) == 3


def test_a_done_action_is_not_reminded(people):
    action = owned_action(people, date(2025, 3, 31))
    services.action_set_status(action_id=action.pk, actor=people.member, status="done")
    with time_machine.travel(datetime(2025, 4, 2, 8, 0, tzinfo=UTC), tick=False):
        assert services.action_reminders_send() == 0
    assert reminders_of(people.member) == []


def test_a_new_due_date_is_reminded_again(people):
    action = owned_action(people, date(2025, 3, 31))
    with time_machine.travel(datetime(2025, 3, 31, 8, 0, tzinfo=UTC), tick=False):
        assert services.action_reminders_send() == 1
    action.due = date(2025, 4, 30)
    action.save()
    with time_machine.travel(datetime(2025, 4, 30, 8, 0, tzinfo=UTC), tick=False):
        assert services.action_reminders_send() == 1


def test_the_reminder_task_runs_the_service(people):
    from committees.tasks import action_reminders_task

    owned_action(people, date(2025, 3, 31))
    with time_machine.travel(datetime(2025, 3, 31, 8, 0, tzinfo=UTC), tick=False):
        assert action_reminders_task.delay().get() == 1
