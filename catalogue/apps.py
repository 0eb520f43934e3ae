from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self):
        # The lifecycle services call these hooks, so a publication, a renewal
        # or an abolition reaches the search index without standards knowing
        # about it.
        from standards import services as standards_services

        from . import services

        for hooks, hook in (
            (standards_services.edition_published_hooks, services.index_edition),
            (standards_services.history_hooks, services.index_after_history),
        ):
            if hook not in hooks:
                hooks.append(hook)
