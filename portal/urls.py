from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
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
    # The API first: every page include below has an empty prefix and would
    # be walked through before it otherwise.
    path("api/", include("portal.api_urls")),
    path("", include("committees.urls")),
    path("", include("workplan.urls")),
    path("", include("qms.urls")),
    # Before standards: the catalogue serves /standards/ itself.
    path("", include("catalogue.urls")),
    path("", include("standards.urls")),
    path("", include("standards.pdf_urls")),
    path("notifications/", include("notifications.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

# MEDIA_ROOT is never served as such, not even with DEBUG on: it holds the
# working material of drafts. Every file is downloaded through a view that
# checks who asks (standards.views.attachment, standards.pdf_views).

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
