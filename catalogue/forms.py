from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from committees.models import Field, Organisation
from portal.localized import LocalizedModelChoiceField
from standards.models import PublicStatus
from workplan.models import WorkItem

# A public status, or "published": in force, under renewal or not. The older
# value "renewal" (now "under_renewal") is accepted, not offered.
STATUS_CHOICES = [
    ("", _("Any state")),
    ("published", _("Published (in force, under renewal or not)")),
    *PublicStatus.choices,
]
LEGACY_STATUS_CHOICES = [("renewal", _("Under renewal"))]
SORT_CHOICES = [
    ("", _("Best match / number")),
    ("relevance", _("Relevance")),
    ("number", _("Number")),
    ("title", _("Title")),
    ("date", _("Newest first")),
]


class CatalogueForm(forms.Form):
    """The catalogue's filters, read from the URL so a search can be shared.
    A value that does not parse is reported and ignored, never an error page."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    field = LocalizedModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any field"),
    )
    work_item = LocalizedModelChoiceField(
        attr="title",
        label=_("Work item"),
        queryset=WorkItem.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any work item"),
    )
    status = forms.ChoiceField(
        label=_("State"),
        choices=STATUS_CHOICES + LEGACY_STATUS_CHOICES,
        required=False,
    )
    year = forms.IntegerField(
        label=_("Published in"), min_value=1900, max_value=9999, required=False
    )
    organisation = LocalizedModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any organisation"),
    )
    abolished = forms.BooleanField(label=_("Include abolished"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def filters(self) -> dict:
        """The valid filters as ``catalogue_search`` arguments."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "field": data.get("field"),
            "work_item": data.get("work_item"),
            "status": {"renewal": PublicStatus.UNDER_RENEWAL.value}.get(
                data.get("status"), data.get("status") or ""
            ),
            "year": data.get("year"),
            "organisation": data.get("organisation"),
            "include_abolished": bool(data.get("abolished")),
            "sort": data.get("sort") or "",
        }

    def active_filter_count(self) -> int:
        """How many filters besides the words are set (sorting included)."""
        filters = self.filters()
        return sum(bool(value) for name, value in filters.items() if name != "q")


class SuggestForm(forms.Form):
    """What the search box holds while it is typed in, for suggestions."""

    q = forms.CharField(
        label=_("Search"),
        max_length=200,  # the search box's own limit
        required=False,
        validators=[
            RegexValidator(
                r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]",
                inverse_match=True,
                message=_("The search may not contain control characters."),
            )
        ],
    )
