"""A standard's whole journey in the browser, with the demo accounts: drafted,
reviewed by two experts, revised, audited, certified, published and found by
an anonymous reader."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from standards.models import Standard, Status

pytestmark = pytest.mark.browser

PASSWORD = "journey-pass-4821"
TITLE = "Evaluation of triage chatbots in emergency care"


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


def act(page, name, comment=""):
    """Take a transition with the form of the working page."""
    form = page.locator(f"#transition-{name}")
    if not form.is_visible():
        # Not the person's turn: under "Other actions", folded.
        page.locator("#actions .other-actions > summary").click()
    if comment:
        # An optional comment is folded away under "Add a comment".
        folded = form.locator("details.optional-comment summary")
        if folded.count():
            folded.click()
        form.get_by_role("textbox").fill(comment)
    form.get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("Done:")


def recommend(page, draft_url, decision, comment=None):
    page.goto(draft_url)
    if comment:
        form = page.locator("#comment-form")
        form.get_by_label("Section").fill("2")
        form.get_by_label("Comment", exact=True).fill(comment)
        form.get_by_role("button", name="Add comment").click()
        expect(page.locator(".messages")).to_contain_text("Comment added.")
    form = page.locator("#recommend-form")
    form.get_by_label(decision, exact=True).check()
    form.get_by_role("button", name="Give recommendation").click()
    expect(page.locator(".messages")).to_contain_text("Recommendation recorded.")


def test_a_draft_goes_from_member_to_the_public_catalogue(
    transactional_db, live_server, page
):
    call_command("load_working_group")
    call_command("load_demo", password=PASSWORD, force=True)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["expert1", "expert2"])
    }

    # The member opens a draft, uploads its text and submits it.
    sign_in(page, "member")
    page.goto("/drafts/")
    page.get_by_role("link", name="New draft").click()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Scope", exact=True).fill("How to evaluate triage chatbots.")
    page.get_by_label("Field", exact=True).select_option(label="Medical Field")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    draft_url = re.sub(r"#.*$", "", page.url)
    upload = page.locator("#upload")
    upload.get_by_label("Text (Markdown)").fill(
        "# Triage chatbots\n\n## 1 Scope\n\nEmergency triage.\n"
    )
    upload.get_by_label("Change summary").fill("First version")
    upload.get_by_role("button", name="Upload version").click()
    expect(page.locator("#text")).to_contain_text("Emergency triage.")
    act(page, "submit")
    expect(page.locator(".draft-head")).to_contain_text("Expert review")

    # The deputy leader of the Medical Field assigns two experts.
    sign_in(page, "deputy")
    page.goto("/review/")
    page.get_by_role("link", name=TITLE).click()
    assign = page.locator("#assign")
    # The experts of the field are checkboxes: tick both.
    for name in ("expert1", "expert2"):
        assign.locator(f'input[type=checkbox][value="{users[name].pk}"]').check()
    assign.get_by_role("button", name="Assign").click()
    # One name per person: the person's, as in the picker and the header.
    expect(page.locator("#experts")).to_contain_text("Demo Expert 1 (sample)")
    expect(page.locator("#experts")).to_contain_text("Demo Expert 2 (sample)")

    # Both experts comment and recommend.
    sign_in(page, "expert1")
    page.goto("/review/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    recommend(page, draft_url, "Approve with changes", "Define “triage”.")
    sign_in(page, "expert2")
    recommend(page, draft_url, "Approve", "Add an example.")

    # The deputy returns the draft so that the authors can revise it.
    sign_in(page, "deputy")
    page.goto(draft_url)
    act(page, "request_changes", "Please answer the comments and revise.")
    expect(page.locator(".draft-head")).to_contain_text("Draft")

    # The member answers both comments, uploads version 2 and resubmits.
    sign_in(page, "member")
    page.goto(draft_url)
    # Whose comments are unanswered are answered in the actions box, at the top.
    for _index in range(2):
        comment = page.locator("#actions li.comment").first
        comment.get_by_label("Accepted").check()
        comment.get_by_label("Reply", exact=True).fill("Done in version 2.")
        comment.get_by_role("button", name="Save answer").click()
        expect(page.locator(".messages")).to_contain_text("Answer saved.")
    expect(page.locator("li.comment")).to_have_count(2)
    expect(page.locator("li.comment").first).to_contain_text("Answer: Accepted")
    upload = page.locator("#upload")
    upload.get_by_label("Text (Markdown)").fill(
        "# Triage chatbots\n\n## 1 Scope\n\nEmergency triage, defined in 1.1.\n"
    )
    upload.get_by_label("Change summary").fill("Answers to the experts")
    upload.get_by_role("button", name="Upload version").click()
    expect(page.locator("#text")).to_contain_text("defined in 1.1")
    expect(page.locator("#versions")).to_contain_text("Version 2")
    page.locator("#versions summary").click()
    page.get_by_role("link", name="changes", exact=True).click()
    expect(page.locator("table.diff ins")).to_contain_text("defined in 1.1")
    page.goto(draft_url)
    act(page, "submit")

    # The experts recommend on version 2; the blocking-free review is complete.
    sign_in(page, "expert1")
    recommend(page, draft_url, "Approve")
    sign_in(page, "expert2")
    recommend(page, draft_url, "Approve")

    # Deputy → audit; auditor certifies; leader publishes.
    sign_in(page, "deputy")
    page.goto(draft_url)
    act(page, "advance_to_audit")
    sign_in(page, "auditor")
    page.goto("/review/")
    page.get_by_role("link", name=TITLE).click()
    act(page, "certify", "All requirements met.")
    sign_in(page, "leader")
    page.goto("/review/")
    page.get_by_role("link", name=TITLE).click()
    # Publishing cannot be undone: a confirmation page says what it does.
    page.locator("#transition-publish").get_by_role("link").click()
    expect(page.locator("#consequence")).to_contain_text("cannot be taken back")
    page.get_by_role("button", name="Yes: Publish").click()
    expect(page.locator(".messages")).to_contain_text("Done:")
    expect(page.locator(".draft-head")).to_contain_text("Published")

    standard = Standard.objects.get(title=TITLE)
    assert standard.status == Status.PUBLISHED
    assert standard.versions.count() == 2
    assert standard.editions.get().version.number == 2

    # An anonymous reader finds it in the catalogue.
    page.get_by_role("button", name="Sign out").click()
    # (Through the address rather than the search form, whose fields the
    # full-text search of the catalogue may change.)
    page.goto("/standards/?q=triage")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(standard.number)
    expect(page.locator("#text")).to_contain_text("defined in 1.1")
