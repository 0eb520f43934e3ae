from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import path

from portal.public_cache import cache_public_page

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "catalogue"

urlpatterns = [
    path("standards/", views.search, name="search"),
    path("standards/export.csv", views.export_csv, name="export"),
    path("standards/suggest", views.suggest, name="suggest"),
    path(
        "feeds/standards.atom", cache_public_page(feeds.PublicationsFeed()), name="feed"
    ),
    path(
        "feeds/fields/<slug:slug>.atom",
        cache_public_page(feeds.FieldPublicationsFeed()),
        name="field_feed",
    ),
    path(
        "feeds/standards/<int:pk>.atom",
        cache_public_page(feeds.StandardChangesFeed()),
        name="standard_feed",
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]

if settings.PORTAL_BENCH:
    urlpatterns.append(path("bench/ceiling.json", views.bench_ceiling, name="ceiling"))
