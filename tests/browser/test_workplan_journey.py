"""A deputy leader keeps their work item up to date in the browser: signs
in, edits the item, adds a milestone and finds it on the timeline, then a
reader sees the change in the item's history."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "workplan-pass-4471"


@pytest.fixture
def demo(transactional_db, live_server):
    call_command("load_working_group")
    call_command("load_demo", password=PASSWORD, force=True)


def test_a_deputy_leader_plans_their_item_and_sees_it_on_the_timeline(demo, page):
    due = timezone.localdate() + datetime.timedelta(days=45)
    page.goto("/accounts/login/?next=/workplan/medical-llm/")
    page.get_by_label("Username").fill("deputy")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workplan/medical-llm/")

    page.get_by_role("link", name="Edit the work item").click()
    page.get_by_label("Status").select_option("at_risk")
    page.get_by_label("Description", exact=True).fill(
        "Clinical evaluation of medical LLM, with a pilot in two hospitals."
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/workplan/medical-llm/")
    expect(page.get_by_role("status")).to_contain_text("The work item is saved.")
    expect(page.locator(".work-item-status")).to_have_text("At risk")

    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Title", exact=True).fill("Clinical pilot")
    page.get_by_label("Chinese title").fill("临床试点")
    page.get_by_label("Due").fill(due.isoformat())
    page.get_by_role("button", name="Add the milestone").click()
    page.wait_for_url("**/workplan/medical-llm/")

    timeline = page.locator("svg.timeline")
    expect(timeline).to_be_visible()
    expect(
        timeline.locator("text.timeline-label", has_text="Clinical pilot")
    ).to_have_count(1)
    mark = timeline.locator(f'polygon[data-due="{due.isoformat()}"]')
    expect(mark).to_have_count(1)
    expect(mark).to_have_class("milestone milestone-open")
    expect(timeline.locator(".timeline-today")).to_have_count(1)
    row = page.locator("table.milestones tr", has_text="Clinical pilot")
    expect(row).to_contain_text(due.isoformat())

    # On the whole plan too, and in the history, named as who did it.
    page.goto("/workplan/")
    expect(
        page.locator(f'svg.timeline polygon[data-due="{due.isoformat()}"]')
    ).to_have_count(1)
    page.goto("/workplan/medical-llm/")
    history = page.locator("ol.history")
    expect(history).to_contain_text("Milestone added: Clinical pilot")
    expect(history).to_contain_text("Status: Active → At risk")
    expect(history.locator("li.timeline-item").last).to_contain_text(
        "Demo Deputy Leader (sample)"
    )

    # Another field's item is not theirs to edit.
    page.goto("/workplan/sovereign-llm/")
    expect(page.get_by_role("heading", name="Sovereign LLM")).to_be_visible()
    expect(page.get_by_role("link", name="Edit the work item")).to_have_count(0)
