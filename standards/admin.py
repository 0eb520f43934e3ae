"""The standards in the admin, for the leader and the secretariat.

The admin never changes a standard's state itself: every transition is an
admin action that calls ``services.standard_transition``, so the same rules,
permissions and history apply as in the browser and the API. What the
services create (versions, feedback, audits, editions, numbers, history) is
shown read-only here, so that nothing bypasses the checks and the record.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from portal.errors import ApplicationError

from . import actions, services
from .models import (
    Attachment,
    Audit,
    Comment,
    Edition,
    ExpertAssignment,
    HistoryEntry,
    NumberCounter,
    Recommendation,
    Standard,
    Status,
    Version,
)


class ReadOnlyMixin:
    """View only: these rows are written by the services, never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _download(url: str | None, label) -> str:
    """A link to a file's download view (which checks who asks). The file
    fields themselves are left out of the admin: their own links would point
    into MEDIA_ROOT, which is never served."""
    return format_html('<a href="{}">{}</a>', url, label) if url else "-"


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class VersionInline(ReadOnlyTabularInline):
    model = Version
    fields = ["number", "change_summary", "author", "created", "frozen"]


class ExpertAssignmentInline(ReadOnlyTabularInline):
    # Assigning goes through services.experts_assign (experts of the field
    # only, recorded in the history), on the draft page.
    model = ExpertAssignment
    fields = ["expert", "assigned_by", "created"]
    show_change_link = False


class EditionInline(ReadOnlyTabularInline):
    model = Edition
    fields = [
        "number",
        "edition",
        "version",
        "published_on",
        "superseded_on",
        "pdf_state",
    ]


class HistoryInline(ReadOnlyTabularInline):
    model = HistoryEntry
    fields = ["created", "actor", "action_label", "from_state", "to_state", "comment"]
    readonly_fields = ["action_label"]
    show_change_link = False

    @admin.display(description=gettext_lazy("action"))
    def action_label(self, entry):
        return actions.action_label(entry.action)


def admin_comment(user) -> str:
    return _("Taken in the admin by %(user)s") % {"user": user.get_username()}


def run_transition(modeladmin, request, queryset, name, *, comment, replaced_by=None):
    """Take ``name`` on each selected standard through the services; report
    each refusal with its reason, and the successes together."""
    done = 0
    for standard in queryset.order_by("pk"):
        try:
            services.standard_transition(
                standard_id=standard.pk,
                name=name,
                actor=request.user,
                comment=comment,
                replaced_by=replaced_by,
            )
        except ApplicationError as error:
            modeladmin.message_user(
                request,
                _("%(standard)s: %(reason)s")
                % {"standard": standard, "reason": error.message},
                level=messages.ERROR,
            )
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request,
            _("%(transition)s: done for %(count)d standard(s).")
            % {"transition": services.TRANSITIONS[name], "count": done},
            level=messages.SUCCESS,
        )


def transition_action(name: str):
    if name == "abolish":
        return abolish

    def action(modeladmin, request, queryset):
        run_transition(
            modeladmin, request, queryset, name, comment=admin_comment(request.user)
        )

    action.__name__ = name
    return admin.action(description=services.TRANSITIONS[name])(action)


class AbolishForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for abolition"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    replaced_by = forms.ModelChoiceField(
        label=gettext_lazy("Replaced by"),
        queryset=Standard.objects.public().exclude(status=Status.ABOLISHED),
        required=False,
    )


@admin.action(description=services.TRANSITIONS["abolish"])
def abolish(modeladmin, request, queryset):
    """Abolishing needs a reason: ask for it on an intermediate page."""
    form = AbolishForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        run_transition(
            modeladmin,
            request,
            queryset,
            "abolish",
            comment=form.cleaned_data["reason"],
            replaced_by=form.cleaned_data["replaced_by"],
        )
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Abolish standards"),
        "opts": opts,
        "form": form,
        "standards": queryset.order_by("pk"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/standards/standard/abolish.html", context)


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "field", "organisation", "status", "updated"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "has_edition", "is_sample", "field", "organisation"]
    search_fields = [
        "number",
        "title",
        "title_zh",
        "scope",
        "organisation__name",
        "field__name",
    ]
    list_select_related = ["field", "organisation"]
    date_hierarchy = "updated"
    filter_horizontal = ["authors"]
    fields = [
        # Each Chinese column beside its English one.
        ("title", "title_zh"),
        ("scope", "scope_zh"),
        "language",
        "field",
        "work_item",
        "authors",
        "organisation",
        "status",
        "number",
        "has_edition",
        "review_due",
        "replaced_by",
        "abolition_reason",
        "is_sample",
        "created_by",
        "created",
        "updated",
        "status_changed",
    ]
    # Everything the lifecycle decides is read-only; it changes only through
    # the actions below, which call the services.
    readonly_fields = [
        "organisation",
        "status",
        "number",
        "has_edition",
        "review_due",
        "replaced_by",
        "abolition_reason",
        "is_sample",
        "created_by",
        "created",
        "updated",
        "status_changed",
    ]
    inlines = [VersionInline, ExpertAssignmentInline, EditionInline, HistoryInline]
    actions = [transition_action(name) for name in services.TRANSITIONS]

    def get_readonly_fields(self, request, obj=None):
        # Title, scope, field and authors are corrected only while a draft:
        # once under review, who acts on it depends on them.
        if obj is not None and obj.status != Status.DRAFT:
            return flatten(self.fields)
        return self.readonly_fields

    def has_add_permission(self, request):
        # Drafts are opened by member representatives on /drafts/new/.
        return False

    def has_delete_permission(self, request, obj=None):
        # Standards are abolished, never deleted: their history is the record.
        return False

    CORRECTABLE = (
        "title",
        "title_zh",
        "scope",
        "scope_zh",
        "language",
        "field",
        "work_item",
        "authors",
    )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(request.path)
        except ConcurrentTransition:
            # Someone moved the standard on while this form was open.
            self.message_user(
                request,
                _("This standard changed meanwhile; nothing was saved. Reload it."),
                level=messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        # Corrections go through the services, as every other change does:
        # the same rule (standards.permissions.can_correct), the same record.
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in self.CORRECTABLE
        }
        if changes:
            services.standard_correct(
                standard_id=obj.pk,
                actor=request.user,
                note=_("In the admin"),
                **changes,
            )

    def save_related(self, request, form, formsets, change):
        # The authors were set by the service (never ``form.save_m2m()``);
        # the inlines are read-only and save nothing.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class AttachmentInline(ReadOnlyTabularInline):
    model = Attachment
    fields = ["original_name", "extension", "size", "sha256", "created"]
    show_change_link = False


@admin.register(Version)
class VersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["standard", "number", "change_summary", "author", "frozen"]
    list_filter = ["frozen"]
    search_fields = ["standard__title", "standard__number", "change_summary"]
    list_select_related = ["standard", "author"]
    inlines = [AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["original_name", "version", "extension", "size", "created"]
    list_filter = ["extension"]
    search_fields = ["original_name", "sha256", "version__standard__title"]
    list_select_related = ["version"]
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description=gettext_lazy("file"))
    def download(self, obj):
        url = reverse(
            "standards:attachment",
            kwargs={"pk": obj.version.standard_id, "attachment_id": obj.pk},
        )
        return _download(url, obj.original_name)


@admin.register(Comment)
class CommentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "standard", "expert", "blocking", "reply", "created"]
    list_filter = ["blocking", "reply"]
    search_fields = ["text", "reply_text", "standard__title"]
    list_select_related = ["standard", "expert"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["standard", "version", "expert", "decision", "created"]
    list_filter = ["decision"]
    search_fields = ["standard__title", "note"]
    list_select_related = ["standard", "version", "expert"]


@admin.register(Audit)
class AuditAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["standard", "outcome", "auditor", "certificate_number", "created"]
    list_filter = ["outcome"]
    search_fields = ["standard__title", "certificate_number", "findings"]
    list_select_related = ["standard", "auditor"]
    exclude = ["certificate_pdf"]
    readonly_fields = ["certificate"]

    @admin.display(description=gettext_lazy("certificate PDF"))
    def certificate(self, obj):
        if not obj.certificate_pdf:
            return "-"
        url = reverse("standards_pdf:certificate_pdf", kwargs={"pk": obj.pk})
        return _download(url, obj.certificate_number or _("certificate"))


@admin.register(Edition)
class EditionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "edition",
        "title",
        "published_on",
        "superseded_on",
        "pdf_state",
    ]
    list_filter = ["pdf_state", "published_on"]
    search_fields = ["number", "title"]
    list_select_related = ["standard"]
    exclude = ["pdf"]
    readonly_fields = ["pdf_download"]

    @admin.display(description=gettext_lazy("PDF"))
    def pdf_download(self, obj):
        if not obj.pdf:
            return "-"
        url = reverse("standards_pdf:edition_pdf", kwargs={"pk": obj.pk})
        return _download(url, _("PDF"))


class ActionFilter(admin.SimpleListFilter):
    """History actions by their labels in the one registry."""

    title = gettext_lazy("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return actions.Action.choices

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(action=value) if value else queryset


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created",
        "standard",
        "action_label",
        "from_state",
        "to_state",
        "actor",
    ]
    list_filter = [ActionFilter]
    search_fields = ["standard__title", "standard__number", "comment"]
    list_select_related = ["standard", "actor"]
    date_hierarchy = "created"

    @admin.display(description=gettext_lazy("action"), ordering="action")
    def action_label(self, entry):
        return actions.action_label(entry.action)


@admin.register(NumberCounter)
class NumberCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["prefix", "year", "last"]
