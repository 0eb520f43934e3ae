from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from committees.models import WorkingGroup

from . import health
from .public_cache import cache_public_page


@cache_public_page
def home(request):
    return render(
        request,
        "portal/home.html",
        {"working_group": WorkingGroup.objects.first()},
    )


def favicon(request):
    """``/favicon.ico``, asked for by browsers and feed readers whatever the
    page says: the static icon (its hashed address in production)."""
    return redirect(static("img/favicon.ico"))


@never_cache
def healthz(request):
    """Liveness: the process answers (it asks nothing of the database or
    Redis; see readyz)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: the database, cache and broker, and the worker and beat
    heartbeats (portal.health)."""
    status, body = health.readiness()
    return JsonResponse(body, status=status)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: they query the database, which may be the
    # very thing that failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
