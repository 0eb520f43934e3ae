from django.contrib import admin

from .models import Notification, NotificationPreference, ReviewReminder, Watch


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created", "recipient", "kind", "standard", "sent_at", "read_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__username", "message"]
    raw_id_fields = ["recipient", "standard"]
    date_hierarchy = "created"


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["user", "field", "standard", "created"]
    raw_id_fields = ["user", "standard"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    raw_id_fields = ["user"]


@admin.register(ReviewReminder)
class ReviewReminderAdmin(admin.ModelAdmin):
    list_display = ["standard", "review_due", "threshold", "created"]
    raw_id_fields = ["standard"]
