"""Signing in lands on "My work", whose first "Waiting on you" item is in
view as the page loads, on a laptop (1280 × 800) and on a phone (390 × 844).
Screenshots go to test-results/workspace/."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "workspace-pass-6130"
SHOTS = Path("test-results/workspace")
VIEWPORTS = [(1280, 800), (390, 844)]


@pytest.fixture
def demo(transactional_db, live_server):
    call_command("load_working_group")
    call_command("load_demo", password=PASSWORD, force=True)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_a_member_signs_in_to_what_waits_on_them(demo, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/dashboard/")
    expect(page.get_by_role("heading", name="Waiting on you")).to_be_visible()
    first = page.locator(".work-item").first
    box = first.bounding_box()
    assert box is not None, "nothing waits on the demo member"
    assert box["y"] >= 0 and box["y"] + 80 < height, f"first item at {box['y']}px"
    # Its link opens the draft's actions, or why it came back (just above
    # them) for a draft returned to its authors, as the demo's first is.
    href = first.locator(".work-title").get_attribute("href")
    assert href.startswith("/drafts/")
    assert href.endswith(("/#actions", "/#returned")), href
    # The navigation marks "My work", and the name leads to the profile.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator('[aria-current="page"]')).to_have_text("My work")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"dashboard-member-{width}x{height}-test.png")

    page.locator(".account-link").click()
    page.wait_for_url("**/accounts/profile/")
    expect(page.get_by_role("link", name="Notification choices")).to_be_visible()
