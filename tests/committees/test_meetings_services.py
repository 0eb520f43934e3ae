"""Meetings: the state rules, agenda, attendance, decisions and actions."""

import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from committees import meeting_permissions as rules
from committees import meeting_services as services
from committees.models import ActionItem, Meeting, MeetingStatus, Role
from portal.errors import ApplicationError
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    StandardFactory,
    WorkItemFactory,
    user_with_role,
)

from .meeting_helpers import BEIJING, People, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People()


def refused(call, code):
    with pytest.raises(ApplicationError) as info:
        call()
    assert info.value.code == code, info.value.message
    return info.value


# --- planning -------------------------------------------------------------------------


def test_secretariat_plans_a_meeting_in_beijing_time(people):
    meeting = plan(people)
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.local_start == datetime(2025, 3, 6, 14, 0, tzinfo=BEIJING)
    assert meeting.start.utcoffset() is not None
    assert meeting.date == date(2025, 3, 6)
    assert meeting.slug == "2025-03-06-second-work-group-meeting"


def test_the_day_is_the_day_where_the_meeting_takes_place(people):
    # 23:30 in UTC on 5 March is 07:30 on 6 March in Beijing.
    meeting = plan(
        people,
        start=datetime(2025, 3, 6, 7, 30),
        end=datetime(2025, 3, 6, 9, 0),
        time_zone="Asia/Shanghai",
    )
    assert meeting.date == date(2025, 3, 6)
    assert meeting.start.astimezone(BEIJING).hour == 7


def test_a_member_or_a_reader_cannot_plan_a_meeting(people):
    refused(lambda: plan(people, actor=people.member), "forbidden")
    refused(lambda: plan(people, actor=people.reader), "forbidden")
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"end": datetime(2025, 3, 6, 13, 0)}, "end"),
        ({"start": "not a time"}, "start"),
        ({"title": "  "}, "title"),
        ({"online_link": "javascript:alert(1)"}, "online_link"),
        ({"quorum": "many"}, "quorum"),
        ({"chair": 999999}, "chair"),
    ],
)
def test_bad_details_are_refused_on_their_field(people, overrides, field):
    error = refused(lambda: plan(people, **overrides), "invalid")
    assert error.field == field
    assert not Meeting.objects.exists()


def test_a_second_meeting_of_the_same_title_and_day_gets_its_own_address(people):
    assert plan(people).slug != plan(people).slug


def test_only_a_planned_meeting_changes_its_time(people):
    meeting = plan(people)
    services.meeting_update(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        start=datetime(2025, 3, 7, 9, 0),
        end=datetime(2025, 3, 7, 11, 0),
    )
    meeting.refresh_from_db()
    assert meeting.date == date(2025, 3, 7) and meeting.ics_sequence == 1
    services.meeting_hold(meeting_id=meeting.pk, actor=people.secretariat)
    refused(
        lambda: services.meeting_update(
            meeting_id=meeting.pk, actor=people.secretariat, place="elsewhere"
        ),
        "conflict",
    )


# --- the states -----------------------------------------------------------------------


def test_planned_held_draft_approved_by_the_leader(people):
    meeting = held(people)
    assert meeting.status == MeetingStatus.HELD
    meeting = services.minutes_save(
        meeting_id=meeting.pk, actor=people.secretariat, minutes="# Minutes"
    )
    assert meeting.status == MeetingStatus.MINUTES_DRAFT
    meeting = services.minutes_approve(meeting_id=meeting.pk, actor=people.leader)
    assert meeting.status == MeetingStatus.MINUTES_APPROVED
    assert meeting.minutes_approved_by == people.leader
    assert meeting.minutes_approved_at is not None


def test_minutes_wait_until_the_meeting_is_held(people):
    meeting = plan(people)
    error = refused(
        lambda: services.minutes_save(
            meeting_id=meeting.pk, actor=people.secretariat, minutes="x"
        ),
        "conflict",
    )
    assert "held" in str(error.message)


def test_minutes_in_draft_only_can_be_approved(people):
    meeting = held(people)
    refused(
        lambda: services.minutes_approve(meeting_id=meeting.pk, actor=people.leader),
        "conflict",
    )


def test_approved_minutes_no_longer_change(people):
    meeting = held(people)
    services.minutes_save(meeting_id=meeting.pk, actor=people.leader, minutes="A")
    services.minutes_approve(meeting_id=meeting.pk, actor=people.leader)
    refused(
        lambda: services.minutes_save(
            meeting_id=meeting.pk, actor=people.leader, minutes="B"
        ),
        "conflict",
    )
    refused(
        lambda: services.minutes_approve(meeting_id=meeting.pk, actor=people.leader),
        "conflict",
    )
    refused(
        lambda: services.decision_add(
            meeting_id=meeting.pk, actor=people.leader, text="late"
        ),
        "conflict",
    )


def test_the_secretariat_records_an_approval_given_at_a_later_meeting(people):
    meeting = held(people)
    services.minutes_save(meeting_id=meeting.pk, actor=people.secretariat, minutes="A")
    refused(
        lambda: services.minutes_approve(
            meeting_id=meeting.pk, actor=people.secretariat
        ),
        "forbidden",
    )
    planned_later = plan(
        people, start=datetime(2025, 4, 3, 14, 0), end=datetime(2025, 4, 3, 16, 0)
    )
    error = refused(
        lambda: services.minutes_approve(
            meeting_id=meeting.pk,
            actor=people.secretariat,
            approved_at_meeting=planned_later.pk,
        ),
        "invalid",
    )
    assert error.field == "approved_at_meeting"
    services.meeting_hold(meeting_id=planned_later.pk, actor=people.secretariat)
    approved = services.minutes_approve(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        approved_at_meeting=planned_later.pk,
    )
    assert approved.status == MeetingStatus.MINUTES_APPROVED
    assert approved.approved_at_meeting == planned_later


def test_members_and_readers_cannot_run_a_meeting(people):
    meeting = plan(people)
    for user in (people.member, people.reader):
        refused(
            lambda user=user: services.meeting_hold(meeting_id=meeting.pk, actor=user),
            "forbidden",
        )
    assert Meeting.objects.get().status == MeetingStatus.PLANNED


def test_the_chair_runs_their_meeting(people):
    chair = user_with_role(Role.Kind.AUDITOR, username="chair")
    meeting = plan(people, chair=chair.person.pk)
    services.meeting_hold(meeting_id=meeting.pk, actor=chair)
    services.minutes_save(meeting_id=meeting.pk, actor=chair, minutes="by the chair")
    assert Meeting.objects.get().status == MeetingStatus.MINUTES_DRAFT


def test_only_a_planned_meeting_can_be_cancelled(people):
    meeting = held(people)
    refused(
        lambda: services.meeting_cancel(meeting_id=meeting.pk, actor=people.leader),
        "conflict",
    )
    other = plan(people)
    cancelled = services.meeting_cancel(
        meeting_id=other.pk, actor=people.leader, reason="Holiday"
    )
    assert cancelled.status == MeetingStatus.CANCELLED
    assert cancelled.cancel_reason == "Holiday"


def test_an_unknown_meeting_is_not_found(people):
    refused(
        lambda: services.meeting_hold(meeting_id=999999, actor=people.leader),
        "not_found",
    )
    refused(
        lambda: services.meeting_hold(meeting_id="abc", actor=people.leader),
        "not_found",
    )


# --- agenda and documents -------------------------------------------------------------


def test_agenda_items_keep_their_order_and_move(people):
    meeting = plan(people)
    standard = StandardFactory()
    work_item = WorkItemFactory()
    first = services.agenda_item_add(
        meeting_id=meeting.pk, actor=people.secretariat, title="Opening"
    )
    second = services.agenda_item_add(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        title="The draft",
        standard=standard.pk,
        work_item=work_item.pk,
    )
    assert (first.order, second.order) == (1, 2)
    assert second.standard == standard and second.work_item == work_item
    services.agenda_item_move(
        meeting_id=meeting.pk, actor=people.secretariat, item_id=second.pk, up=True
    )
    titles = [i.title for i in meeting.agenda_items.order_by("order")]
    assert titles == ["The draft", "Opening"]
    services.agenda_item_remove(
        meeting_id=meeting.pk, actor=people.secretariat, item_id=first.pk
    )
    assert [i.title for i in meeting.agenda_items.all()] == ["The draft"]


def test_an_agenda_item_links_only_a_standard_the_secretary_may_see(people):
    meeting = plan(people)
    for value in (999999, "x"):
        error = refused(
            lambda value=value: services.agenda_item_add(
                meeting_id=meeting.pk,
                actor=people.secretariat,
                title="T",
                standard=value,
            ),
            "invalid",
        )
        assert error.field == "standard"
    error = refused(
        lambda: services.agenda_item_add(
            meeting_id=meeting.pk, actor=people.secretariat, title="T", work_item=-1
        ),
        "invalid",
    )
    assert error.field == "work_item"


def test_the_agenda_closes_with_the_minutes(people):
    meeting = held(people)
    services.minutes_save(meeting_id=meeting.pk, actor=people.leader, minutes="A")
    refused(
        lambda: services.agenda_item_add(
            meeting_id=meeting.pk, actor=people.leader, title="late"
        ),
        "conflict",
    )


def test_documents_get_the_standards_upload_checks(people):
    meeting = plan(people)
    pdf = SimpleUploadedFile("agenda.docx", b"%PDF-1.4\n% test\n", "application/pdf")
    document = services.document_attach(
        meeting_id=meeting.pk, actor=people.secretariat, upload=pdf
    )
    assert document.kind == "pdf" and document.content_type == "application/pdf"
    assert document.file.name.startswith(f"meetings/{meeting.pk}/")
    assert "agenda" not in document.file.name  # the server names the file
    program = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    refused(
        lambda: services.document_attach(
            meeting_id=meeting.pk, actor=people.secretariat, upload=program
        ),
        "unsupported_type",
    )
    refused(
        lambda: services.document_attach(
            meeting_id=meeting.pk,
            actor=people.member,
            upload=SimpleUploadedFile("a.md", b"# Hi\n"),
        ),
        "forbidden",
    )


def test_a_document_larger_than_the_limit_is_refused(people, settings):
    settings.MAX_ATTACHMENT_BYTES = 10
    meeting = plan(people)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"x" * 100)
    refused(
        lambda: services.document_attach(
            meeting_id=meeting.pk, actor=people.secretariat, upload=big
        ),
        "too_large",
    )


# --- attendance -----------------------------------------------------------------------


def test_attendance_shows_organisations_and_the_quorum(people):
    from committees.meeting_selectors import attendance_summary

    meeting = held(people, quorum=2)
    other_org = OrganisationFactory(is_member=True, name="Other Org")
    someone = PersonFactory(organisation=other_org)
    absent = PersonFactory(organisation=other_org)
    services.attendance_set(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        present=[people.member.person.pk],
        apologies=[absent.pk],
    )
    summary = attendance_summary(Meeting.objects.get(pk=meeting.pk))
    assert summary.organisations == [people.organisation]
    assert summary.apologies == [absent]
    assert summary.quorate is False
    services.attendance_set(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        present=[people.member.person.pk, someone.pk],
    )
    summary = attendance_summary(Meeting.objects.get(pk=meeting.pk))
    assert summary.quorate is True
    assert summary.apologies == []


def test_attendance_refuses_a_person_twice_or_unknown(people):
    meeting = held(people)
    pk = people.member.person.pk
    refused(
        lambda: services.attendance_set(
            meeting_id=meeting.pk, actor=people.leader, present=[pk], apologies=[pk]
        ),
        "invalid",
    )
    refused(
        lambda: services.attendance_set(
            meeting_id=meeting.pk, actor=people.leader, present=[999999]
        ),
        "invalid",
    )
    refused(
        lambda: services.attendance_set(
            meeting_id=meeting.pk, actor=people.leader, present=["x"]
        ),
        "invalid",
    )


def test_no_quorum_rule_no_quorum(people):
    from committees.meeting_selectors import attendance_summary

    assert attendance_summary(held(people)).quorate is None


# --- decisions and actions ------------------------------------------------------------


def test_decisions_are_numbered_per_meeting(people):
    meeting = held(people)
    other = held(
        people, start=datetime(2025, 4, 3, 14, 0), end=datetime(2025, 4, 3, 16, 0)
    )
    refs = [
        services.decision_add(
            meeting_id=meeting.pk, actor=people.secretariat, text=f"Decision {n}"
        ).reference
        for n in range(3)
    ]
    assert refs == ["2025-03-06/D1", "2025-03-06/D2", "2025-03-06/D3"]
    first_of_other = services.decision_add(
        meeting_id=other.pk, actor=people.secretariat, text="Another"
    )
    assert first_of_other.reference == "2025-04-03/D1"
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.MINUTES_DRAFT


def test_a_decision_on_an_agenda_item_decides_on_its_standard(people):
    meeting = plan(people)
    standard = StandardFactory()
    item = services.agenda_item_add(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        title="Draft",
        standard=standard.pk,
    )
    services.meeting_hold(meeting_id=meeting.pk, actor=people.secretariat)
    decision = services.decision_add(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        text="Send to expert review",
        agenda_item=item.pk,
    )
    assert decision.standard == standard and decision.agenda_item == item
    refused(
        lambda: services.decision_add(
            meeting_id=meeting.pk, actor=people.secretariat, text=""
        ),
        "invalid",
    )


def test_action_items_have_an_owner_and_the_owner_sets_their_status(people):
    meeting = held(people)
    decision = services.decision_add(
        meeting_id=meeting.pk, actor=people.secretariat, text="Do it"
    )
    refused(
        lambda: services.action_add(
            meeting_id=meeting.pk, actor=people.secretariat, text="x", owner=None
        ),
        "invalid",
    )
    error = refused(
        lambda: services.action_add(
            meeting_id=meeting.pk,
            actor=people.secretariat,
            text="x",
            owner=people.member.person.pk,
            due="31/03/2025",
        ),
        "invalid",
    )
    assert error.field == "due"
    action = services.action_add(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        text="Circulate the draft",
        owner=people.member.person.pk,
        due="2025-03-31",
        decision=decision.pk,
    )
    assert action.due == date(2025, 3, 31) and action.decision == decision
    refused(
        lambda: services.action_set_status(
            action_id=action.pk, actor=people.reader, status="done"
        ),
        "forbidden",
    )
    refused(
        lambda: services.action_set_status(
            action_id=action.pk, actor=people.member, status="finished"
        ),
        "invalid",
    )
    done = services.action_set_status(
        action_id=action.pk, actor=people.member, status="done"
    )
    assert done.status == ActionItem.Status.DONE and done.completed_at


# --- the rules' twins -----------------------------------------------------------------


def test_minutes_visibility_rule_and_queryset_agree(people):
    draft = held(people)
    services.minutes_save(meeting_id=draft.pk, actor=people.leader, minutes="A")
    approved = held(people)
    services.minutes_save(meeting_id=approved.pk, actor=people.leader, minutes="B")
    services.minutes_approve(meeting_id=approved.pk, actor=people.leader)
    for user in (people.reader, people.member, people.leader):
        listed = set(rules.minutes_visible_meetings(user, Meeting.objects.all()))
        seen = {m for m in Meeting.objects.all() if rules.can_see_minutes(m, user)}
        assert listed == seen
    assert rules.can_see_minutes(Meeting.objects.get(pk=approved.pk), people.reader)
    assert not rules.can_see_minutes(Meeting.objects.get(pk=draft.pk), people.reader)


def test_markdown_upload_is_accepted_as_a_document(people):
    meeting = plan(people)
    upload = SimpleUploadedFile("notes.md", io.BytesIO(b"# Notes\n\nText.\n").read())
    document = services.document_attach(
        meeting_id=meeting.pk, actor=people.leader, upload=upload
    )
    assert document.kind == "md"


def test_an_agenda_item_links_a_qms_programme_its_secretary_may_see(client, people):
    from qms.models import Programme

    programme = Programme.objects.create(
        organisation=people.organisation, scope="Quality of model evaluation"
    )
    meeting = plan(people)
    item = services.agenda_item_add(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        title="QMS of Member Org",
        programme=programme.pk,
    )
    assert item.programme == programme
    error = refused(
        lambda: services.agenda_item_add(
            meeting_id=meeting.pk,
            actor=people.secretariat,
            title="Unknown",
            programme=999999,
        ),
        "invalid",
    )
    assert error.field == "programme"
    # A reader neither sees the link on the page nor its id in the API.
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert programme.get_absolute_url() not in html
    body = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert body["agenda"][0]["programme"] is None
    client.force_login(people.member)  # of the programme's organisation
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert programme.get_absolute_url() in html
    body = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert body["agenda"][0]["programme"] == programme.pk
