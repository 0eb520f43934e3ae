"""On a phone (390 × 844): the catalogue's first result is on the first
screen, its filters folded; a misspelt search offers its correction; a wide
table scrolls within itself, never the page. Screenshots go to
test-results/workspace/."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOTS = Path("test-results/workspace")


def test_on_a_phone_the_first_result_is_above_the_fold(
    transactional_db, live_server, page
):
    call_command("load_working_group")
    call_command("load_demo", password="phone-pass-7731", force=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)

    page.goto("/standards/?q=evaluation")
    first = page.locator(".catalogue-result").first
    expect(first).to_be_visible()
    box = first.locator("h2").bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    page.screenshot(path=SHOTS / "search-phone-test.png")

    # The filters are folded, and open on demand.
    field = page.get_by_label("Field", exact=True)
    expect(field).to_be_hidden()
    page.locator(".catalogue-filter-panel > summary").click()
    expect(field).to_be_visible()

    # A misspelt word: "did you mean", whose link runs the corrected search.
    page.goto("/standards/?q=evalution")
    page.get_by_role("link", name="evaluation", exact=True).click()
    expect(page.locator(".catalogue-result").first).to_be_visible()
    expect(
        page.get_by_label("Words of the number, title, scope or text")
    ).to_have_value("evaluation")

    # The drafts table scrolls inside its frame; the page does not.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill("phone-pass-7731")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/drafts/")
    table = page.locator(".table-scroll .table-wrap")
    expect(table).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert table.evaluate("e => e.scrollWidth > e.clientWidth")
