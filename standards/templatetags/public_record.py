"""The public status of a standard, in words, for the templates."""

from django import template

from standards.models import PublicStatus

register = template.Library()


@register.filter
def public_status_label(value) -> str:
    """``{{ "under_renewal"|public_status_label }}`` → "In force — under
    renewal"; empty for a standard without a public status."""
    try:
        return PublicStatus(value).label
    except ValueError:
        return ""
