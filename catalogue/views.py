from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.api import error_body
from portal.localized import localized
from portal.public_cache import cache_public_page, cache_public_response
from portal.spreadsheet import csv_writer

from .forms import STATUS_CHOICES, CatalogueForm, SuggestForm
from .links import standard_url
from .selectors import (
    catalogue_choices,
    catalogue_page,
    catalogue_search,
    public_state,
    search_suggestion,
    suggest_standards,
)

PER_PAGE = 20
CSV_COLUMNS = [
    "number",
    "title",
    "state",
    "field",
    "work item",
    "organisation",
    "edition",
    "published on",
    "url",
]


@require_GET
@cache_public_page
def search(request):
    form = CatalogueForm(request.GET)
    filters = form.filters()
    page = catalogue_page(filters, page=request.GET.get("page"), per_page=PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    suggestion = None
    if filters["q"] and not page.paginator.count:
        suggestion = search_suggestion(filters)
    suggestion_url = ""
    if suggestion:
        corrected = params.copy()
        corrected["q"] = suggestion
        suggestion_url = "?" + corrected.urlencode()
    return render(
        request,
        "catalogue/search.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "standards": page.object_list,
            "query_string": params.urlencode(),
            "choices": catalogue_choices(),
            "searching": bool(filters["q"]),
            "status_choices": STATUS_CHOICES,
            "suggestion": suggestion,
            "suggestion_url": suggestion_url,
            "active_filters": form.active_filter_count(),
        },
    )


@require_GET
@cache_public_response
def suggest(request):
    """Public standards for the search box as it is typed in (JSON):
    ``{"q": ..., "suggestions": [{"number", "title", "url"}, ...]}``, at most
    eight; a query the form refuses (too long, control characters) is a 400
    naming the field and the reason."""
    form = SuggestForm(request.GET)
    if not form.is_valid():
        errors = {name: [str(m) for m in ms] for name, ms in form.errors.items()}
        message = next(iter(errors.values()))[0]
        return JsonResponse(error_body("invalid", message, errors), status=400)
    q = form.cleaned_data["q"]
    return JsonResponse({"q": q, "suggestions": suggest_standards(q)})


@require_GET
def export_csv(request):
    """The current result list (every page of it) as CSV."""
    filters = CatalogueForm(request.GET).filters()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="standards.csv"'
    # A byte-order mark, so that spreadsheet programs read the Chinese right.
    response.write("\ufeff")
    writer = csv_writer(response)
    writer.writerow(CSV_COLUMNS)
    base = request.build_absolute_uri("/").rstrip("/")
    for s in catalogue_search(**filters).iterator(chunk_size=1000):
        writer.writerow(
            [
                s.number or "",
                localized(s, "public_title"),
                public_state(s),
                localized(s.field, "name"),
                localized(s.work_item, "title") if s.work_item else "",
                localized(s.organisation, "name"),
                s.edition_number or "",
                s.published_on.isoformat() if s.published_on else "",
                base + standard_url(s.pk),
            ]
        )
    return response


@require_GET
def robots_txt(request):
    # The pages no crawler should read, at their address in every language
    # (English unprefixed, the others under /<code>/: portal.i18n).
    prefixes = [""] + [
        f"/{code}"
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    ]
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        *(
            f"Disallow: {prefix}{path}"
            for prefix in prefixes
            for path in (
                "/accounts/",
                "/drafts/",
                "/review/",
                "/dashboard/",
                "/standards/export.csv",
                "/standards/suggest",
            )
        ),
        # The root's sitemap (portal.urls), one address in every language.
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def bench_ceiling(request):
    """Only with PORTAL_BENCH=1: the fastest a response of this stack can be,
    as the benchmark's ceiling."""
    return JsonResponse({"ok": True, "portal": settings.PORTAL_NAME, "n": 1})
