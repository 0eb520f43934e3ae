from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    ActionItem,
    AgendaItem,
    Field,
    Meeting,
    Organisation,
    Person,
    ProcedureStep,
    Role,
    SeedRecord,
    WorkingGroup,
)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh"]
    # Each Chinese column beside its English one.
    fields = [("name", "name_zh"), ("goal", "goal_zh"), ("vision", "vision_zh")]


@admin.register(ProcedureStep)
class ProcedureStepAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "title_zh"]
    list_display_links = ["title"]
    search_fields = ["title", "title_zh", "description"]
    fields = ["order", ("title", "title_zh"), ("description", "description_zh")]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "name_zh",
        "is_member",
        "member_order",
        "website",
        "is_sample",
    ]
    list_filter = ["is_member", "is_sample"]
    search_fields = ["name", "name_zh"]
    fields = [
        ("name", "name_zh"),
        "slug",
        "is_member",
        "member_order",
        "website",
        "is_sample",
    ]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["member_order", "name"]


class SubfieldInline(admin.TabularInline):
    model = Field
    fk_name = "parent"
    fields = ["name", "name_zh", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0
    verbose_name = _("subfield")
    verbose_name_plural = _("subfields")


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "parent", "order"]
    list_filter = [("parent", admin.EmptyFieldListFilter), "parent"]
    search_fields = ["name", "name_zh", "parent__name"]
    fields = [
        ("name", "name_zh"),
        "slug",
        "parent",
        "order",
        ("description", "description_zh"),
    ]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]
    inlines = [SubfieldInline]


class RoleInline(admin.TabularInline):
    model = Role
    fields = ["kind", "field", "organisation", "start", "end", "order"]
    extra = 0
    autocomplete_fields = ["field", "organisation"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "user", "is_sample"]
    list_filter = ["roles__kind", "is_sample", "organisation__is_member"]
    search_fields = ["name", "title", "organisation__name", "user__username"]
    list_select_related = ["organisation", "user"]
    # A person's name stays as they write it; their job title may have a
    # Chinese one.
    fields = ["name", ("title", "title_zh"), "organisation", "user", "is_sample"]
    autocomplete_fields = ["organisation", "user"]
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "field", "organisation", "start", "end"]
    list_filter = ["kind", "field"]
    search_fields = ["person__name", "field__name", "organisation__name"]
    list_select_related = ["person", "field", "organisation"]
    autocomplete_fields = ["person", "field", "organisation"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fields = ["text", "owner", "due", "status"]
    extra = 0
    autocomplete_fields = ["owner"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["order", "title", "title_zh", "standard", "work_item"]
    extra = 0
    raw_id_fields = ["standard", "work_item"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Meetings are run in the portal (``committees.meeting_services``); the
    state changes only there, so it is read-only here."""

    list_display = ["title", "date", "status"]
    list_filter = ["status"]
    date_hierarchy = "date"
    search_fields = ["title", "title_zh", "minutes"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "minutes_approved_at", "minutes_approved_by"]
    exclude = ["minutes_pdf", "minutes_pdf_sha256"]
    autocomplete_fields = ["chair"]
    raw_id_fields = ["approved_at_meeting"]
    inlines = [AgendaItemInline, ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "owner", "due", "status"]
    list_filter = ["status", "meeting"]
    search_fields = ["text", "owner__name", "meeting__title"]
    list_select_related = ["meeting", "owner"]
    autocomplete_fields = ["owner"]


@admin.register(SeedRecord)
class SeedRecordAdmin(admin.ModelAdmin):
    """What load_working_group loaded, for reading only: the command alone
    writes these rows (``--force`` re-applies the seed)."""

    list_display = ["key", "model", "object_pk", "loaded_at"]
    list_filter = ["model"]
    search_fields = ["key"]
    readonly_fields = ["key", "model", "object_pk", "values_hash", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
