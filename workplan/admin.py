from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import WorkItem


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "field_names"]
    list_display_links = ["title"]
    list_filter = ["fields"]
    search_fields = ["title", "title_zh", "description", "fields__name"]
    prepopulated_fields = {"slug": ["title"]}
    # Each Chinese column beside its English one.
    fields = [
        "order",
        ("title", "title_zh"),
        "slug",
        ("description", "description_zh"),
        "fields",
    ]
    filter_horizontal = ["fields"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("fields")

    @admin.display(description=_("fields"))
    def field_names(self, obj):
        return ", ".join(field.name for field in obj.fields.all())
