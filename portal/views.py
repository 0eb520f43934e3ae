import socket
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from committees.models import WorkingGroup


def home(request):
    return render(
        request,
        "portal/home.html",
        {"working_group": WorkingGroup.objects.first()},
    )


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — health reports any failure
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_cache() -> dict:
    try:
        cache.set("healthz", "1", 5)
        ok = cache.get("healthz") == "1"
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": ok}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    url = urlparse(settings.CELERY_BROKER_URL)
    try:
        with socket.create_connection((url.hostname, url.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            ok = s.recv(16).startswith(b"+PONG")
    except OSError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": ok, "mode": "redis"}


def favicon(request):
    """``/favicon.ico``, asked for by browsers and feed readers whatever the
    page says: the static icon (its hashed address in production)."""
    return redirect(static("img/favicon.ico"))


@never_cache
def healthz(request):
    checks = {
        "database": _check_database(),
        "cache": _check_cache(),
        "broker": _check_broker(),
    }
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "error", **checks}, status=200 if ok else 503
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: they query the database, which may be the
    # very thing that failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
