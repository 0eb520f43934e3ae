from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The lifecycle services call these hooks; registering them here keeps
        # standards.services free of any knowledge of notifications or PDFs.
        from standards import pdf
        from standards.services import history as lifecycle_history

        from . import services

        for hooks, hook in (
            (lifecycle_history.history_hooks, services.notify_history_entry),
            (
                lifecycle_history.edition_published_hooks,
                pdf.edition_render_enqueue,
            ),
            (
                lifecycle_history.audit_certified_hooks,
                pdf.certificate_render_enqueue,
            ),
        ):
            if hook not in hooks:
                hooks.append(hook)
