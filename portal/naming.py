"""The portal's own name, in the reader's language."""

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# The default of PORTAL_NAME, marked so that the catalogue holds its Chinese.
DEFAULT_PORTAL_NAME = gettext_noop("LLM Standards Working Group")


def portal_name() -> str:
    """PORTAL_NAME in the active language: the default name is translated by
    the catalogue; a name an operator set is shown as given, unless the
    catalogue happens to hold it too."""
    return gettext(settings.PORTAL_NAME)
