from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.errors import ApplicationError

from . import services
from .models import Audit, Certificate, Finding, HistoryEntry, Programme, QmsStep


@admin.register(QmsStep)
class QmsStepAdmin(admin.ModelAdmin):
    list_display = ["order", "label", "title"]
    list_display_links = ["label"]
    search_fields = ["label", "title", "title_zh", "description"]
    # Each Chinese column beside its English one.
    fields = [
        "order",
        ("label", "label_zh"),
        ("title", "title_zh"),
        ("description", "description_zh"),
    ]


class ReadOnly(admin.ModelAdmin):
    """Programmes change only through the services (the working pages, the
    API, or the actions below): the admin shows them and takes actions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryInline(admin.TabularInline):
    model = HistoryEntry
    fields = ["created", "actor", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _transition_action(name, label):
    @admin.action(description=label)
    def action(modeladmin, request, queryset):
        for programme in queryset:
            try:
                services.programme_transition(
                    programme_id=programme.pk,
                    name=name,
                    actor=request.user,
                    comment=str(_("Recorded by the secretariat in the admin.")),
                )
            except ApplicationError as exc:
                modeladmin.message_user(
                    request, f"{programme}: {exc.message}", messages.ERROR
                )
            else:
                modeladmin.message_user(request, f"{programme}: {label}")

    action.__name__ = f"take_{name}"
    return action


@admin.register(Programme)
class ProgrammeAdmin(ReadOnly):
    list_display = ["organisation", "status", "status_changed", "is_sample"]
    list_filter = ["status", "is_sample"]
    search_fields = ["organisation__name", "organisation__name_zh", "scope"]
    inlines = [HistoryInline]
    actions = [
        _transition_action(name, services.TRANSITION_LABELS[name])
        for name in ("suspend", "reinstate", "withdraw")
    ]


@admin.register(Certificate)
class CertificateAdmin(ReadOnly):
    list_display = ["number", "programme", "issued_on", "expires_on", "pdf_state"]
    search_fields = ["number", "programme__organisation__name"]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    can_delete = False
    fields = ["grade", "description", "owner", "due", "closed_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Audit)
class AuditAdmin(ReadOnly):
    list_display = ["programme", "kind", "audit_body", "stage2_date", "outcome"]
    list_filter = ["kind", "outcome"]
    inlines = [FindingInline]
