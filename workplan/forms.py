"""Forms of the work plan's pages. They only parse input; the rules (who
may, which owner, which dates) are checked by ``workplan.services``, whose
refusals the views put back on these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from committees.models import Person
from portal.localized import localized
from qms.models import Programme

from .models import WorkItem
from .selectors import owner_candidates


class DateInput(forms.DateInput):
    """The browser's date picker; the value as YYYY-MM-DD whatever the
    language."""

    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class Form(forms.Form):
    """Labels without a trailing colon, as everywhere in the portal's forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.organisation_id:
            return f"{obj.name} ({localized(obj.organisation, 'name')})"
        return obj.name


class WorkItemForm(Form):
    owner = OwnerChoiceField(
        label=_("Owner"),
        # The current deputy leaders, read when the form is made.
        queryset=Person.objects.none(),
        required=False,
        help_text=_("The deputy leader who leads this work item."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=WorkItem.Status.choices)
    start = forms.DateField(label=_("Target start"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Target end"), required=False, widget=DateInput())
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("What the work item delivers, in Markdown."),
    )
    description_zh = forms.CharField(
        label=_("Chinese description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Optional: the description in Chinese, beside the one above."),
    )
    qms_programmes = forms.ModelMultipleChoiceField(
        label=_("QMS programmes"),
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The member organisations' QMS programmes this item concerns."),
    )
    # When the item was last saved as the form was opened: a change made by
    # someone else since is refused rather than overwritten.
    updated = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, may_change_owner: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qms_programmes"].queryset = Programme.objects.select_related(
            "organisation"
        ).order_by("organisation__name")
        if may_change_owner:
            self.fields["owner"].queryset = owner_candidates()
        else:
            del self.fields["owner"]

    @classmethod
    def initial_from(cls, item: WorkItem) -> dict:
        return {
            "owner": item.owner_id,
            "status": item.status,
            "start": item.start,
            "end": item.end,
            "description": item.description,
            "description_zh": item.description_zh,
            "qms_programmes": [p.pk for p in item.qms_programmes.all()],
            "updated": item.updated.isoformat(),
        }


class MilestoneForm(Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “First draft”, “Expert review”, “Publication”."),
    )
    title_zh = forms.CharField(label=_("Chinese title"), max_length=200, required=False)
    due = forms.DateField(label=_("Due"), widget=DateInput())
    done_on = forms.DateField(
        label=_("Done on"),
        required=False,
        widget=DateInput(),
        help_text=_("The day it was reached; empty while it is still to do."),
    )

    @classmethod
    def initial_from(cls, milestone) -> dict:
        return {
            "title": milestone.title,
            "title_zh": milestone.title_zh,
            "due": milestone.due,
            "done_on": milestone.done_on,
        }
