"""Which language and time zone a request is answered in, and the address of
a page in each language.

Pages live at two addresses: English at the unprefixed one (``/standards/``),
Chinese under ``/zh-hans/`` (``i18n_patterns`` in ``portal.urls``). A shared
link carries its sender's language, search engines index both, and the public
cache, which keys on the path, never mixes them. Everything outside the page
patterns (the API, admin, health check, sitemap, PDFs) has one address and is
answered in the caller's language (cookie, then ``Accept-Language``).

Built from the pieces of ``django.middleware.locale.LocaleMiddleware``; ours
adds the signed-in person's saved language and the redirect of an unprefixed
page to the address in the preferred language.
"""

import contextlib
import functools
import zoneinfo
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpResponseRedirect
from django.urls import (
    Resolver404,
    get_resolver,
    get_script_prefix,
    is_valid_path,
    translate_url,
)
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, URLResolver
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import SimpleLazyObject

# The signed-in person's saved choices, kept in their session from sign-in
# (accounts.signals) so that no page asks the database for them again.
PREFERENCES_SESSION_KEY = "portal_preferences"
SAFE_METHODS = ("GET", "HEAD")
# Each language in its own words (the switcher, the profile): a reader looks
# for "中文", not for its English name.
LANGUAGE_NAMES = {"en": "English", "zh-hans": "中文"}


def bcp47(language: str) -> str:
    """The BCP 47 tag of a Django language code, as ``<html lang>`` and
    ``hreflang`` want it: ``zh-hans`` → ``zh-Hans``, ``en`` → ``en``."""
    return translation.to_locale(language).replace("_", "-")


def default_language() -> str:
    return settings.LANGUAGE_CODE


def path_language(path: str) -> str | None:
    """The language an address's prefix names (``/zh-hans/…``), or None for
    an unprefixed address (the default language has no prefix)."""
    language = translation.get_language_from_path(path)
    # Only the exact prefix (``/zh/`` is no address of ours).
    if (
        language
        and language != default_language()
        and (path + "/").startswith(f"/{language}/")
    ):
        return language
    return None


@functools.lru_cache(maxsize=8)
def _unprefixed_resolver(root: URLResolver) -> URLResolver:
    """The root URL configuration without its page patterns (kept per root
    resolver, which clear_url_caches renews)."""
    patterns = [
        pattern
        for pattern in root.url_patterns
        if not isinstance(getattr(pattern, "pattern", None), LocalePrefixPattern)
    ]
    return URLResolver(RegexPattern(r"^/"), patterns)


def is_page_path(path: str, urlconf: str | None = None) -> bool:
    """Whether an unprefixed address is one of the pages (inside
    ``i18n_patterns``), which have an address in each language."""
    urlconf = urlconf or settings.ROOT_URLCONF
    try:
        _unprefixed_resolver(get_resolver(urlconf)).resolve(path)
    except Resolver404:
        pass
    else:
        return False
    with translation.override(default_language()):
        return bool(is_valid_path(path, urlconf))


def language_address(url: str, language: str) -> str:
    """``url`` (a path or an absolute address of this portal, with its query)
    in ``language``: the same page at that language's address. An address
    that is not a page comes back as it is."""
    parts = urlsplit(url)
    current = path_language(parts.path) or default_language()
    if current == language:
        return url
    # translate_url resolves in the active language: in the address's own.
    with translation.override(current):
        translated = translate_url(url, language)
    if translated != url:
        return translated
    # Nothing to translate. Back to English: drop the prefix all the same
    # (a page's 404); to another language only a page has an address.
    path = parts.path
    if current != default_language():
        path = path[len(current) + 1 :] or "/"
    elif not is_page_path(path):
        return url
    if language != default_language():
        path = f"/{language}{path}"
    return urlunsplit(parts._replace(path=path))


def page_alternates(request) -> list[tuple[str, str]]:
    """(hreflang, absolute address) of the current page in every language,
    then ``x-default`` (the English address); empty for what is not a page."""
    match = getattr(request, "resolver_match", None)
    if match is None or not getattr(request, "is_page", False):
        return []
    path = request.get_full_path()
    english = request.build_absolute_uri(language_address(path, default_language()))
    alternates = [
        (
            bcp47(code),
            request.build_absolute_uri(language_address(path, code)),
        )
        for code, _name in settings.LANGUAGES
    ]
    return [*alternates, ("x-default", english)]


# --- the signed-in person's choices --------------------------------------------


def session_preferences(request) -> dict:
    """The signed-in person's saved language and time zone ("" for none),
    from their session; read from the database once if the session predates
    them. Nobody signed in: no choices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    preferences = request.session.get(PREFERENCES_SESSION_KEY)
    if preferences is None:
        from accounts.services import preferences_remember

        preferences = preferences_remember(request, user)
    return preferences


def preferred_language(request) -> str:
    """The signed-in person's saved language, else the language cookie, else
    ``Accept-Language``, else the default."""
    saved = session_preferences(request).get("language")
    if saved and translation.check_for_language(saved):
        return saved
    return translation.get_language_from_request(request)


def activate_time_zone(zone: str | None) -> None:
    """``zone`` for what is shown now; the portal's own when none or unknown."""
    if zone:
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
    else:
        timezone.deactivate()


class LanguageMiddleware(MiddlewareMixin):
    """Choose the language of a request (and the person's time zone).

    - ``/zh-hans/…``: Chinese.
    - an unprefixed page: GET or HEAD from someone who prefers another
      language (``preferred_language``) is redirected to that language's
      address of the same page; everything else is English. A POST is never
      redirected.
    - anything else (API, admin): the cookie's or ``Accept-Language``'s
      language, without a redirect.

    After AuthenticationMiddleware: it reads the signed-in person's choices.
    """

    response_redirect_class = HttpResponseRedirect

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        request.is_page = False
        # The API writes times in UTC (ISO 8601) for every caller.
        activate_time_zone(
            None
            if request.path_info.startswith("/api/")
            else session_preferences(request).get("time_zone")
        )
        i18n_patterns_used, _prefixed_default = is_language_prefix_patterns_used(
            urlconf
        )
        prefixed = path_language(request.path_info) if i18n_patterns_used else None
        if prefixed:
            language = prefixed
            request.is_page = True
        elif i18n_patterns_used and is_page_path(request.path_info, urlconf):
            request.is_page = True
            language = default_language()
            preferred = preferred_language(request)
            if preferred != language and request.method in SAFE_METHODS:
                translation.activate(language)
                return self._redirect(request, preferred)
        else:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def _redirect(self, request, language: str):
        script_prefix = get_script_prefix()
        url = request.get_full_path().replace(
            script_prefix, f"{script_prefix}{language}/", 1
        )
        response = self.response_redirect_class(url)
        # The same address answers differently by these: caches must know.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def process_response(self, request, response):
        language = translation.get_language()
        if not path_language(request.path_info):
            # An unprefixed page depends on the language cookie too.
            page = getattr(request, "is_page", False)
            vary = ("Accept-Language", "Cookie") if page else ("Accept-Language",)
            patch_vary_headers(response, vary)
        response.headers.setdefault("Content-Language", language)
        return response


def set_language_cookie(response, language: str) -> None:
    """Remember ``language`` in the browser, as django.views.i18n.set_language
    does (``LANGUAGE_COOKIE_*`` settings)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


# --- templates -------------------------------------------------------------------


def context(request) -> dict:
    """Template context of every page: ``<html lang>``, the ``hreflang``
    alternates and the switcher's languages (a context processor)."""
    current = translation.get_language() or default_language()
    return {
        "html_lang": bcp47(current),
        "language_alternates": SimpleLazyObject(lambda: page_alternates(request)),
        "switcher_languages": [
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "lang": bcp47(code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ],
    }


# --- writing to someone ------------------------------------------------------------


@contextlib.contextmanager
def speaking_to(locale):
    """Write (a notification, an e-mail) in ``locale``'s language and time
    zone (an ``accounts.selectors.RecipientLocale``): every lazy string,
    date and address made inside is theirs."""
    try:
        zone = zoneinfo.ZoneInfo(locale.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with translation.override(locale.language), timezone.override(zone):
        yield


def reset_for_request(**kwargs) -> None:
    """At the start of every request (``request_started``): the portal's
    language and time zone, until LanguageMiddleware chooses. A thread keeps
    what its previous request activated, and an answer given before that
    middleware runs (a body too large, portal.uploads) must not borrow it."""
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
