"""How the language of a request is chosen, the two addresses of a page, the
switcher, and what the API and the public cache do with languages."""

import re

import pytest
from django.conf import settings
from django.http import JsonResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Preferences
from portal import i18n, public_cache
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
PASSWORD = "pw-for-language-tests-1"


def chinese(name, **kwargs) -> str:
    with translation.override("zh-hans"):
        return reverse(name, kwargs=kwargs or None)


# --- choosing the language ------------------------------------------------------


def test_a_chinese_browser_on_the_home_page_lands_on_the_chinese_address(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" in response["Vary"]


def test_the_redirect_keeps_the_page_and_its_query(client):
    response = client.get(
        "/standards/?q=evaluation&sort=date", HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/standards/?q=evaluation&sort=date"


def test_someone_who_chose_english_stays_on_the_english_address(client):
    client.cookies[COOKIE] = "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert response["Content-Language"] == "en"


def test_an_english_browser_gets_english_without_a_redirect(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_a_post_to_an_unprefixed_page_is_never_redirected(client):
    response = client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_the_chinese_address_is_in_chinese_with_its_alternates(client):
    response = client.get("/zh-hans/standards/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert response["Content-Language"] == "zh-hans"
    assert (
        '<link rel="alternate" hreflang="en" href="http://testserver/standards/">'
        in html
    )
    assert (
        '<link rel="alternate" hreflang="zh-Hans" '
        'href="http://testserver/zh-hans/standards/">'
    ) in html
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/standards/">'
    ) in html


def test_the_links_of_a_chinese_page_stay_in_chinese(client):
    html = client.get("/zh-hans/").content.decode()
    assert 'href="/zh-hans/standards/"' in html
    assert 'href="/zh-hans/committees/"' in html


def test_a_signed_in_persons_saved_language_wins_over_the_browser(client):
    user = UserFactory()
    Preferences.objects.create(user=user, language="zh-hans")
    client.force_login(user)
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/dashboard/"


def test_a_saved_english_wins_over_a_chinese_browser(client):
    user = UserFactory()
    Preferences.objects.create(user=user, language="en")
    client.force_login(user)
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_the_api_answers_in_the_askers_language_at_one_address(client):
    response = client.get("/api/v1/standards/999999/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 404
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" in response["Vary"]
    english = client.get("/api/v1/standards/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"


def test_a_drf_message_of_the_api_comes_in_chinese():
    # DRF ships its own Chinese: "身份认证信息未提供。" (credentials not given).
    response = APIClient().post(
        "/api/v1/standards/", {"title": "x"}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert response.status_code == 401
    assert re.search(r"[\u4e00-\u9fff]", response.content.decode())
    english = APIClient().post(
        "/api/v1/standards/", {"title": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert not re.search(r"[\u4e00-\u9fff]", english.content.decode())


def test_nothing_outside_the_pages_is_redirected(client):
    for address in ("/healthz", "/robots.txt", "/sitemap.xml", "/api/v1/"):
        response = client.get(address, HTTP_ACCEPT_LANGUAGE="zh-CN")
        assert response.status_code == 200, address


def test_an_address_without_its_slash_still_finds_the_chinese_page(client):
    response = client.get("/zh-hans/standards")
    assert response.status_code == 301
    assert response["Location"] == "/zh-hans/standards/"


def test_the_sitemap_lists_both_addresses_of_a_page(client):
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/standards/</loc>" in xml
    assert "<loc>http://testserver/zh-hans/standards/</loc>" in xml
    assert 'hreflang="zh-hans"' in xml or 'hreflang="zh-Hans"' in xml


def test_language_address_moves_a_page_between_languages():
    assert i18n.language_address("/standards/?q=a", "zh-hans") == (
        "/zh-hans/standards/?q=a"
    )
    assert i18n.language_address("/zh-hans/standards/?q=a", "en") == "/standards/?q=a"
    assert i18n.language_address("/zh-hans/", "en") == "/"
    assert i18n.language_address("/", "zh-hans") == "/zh-hans/"
    assert i18n.language_address("/zh-hans/no-such-page/", "en") == "/no-such-page/"
    # What is not a page has one address in every language.
    assert i18n.language_address("/api/v1/", "zh-hans") == "/api/v1/"
    assert i18n.language_address("/admin/", "zh-hans") == "/admin/"
    assert i18n.bcp47("zh-hans") == "zh-Hans"


# --- the switcher -----------------------------------------------------------------


def switcher(html: str) -> str:
    form = html[html.index('<form class="language-switcher"') :]
    return form[: form.index("</form>")]


def test_every_page_has_the_switcher_with_the_current_language_marked(client):
    response = client.get("/zh-hans/committees/")
    form = switcher(response.content.decode())
    assert 'action="/i18n/language/"' in form
    # Not signed in: a GET, no CSRF token, no cookie: the public page is the
    # same for every reader.
    assert 'method="get"' in form
    assert "csrfmiddlewaretoken" not in form
    assert "csrftoken" not in response.cookies
    assert 'name="next" value="/zh-hans/committees/"' in form
    assert 'value="en" lang="en">English</button>' in form
    assert 'value="zh-hans" lang="zh-Hans" aria-current="true">中文</button>' in form


def test_the_switcher_sets_the_cookie_and_goes_to_the_same_page_in_chinese():
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # a form: for the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/i18n/language/",
        {
            "language": "zh-hans",
            "next": "/standards/?q=a",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/standards/?q=a"
    assert response.cookies[COOKIE].value == "zh-hans"
    # Then the unprefixed addresses lead to Chinese.
    assert client.get("/committees/")["Location"] == "/zh-hans/committees/"


def test_a_reader_not_signed_in_switches_by_get():
    client = Client(enforce_csrf_checks=True)
    response = client.get(
        "/i18n/language/", {"language": "zh-hans", "next": "/standards/?q=a"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/standards/?q=a"
    assert response.cookies[COOKIE].value == "zh-hans"
    assert client.get("/")["Location"] == "/zh-hans/"
    back = client.get("/i18n/language/", {"language": "en", "next": "/zh-hans/"})
    assert back["Location"] == "/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").status_code == 200


def test_a_signed_in_persons_switcher_posts_with_its_token(client):
    client.force_login(UserFactory())
    form = switcher(client.get("/zh-hans/dashboard/").content.decode())
    assert 'method="post"' in form
    assert "csrfmiddlewaretoken" in form


def test_a_get_saves_no_preference(client):
    user = UserFactory()
    client.force_login(user)
    client.get("/i18n/language/", {"language": "zh-hans", "next": "/"})
    assert not Preferences.objects.filter(user=user).exists()


def test_the_switcher_back_to_english_leaves_the_prefix(client):
    response = client.post(
        "/i18n/language/", {"language": "en", "next": "/zh-hans/committees/"}
    )
    assert response["Location"] == "/committees/"
    assert response.cookies[COOKIE].value == "en"
    page = client.get("/committees/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200


def test_the_switcher_refuses_a_foreign_next(client):
    response = client.post(
        "/i18n/language/", {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert response["Location"] == "/zh-hans/"


def test_the_switcher_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/language/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 403


def test_the_switcher_saves_a_signed_in_persons_choice(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/i18n/language/", {"language": "zh-hans", "next": "/dashboard/"}
    )
    assert response["Location"] == "/zh-hans/dashboard/"
    assert Preferences.objects.get(user=user).language == "zh-hans"
    # A new browser without the cookie: the saved choice still counts.
    other = Client()
    other.force_login(user)
    assert other.get("/dashboard/")["Location"] == "/zh-hans/dashboard/"


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/i18n/language/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies


# --- signing in ----------------------------------------------------------------------


def test_signing_in_on_the_chinese_page_keeps_chinese(client):
    user = UserFactory(username="li", password=PASSWORD)
    login = chinese("login")
    assert login == "/zh-hans/accounts/login/"
    assert client.get(login).status_code == 200
    response = client.post(login, {"username": "li", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/dashboard/"
    assert response.cookies[COOKIE].value == "zh-hans"
    assert not Preferences.objects.filter(user=user, language="zh-hans").exists()
    # The English address now leads back to Chinese (the cookie).
    assert client.get("/standards/")["Location"] == "/zh-hans/standards/"


def test_a_saved_language_wins_at_sign_in(client):
    user = UserFactory(username="wang", password=PASSWORD)
    Preferences.objects.create(user=user, language="zh-hans")
    response = client.post(
        "/accounts/login/",
        {"username": "wang", "password": PASSWORD, "next": "/standards/"},
    )
    assert response["Location"] == "/zh-hans/standards/"
    assert response.cookies[COOKIE].value == "zh-hans"


def test_signing_in_in_english_stays_english(client):
    UserFactory(username="eve", password=PASSWORD)
    response = client.post(
        "/accounts/login/", {"username": "eve", "password": PASSWORD}
    )
    assert response["Location"] == "/dashboard/"


# --- the public cache never mixes languages -------------------------------------------


def test_a_cached_value_is_kept_per_language():
    def compute():
        return translation.get_language()

    with translation.override("en"):
        assert public_cache.cached_public("test-language", ("a",), compute) == "en"
    with translation.override("zh-hans"):
        assert public_cache.cached_public("test-language", ("a",), compute) == (
            "zh-hans"
        )
    with translation.override("en"):
        assert public_cache.cached_public("test-language", ("a",), compute) == "en"


def test_the_catalogue_page_in_each_language_links_to_its_own_addresses(
    client, lifecycle, fresh_cache
):
    standard = lifecycle.published(title="Cached in two languages")
    english = client.get("/standards/").content.decode()
    chinese = client.get("/zh-hans/standards/").content.decode()
    again = client.get("/standards/").content.decode()
    assert f'href="/standards/{standard.pk}/"' in english
    assert f'href="/zh-hans/standards/{standard.pk}/"' in chinese
    assert f'href="/standards/{standard.pk}/"' not in chinese
    assert again == english


def test_an_api_answer_is_cached_per_language(rf):
    @public_cache.cache_public_response
    def view(request):
        return JsonResponse({"said": translation.gettext("Not found.")})

    with translation.override("zh-hans"):
        chinese = view(rf.get("/api/v1/x/")).content.decode()
    with translation.override("en"):
        english = view(rf.get("/api/v1/x/")).content.decode()
    assert english == '{"said": "Not found."}'
    assert chinese != english


def test_the_api_list_cached_for_one_language_is_answered_in_the_other(
    lifecycle, fresh_cache
):
    lifecycle.published(title="Listed")
    client = APIClient()
    first = client.get("/api/v1/standards/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    second = client.get("/api/v1/standards/", HTTP_ACCEPT_LANGUAGE="en")
    assert first["Content-Language"] == "zh-hans"
    assert second["Content-Language"] == "en"
    assert "Accept-Language" in second["Vary"]


def test_a_standards_canonical_address_is_its_own_languages(client, lifecycle):
    standard = lifecycle.published(title="Canonical")
    chinese = client.get(f"/zh-hans/standards/{standard.pk}/").content.decode()
    english = client.get(f"/standards/{standard.pk}/").content.decode()
    address = f"http://testserver/standards/{standard.pk}/"
    zh_address = f"http://testserver/zh-hans/standards/{standard.pk}/"
    assert f'<link rel="canonical" href="{zh_address}">' in chinese
    assert f'<link rel="canonical" href="{address}">' in english
    assert f'hreflang="zh-Hans" href="{zh_address}"' in english
    assert f'hreflang="x-default" href="{address}"' in chinese
