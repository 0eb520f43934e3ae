from django.contrib import admin

from .models import QmsStep


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
