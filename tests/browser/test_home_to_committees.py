import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_visitor_follows_the_nav_from_home_to_the_committees(
    transactional_db, live_server, page
):
    call_command("load_working_group")

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Committees", exact=True
    ).click()

    expect(page).to_have_url(re.compile(r"/committees/$"))
    # A deputy leader of the Systems and Chips Field, from the seed text.
    expect(page.get_by_text("Ziming Zou").first).to_be_visible()
