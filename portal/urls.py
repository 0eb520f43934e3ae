from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from accounts import views as accounts_views
from catalogue import views as catalogue_views
from catalogue.sitemaps import SITEMAPS

from . import metrics, views

# Addresses with one language-neutral address each (portal.i18n treats
# everything here as "not a page": no language prefix, no redirect). The
# API first: the page patterns below have an empty prefix and would be
# walked through before it otherwise.
unprefixed_patterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/", include("portal.api_urls")),
    path("admin/", admin.site.urls),
    # The language switcher posts here from a page of either language.
    path("i18n/language/", accounts_views.language_set, name="language_set"),
    # Crawlers look for these at the root; the sitemap lists both languages.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", catalogue_views.robots_txt, name="robots"),
    # A PDF is in its standard's language, whoever reads it: one address.
    path("", include("standards.pdf_urls")),
]

# The pages: English at the addresses they always had, Chinese under
# /zh-hans/ (portal.i18n.LanguageMiddleware chooses and redirects).
page_patterns = [
    path("", views.home, name="home"),
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", include("accounts.password_reset_urls")),
    path("", include("committees.urls")),
    path("", include("workplan.urls")),
    path("", include("qms.urls")),
    # Before standards: the catalogue serves /standards/ itself.
    path("", include("catalogue.urls")),
    path("", include("standards.urls")),
    path("notifications/", include("notifications.urls")),
    path("accounts/", include("accounts.urls")),
]

urlpatterns = unprefixed_patterns + i18n_patterns(
    *page_patterns, prefix_default_language=False
)

# MEDIA_ROOT is never served as such, not even with DEBUG on: it holds the
# working material of drafts. Every file is downloaded through a view that
# checks who asks (standards.views.attachment, standards.pdf_views).

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
