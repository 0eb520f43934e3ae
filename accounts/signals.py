"""Receivers of Django's account signals."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="accounts.remember_preferences")
def remember_preferences(sender, request, user, **kwargs):
    """The person's language and time zone go into their new session, for
    every page to read (portal.i18n)."""
    if request is not None:
        services.preferences_remember(request, user)
