"""Each role's journey in the browser, on a laptop (1280 × 800) and on a phone
(390 × 844): signing in lands on "My work", the first thing waiting on the
person and, on its page, their next action are in view as the page loads;
irreversible actions go through a confirmation page; every navigation link
the role sees answers 200; and axe-core finds no serious or critical
accessibility violation on any page visited.

axe-core comes from npm (package.json, `make install`), never from a CDN, and
is not served by the portal. Screenshots of each journey's pages go to
test-results/journeys/<role>-<page>-<width>x<height>.png for review.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import AXE
from tests.standards import conftest as standards_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.axe]

# The world's users and drafts, built through the services (no PDFs but the
# reader's: a render costs about a second each).
world = standards_fixtures.world
lifecycle = standards_fixtures.lifecycle
no_pdf_renders = standards_fixtures.no_pdf_renders

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's
SHOTS = Path("test-results/journeys")
VIEWPORTS = [(1280, 800), (390, 844)]
# axe's rule sets for WCAG 2.0 and 2.1, A and AA, and its best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# Folded sections (<details>) are opened for axe, so that what they hide is
# checked too, then folded again: the journey goes on with the page as the
# person left it.
UNFOLD = """() => {
  for (const details of document.querySelectorAll("details:not([open])")) {
    details.setAttribute("data-axe-unfolded", "");
    details.open = true;
  }
}"""
REFOLD = """() => {
  for (const details of document.querySelectorAll("details[data-axe-unfolded]")) {
    details.open = false;
    details.removeAttribute("data-axe-unfolded");
  }
}"""


def check_accessibility(page) -> None:
    """Run axe-core on the page as loaded, every folded section opened; fail
    on a serious or critical violation, naming each rule and the elements
    that break it.

    The portal's CSP allows only its own scripts and a nonce, so a
    <script> tag with axe's source would be refused; `page.evaluate` runs it
    through the DevTools protocol, which the CSP does not govern."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    page.evaluate(UNFOLD)
    try:
        result = page.evaluate(
            "async (options) => await window.axe.run(document, options)", AXE_OPTIONS
        )
    finally:
        page.evaluate(REFOLD)
    bad = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(
            f"    {json.dumps(node['target'])}: {node.get('failureSummary', '')}"
            for node in v["nodes"][:8]
        )
        for v in bad
    )
    assert not bad, f"axe on {page.url}:\n{report}"


def in_view(page, locator, what: str) -> None:
    """The element is shown and starts inside the viewport, nothing scrolled."""
    expect(locator).to_be_visible()
    assert page.evaluate("() => window.scrollY") == 0, f"{page.url} scrolled"
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None, f"{what} is not shown on {page.url}"
    assert 0 <= box["y"] <= height - min(box["height"], 40), (
        f"{what} starts at {box['y']:.0f}px, below the {height}px viewport "
        f"of {page.url}"
    )


class Journey:
    def __init__(self, page, role: str, size: str):
        self.page = page
        self.role = role
        self.size = size

    def visit(self, name: str) -> None:
        """The page just loaded: its screenshot, then axe."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOTS / f"{self.role}-{name}-{self.size}.png")
        check_accessibility(self.page)

    def sign_in(self, username: str) -> None:
        page = self.page
        page.goto("/accounts/login/")
        self.visit("login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/dashboard/")
        expect(page.get_by_role("heading", name="Waiting on you")).to_be_visible()
        self.visit("dashboard")

    def navigation_answers(self) -> None:
        """Every link of the main navigation the person sees answers 200."""
        nav = self.page.get_by_role("navigation", name="Main")
        hrefs = {link.get_attribute("href") for link in nav.get_by_role("link").all()}
        for href in sorted(hrefs):
            response = self.page.request.get(href)
            assert response.status == 200, f"{href} answers {response.status}"

    def open_first_waiting(self) -> None:
        """The first "Waiting on you" item is in view; it opens the draft at
        its actions (at why it came back, just above them, for a draft
        returned to its authors), which are then in view too."""
        page = self.page
        first = page.locator("#waiting .work-item").first
        in_view(page, first, "the first item waiting")
        link = first.locator(".work-title")
        href = link.get_attribute("href")
        address, _, anchor = href.partition("#")
        assert address.endswith("/"), href
        assert anchor == ("returned" if self.role == "member" else "actions"), href
        # Without that anchor, as when the address is typed, the actions are
        # in view as well.
        page.goto(address)
        self.next_action_in_view()
        self.visit("draft")
        link_page = page.url
        page.goto(href)
        assert page.url == f"{link_page}#{anchor}"

    def next_action_in_view(self) -> None:
        page = self.page
        in_view(page, page.locator("#actions"), "the actions box")
        next_action = page.locator(
            "#actions form, #actions .action-confirm a.btn"
        ).first
        in_view(page, next_action, "the next action")


def setup_member(lifecycle):
    """Sent back by the deputy: the author's turn, with the reason on top."""
    standard = lifecycle.in_review()
    lifecycle.go(
        standard,
        "request_changes",
        lifecycle.w.deputy,
        comment="Section 2 must name the test set.",
    )
    return "member"


def setup_deputy(lifecycle):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", lifecycle.w.member)
    return "deputy"


def setup_expert(lifecycle):
    lifecycle.in_review()
    return "expert1"


def setup_auditor(lifecycle):
    lifecycle.in_audit()
    return "auditor"


def setup_leader(lifecycle):
    lifecycle.certified()
    return "leader"


SETUPS = {
    "member": setup_member,
    "deputy": setup_deputy,
    "expert": setup_expert,
    "auditor": setup_auditor,
    "leader": setup_leader,
}
# The irreversible action each role meets on its draft, and its confirmation.
CONFIRMS = {"auditor": "fail_audit", "leader": "publish"}


@pytest.fixture
def quiet_lifecycle(lifecycle, no_pdf_renders):
    return lifecycle


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=["laptop", "phone"])
@pytest.mark.parametrize("role", list(SETUPS))
def test_a_signed_in_role_finds_its_next_action_in_view(
    transactional_db, live_server, quiet_lifecycle, page, role, width, height
):
    username = SETUPS[role](quiet_lifecycle)
    page.set_viewport_size({"width": width, "height": height})
    journey = Journey(page, role, f"{width}x{height}")

    journey.sign_in(username)
    journey.navigation_answers()
    journey.open_first_waiting()

    if role == "member":
        # The notifications of what happened to the draft, and the profile.
        page.goto("/notifications/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        journey.visit("notifications")
        page.locator(".account-link").click()
        page.wait_for_url("**/accounts/profile/")
        journey.visit("profile")

    name = CONFIRMS.get(role)
    if name is None:
        return
    draft_url = page.url
    action = page.locator(f"#transition-{name}")
    if not action.is_visible():
        page.locator("#actions .other-actions > summary").click()
    action.get_by_role("link").click()
    page.wait_for_url(f"**/confirm/{name}/")
    journey.visit(f"confirm-{name}")
    in_view(page, page.locator("#consequence"), "what the action does")
    form = page.locator(f"main form#transition-{name}")
    in_view(page, form, "the confirmation form")
    if name == "publish":
        form.get_by_role("button", name="Yes: Publish").click()
        expect(page.locator(".messages")).to_contain_text("Done:")
        journey.visit("published")
    else:
        page.goto(draft_url)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=["laptop", "phone"])
def test_a_reader_finds_a_standard_and_its_pdf_in_view(
    transactional_db, live_server, lifecycle, page, width, height
):
    lifecycle.published(title="Evaluation of triage chatbots")
    page.set_viewport_size({"width": width, "height": height})
    journey = Journey(page, "reader", f"{width}x{height}")

    page.goto("/")
    journey.visit("home")
    journey.navigation_answers()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Standards", exact=True
    ).click()
    journey.visit("catalogue")
    page.get_by_role("search").get_by_label(
        "Words of the number, title, scope or text"
    ).fill("triage")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    result = page.locator(".catalogue-results h2 a").first
    in_view(page, result, "the first search result")
    journey.visit("search")

    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Evaluation of triage chatbots"
    )
    in_view(page, page.get_by_role("link", name="Download PDF"), "Download PDF")
    journey.visit("standard")
