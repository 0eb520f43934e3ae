from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from .services import token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>`` (``Token <token>`` is accepted too).

    A read-only token is refused (403) every unsafe method here, where every
    API view passes, rather than in each view's permissions."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: give one token after the keyword.")
            )
        try:
            secret = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = token_authenticate(secret)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("Invalid, expired or revoked token.")
            )
        if not token.can_write and request.method not in permissions.SAFE_METHODS:
            raise exceptions.PermissionDenied(
                _("This token is read only: it cannot change anything.")
            )
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                _(
                    "An API token from /accounts/profile/ or POST /api/v1/auth/tokens/."
                    " `Authorization: Token <token>` is accepted too."
                )
                + "\n\n"
                + _(
                    "Scopes: `read_write` (the default) may do everything the "
                    "token's owner may; `read` may only read (GET, HEAD, OPTIONS): "
                    "any other method is refused with 403. A token expires after "
                    "PORTAL_API_TOKEN_DAYS days (90 by default), or earlier at the "
                    "`expires` given when it was created; then, or once revoked, "
                    "it is refused with 401. Changing the password revokes all "
                    "the owner's tokens."
                )
            ),
        }
