"""``{% load localized %}{{ field|localized:"name" }}``: a name in the
reader's language where the row has it (see ``portal.localized``)."""

from django import template

from portal import localized as localized_module

register = template.Library()


@register.filter
def localized(obj, attr: str):
    return localized_module.localized(obj, attr)


@register.filter
def in_both_languages(obj, attr: str) -> list[str]:
    """The value in both languages, the reader's first (one when only one)."""
    return localized_module.both(obj, attr)
