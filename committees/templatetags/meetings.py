"""``{% load meetings %}``: the meetings that discussed a standard, for its
public page (an inclusion that needs no change to the standards' views)."""

from django import template

from committees import meeting_selectors

register = template.Library()


@register.simple_tag
def meetings_of_standard(standard):
    return meeting_selectors.meetings_of_standard(standard)
