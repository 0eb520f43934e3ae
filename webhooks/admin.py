from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.errors import ApplicationError

from . import services, transport
from .models import Delivery, DeliveryAttempt, Event, WebhookEndpoint


class ReadOnly:
    """Written by the portal only: events and deliveries are a record."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WebhookEndpointForm(forms.ModelForm):
    """The same checks as the API: the URL against SSRF, known kinds."""

    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ("owner", "url", "description", "kinds", "active")

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            transport.check_url(url)
        except ApplicationError as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return url

    def clean_kinds(self):
        kinds = self.cleaned_data["kinds"]
        if not isinstance(kinds, list):
            raise forms.ValidationError(_("Give a list of event kinds."))
        try:
            return services.clean_kinds(kinds)
        except ApplicationError as exc:
            raise forms.ValidationError(str(exc.message)) from None


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "owner", "active", "created")
    list_filter = ("active",)
    search_fields = ("url", "owner__username", "description")
    raw_id_fields = ("owner",)
    # The secret is never shown again after its creation (API answer).
    fields = ("owner", "url", "description", "kinds", "active", "created", "updated")
    readonly_fields = ("created", "updated")

    def save_model(self, request, obj, form, change):
        if not obj.secret:
            obj.secret = services.new_secret()
        super().save_model(request, obj, form, change)


@admin.register(Event)
class EventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "kind", "standard", "occurred_at")
    list_filter = ("kind",)
    raw_id_fields = ("standard", "history_entry")
    readonly_fields = ("kind", "standard", "history_entry", "occurred_at", "payload")


class DeliveryAttemptInline(ReadOnly, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("started_at", "status_code", "duration_ms", "error")
    readonly_fields = fields


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "id",
        "event",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "next_attempt_at",
    )
    list_filter = ("state",)
    list_select_related = ("event", "endpoint")
    raw_id_fields = ("event", "endpoint")
    inlines = [DeliveryAttemptInline]
    actions = ["redeliver"]

    @admin.action(description=_("Deliver the selected events again"))
    def redeliver(self, request, queryset):
        count = services.deliveries_redeliver_admin(
            deliveries=queryset, actor=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
