"""A meeting in the browser: the secretariat plans it with an agenda linked
to a standard, holds it, records attendance, minutes, a decision and an
action; the leader approves the minutes; the owner finds the action in "My
work"; a reader reads the approved minutes and downloads the .ics."""

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from committees.models import Meeting, MeetingStatus
from tests.committees.meeting_helpers import People
from tests.standards.conftest import lifecycle, world  # noqa: F401

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's


def sign_in(page, username):
    page.goto("/")
    sign_out = page.get_by_role("button", name="Sign out")
    if sign_out.count():
        sign_out.click()
        expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_meeting_from_planning_to_public_minutes(page, lifecycle, tmp_path):  # noqa: F811
    standard = lifecycle.published()
    people = People()
    member_name = people.member.person.name

    sign_in(page, people.secretariat.username)
    page.goto("/meetings/")
    page.get_by_role("link", name="Plan a meeting").click()
    page.get_by_label("Title", exact=True).fill("Spring meeting")
    page.get_by_label("Starts").fill("2025-03-06T14:00")
    page.get_by_label("Ends").fill("2025-03-06T16:00")
    page.get_by_label("Time zone").fill("Asia/Shanghai")
    page.get_by_label("Place").fill("Room 301, Beijing")
    page.get_by_role("button", name="Plan and invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring meeting")
    expect(page.locator("main")).to_contain_text("14:00–16:00")

    agenda = page.locator("#agenda-form")
    agenda.get_by_label("Title", exact=True).fill("Renewal of the standard")
    agenda.get_by_label("Standard (its id)").fill(str(standard.pk))
    agenda.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("#agenda")).to_contain_text("Renewal of the standard")
    expect(
        page.locator(f'#agenda a[href="{standard.get_absolute_url()}"]')
    ).to_be_visible()

    page.get_by_role("button", name="Mark as held").click()
    expect(page.locator("#meeting-status")).to_have_text("Held")
    page.get_by_label(f"{member_name} present").check()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.locator("#present")).to_contain_text(member_name)

    page.get_by_label("Minutes (Markdown)").fill(
        "## Renewal\n\nThe group discussed the renewal."
    )
    page.get_by_role("button", name="Save the minutes").click()
    expect(page.locator("#meeting-status")).to_have_text("Minutes in draft")
    page.get_by_label("Decision", exact=True).fill("Start the renewal.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decisions")).to_contain_text("2025-03-06/D1")
    page.get_by_label("Action", exact=True).fill("Prepare the renewal draft")
    page.get_by_label("Owner").select_option(label=member_name)
    page.get_by_label("Due").fill("2025-04-30")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("#actions")).to_contain_text("Prepare the renewal draft")

    sign_in(page, people.leader.username)
    meeting = Meeting.objects.get(title="Spring meeting")
    page.goto(meeting.get_absolute_url())
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator("#meeting-status")).to_have_text("Minutes approved")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.MINUTES_APPROVED

    sign_in(page, people.member.username)
    page.goto("/dashboard/")
    expect(page.locator("#my-actions")).to_contain_text("Prepare the renewal draft")

    page.get_by_role("button", name="Sign out").click()
    page.goto(meeting.get_absolute_url())
    expect(page.locator("#minutes")).to_contain_text("The group discussed the renewal.")
    expect(page.locator("#decisions")).to_contain_text("Start the renewal.")
    expect(page.locator("main")).not_to_contain_text("Room 301")
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    path = tmp_path / "meeting.ics"
    info.value.save_as(path)
    event = Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    assert str(event["summary"]) == "Spring meeting"

    page.goto(standard.get_absolute_url())
    expect(page.locator("#meetings")).to_contain_text("Spring meeting")
