"""Labels for the lifecycle's states and history entries, for the templates."""

from django import template
from django.utils.translation import gettext_lazy as _

from standards.models import Status
from standards.services import TRANSITIONS

register = template.Library()

ACTION_LABELS = {
    "created": _("Draft created"),
    "edited": _("Details edited"),
    "version_uploaded": _("Version uploaded"),
    "experts_assigned": _("Experts assigned"),
    "comment_added": _("Expert comment"),
    "comment_answered": _("Comment answered"),
    "comment_resolved": _("Blocking comment resolved"),
    "recommendation_given": _("Recommendation given"),
    **TRANSITIONS,
}


@register.filter
def action_label(action: str):
    """``{{ entry.action|action_label }}``: a history entry's action in words."""
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


@register.filter
def status_label(value: str):
    """``{{ "expert_review"|status_label }}`` → "Expert review"."""
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def person_name(user):
    """A user's full name, or their username when they have none."""
    if user is None:
        return _("someone no longer registered")
    return user.get_full_name() or user.username
