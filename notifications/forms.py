from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Kind


class PreferencesForm(forms.Form):
    # Not required: a form that leaves it out keeps the current choice.
    delivery = forms.ChoiceField(
        label=_("How to send e-mail"),
        choices=Delivery.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "A daily digest gathers the day's notifications in one e-mail, "
            "sent each morning."
        ),
    )
    email = forms.MultipleChoiceField(
        label=_("Send me an e-mail for"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every notification is shown here in the portal as well."),
    )
