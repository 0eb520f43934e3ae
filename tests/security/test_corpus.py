"""Hostile input through everything the portal shows, and where it sends
people and requests: each payload must come out inert."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.utils.html import escape

from committees.models import Person
from standards import services
from standards.pdf import RefusedURL, portal_url_fetcher
from tests.factories import WorkItemFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg onload=alert(1)>"
PAYLOADS = [SCRIPT, IMG, SVG]
BODY = (
    f"# Scope\n\n{SCRIPT}\n\n{IMG}\n\n{SVG}\n\n"
    "[click](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>)\n\n"
    "![x](http://169.254.169.254/latest/meta-data/) ![y](file:///etc/passwd)\n"
)


@pytest.fixture
def hostile(lifecycle, world, only_search_hooks):
    """A published standard whose every shown field is hostile, with a
    comment and names of people, organisation and work item to match."""
    world.organisation.name = f"Org {IMG}"
    world.organisation.save()
    Person.objects.filter(user=world.member).update(name=f"Member {SCRIPT}")
    Person.objects.filter(user=world.expert1).update(name=f"Expert {SVG}")
    work_item = WorkItemFactory(title=f"Topic {SCRIPT}")
    standard = lifecycle.draft(
        title=f"Title {SCRIPT} {IMG}", scope=f"Scope {SVG} {IMG}", work_item=work_item
    )
    services.version_create(
        standard_id=standard.pk, actor=world.member, body=BODY, change_summary=IMG
    )
    lifecycle.go(standard, "submit", world.member)
    services.experts_assign(
        standard_id=standard.pk,
        actor=world.deputy,
        experts=[world.expert1, world.expert2],
    )
    services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text=f"Comment {SCRIPT} {IMG}"
    )
    return standard


class _Tags(HTMLParser):
    """Every element of a page with its attributes, and what scripts say."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and (
                value.startswith(("javascript:", "data:text/html", "vbscript:"))
                or "169.254.169.254" in value
                or value.startswith("file:")
            ):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
            if tag == "img" and value == "x":
                self.problems.append("<img src=x>")
        if tag == "script":
            self._in_script = not dict(attrs).get("src")

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.problems.append("<script>alert</script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def assert_inert(html: str, where: str):
    """No element, attribute or script of a payload is live on the page
    (its text, escaped, may of course be shown)."""
    parser = _Tags()
    parser.feed(html)
    assert parser.problems == [], where


def test_a_draft_page_shows_every_hostile_field_as_text(client, world, hostile):
    client.force_login(world.expert1)
    html = client.get(f"/drafts/{hostile.pk}/").content.decode()
    assert escape(f"Comment {SCRIPT}") in html
    assert_inert(html, "draft page")
    version = client.get(f"/drafts/{hostile.pk}/versions/2/").content.decode()
    assert_inert(version, "version page")


def test_public_pages_search_feed_and_csv_show_them_as_text(
    client, lifecycle, world, hostile
):
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=hostile.pk, actor=expert, decision="approve"
        )
    services.comment_answer(
        comment_id=hostile.comments.get().pk,
        actor=world.member,
        reply="accepted",
        reply_text=IMG,
    )
    lifecycle.go(hostile, "advance_to_audit", world.deputy, comment=SCRIPT)
    lifecycle.go(hostile, "certify", world.auditor, comment=IMG)
    lifecycle.go(hostile, "publish", world.leader, comment=SVG)
    pages = {
        "public page": f"/standards/{hostile.pk}/",
        "search": "/standards/?q=Title",
        "home": "/",
        "members": "/members/",
        "committees": "/committees/",
        "field": f"/committees/fields/{world.field.slug}/",
        "work plan": f"/workplan/{hostile.work_item.slug}/",
    }
    for where, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)
    html = client.get(f"/standards/{hostile.pk}/").content.decode()
    assert escape(f"Title {SCRIPT}") in html
    # The feed is XML: its HTML summaries are escaped twice (test_outputs).
    root = ET.fromstring(client.get("/feeds/standards.atom").content)
    for summary in root.iter("{http://www.w3.org/2005/Atom}summary"):
        assert summary.get("type") == "html"
        assert_inert(summary.text or "", "feed summary (HTML)")
        assert "<" not in (summary.text or "")
    # The CSV is data: the text is kept as it is, only formulas are not.
    csv_text = client.get("/standards/export.csv").content.decode("utf-8-sig")
    assert f"Title {SCRIPT}" in csv_text


def test_the_api_keeps_hostile_text_as_json_data(api, lifecycle, world, hostile):
    response = api.get("/api/v1/standards/")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"


# --- redirects stay on the site ----------------------------------------------------

REDIRECTS = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "http:evil.example",
    "/%2F%2Fevil.example",
    "javascript:alert(1)",
    " //evil.example",
]


def assert_on_site(location: str):
    assert "evil.example" not in location.replace("%2F%2Fevil", "") or (
        location.startswith("/") and not location.startswith(("//", "/\\"))
    ), location
    assert not location.startswith(
        ("//", "/\\", "\\", "http:", "https:", "javascript:")
    )


@pytest.mark.parametrize("target", REDIRECTS)
def test_sign_in_never_sends_anyone_to_another_site(client, world, target):
    world.member.set_password("pw-for-tests-1")
    world.member.save()
    response = client.post(
        "/accounts/login/",
        {"username": "member", "password": "pw-for-tests-1", "next": target},
    )
    assert response.status_code == 302
    assert_on_site(response["Location"])


@pytest.mark.parametrize("target", REDIRECTS)
def test_sign_out_never_sends_anyone_to_another_site(client, world, target):
    client.force_login(world.member)
    response = client.post("/accounts/logout/", {"next": target})
    assert response.status_code == 302
    assert_on_site(response["Location"])


# --- header injection ----------------------------------------------------------------


def test_a_line_break_in_next_never_becomes_a_header(client, world):
    world.member.set_password("pw-for-tests-1")
    world.member.save()
    response = client.post(
        "/accounts/login/",
        {
            "username": "member",
            "password": "pw-for-tests-1",
            "next": "/\r\nSet-Cookie: injected=1",
        },
    )
    assert response.status_code == 302
    assert "\n" not in response["Location"] and "\r" not in response["Location"]
    assert "injected" not in response.cookies


def test_a_line_break_in_a_download_filter_never_becomes_a_header(client):
    response = client.get("/standards/export.csv?q=a%0d%0aSet-Cookie:%20injected=1")
    assert response.status_code == 200
    assert "injected" not in response.cookies
    assert response["Content-Disposition"] == 'attachment; filename="standards.csv"'


# --- nothing is fetched for a PDF ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/x.png",
        "file:///etc/passwd",
        "ftp://evil.example/x",
        "//169.254.169.254/",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml,<svg onload=alert(1)>",
    ],
)
def test_the_pdf_fetcher_refuses_everything_but_small_data_images(url, monkeypatch):
    import urllib.request

    def never(*args, **kwargs):
        raise AssertionError(f"fetched {args[:1]}")

    monkeypatch.setattr(urllib.request, "urlopen", never)
    with pytest.raises(RefusedURL):
        portal_url_fetcher().fetch(url)


def test_a_body_with_probes_gives_the_pdf_nothing_to_fetch():
    from portal.markdown import render_markdown

    html = str(render_markdown(BODY))
    assert "169.254.169.254" not in html
    assert "file:///etc/passwd" not in html
    assert_inert(html, "rendered body")
