"""Meeting pages, the standard's page, "My work", feeds and the API."""

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committees import meeting_services as services
from committees.models import Meeting, MeetingStatus
from tests.standards.conftest import lifecycle, world  # noqa: F401

from .meeting_helpers import People, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People()


def url(route, meeting, **kwargs):
    return reverse(f"committees:{route}", kwargs={"slug": meeting.slug, **kwargs})


def draft_minutes(people):
    meeting = held(people)
    services.minutes_save(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        minutes="## Discussion\n\nAgreed.\n\n<script>alert(1)</script>",
    )
    services.decision_add(
        meeting_id=meeting.pk, actor=people.secretariat, text="Adopt the plan"
    )
    services.action_add(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        text="Circulate the plan",
        owner=people.member.person.pk,
        due=date(2025, 3, 31),
    )
    return Meeting.objects.get(pk=meeting.pk)


# --- reading --------------------------------------------------------------------------


def test_the_public_sees_times_and_agenda_but_not_the_place_or_draft(client, people):
    meeting = draft_minutes(people)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Second Work Group Meeting" in html
    assert "14:00" in html and "Asia/Shanghai" in html
    assert "Room 301" not in html and "meet.example.org" not in html
    assert "Agreed." not in html and "Adopt the plan" not in html
    assert "Circulate the plan" not in html
    assert "have not been published in the portal yet" in html


def test_members_see_the_place_and_the_draft_minutes(client, people):
    meeting = draft_minutes(people)
    client.force_login(people.member)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Room 301" in html and "meet.example.org" in html
    assert "Draft minutes, seen by members only" in html
    assert "Agreed." in html and "2025-03-06/D1" in html
    assert "<script>alert(1)" not in html
    assert 'action="/meetings/' not in html  # a member does not run it


def test_approved_minutes_decisions_and_actions_are_public(client, people):
    meeting = draft_minutes(people)
    services.minutes_approve(meeting_id=meeting.pk, actor=people.leader)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Agreed." in html and "<script>alert(1)" not in html
    assert "2025-03-06/D1" in html and "Adopt the plan" in html
    assert "Circulate the plan" in html
    assert "Draft minutes" not in html
    assert "Room 301" not in html


def test_the_meeting_list_shows_states_within_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    for day in range(1, 6):
        plan(
            people,
            start=datetime(2025, 3, day, 9, 0),
            end=datetime(2025, 3, day, 10, 0),
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("committees:meetings"))
    assert response.content.decode().count("Planned") >= 5


def test_the_meeting_page_reads_in_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    meeting = draft_minutes(people)
    for n in range(5):
        services.decision_add(
            meeting_id=meeting.pk, actor=people.secretariat, text=f"More {n}"
        )
    client.force_login(people.secretariat)
    with django_assert_max_num_queries(25):
        response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200


def test_an_unknown_meeting_is_404(client):
    assert client.get("/meetings/no-such-meeting/").status_code == 404


# --- running it in the browser --------------------------------------------------------


def test_the_secretariat_plans_a_meeting_with_the_form(client, people):
    client.force_login(people.secretariat)
    assert client.get(reverse("committees:meeting_new")).status_code == 200
    response = client.post(
        reverse("committees:meeting_new"),
        {
            "title": "Third meeting",
            "start": "2025-05-08T14:00",
            "end": "2025-05-08T15:30",
            "time_zone": "Asia/Shanghai",
            "place": "Online",
        },
    )
    meeting = Meeting.objects.get(title="Third meeting")
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.local_start.hour == 14


def test_a_bad_time_zone_is_shown_on_the_form_and_nothing_is_saved(client, people):
    client.force_login(people.secretariat)
    response = client.post(
        reverse("committees:meeting_new"),
        {
            "title": "Third meeting",
            "start": "2025-05-08T14:00",
            "end": "2025-05-08T15:30",
            "time_zone": "Nowhere/Special",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a time zone" in html
    assert 'value="Third meeting"' in html  # what was typed is kept
    assert not Meeting.objects.exists()


def test_a_member_may_not_open_the_planning_form(client, people):
    client.force_login(people.member)
    assert client.get(reverse("committees:meeting_new")).status_code == 403


def test_the_agenda_is_built_on_the_meeting_page(client, people):
    meeting = plan(people)
    client.force_login(people.secretariat)
    response = client.post(url("agenda_add", meeting), {"title": "Opening"})
    assert response.status_code == 302
    response = client.post(url("agenda_add", meeting), {"title": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    item = meeting.agenda_items.get()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Opening" in html
    response = client.post(url("agenda_remove", meeting, pk=item.pk))
    assert response.status_code == 302 and not meeting.agenda_items.exists()


def test_a_reader_cannot_post_to_a_meeting(client, people):
    meeting = plan(people)
    client.force_login(people.reader)
    response = client.post(url("agenda_add", meeting), {"title": "Opening"})
    assert response.status_code == 403
    response = client.post(url("meeting_transition", meeting, name="hold"))
    assert response.status_code == 403
    assert Meeting.objects.get().status == MeetingStatus.PLANNED


def test_an_anonymous_post_goes_to_sign_in(client, people):
    meeting = plan(people)
    response = client.post(url("agenda_add", meeting), {"title": "Opening"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_wrong_state_is_a_409_with_the_reason(client, people):
    meeting = plan(people)
    client.force_login(people.secretariat)
    response = client.post(url("minutes", meeting), {"minutes": "early"})
    assert response.status_code == 409
    assert "once the meeting has been held" in response.content.decode()


def test_an_unknown_transition_is_404(client, people):
    meeting = plan(people)
    client.force_login(people.secretariat)
    response = client.post(url("meeting_transition", meeting, name="explode"))
    assert response.status_code == 404


def test_a_document_of_the_wrong_type_is_refused_with_415(client, people):
    meeting = plan(people)
    client.force_login(people.secretariat)
    program = SimpleUploadedFile("slides.pdf", b"MZ" + b"\x00" * 200)
    response = client.post(url("document_upload", meeting), {"file": program})
    assert response.status_code == 415
    assert "is not a PDF" in response.content.decode()
    pdf = SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n%%EOF\n")
    assert (
        client.post(url("document_upload", meeting), {"file": pdf}).status_code == 302
    )
    document = meeting.documents.get()
    client.logout()
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "slides.pdf" in response["Content-Disposition"]


def test_the_whole_record_through_the_page(client, people):
    meeting = plan(people, quorum=1)
    client.force_login(people.secretariat)
    client.post(url("meeting_transition", meeting, name="hold"))
    client.post(url("attendance", meeting), {"present": [people.member.person.pk]})
    client.post(url("minutes", meeting), {"minutes": "We met."})
    client.post(url("decision_add", meeting), {"text": "Adopt"})
    client.post(
        url("action_add", meeting),
        {"text": "Write", "owner": people.member.person.pk, "due": "2025-03-31"},
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_DRAFT
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Member Org" in html and "Quorate" in html
    client.force_login(people.leader)
    response = client.post(url("meeting_transition", meeting, name="approve"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_APPROVED


# --- "My work", the standard's page, feeds --------------------------------------------


def test_the_owner_sees_their_action_and_marks_it_done(client, people):
    draft_minutes(people)
    client.force_login(people.member)
    html = client.get(reverse("standards:dashboard")).content.decode()
    assert "Action items from meetings" in html and "Circulate the plan" in html
    action = people.member.person.action_items.get()
    response = client.post(
        reverse("committees:action_status", kwargs={"pk": action.pk}),
        {"status": "done", "next": "dashboard"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("standards:dashboard")
    html = client.get(reverse("standards:dashboard")).content.decode()
    assert "Circulate the plan" not in html


def test_an_overdue_action_shows_on_the_leaders_dashboard(client, people):
    draft_minutes(people)  # due 2025-03-31, long past
    client.force_login(people.leader)
    html = client.get(reverse("standards:dashboard")).content.decode()
    assert "Overdue" in html and "Circulate the plan" in html


def test_the_standards_page_lists_the_meetings_that_discussed_it(
    client,
    people,
    lifecycle,  # noqa: F811
):
    standard = lifecycle.published()
    meeting = plan(people)
    services.agenda_item_add(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        title="Renewal",
        standard=standard.pk,
    )
    html = client.get(standard.get_absolute_url()).content.decode()
    assert "Discussed at meetings" in html and meeting.get_absolute_url() in html
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert standard.get_absolute_url() in html


def test_the_atom_feed_lists_approved_minutes_only(client, people):
    approved = draft_minutes(people)
    services.minutes_approve(meeting_id=approved.pk, actor=people.leader)
    other = held(people, title="Draft only")
    services.minutes_save(meeting_id=other.pk, actor=people.leader, minutes="x")
    response = client.get(reverse("committees:minutes_feed"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<feed" in body and approved.get_absolute_url() in body
    assert "Draft only" not in body


# --- the API --------------------------------------------------------------------------


def test_the_api_lists_meetings_with_their_record(client, people):
    meeting = draft_minutes(people)
    body = client.get("/api/v1/meetings/").json()
    listed = body["results"][0]
    assert listed["id"] == meeting.pk and listed["status"] == "minutes_draft"
    assert listed["place"] is None and listed["online_link"] is None
    assert listed["minutes"] is None and listed["decisions"] is None
    assert listed["start"].startswith("2025-03-06T")
    assert listed["time_zone"] == "Asia/Shanghai"
    services.minutes_approve(meeting_id=meeting.pk, actor=people.leader)
    detail = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert detail["decisions"][0]["reference"] == "2025-03-06/D1"
    assert detail["actions"][0]["owner"]["id"] == people.member.person.pk
    assert detail["actions"][0]["due"] == "2025-03-31"
    assert detail["minutes"].startswith("## Discussion")
    assert detail["ics"] == url("meeting_ics", meeting)


def test_the_api_shows_members_the_place_and_the_draft(client, people):
    meeting = draft_minutes(people)
    client.force_login(people.member)
    detail = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert detail["place"] == "Room 301, Beijing"
    assert detail["decisions"][0]["text"] == "Adopt the plan"
    assert detail["attendance"] == []


def test_the_api_filters_by_state_and_refuses_unknown_ids(client, people):
    draft_minutes(people)
    plan(people)
    body = client.get("/api/v1/meetings/?status=planned").json()
    assert [m["status"] for m in body["results"]] == ["planned"]
    assert client.get("/api/v1/meetings/999999/").status_code == 404
    assert client.get("/api/v1/meetings/?status=nonsense").status_code == 400


def test_the_agenda_form_offers_what_an_item_may_be_linked_to(
    client, people, django_assert_max_num_queries
):
    from tests.factories import StandardFactory, WorkItemFactory

    meeting = plan(people)
    work_item = WorkItemFactory(title="Medical LLM")
    draft = StandardFactory(title="Evaluating clinical assistants")
    client.force_login(people.secretariat)
    with django_assert_max_num_queries(25):
        html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'<option value="{work_item.pk}">Medical LLM</option>' in html
    # The secretariat sees every draft, by its own title.
    assert f'<option value="{draft.pk}" label="Evaluating clinical assistants">' in html

    response = client.post(
        url("agenda_add", meeting),
        {"title": "Medical LLM plan", "work_item": work_item.pk, "standard": draft.pk},
    )
    assert response.status_code == 302
    item = meeting.agenda_items.get()
    assert (item.work_item, item.standard) == (work_item, draft)


def test_a_reader_is_offered_no_agenda_form_nor_its_choices(client, people):
    from tests.factories import StandardFactory

    meeting = plan(people)
    StandardFactory(title="A draft nobody else sees")
    client.force_login(people.reader)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert 'id="agenda-form"' not in html
    assert "A draft nobody else sees" not in html
