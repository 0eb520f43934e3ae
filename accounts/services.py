"""API tokens: created with the secret shown once, revoked, never stored in
clear; and how many password-reset mails may be sent."""

import hashlib
import hmac
import logging
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.errors import ApplicationError

from .models import ApiToken, Preferences, Scope

logger = logging.getLogger(__name__)

# How often last_used is written: at most once a minute per token, so that a
# busy integrator does not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PREFIX_LENGTH = 8


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored


def token_longest_lifetime() -> timedelta | None:
    """How long a token may live (PORTAL_API_TOKEN_DAYS); None: without end."""
    days = settings.PORTAL_API_TOKEN_DAYS
    return timedelta(days=days) if days > 0 else None


@transaction.atomic
def token_create(
    *,
    actor,
    name: str,
    expires: datetime | None = None,
    scope: str = Scope.READ_WRITE,
) -> CreatedToken:
    """A signed-in user creates a named token; the secret is returned once.

    A token lives PORTAL_API_TOKEN_DAYS unless its creator asks for less;
    only with that setting at 0 may a token have no expiry."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise ApplicationError(_("Sign in to create a token."), code="forbidden")
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), field="name")
    if len(name) > 100:
        raise ApplicationError(_("At most 100 characters."), field="name")
    if scope not in Scope.values:
        raise ApplicationError(_("Choose read only or read and write."), field="scope")
    now = timezone.now()
    if expires is not None and expires <= now:
        raise ApplicationError(_("The expiry must be in the future."), field="expires")
    lifetime = token_longest_lifetime()
    if lifetime is not None:
        if expires is None:
            expires = now + lifetime
        elif expires > now + lifetime:
            raise ApplicationError(
                ngettext(
                    "A token may live at most %(days)d day.",
                    "A token may live at most %(days)d days.",
                    lifetime.days,
                )
                % {"days": lifetime.days},
                field="expires",
            )
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    secret = f"{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=prefix,
        key_hash=_hash(secret),
        expires=expires,
        scope=scope,
    )
    return CreatedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token_id, actor) -> ApiToken:
    """Only the token's owner revokes it; revoking twice changes nothing."""
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=actor)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such token."), code="not_found") from None
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    return token


def tokens_revoke_all(*, user) -> int:
    """Every token of the person still in force is revoked: called when their
    password changes (accounts.password_validation), since whoever knew the
    old password may have made one. Returns how many were revoked."""
    return ApiToken.objects.filter(user=user, revoked__isnull=True).update(
        revoked=timezone.now()
    )


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token whose secret this is, with its user; None otherwise.
    Records when it was last used, at most once a minute."""
    prefix, _dot, _rest = (secret or "").partition(".")
    if not prefix or not _rest:
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(prefix=prefix).first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, _hash(secret)):
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created", "-pk")


# --- password reset ---------------------------------------------------------

RESET_MAIL_WINDOW = 60 * 60  # seconds
# One client address may ask for this many times more mails than one e-mail
# address may receive (a colleague's office asking for several people).
RESET_MAILS_PER_CLIENT_FACTOR = 5


def _count_in_window(key: str) -> int:
    cache.add(key, 0, timeout=RESET_MAIL_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=RESET_MAIL_WINDOW)
        return 1


def reset_mail_allowed(*, email: str, client: str | None) -> bool:
    """Whether a password-reset mail to ``email``, asked for from ``client``,
    may be sent: at most ``PORTAL_PASSWORD_RESET_MAILS`` an hour to one
    address, and five times that from one client address, so that the reset
    form cannot flood anyone's inbox. The asker is told the same either way
    (no answer says whether an address has an account, or was limited).

    The counts live in the cache; when it cannot be reached, the mail is sent
    (a warning is logged): an outage must not stop people resetting."""
    limit = settings.PORTAL_PASSWORD_RESET_MAILS
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    try:
        to_address = _count_in_window(f"reset-mail:to:{address}")
        from_client = _count_in_window(f"reset-mail:from:{client or '-'}")
    except Exception:  # any cache backend's connection error
        logger.warning("Password reset: the cache cannot be reached", exc_info=True)
        return True
    allowed = (
        to_address <= limit and from_client <= limit * RESET_MAILS_PER_CLIENT_FACTOR
    )
    if not allowed:
        logger.warning(
            "Password reset: no mail sent, %d asked for this address and %d "
            "from %s within the hour",
            to_address,
            from_client,
            client,
        )
    return allowed


# --- language and time zone ------------------------------------------------------


def preferences_set(
    *, user, language: str | None = None, time_zone: str | None = None
) -> Preferences:
    """Save a person's language and/or time zone (None leaves one as it is,
    "" clears it): only the portal's languages, only known time zones."""
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError(_("Sign in to save your choices."), code="forbidden")
    codes = {code for code, _name in settings.LANGUAGES}
    if language is not None and language and language not in codes:
        raise ApplicationError(
            _("Choose one of the portal's languages."), field="language"
        )
    if (
        time_zone is not None
        and time_zone
        and time_zone not in zoneinfo.available_timezones()
    ):
        raise ApplicationError(
            _("“%(value)s” is not a time zone, e.g. Asia/Shanghai or Europe/Paris.")
            % {"value": time_zone},
            field="time_zone",
        )
    preferences, _created = Preferences.objects.get_or_create(user=user)
    changed = []
    if language is not None and preferences.language != language:
        preferences.language = language
        changed.append("language")
    if time_zone is not None and preferences.time_zone != time_zone:
        preferences.time_zone = time_zone
        changed.append("time_zone")
    if changed:
        preferences.save(update_fields=changed)
    return preferences


def preferences_remember(request, user) -> dict:
    """Keep the person's choices in their session (portal.i18n reads them on
    every page without asking the database); called at sign-in and when they
    change. Choices changed elsewhere (admin) apply from the next sign-in."""
    from portal.i18n import PREFERENCES_SESSION_KEY

    from .selectors import preferences_of

    preferences = preferences_of(user)
    remembered = {
        "language": preferences.language if preferences else "",
        "time_zone": preferences.time_zone if preferences else "",
    }
    if hasattr(request, "session"):
        request.session[PREFERENCES_SESSION_KEY] = remembered
    return remembered
