"""Every public page answers, in the site's design, with its key content."""

import datetime

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import StandardFactory, UserFactory, VersionFactory


@pytest.fixture
def working_group(db, working_group_once):
    """Loaded once for the module (each test's writes are rolled back)."""


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


PUBLIC_PAGES = [
    ("home", [], "The working group in figures"),
    ("committees:committees", [], "Ziming Zou"),
    ("committees:field", ["systems-and-chips-field"], "AI Inference Systems Subfield"),
    ("committees:members", [], "Peng Cheng Laboratory"),
    ("committees:procedures", [], "Audit and certification"),
    ("committees:meetings", [], "First Work Group Meeting"),
    ("committees:meeting", ["2024-12-05-first-work-group-meeting"], "Minutes"),
    ("workplan:index", [], "Evaluation Science and Engineering of LLM"),
    ("workplan:item", ["sovereign-llm"], "Sovereign LLM Field"),
    ("qms:index", [], "Organize a committee of experts to approve."),
    ("login", [], 'name="password"'),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "text"), PUBLIC_PAGES)
def test_public_page_shows_its_key_content_in_the_site_design(
    client, working_group, name, args, text
):
    html = _page(client, reverse(name, args=args))
    assert text in html
    assert 'class="skip-link"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert '<main id="main"' in html
    assert "css/portal.css" in html


@pytest.mark.django_db
def test_home_shows_goal_vision_and_figures(client, working_group):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "aims to enhance technical standardization and normalization" in html
    assert "Visioning a future where standardization efforts" in html
    figures = {
        "member organisations": 38,
        "fields": 11,
        "subfields": 13,
        "deputy leaders": 29,
        "work items": 17,
        "published standards": 0,
    }
    for label, number in figures.items():
        assert (
            f'<span class="figure">{number}</span> '
            f'<span class="figure-label">{label}</span>' in html
        ), label
    assert "No standard has been published yet." in html


@pytest.mark.django_db
def test_home_figures_leave_out_sample_people(client, working_group, settings):
    settings.DEBUG = True
    call_command("load_demo", password="demo-pass-1", verbosity=0)
    html = _page(client, reverse("home"))
    assert '<span class="figure">29</span>' in html


@pytest.mark.django_db
def test_home_lists_the_latest_editions_in_force_newest_first(client, working_group):
    from committees.models import Field
    from standards.models import Edition

    field = Field.objects.get(name="Medical Field")
    for n in range(1, 8):
        standard = StandardFactory(
            field=field, title=f"Standard {n}", number=f"LLMSWG {n:04}:2026"
        )
        standard.has_edition = True
        standard.save()
        Edition.objects.create(
            standard=standard,
            number=standard.number,
            edition=1,
            version=VersionFactory(standard=standard, number=1),
            title=standard.title,
            published_on=datetime.date(2026, 1, n),
            superseded_on=datetime.date(2026, 2, 1) if n == 7 else None,
        )

    html = _page(client, reverse("home"))

    assert "LLMSWG 0006:2026" in html  # the newest in force
    assert "LLMSWG 0007:2026" not in html  # superseded
    assert "LLMSWG 0001:2026" not in html  # beyond the five latest
    assert html.index("LLMSWG 0006:2026") < html.index("LLMSWG 0002:2026")
    assert '<span class="figure">7</span>' in html  # published standards


@pytest.mark.django_db
def test_unknown_address_gives_the_designed_404(client, working_group, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert reverse("committees:committees") in html


def test_500_page_renders_without_request_context_or_database():
    # No request, no context processors, no database access (no db mark).
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "css/portal.css" in html


@pytest.mark.django_db
def test_signed_in_user_sees_sign_out_form_and_account_links(client, working_group):
    client.force_login(UserFactory(first_name="Ada", last_name="Lovelace"))
    html = _page(client, reverse("home"))
    assert "Ada Lovelace" in html
    assert f'<form method="post" action="{reverse("logout")}"' in html
    # The name links to the profile, where the password is changed.
    assert f'<a class="account-link" href="{reverse("accounts:profile")}"' in html
    profile = _page(client, reverse("accounts:profile"))
    assert reverse("password_change") in profile
    assert reverse("notifications:preferences") in profile


@pytest.mark.django_db
def test_sign_in_with_the_demo_password(client, working_group, settings):
    settings.DEBUG = True
    call_command("load_demo", password="demo-pass-1", verbosity=0)
    response = client.post(
        reverse("login"), {"username": "member", "password": "demo-pass-1"}
    )
    assert response.status_code == 302
    html = _page(client, reverse("home"))
    assert "Demo Member Representative (sample)" in html
    assert "sample account" in html


@pytest.mark.django_db
def test_wrong_password_shows_an_error(client, working_group):
    UserFactory(username="someone")
    response = client.post(reverse("login"), {"username": "someone", "password": "x"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_password_change_pages(client, working_group):
    user = UserFactory()
    client.force_login(user)
    assert "new_password1" in _page(client, reverse("password_change"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "a-new-long-pass-77",
            "new_password2": "a-new-long-pass-77",
        },
    )
    assert response.status_code == 302
    assert "Your password has been changed." in _page(
        client, reverse("password_change_done")
    )
    user.refresh_from_db()
    assert user.check_password("a-new-long-pass-77")


@pytest.mark.django_db
def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_sign_out_is_a_post(client, working_group):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_home_leads_a_signed_in_person_to_my_work(client, working_group):
    anonymous = client.get("/").content.decode()
    assert f'href="{reverse("standards:dashboard")}"' not in anonymous
    assert '<a class="btn btn-primary" href="/standards/">' in anonymous

    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    hero = page[page.index('class="hero-actions"') :]
    assert hero.index(reverse("standards:dashboard")) < hero.index("/standards/")
    assert '<a class="btn" href="/standards/">' in hero
