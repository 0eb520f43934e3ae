"""Headless Chromium for browser tests, driven by Playwright for Python.

Playwright cannot download its own browser here, so it drives Debian's
`/usr/bin/chromium`. Tests use pytest-django's `live_server` with
`transactional_db` (the server thread must see the test's data) and are marked
`browser`; tests/conftest.py skips them without Chromium, or fails them when
REQUIRE_SERVICES=1.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling Google's hosts, which this
    # machine's closed network refuses.
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, stopped when they are done.

    Playwright's sync API keeps an asyncio loop running in the test thread while
    it is started, and Django then refuses ORM calls there
    (SynchronousOnlyOperation). The calls are in fact synchronous, so the
    documented way out, DJANGO_ALLOW_ASYNC_UNSAFE, is set for exactly that
    time: package scope ends the loop before the rest of the suite runs.
    """
    if not CHROMIUM.exists():
        message = f"needs Chromium at {CHROMIUM} (Debian package `chromium`)"
        if os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true"}:
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page on the live server; console errors fail the test."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            url = message.location.get("url", "")
            errors.append(f"console error: {message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    yield page
    context.close()
    if errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(errors), pytrace=False)
