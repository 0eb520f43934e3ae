"""Suggestions while typing in the catalogue's search box, in the browser:
an ARIA combobox with a listbox of public standards, chosen with the arrow
keys and Enter or with the mouse, closed with Escape; without JavaScript
the search form works as before."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from standards import services
from tests.browser.test_role_journeys import check_accessibility
from tests.standards import conftest as standards_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.axe]

world = standards_fixtures.world
lifecycle = standards_fixtures.lifecycle

SHOTS = Path("test-results/suggest")
LABEL = "Words of the number, title, scope or text"
TRIAGE = "Evaluation of triage chatbots"
RADIOLOGY = "Evaluation of radiology reports"


@pytest.fixture
def catalogue(transactional_db, live_server, lifecycle, only_search_hooks):
    triage = lifecycle.published(title=TRIAGE)
    radiology = lifecycle.published(title=RADIOLOGY)
    services.standard_create(
        actor=lifecycle.w.member,
        title="Evaluation of a secret draft",
        field=lifecycle.w.subfield,
    )
    return triage, radiology


def box(page):
    return page.get_by_role("search").get_by_role("combobox", name=LABEL)


def suggestions(page):
    return page.get_by_role("listbox", name="Suggested standards")


def test_typing_suggests_public_standards_and_the_keyboard_chooses_one(catalogue, page):
    triage, radiology = catalogue
    page.goto("/standards/")
    search = box(page)
    expect(search).to_have_attribute("aria-expanded", "false")
    listbox = suggestions(page)

    search.press_sequentially("evalu", delay=30)

    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text(f"{triage.number} {TRIAGE}")
    expect(options.nth(1)).to_contain_text(RADIOLOGY)
    expect(listbox).not_to_contain_text("secret")
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".suggestions-status[aria-live=polite]")).to_have_text(
        "2 suggested standards: the up and down arrows choose one, Enter opens it."
    )
    expect(search).not_to_have_attribute("aria-activedescendant", re.compile("."))

    # Down and Up move through the options; the box keeps the focus.
    search.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "suggestions-1280x720.png")
    check_accessibility(page)
    expect(search).to_have_attribute(
        "aria-activedescendant", options.nth(0).get_attribute("id")
    )
    search.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    search.press("ArrowDown")  # wraps to the first
    search.press("ArrowUp")  # and back to the last
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(search).to_be_focused()

    # Escape closes the list and keeps what was typed; Down opens it again.
    search.press("Escape")
    expect(listbox).to_be_hidden()
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(search).not_to_have_attribute("aria-activedescendant", re.compile("."))
    expect(search).to_have_value("evalu")
    search.press("ArrowDown")
    expect(listbox).to_be_visible()
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    search.press("ArrowDown")

    # Enter opens the one chosen.
    search.press("Enter")
    page.wait_for_url(f"**/standards/{radiology.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(RADIOLOGY)


def test_a_click_chooses_a_suggestion_and_enter_alone_still_searches(catalogue, page):
    triage, _radiology = catalogue
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/standards/")
    search = box(page)
    search.press_sequentially("triage", delay=30)
    option = suggestions(page).get_by_role("option", name=re.compile(TRIAGE))
    expect(option).to_be_visible()
    option.click()
    page.wait_for_url(f"**/standards/{triage.pk}/")

    # Nothing chosen: Enter sends the form, as without suggestions.
    page.goto("/standards/")
    search = box(page)
    search.press_sequentially("chatbot", delay=30)
    expect(suggestions(page).get_by_role("option")).to_have_count(1)
    search.press("Enter")
    page.wait_for_url(re.compile(r"/standards/\?q=chatbot(&|$)"))
    expect(page.locator(".catalogue-results h2")).to_have_text([TRIAGE])


def test_nothing_found_shows_no_list(catalogue, page):
    page.goto("/standards/")
    search = box(page)
    search.press_sequentially("zzqx", delay=30)
    page.wait_for_timeout(500)
    expect(suggestions(page)).to_be_hidden()
    expect(search).to_have_attribute("aria-expanded", "false")


def test_without_javascript_the_search_form_works_as_before(
    catalogue, browser, live_server
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/standards/")
        form = page.get_by_role("search")
        search = form.get_by_role("searchbox", name=LABEL)
        expect(search).not_to_have_attribute("role", "combobox")
        search.fill("radiology")
        form.get_by_role("button", name="Search").click()
        page.wait_for_url(re.compile(r"\?q=radiology"))
        expect(page.locator(".catalogue-results h2")).to_have_text([RADIOLOGY])
    finally:
        context.close()
