from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The lifecycle services call these hooks; registering them here keeps
        # standards.services free of any knowledge of notifications or PDFs.
        from standards import pdf
        from standards import services as standards_services

        from . import services

        for hooks, hook in (
            (standards_services.history_hooks, services.notify_history_entry),
            (
                standards_services.edition_published_hooks,
                pdf.edition_render_enqueue,
            ),
            (
                standards_services.audit_certified_hooks,
                pdf.certificate_render_enqueue,
            ),
        ):
            if hook not in hooks:
                hooks.append(hook)
