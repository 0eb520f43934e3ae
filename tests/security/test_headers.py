"""A Content-Security-Policy on every page (django-csp), which the pages
themselves keep: no inline script or style without the request's nonce."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tests.browser.conftest import browser  # noqa: F401

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        name: value.strip()
        for name, _, value in (
            part.strip().partition(" ") for part in header.split(";") if part.strip()
        )
    }


def assert_strict(response):
    directives = policy(response)
    for name, value in STRICT.items():
        assert directives[name] == value, (name, directives)
    assert directives["script-src"].startswith("'self'")
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in directives["script-src"]


@pytest.mark.parametrize(
    "path",
    ["/", "/standards/", "/accounts/login/", "/api/v1/", "/feeds/standards.atom"],
)
def test_public_answers_carry_a_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_strict(response)


def test_pages_of_a_signed_in_member_and_error_pages_carry_it(client, world, lifecycle):
    standard = lifecycle.published()
    client.force_login(world.member)
    for path in ("/drafts/", f"/standards/{standard.pk}/", f"/drafts/{standard.pk}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)
    assert_strict(client.get("/no-such-page/"))


def test_the_admin_carries_it(admin_client):
    assert_strict(admin_client.get("/admin/"))


def test_no_template_has_an_inline_script_or_handler_without_a_nonce():
    """Pages are the templates' markup plus sanitised Markdown; the PDF
    templates are read by WeasyPrint, not browsers."""
    offending = []
    for folder in [
        settings.BASE_DIR / "templates",
        *settings.BASE_DIR.glob("*/templates"),
    ]:
        for template in folder.rglob("*.html"):
            if "/pdf/" in template.as_posix():
                continue
            text = template.read_text()
            for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
                if "src=" not in tag and "nonce=" not in tag:
                    offending.append(f"{template}: {tag}")
            if re.search(r"\son[a-z]+\s*=|\sstyle\s*=", text):
                offending.append(f"{template}: inline handler or style")
    assert not offending, offending


def test_the_swagger_page_loads_its_script_from_itself(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    directives = policy(response)
    nonce = re.search(r"'nonce-([^']+)'", directives["style-src"]).group(1)
    assert f'<style nonce="{nonce}">' in html
    assert "unsafe-inline" not in directives["script-src"]
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    start = client.get(script.replace("&amp;", "&"))
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in start.content


def test_redoc_may_style_inline_but_not_script(client):
    response = client.get("/api/redoc/")
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" in directives["style-src"]
    assert "unsafe-inline" not in directives["script-src"]
    assert "fonts.googleapis.com" not in response.content.decode()


def test_check_deploy_stays_clean():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "x",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_TESTING": "",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- in a browser: nothing is refused -------------------------------------------

PASSWORD = "csp-pass-4821"


@pytest.fixture
def csp_page(browser, live_server):  # noqa: F811
    """A browser page that records every policy violation and console error."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} {m.location.get('url', '')}")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    page.problems = problems
    yield page
    context.close()


@pytest.mark.browser
def test_pages_run_under_the_policy_in_chromium(
    transactional_db, csp_page, lifecycle, world
):
    standard = lifecycle.published()
    world.member.set_password(PASSWORD)
    world.member.save()
    page = csp_page
    for path in ("/", "/standards/", f"/standards/{standard.pk}/", "/accounts/login/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    for path in ("/drafts/", f"/drafts/{standard.pk}/", "/drafts/new/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert page.problems == []


@pytest.mark.browser
def test_swagger_ui_runs_under_its_policy_in_chromium(transactional_db, csp_page):
    page = csp_page
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock").first.wait_for()
    assert page.problems == []


@pytest.mark.browser
def test_redoc_runs_under_its_policy_in_chromium(transactional_db, csp_page):
    page = csp_page
    page.goto("/api/redoc/")
    page.locator(".api-info").wait_for()
    page.wait_for_load_state("networkidle")
    # Redoc's "API docs by Redocly" logo comes from its CDN: the policy
    # keeps it out, as it keeps out everything of other sites.
    assert [p for p in page.problems if "cdn.redoc.ly" not in p] == []
