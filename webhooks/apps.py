from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks and events")

    def ready(self):
        # Every action of standards.services records a history entry and
        # runs these hooks in its transaction: the event (and its deliveries)
        # is written there, so no lifecycle step can forget it.
        from standards.services import history as lifecycle_history

        from . import services

        if services.event_record_hook not in lifecycle_history.history_hooks:
            lifecycle_history.history_hooks.append(services.event_record_hook)
