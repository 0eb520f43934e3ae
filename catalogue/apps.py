from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self):
        # The lifecycle services call these hooks, so a publication, a renewal
        # or an abolition reaches the search index without standards knowing
        # about it.
        from standards.services import history as lifecycle_history

        from . import services

        for hooks, hook in (
            (lifecycle_history.edition_published_hooks, services.index_edition),
            (lifecycle_history.history_hooks, services.index_after_history),
        ):
            if hook not in hooks:
                hooks.append(hook)

        # A standard's document follows its filters (field, organisation,
        # work item, state) whenever it is saved.
        from django.db.models.signals import post_save

        from standards.models import Standard

        post_save.connect(
            _standard_saved, sender=Standard, dispatch_uid="catalogue-filter-columns"
        )


def _standard_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading a fixture
        return
    from . import services

    services.document_follow_standard(instance)
