from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from standards.models import PublicStatus, Standard

from .links import standard_url

STATIC_PAGES = [
    "home",
    "catalogue:search",
    "committees:committees",
    "committees:members",
    "workplan:index",
    "committees:procedures",
    "qms:index",
    "committees:meetings",
]


class I18nSitemap(Sitemap):
    """Every page at its address in each language, each naming the others
    (``hreflang`` alternates, English as ``x-default``; portal.i18n)."""

    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        names = []
        for name in STATIC_PAGES:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            names.append(name)
        return names

    def location(self, item):
        return reverse(item)


class StandardsSitemap(I18nSitemap):
    changefreq = "monthly"
    in_force_priority = 0.8
    limit = 10_000

    def items(self):
        return (
            Standard.objects.public()
            .only("pk", "status", "has_edition", "updated")
            .order_by("pk")
        )

    def location(self, item):
        return standard_url(item.pk)

    def lastmod(self, item):
        return item.updated

    def priority(self, item):
        # An abolished standard's page stays, below those in force.
        return (
            0.3
            if item.public_status == PublicStatus.ABOLISHED
            else self.in_force_priority
        )


SITEMAPS = {"pages": StaticPagesSitemap, "standards": StandardsSitemap}
