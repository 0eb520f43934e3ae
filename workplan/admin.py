from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import HistoryEntry, Milestone, WorkItem


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "title_zh", "due", "done_on"]


class HistoryInline(admin.TabularInline):
    """Read only: the history is written by the services, never edited."""

    model = HistoryEntry
    extra = 0
    can_delete = False
    fields = ["created", "actor", "action", "subject", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "owner", "status", "start", "end", "field_names"]
    list_display_links = ["title"]
    list_filter = ["status", "fields"]
    search_fields = ["title", "title_zh", "description", "fields__name"]
    prepopulated_fields = {"slug": ["title"]}
    # Each Chinese column beside its English one.
    fields = [
        "order",
        ("title", "title_zh"),
        "slug",
        ("description", "description_zh"),
        "fields",
        "owner",
        "status",
        ("start", "end"),
        "qms_programmes",
    ]
    filter_horizontal = ["fields", "qms_programmes"]
    autocomplete_fields = ["owner"]
    inlines = [MilestoneInline, HistoryInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("owner")
            .prefetch_related("fields")
        )

    @admin.display(description=_("fields"))
    def field_names(self, obj):
        return ", ".join(field.name for field in obj.fields.all())
