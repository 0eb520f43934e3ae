"""Reads of a person's account settings that pages, e-mails and the
middleware share."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from .models import Preferences


def preferences_of(user) -> Preferences | None:
    """The person's saved preferences, or None when they never chose."""
    if user is None or not getattr(user, "pk", None):
        return None
    try:
        return Preferences.objects.get(user_id=user.pk)
    except Preferences.DoesNotExist:
        return None


def language_of(user) -> str:
    """The language of what is written to ``user`` when no request says
    otherwise (notifications, e-mails): their saved one, else the portal's."""
    preferences = preferences_of(user)
    if preferences is not None and preferences.language:
        return preferences.language
    return settings.LANGUAGE_CODE


def time_zone_of(user) -> str:
    """The person's time zone, else the portal's (``TIME_ZONE``)."""
    preferences = preferences_of(user)
    if preferences is not None and preferences.time_zone:
        return preferences.time_zone
    return settings.TIME_ZONE


@dataclass(frozen=True)
class RecipientLocale:
    """How to write to one person: their language and time zone, or the
    portal's where they chose none."""

    language: str
    time_zone: str


def portal_locale() -> RecipientLocale:
    return RecipientLocale(settings.LANGUAGE_CODE, settings.TIME_ZONE)


def recipient_locales(user_ids: Iterable[int]) -> dict[int, RecipientLocale]:
    """The locale of each of ``user_ids`` (every one of them), in one query."""
    ids = set(user_ids)
    default = portal_locale()
    found = {
        row.user_id: RecipientLocale(
            row.language or default.language, row.time_zone or default.time_zone
        )
        for row in Preferences.objects.filter(user_id__in=ids)
    }
    return {user_id: found.get(user_id, default) for user_id in ids}


def recipient_locale(user) -> RecipientLocale:
    return recipient_locales([user.pk])[user.pk]
