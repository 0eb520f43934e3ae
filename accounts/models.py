from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        """Tokens that authenticate: not revoked and not expired."""
        now = now or timezone.now()
        return self.filter(revoked__isnull=True).filter(
            models.Q(expires__isnull=True) | models.Q(expires__gt=now)
        )


class Scope(models.TextChoices):
    """What a token may do: read-only tokens are refused every unsafe method
    (POST, PUT, PATCH, DELETE) anywhere in the API."""

    READ = "read", _("read only")
    READ_WRITE = "read_write", _("read and write")


class ApiToken(models.Model):
    """A named API token of a user.

    Only a prefix (to find the row) and the SHA-256 of the secret are stored;
    the secret itself is shown once, when the token is created.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    scope = models.CharField(
        pgettext_lazy("API token", "scope"),
        max_length=10,
        choices=Scope.choices,
        default=Scope.READ_WRITE,
    )
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.READ_WRITE

    @property
    def is_active(self) -> bool:
        if self.revoked:
            return False
        return self.expires is None or self.expires > timezone.now()


def language_choices():
    """The portal's languages (settings.LANGUAGES), read when asked."""
    return list(settings.LANGUAGES)


def validate_time_zone(value: str) -> None:
    import zoneinfo

    from django.core.exceptions import ValidationError

    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone, e.g. Asia/Shanghai or Europe/Paris."),
            code="invalid",
            params={"value": value},
        )


class Preferences(models.Model):
    """A person's language and time zone for pages and e-mails; created the
    first time they choose. Blank means: the browser's language, the
    portal's time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preferences",
    )
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        choices=language_choices,
        help_text=_("Empty: the language your browser asks for."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Empty: the portal's time zone."),
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self):
        return str(self.user)
