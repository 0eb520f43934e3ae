"""The person's next action is in view after the working page loads, on a
laptop (1280 × 800) and on a phone (390 × 844)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from standards import services
from standards.models import Standard, Status

pytestmark = pytest.mark.browser

PASSWORD = "turn-pass-4821"
VIEWPORTS = [(1280, 800), (390, 844)]


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def in_view(page, selector):
    """The element starts inside the viewport as loaded (nothing scrolled)."""
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    assert box is not None, f"{selector} is not shown"
    assert 0 <= box["y"] < height - 40, f"{selector} starts at {box['y']}px"


@pytest.fixture
def demo(transactional_db, live_server):
    call_command("load_working_group")
    call_command("load_demo", password=PASSWORD, force=True)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_deputy_sees_the_assign_form_on_a_submitted_draft(demo, page, width, height):
    from django.contrib.auth import get_user_model

    standard = Standard.objects.filter(status=Status.DRAFT, has_edition=False).first()
    author = next(
        u
        for u in get_user_model().objects.filter(username__in=["member", "member2"])
        if services.available_transitions(standard, u)
    )
    services.standard_transition(standard_id=standard.pk, name="submit", actor=author)
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "deputy")

    page.goto(f"/drafts/{standard.pk}/")

    expect(page.locator("#actions #assign")).to_be_visible()
    in_view(page, "#actions #assign")
    page.screenshot(
        path=f"test-results/workspace/test-deputy-assign-{width}.png", full_page=False
    )


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_expert_sees_recommend_and_comment_forms(demo, page, width, height):
    standard = Standard.objects.get(
        status=Status.EXPERT_REVIEW, assignments__expert__username="expert1"
    )
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "expert1")

    page.goto(f"/drafts/{standard.pk}/")

    expect(page.locator("#actions #recommend-form")).to_be_visible()
    expect(page.locator("#actions #comment-form")).to_be_visible()
    in_view(page, "#actions #recommend-form")
    page.screenshot(
        path=f"test-results/workspace/test-expert-feedback-{width}.png", full_page=False
    )
