"""``{% load people %}``: how templates name a user."""

from django import template
from django.utils.translation import gettext_lazy as _

from committees.selectors import display_name

register = template.Library()


@register.filter
def person_name(user):
    """``{{ entry.actor|person_name }}``: the one name a user goes by
    (``committees.selectors.display_name``). Load the rows with
    ``select_related("actor__person")`` so that naming costs no query."""
    if user is None or user == "":
        return _("someone no longer registered")
    return display_name(user)
