from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    """The signed-in user's unread count, for the bell in the header; a
    page that counted it already (marking notifications read on a visit)
    passes it as ``unread_notifications_count``."""
    known = context.get("unread_notifications_count")
    if known is not None:
        return known
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return selectors.unread_count(user)


@register.simple_tag(takes_context=True)
def watching(context, standard=None, field=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return selectors.is_watching(user, standard=standard, field=field)
