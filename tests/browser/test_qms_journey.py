"""A QMS programme's journey in the browser: a representative takes it from
developing to the expert committee, the committee approves, the audit is
recorded with a minor finding closed, the leader certifies, and a reader
verifies the certificate from the public register."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from committees.models import Field, Organisation, Role
from tests.factories import user_with_role

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


def step(page, label):
    page.locator("#actions").get_by_role("button", name=label).click()
    expect(page.locator(".messages")).to_contain_text("Done:")


def test_a_programme_goes_from_developing_to_a_verified_certificate(
    transactional_db, live_server, page
):
    call_command("load_working_group", verbosity=0)
    fudan = Organisation.objects.get(name="Fudan University")
    medical = Field.objects.get(name="Medical Field")
    Kind = Role.Kind
    user_with_role(Kind.MEMBER_REPRESENTATIVE, organisation=fudan, username="rep")
    user_with_role(Kind.LEADER, username="chief")
    user_with_role(Kind.EXPERT, field=medical, username="exp1")
    user_with_role(Kind.EXPERT, field=medical, username="exp2")
    user_with_role(Kind.AUDITOR, username="aud")

    # The representative starts the programme from the organisation's page.
    sign_in(page, "rep")
    page.goto(f"/members/{fudan.slug}/")
    page.get_by_role("button", name="Start the QMS programme").click()
    expect(page.locator("#programme-status")).to_have_text("Developing the QMS")
    programme_url = page.url
    form = page.locator("#edit-form")
    form.get_by_label("Scope", exact=True).fill("Evaluation of LLMs for medicine")
    form.get_by_label("Quality policy").fill("Reliable, reproducible evaluations.")
    form.get_by_label("Quality objectives").fill("Fewer than 1 % re-runs.")
    form.get_by_role("button", name="Save").click()
    step(page, "Declare the quality policy and objectives")
    form = page.locator("#process-form")
    form.get_by_label("Process", exact=True).fill("Evaluation runs")
    form.get_by_label("Owner").fill("Head of evaluation")
    form.get_by_label("Improvement or advantage sought").fill("Reproducible results")
    form.get_by_role("button", name="Add the process").click()
    expect(page.locator("#processes")).to_contain_text("Evaluation runs")
    step(page, "Core processes identified")
    form = page.locator("#upload-form")
    form.get_by_label("Kind").select_option("quality_manual")
    form.get_by_label("Title").fill("Quality manual")
    form.get_by_label("File (PDF, DOCX, ODT or Markdown)").set_input_files(
        files=[
            {
                "name": "manual.md",
                "mimeType": "text/markdown",
                "buffer": b"# Quality manual\n\nOur QMS.\n",
            }
        ]
    )
    form.get_by_role("button", name="Upload").click()
    expect(page.locator("#documents")).to_contain_text("Quality manual")
    step(page, "Submit to the expert committee")
    expect(page.locator("#programme-status")).to_have_text("Expert committee approval")

    # The leader appoints two experts; both approve.
    sign_in(page, "chief")
    page.goto(programme_url)
    for username in ("exp1", "exp2"):
        form = page.locator("#appoint-form")
        name = Role.objects.get(person__user__username=username).person.name
        form.get_by_label("Appoint an expert").select_option(label=name)
        form.get_by_role("button", name="Appoint").click()
        expect(page.locator("#committee")).to_contain_text(name)
    for username in ("exp1", "exp2"):
        sign_in(page, username)
        page.goto(programme_url)
        form = page.locator("#vote-form")
        form.get_by_label("Approve").check()
        form.get_by_role("button", name="Vote").click()
        expect(page.locator(".messages")).to_contain_text("Your vote is recorded.")
    expect(page.locator("#tally")).to_contain_text("2 of 2 approve")
    sign_in(page, "chief")
    page.goto(programme_url)
    step(page, "Approve for external audit")
    expect(page.locator("#programme-status")).to_have_text("External audit")

    # The auditor records the audit, a minor finding, its closure, the outcome.
    sign_in(page, "aud")
    page.goto(programme_url)
    form = page.locator("#audit-form")
    form.get_by_label("Audit body").fill("China Quality Certification Centre")
    form.get_by_label("Lead auditor").fill("Li Wei")
    form.get_by_label("Stage 1 (documentation review)").fill("2026-01-10")
    form.get_by_label("Stage 2 (implementation audit)").fill("2026-02-10")
    form.get_by_role("button", name="Schedule the audit").click()
    form = page.locator(".finding-form")
    form.get_by_label("Grade").select_option("minor")
    form.get_by_label("Finding", exact=True).fill("An old form is still in use.")
    form.get_by_label("Corrective action").fill("Replace the form.")
    form.get_by_label("Owner").fill("Quality manager")
    form.get_by_label("Deadline").fill("2026-03-01")
    form.get_by_role("button", name="Record the finding").click()
    expect(page.locator(".finding")).to_contain_text("Minor nonconformity")
    page.locator(".finding").get_by_label("How it was closed").fill("Form replaced.")
    page.get_by_role("button", name="Close the finding").click()
    expect(page.locator(".finding")).to_contain_text("closed")
    page.locator(".complete-form").get_by_role(
        "button", name="Record the outcome"
    ).click()
    expect(page.locator(".messages")).to_contain_text("outcome is recorded")

    # The leader certifies.
    sign_in(page, "chief")
    page.goto(programme_url)
    step(page, "Certify and issue the certificate")
    expect(page.locator("#programme-status")).to_have_text("Certified")
    number = page.locator("#certificates a").first.inner_text()

    # A reader finds it in the register and verifies it.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/qms/")
    page.get_by_label("Search by number, organisation or scope").fill("Fudan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=number).click()
    expect(page.locator("#verdict")).to_contain_text("Valid today")
    expect(page.locator("main")).to_contain_text("Fudan University")
