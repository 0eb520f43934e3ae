"""The language switcher in the browser: a reader switches to Chinese on a
public page, stays in Chinese from page to page, signs in and is still in
Chinese; then switches back to English. No JavaScript is involved: the
switcher is a form. Screenshots go to test-results/language/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's
SHOTS = Path("test-results/language")


def html_lang(page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_switcher_keeps_chinese_across_pages_and_sign_in(
    transactional_db, live_server, page, width, height
):
    UserFactory(username="zhang")
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/committees/")
    assert html_lang(page) == "en"
    switcher = page.locator("form.language-switcher")
    expect(switcher.get_by_role("button", name="English")).to_have_attribute(
        "aria-current", "true"
    )
    switcher.get_by_role("button", name="中文").click()

    page.wait_for_url("**/zh-hans/committees/")
    assert html_lang(page) == "zh-Hans"
    expect(
        page.locator("form.language-switcher").get_by_role("button", name="中文")
    ).to_have_attribute("aria-current", "true")
    shot(page, f"committees-zh-{width}")

    # Another page, by the main navigation: still Chinese.
    page.locator("nav.site-nav li.nav-standards a").click()
    page.wait_for_url("**/zh-hans/standards/")
    assert html_lang(page) == "zh-Hans"
    # An English address typed in: the cookie brings the reader back.
    page.goto("/workplan/")
    page.wait_for_url("**/zh-hans/workplan/")

    # Signing in keeps Chinese.
    page.locator("header a.btn").click()
    page.wait_for_url("**/zh-hans/accounts/login/**")
    assert html_lang(page) == "zh-Hans"
    page.locator("#id_username").fill("zhang")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/zh-hans/**")
    assert "/accounts/login/" not in page.url
    assert html_lang(page) == "zh-Hans"
    shot(page, f"signed-in-zh-{width}")

    # Signed in, the switcher posts; back to English.
    page.locator("form.language-switcher").get_by_role("button", name="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert "/zh-hans/" not in page.url
