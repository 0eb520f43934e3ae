"""Forms of the lifecycle pages. They only parse input; the rules (who may,
which state, what is required) are checked by ``standards.services``, whose
refusals the views put back on these forms."""

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from committees.models import Field, Person
from committees.selectors import display_name, person_of
from portal.ids import ModelMultipleChoiceField
from portal.localized import LocalizedModelChoiceField, localized
from portal.markdown import validate_markdown_length
from workplan.models import WorkItem

from .models import Comment, Recommendation, Standard, Status


def field_choices():
    """Fields with their subfields, as option groups of a select."""
    fields = list(Field.objects.select_related("parent").order_by("order", "name"))
    groups = []
    for top in (f for f in fields if f.parent_id is None):
        name = localized(top, "name")
        options = [(top.pk, name)]
        options += [
            (f.pk, localized(f, "name")) for f in fields if f.parent_id == top.pk
        ]
        groups.append((name, options))
    return [("", "---------"), *groups]


class Form(forms.Form):
    """Labels without a trailing colon, as everywhere in the portal's forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PersonChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if obj.organisation_id:
            return f"{obj.name} ({localized(obj.organisation, 'name')})"
        return obj.name


class DraftForm(Form):
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=(),
        initial="en",
        required=False,
        help_text=_("The language the standard is written in."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_(
            "In the language of the text. A standard written only in Chinese "
            "gives its Chinese title here and leaves “Chinese title” empty."
        ),
    )
    title_zh = forms.CharField(
        label=_("Chinese title"),
        max_length=300,
        required=False,
        help_text=_("Optional: the Chinese title of a standard written in English."),
    )
    scope = forms.CharField(
        label=_("Scope"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("What the standard covers. Needed before submitting."),
    )
    scope_zh = forms.CharField(
        label=_("Chinese scope"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Optional: the scope in Chinese, beside the one above."),
    )
    field = forms.TypedChoiceField(label=_("Field"), coerce=int, choices=())
    work_item = LocalizedModelChoiceField(
        attr="title",
        label=_("Work item"),
        queryset=WorkItem.objects.order_by("order"),
        required=False,
        help_text=_("The topic of the work plan this standard belongs to."),
    )
    # Checkboxes, not a multiple select: several are picked without a
    # modifier key, on a phone too.
    authors = PersonChoiceField(
        label=_("Authors"),
        queryset=Person.objects.select_related("organisation").order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Optional: tick each person who writes it with you; you are added "
            "as an author."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = field_choices()
        self.fields["language"].choices = list(settings.LANGUAGES)
        # A new draft is first taken to be in the language its author reads
        # the portal in.
        active = translation.get_language()
        if active in dict(settings.LANGUAGES):
            self.fields["language"].initial = active

    @classmethod
    def initial_from(cls, standard: Standard) -> dict:
        return {
            "language": standard.language,
            "title": standard.title,
            "title_zh": standard.title_zh,
            "scope": standard.scope,
            "scope_zh": standard.scope_zh,
            "field": standard.field_id,
            "work_item": standard.work_item_id,
            "authors": [p.pk for p in standard.authors.all()],
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class VersionForm(Form):
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 16}),
        strip=False,
        validators=[validate_markdown_length],
    )
    change_summary = forms.CharField(
        label=_("Change summary"), max_length=500, required=False
    )
    files = MultipleFileField(
        label=_("Attached files"),
        required=False,
        help_text=_("PDF, DOCX, ODT or Markdown; several files may be chosen."),
    )


class AssignForm(Form):
    experts = forms.TypedMultipleChoiceField(
        label=_("Experts of the field"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each expert to assign; several may be ticked."),
    )

    def __init__(self, *args, experts=(), exclude=(), **kwargs):
        """``experts``: the users who may be assigned (``selectors.experts_for``,
        the rule ``permissions.assignable_experts``); no one else is offered."""
        super().__init__(*args, **kwargs)
        choices = []
        seen = set(exclude)
        for user in experts:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            label = display_name(user)
            person = person_of(user)
            if person is not None and person.organisation_id:
                label = f"{label} ({localized(person.organisation, 'name')})"
            choices.append((user.pk, label))
        self.fields["experts"].choices = choices


class CommentForm(Form):
    section = forms.CharField(
        label=_("Section"),
        max_length=100,
        required=False,
        help_text=_("Optional, for example “4.2”."),
    )
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}))
    blocking = forms.BooleanField(
        label=_("Blocking: must be resolved before the draft goes to audit"),
        required=False,
    )


class AnswerForm(Form):
    reply = forms.ChoiceField(
        label=_("Answer"), choices=Comment.Reply.choices, widget=forms.RadioSelect
    )
    reply_text = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when the comment is rejected."),
    )


class RecommendForm(Form):
    decision = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Recommendation.Decision.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class TransitionForm(Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    expected_status = forms.ChoiceField(
        choices=Status.choices, widget=forms.HiddenInput, required=False
    )
    replaced_by = forms.ModelChoiceField(
        label=_("Replaced by"),
        queryset=Standard.objects.none(),
        required=False,
        help_text=_("Optional: the published standard that replaces this one."),
    )

    def __init__(
        self, *args, name: str, standard: Standard, comment_required: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.name = name
        self.comment_required = comment_required
        comment = self.fields["comment"]
        if comment_required:
            comment.widget.attrs["required"] = True
            comment.label = {
                "request_changes": _("Changes requested"),
                "fail_audit": _("Findings of the audit"),
                "abolish": _("Reason for abolishing"),
            }.get(name, _("Comment"))
        else:
            comment.label = _("Comment (optional)")
        if name == "abolish":
            self.fields["replaced_by"].queryset = (
                Standard.objects.public()
                .exclude(status=Status.ABOLISHED)
                .exclude(pk=standard.pk)
                .order_by("number")
            )
        else:
            del self.fields["replaced_by"]
        # Forms of several transitions share one page: keep their ids apart.
        self.auto_id = f"id_{name}_%s"


class DiffForm(Form):
    a = forms.TypedChoiceField(label=_("From version"), coerce=int, choices=())
    b = forms.TypedChoiceField(label=_("To version"), coerce=int, choices=())

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("Version %(number)d") % {"number": n}) for n in numbers]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices


class EditionDiffForm(Form):
    """Two editions of a published standard to compare."""

    a = forms.TypedChoiceField(label=_("From edition"), coerce=int, choices=())
    b = forms.TypedChoiceField(label=_("To edition"), coerce=int, choices=())

    def __init__(self, *args, editions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (
                e.edition,
                _("Edition %(edition)d (%(number)s)")
                % {"edition": e.edition, "number": e.number},
            )
            for e in editions
        ]
        for name in ("a", "b"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = _(
                "This standard has no such edition."
            )
