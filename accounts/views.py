from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.errors import ApplicationError

from . import services
from .forms import TokenCreateForm


@login_required
def profile(request):
    """The signed-in user's API tokens: list, create (secret shown once), revoke."""
    secret = None
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                created = services.token_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    expires=form.cleaned_data["expires"],
                    scope=form.cleaned_data["scope"],
                )
            except ApplicationError as error:
                form.add_error(error.field or None, error.message)
            else:
                secret = created.secret
                form = TokenCreateForm()
    else:
        form = TokenCreateForm()
    response = render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "secret": secret,
            "tokens": services.tokens_of(request.user),
            "profile_organisation": _organisation_of(request.user),
        },
    )
    # The page may carry a secret: never cache it.
    response["Cache-Control"] = "no-store"
    return response


def _organisation_of(user):
    """The organisation the user's person works for, if any."""
    from committees.selectors import person_of

    person = person_of(user)
    return person.organisation if person is not None else None


@login_required
@require_POST
def token_revoke(request, pk):
    token = services.token_revoke(token_id=pk, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:profile")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail. The link is built on PORTAL_BASE_URL, not on
    the request's Host header, and the answer is the same whether or not the
    address belongs to an account."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        from portal.throttling import client_address

        allowed = services.reset_mail_allowed(
            email=form.cleaned_data["email"], client=client_address(self.request)
        )
        if not allowed:
            # The same answer as a sent mail: nothing to learn from it.
            return redirect(self.get_success_url())
        return super().form_valid(form)

    @property
    def extra_email_context(self):
        return {
            "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
            "portal_name": settings.PORTAL_NAME,
        }
