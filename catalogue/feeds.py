"""Atom feeds: new publications, a field's publications, one standard's
public history."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from committees.models import Field
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
    return f"{standard.number or ''} {standard.public_title or ''}".strip()


class PublicationsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return _Context(request)

    def title(self, obj):
        return _("%(portal)s: new publications") % {"portal": settings.PORTAL_NAME}

    def subtitle(self, obj):
        return _("Standards published or given a new edition.")

    def link(self, obj):
        return "/standards/"

    def author_name(self, obj):
        return settings.PORTAL_NAME

    def editions(self, obj):
        return latest_editions()

    def items(self, obj):
        editions = self.editions(obj)
        for edition in editions:
            edition.feed_base = obj.base
        return editions

    def item_title(self, item):
        title = f"{item.number} {item.title}"
        if item.edition > 1:
            title += " " + _("(edition %(n)s)") % {"n": item.edition}
        return title

    # Atom's summary is HTML (Django writes type="html"): the plain text of
    # a scope or a comment is escaped as HTML here, and once more as XML by
    # the feed, so that a reader shows `<script>` rather than running it.
    def item_description(self, item):
        return escape(item.scope)

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
            "portal": settings.PORTAL_NAME,
            "field": obj.obj.name,
        }

    def link(self, obj):
        return f"/standards/?field={obj.obj.slug}"

    def editions(self, obj):
        return latest_editions(field=obj.obj)


ACTION_TITLES = {
    "publish": _("Published"),
    "reaffirm": _("Reaffirmed"),
    "start_renewal": _("Renewal started"),
    "abolish": _("Abolished"),
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
        return settings.PORTAL_NAME

    def items(self, obj):
        entries = public_history(obj.obj)
        for entry in entries:
            entry.feed_base = obj.base
        return entries

    def item_title(self, item):
        label = ACTION_TITLES.get(item.action, item.action)
        return f"{label}: {_public_name(item.standard)}"

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
