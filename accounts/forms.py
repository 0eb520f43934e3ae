from django import forms
from django.utils.translation import gettext_lazy as _


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CI upload script”."),
    )
    expires = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        help_text=_("Optional, e.g. 2027-01-31 00:00. Leave empty for no expiry."),
    )
