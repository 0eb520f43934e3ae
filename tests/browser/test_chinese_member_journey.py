"""A Chinese-speaking member representative's journey in the browser: a
browser that asks for Chinese (locale zh-CN, Accept-Language zh-CN) signs in,
reaches "My work", creates a draft, uploads its first version and submits it
for expert review, all in Chinese.

The labels are looked up as the catalogue translates them (gettext under
zh-hans), so the test holds before the translations are complete and after:
it checks that the page shows the catalogue's Chinese, not a fixed string.
Screenshots go to test-results/journeys/chinese-member-<page>.png.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from standards.models import Standard, Status
from tests.i18n import test_no_english as chinese

pytestmark = pytest.mark.browser

zh_world = chinese.zh_world
no_pdf_renders = chinese.no_pdf_renders

SHOTS = Path("test-results/journeys")
TITLE = "急诊分诊大模型评测方法"


def zh(text: str) -> str:
    """``text`` as the catalogue gives it in Chinese."""
    with translation.override(chinese.LANGUAGE):
        translated = gettext(text)
    assert translated != text, f"{text!r} has no Chinese in the catalogue"
    return translated


def zh_url(name: str, **kwargs) -> str:
    """The address in Chinese (with the /zh-hans/ prefix once the addresses
    carry one)."""
    with translation.override(chinese.LANGUAGE):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def chinese_page(browser, live_server):
    """A browser whose person reads Chinese."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"chinese-member-{name}.png", full_page=True)


def in_chinese(page) -> None:
    """The page declares Chinese (``zh-Hans``, or Django's ``zh-hans``)."""
    lang = page.locator("html").get_attribute("lang") or ""
    assert lang.lower() == "zh-hans", f"{page.url} has lang={lang!r}"


def test_a_chinese_member_signs_in_and_submits_a_draft(
    transactional_db, zh_world, no_pdf_renders, chinese_page
):
    page = chinese_page
    member = zh_world.member

    # Signing in, with the form in Chinese.
    page.goto(zh_url("login"))
    in_chinese(page)
    shot(page, "login")
    page.get_by_label(zh("Username")).fill(member.username)
    page.get_by_label(zh("Password")).fill(chinese.PASSWORD)
    page.locator("main").get_by_role("button", name=zh("Sign in")).click()

    # "My work".
    page.wait_for_url(re.compile(r".*/dashboard/$"))
    in_chinese(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("My work"))
    shot(page, "dashboard")

    # A new draft.
    page.goto(zh_url("standards:drafts"))
    in_chinese(page)
    page.locator("main").get_by_role("link", name=zh("New draft")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("New draft"))
    shot(page, "new-draft")
    page.get_by_label(zh("Title"), exact=True).fill(TITLE)
    page.get_by_label(zh("Scope"), exact=True).fill(
        "本标准规定了急诊分诊大模型的评测方法。"
    )
    page.get_by_label(zh("Field"), exact=True).select_option(str(zh_world.subfield.pk))
    page.get_by_role("button", name=zh("Create draft")).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    in_chinese(page)
    expect(page.locator(".messages")).to_contain_text(
        zh("Draft created. Upload its first version below.")
    )
    shot(page, "draft-created")

    # Its first version.
    upload = page.locator("#upload")
    upload.get_by_label(zh("Text (Markdown)")).fill(
        "# 急诊分诊\n\n## 1 范围\n\n本标准规定了急诊分诊大模型的评测方法。\n"
    )
    upload.get_by_label(zh("Change summary")).fill("第一版")
    upload.get_by_role("button", name=zh("Upload version")).click()
    expect(page.locator("#text")).to_contain_text(
        "本标准规定了急诊分诊大模型的评测方法。"
    )
    in_chinese(page)
    shot(page, "version-uploaded")

    # Submitted for expert review.
    form = page.locator("#transition-submit")
    button = form.get_by_role("button")
    expect(button).to_contain_text(zh("Submit for expert review"))
    button.click()
    with translation.override(chinese.LANGUAGE):
        done = gettext("Done: %(transition)s.") % {
            "transition": gettext("Submit for expert review")
        }
    expect(page.locator(".messages")).to_contain_text(done)
    expect(page.locator(".draft-head")).to_contain_text(zh("Expert review"))
    in_chinese(page)
    shot(page, "submitted")

    standard = Standard.objects.get(title=TITLE)
    assert standard.status == Status.EXPERT_REVIEW
