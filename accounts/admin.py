from django.contrib import admin

from .models import ApiToken, Preferences


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "scope",
        "created",
        "expires",
        "last_used",
        "revoked",
    )
    list_filter = ("scope", "revoked")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "key_hash", "created", "last_used")


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    """A person's language and time zone. A change here applies to their
    pages from their next sign-in (their session keeps the old choice)."""

    list_display = ("user", "language", "time_zone")
    list_filter = ("language",)
    search_fields = ("user__username", "user__email", "time_zone")
    raw_id_fields = ("user",)
