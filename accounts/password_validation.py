"""A password "validator" that checks nothing: Django calls ``password_changed``
of every configured validator once a new password is saved, whichever way it
was set (password change and reset forms, the admin, ``changepassword``), and
not when a hash is merely upgraded at sign-in. That is the one place where a
changed password revokes the person's API tokens."""

from django.utils.translation import gettext as _

from .services import tokens_revoke_all


class RevokeApiTokensOnPasswordChange:
    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            tokens_revoke_all(user=user)

    def get_help_text(self):
        return _("A new password revokes all API tokens of the account.")
