from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Scope


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CI upload script”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
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
