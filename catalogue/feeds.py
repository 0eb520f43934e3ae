"""Atom feeds: new publications, a field's publications, one standard's
public history."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Field
from portal.localized import localized
from portal.naming import portal_name
from standards.models import Standard

from .links import standard_url
from .selectors import latest_editions, public_history


class _Context:
    """What a feed's items need from the request (feeds are shared instances,
    so nothing request-specific may be stored on them)."""

    def __init__(self, request, obj=None):
        self.base = request.build_absolute_uri("/").rstrip("/")
        self.obj = obj


def _as_datetime(day):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day))


def _public_name(standard: Standard) -> str:
    """Number and title as the public record has them (the edition's)."""
    title = localized(standard, "public_title") or ""
    return f"{standard.number or ''} {title}".strip()


class PublicationsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return _Context(request)

    def title(self, obj):
        return _("%(portal)s: new publications") % {"portal": portal_name()}

    def subtitle(self, obj):
        return _("Standards published or given a new edition.")

    def link(self, obj):
        return reverse("catalogue:search")  # in the feed's language

    def author_name(self, obj):
        return portal_name()

    def editions(self, obj):
        return latest_editions()

    def items(self, obj):
        editions = self.editions(obj)
        for edition in editions:
            edition.feed_base = obj.base
        return editions

    def item_title(self, item):
        title = f"{item.number} {localized(item, 'title')}"
        if item.edition > 1:
            title = _("%(standard)s (edition %(n)s)") % {
                "standard": title,
                "n": item.edition,
            }
        return title

    # Atom's summary is HTML (Django writes type="html"): the plain text of
    # a scope or a comment is escaped as HTML here, and once more as XML by
    # the feed, so that a reader shows `<script>` rather than running it.
    def item_description(self, item):
        return escape(localized(item, "scope"))

    def item_categories(self, item):
        # The standard's public status now: an edition of an abolished
        # standard says so.
        status = item.standard.public_status
        return [str(status.label)] if status else []

    def item_link(self, item):
        return standard_url(item.standard_id)

    def item_guid(self, item):
        return (
            f"{item.feed_base}{standard_url(item.standard_id)}#edition-{item.edition}"
        )

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return _as_datetime(item.published_on)

    def item_updateddate(self, item):
        return _as_datetime(item.published_on)


class FieldPublicationsFeed(PublicationsFeed):
    def get_object(self, request, slug):
        return _Context(request, get_object_or_404(Field, slug=slug))

    def title(self, obj):
        return _("%(portal)s: new publications in %(field)s") % {
            "portal": portal_name(),
            "field": localized(obj.obj, "name"),
        }

    def link(self, obj):
        return f"{reverse('catalogue:search')}?field={obj.obj.slug}"

    def editions(self, obj):
        return latest_editions(field=obj.obj)


ACTION_TITLES = {
    "publish": gettext_lazy("Published"),
    "reaffirm": gettext_lazy("Reaffirmed"),
    "start_renewal": gettext_lazy("Renewal started"),
    "abolish": gettext_lazy("Abolished"),
}


class StandardChangesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, pk):
        return _Context(request, get_object_or_404(Standard.objects.public(), pk=pk))

    def title(self, obj):
        return _("%(standard)s: changes") % {"standard": _public_name(obj.obj)}

    def link(self, obj):
        return standard_url(obj.obj.pk)

    def author_name(self, obj):
        return portal_name()

    def items(self, obj):
        entries = public_history(obj.obj)
        for entry in entries:
            entry.feed_base = obj.base
        return entries

    def item_title(self, item):
        label = ACTION_TITLES.get(item.action, item.action)
        return _("%(action)s: %(standard)s") % {
            "action": label,
            "standard": _public_name(item.standard),
        }

    def item_description(self, item):
        return escape(item.comment)

    def item_link(self, item):
        return standard_url(item.standard_id)

    def item_guid(self, item):
        return f"{item.feed_base}{standard_url(item.standard_id)}#history-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.created
