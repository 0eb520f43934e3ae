from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from portal.i18n import LANGUAGE_NAMES

from .models import Preferences, Scope


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CI upload script”."),
    )
    scope = forms.ChoiceField(
        label=pgettext_lazy("API token", "Scope"),
        choices=Scope.choices,
        initial=Scope.READ_WRITE,
        required=False,  # read and write, as before scopes existed
        widget=forms.RadioSelect,
        help_text=_("A read-only token can read through the API but change nothing."),
    )
    expires = forms.DateTimeField(
        label=_("Expires"),
        required=False,
    )

    def clean_scope(self):
        return self.cleaned_data["scope"] or Scope.READ_WRITE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.PORTAL_API_TOKEN_DAYS
        if days > 0:
            help_text = ngettext(
                "Optional, e.g. 2027-01-31 00:00. At most, and by default, "
                "%(days)d day from now.",
                "Optional, e.g. 2027-01-31 00:00. At most, and by default, "
                "%(days)d days from now.",
                days,
            ) % {"days": days}
        else:
            help_text = _("Optional, e.g. 2027-01-31 00:00. Leave empty for no expiry.")
        self.fields["expires"].help_text = help_text


def time_zone_choices():
    import zoneinfo

    return [("", _("The portal's time zone"))] + [
        (zone, zone.replace("_", " "))
        for zone in sorted(zoneinfo.available_timezones())
    ]


class PreferencesForm(forms.ModelForm):
    """Language and time zone of the person's pages and e-mails."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        required=False,
        help_text=_("Times on pages and in e-mails are shown in this zone."),
    )

    class Meta:
        model = Preferences
        fields = ("language", "time_zone")
        labels = {"language": _("Language")}
        help_texts = {
            "language": _(
                "Pages after you sign in and e-mails. Empty: your browser's language."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The languages as their readers name them ("中文", not "Chinese").
        self.fields["language"].choices = [("", _("Your browser's language"))] + [
            (code, LANGUAGE_NAMES.get(code, str(name)))
            for code, name in settings.LANGUAGES
        ]
