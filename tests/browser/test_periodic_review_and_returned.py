"""Two journeys of "My work" in the browser: the leader abolishes a standard
from the periodic-review list through its confirmation page, and an author
on a phone sees why a draft came back and what to do next without scrolling.
axe-core checks every page visited (folded sections opened)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from standards import services
from standards.models import Standard, Status
from tests.browser.test_role_journeys import Journey, in_view
from tests.standards import conftest as standards_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.axe]

world = standards_fixtures.world
lifecycle = standards_fixtures.lifecycle
no_pdf_renders = standards_fixtures.no_pdf_renders

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def on_screen(page, locator, what: str) -> None:
    """The element is shown and starts inside the viewport, wherever the page
    was scrolled to (by an address's anchor)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None, f"{what} is not shown on {page.url}"
    assert 0 <= box["y"] <= height - min(box["height"], 40), (
        f"{what} starts at {box['y']:.0f}px of the {height}px viewport of {page.url}"
    )


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_leader_abolishes_an_overdue_standard_from_the_periodic_review_list(
    transactional_db, live_server, lifecycle, no_pdf_renders, page, viewport
):
    later = lifecycle.published(title="Evaluation reports, due later")
    overdue = lifecycle.published(title="Chatbot triage, overdue")
    today = timezone.localdate()
    Standard.objects.filter(pk=later.pk).update(review_due=today + timedelta(days=60))
    Standard.objects.filter(pk=overdue.pk).update(review_due=today - timedelta(days=9))
    page.set_viewport_size(viewport)
    journey = Journey(
        page, "leader-abolish", f"{viewport['width']}x{viewport['height']}"
    )

    journey.sign_in("leader")
    due = page.locator("#review-due .due-item")
    expect(due.first).to_contain_text("Chatbot triage, overdue")
    expect(due.first).to_contain_text("overdue by 9 days")
    due.first.get_by_role("link", name=re.compile(r"^Abolish")).click()

    # One click away: the confirmation page, stating the consequence first.
    page.wait_for_url(f"**/drafts/{overdue.pk}/confirm/abolish/")
    journey.visit("confirm")
    consequence = page.locator("#consequence")
    in_view(page, consequence, "what abolishing does")
    expect(consequence).to_contain_text("no longer in force")
    expect(consequence).to_contain_text("This cannot be undone.")
    assert Standard.objects.get(pk=overdue.pk).status == Status.PUBLISHED

    form = page.locator("main form#transition-abolish")
    form.get_by_label("Reason for abolishing").fill("Superseded by current practice.")
    form.get_by_role("button", name="Yes: Abolish").click()

    expect(page.locator(".messages")).to_contain_text("Done: Abolish.")
    journey.visit("abolished")
    abolished = Standard.objects.get(pk=overdue.pk)
    assert abolished.status == Status.ABOLISHED
    assert abolished.abolition_reason == "Superseded by current practice."
    assert Standard.objects.get(pk=later.pk).status == Status.PUBLISHED

    # The public page says so, with the reason; the list no longer offers it.
    page.goto(f"/standards/{overdue.pk}/")
    expect(page.locator("main")).to_contain_text("This standard is abolished.")
    expect(page.locator("main")).to_contain_text("Superseded by current practice.")
    page.goto("/dashboard/")
    expect(page.locator("#review-due")).not_to_contain_text("Chatbot triage")
    expect(page.locator("#review-due")).to_contain_text("Evaluation reports")


def test_a_returned_draft_on_a_phone_shows_why_and_the_next_action_in_view(
    transactional_db, live_server, lifecycle, no_pdf_renders, page
):
    w = lifecycle.w
    standard = lifecycle.in_review(title="Triage chatbots in emergency care")
    services.comment_create(
        standard_id=standard.pk,
        actor=w.expert1,
        text="Define what counts as a missed emergency.",
        section="3",
        blocking=True,
    )
    lifecycle.go(
        standard,
        "request_changes",
        w.deputy,
        comment="Section 3 must define a missed emergency.",
    )
    page.set_viewport_size(PHONE)
    journey = Journey(page, "member-returned", "390x844")

    journey.sign_in("member")
    first = page.locator("#waiting .work-item").first
    in_view(page, first, "the returned draft in My work")
    expect(first).to_contain_text("Section 3 must define a missed emergency.")
    first.locator(".work-title").click()
    page.wait_for_url(f"**/drafts/{standard.pk}/#*")

    def why_and_next_in_view(check):
        returned = page.locator("#returned")
        check(page, returned.get_by_role("heading", level=2), "why it came back")
        expect(returned).to_contain_text("Section 3 must define a missed emergency.")
        check(
            page,
            returned.get_by_role("link", name=re.compile("missed emergency")),
            "the open blocking point",
        )
        # What to do next: the actions box and its first task (on a phone
        # the task's form follows below the comment it answers).
        actions = page.locator("#actions")
        check(page, actions.get_by_role("heading", level=2), "the actions box")
        check(page, actions.locator("h3, form").first, "the next action")
        expect(actions.locator("h3").first).to_have_text("Answer 1 expert comment")

    # From My work (its link opens the page at why the draft came back)...
    assert page.url.endswith(f"/drafts/{standard.pk}/#returned")
    why_and_next_in_view(on_screen)
    journey.visit("draft")
    # ... and with the address typed: as loaded, nothing scrolled.
    page.goto(f"/drafts/{standard.pk}/")
    why_and_next_in_view(in_view)
    expect(page.locator("#actions #upload")).to_contain_text("Upload a revision")
