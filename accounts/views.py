from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from portal import i18n
from portal.errors import ApplicationError
from portal.naming import portal_name

from . import selectors, services
from .forms import PreferencesForm, TokenCreateForm


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
            "preferences_form": PreferencesForm(
                instance=selectors.preferences_of(request.user)
            ),
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


@login_required
@require_POST
def preferences(request):
    """Save the person's language and time zone; back to the profile in the
    language chosen (post-redirect-get)."""
    form = PreferencesForm(
        request.POST, instance=selectors.preferences_of(request.user)
    )
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(error) for errors in form.errors.values() for error in errors),
        )
        return redirect("accounts:profile")
    language = form.cleaned_data["language"]
    services.preferences_set(
        user=request.user, language=language, time_zone=form.cleaned_data["time_zone"]
    )
    services.preferences_remember(request, request.user)
    shown_in = language or translation.get_language()
    with translation.override(shown_in):
        messages.success(request, _("Your language and time zone are saved."))
    response = redirect(i18n.language_address(reverse("accounts:profile"), shown_in))
    if language:
        i18n.set_language_cookie(response, language)
    return response


@require_http_methods(["GET", "POST"])
def language_set(request):
    """The switcher: Django's set_language (the cookie, a safe ``next``), then
    the same page at the chosen language's address.

    A signed-in person's switcher posts (with the CSRF token), and their
    choice is saved with their preferences. A reader who is not signed in
    submits it by GET: it sets nothing but the cookie (no more than a link
    to /zh-hans/ does), so public pages carry no CSRF token or cookie and
    stay the same for every reader (portal.public_cache)."""
    response = set_language(request)
    data = request.POST if request.method == "POST" else request.GET
    language = data.get("language", "")
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        return response
    if response.has_header("Location"):
        response["Location"] = i18n.language_address(response["Location"], language)
    if request.method == "GET":
        i18n.set_language_cookie(response, language)
    elif request.user.is_authenticated:
        services.preferences_set(user=request.user, language=language)
        services.preferences_remember(request, request.user)
    return response


class LoginView(auth_views.LoginView):
    """Django's sign-in. A saved language wins: the person lands on the
    page they asked for in that language; without one, in the language of
    the sign-in page. Either way the language cookie keeps it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        # Put in the new session by the sign-in (accounts.signals).
        saved = i18n.session_preferences(self.request).get("language")
        language = saved or translation.get_language()
        response["Location"] = i18n.language_address(response["Location"], language)
        i18n.set_language_cookie(response, language)
        return response


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
            "portal_name": portal_name(),
        }
