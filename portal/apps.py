from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# What the public pages and the public API show. A standard counts only once
# it is public (it never stops being public); a draft's edits change nothing
# anyone anonymous sees.
PUBLIC_MODELS = (
    "standards.Standard",
    "standards.Edition",
    "catalogue.SearchDocument",
    "committees.Field",
    "committees.Organisation",
    # The home page counts the deputy leaders.
    "committees.Role",
    # Whole pages are kept (cache_public_page): the working group's own
    # text (home) and the authors' names (a standard's page).
    "committees.WorkingGroup",
    "committees.Person",
    # The meetings that discussed a standard, on its page.
    "committees.Meeting",
    "committees.AgendaItem",
    "committees.Decision",
    "workplan.WorkItem",
)


# What the working group's figures over every standard count (the
# pipeline's counts by field and state, the work items' counts by state).
WORKING_MODELS = (
    "standards.Standard",
    "committees.Field",
    "workplan.WorkItem",
    # What the dashboard's pipeline part shows besides (kept rendered:
    # standards.views._pipeline_html): the work plan's milestones and
    # owners, who holds which role, and the drafts' latest events.
    "workplan.Milestone",
    "committees.Person",
    "committees.Role",
    "standards.HistoryEntry",
    # What "My work" reads besides (standards.workspace.cached_workspace):
    # whose turn it is (versions, experts, comments, recommendations,
    # audits), the latest editions, and the meetings' actions.
    "standards.Version",
    "standards.ExpertAssignment",
    "standards.Comment",
    "standards.Recommendation",
    "standards.Audit",
    "standards.Edition",
    "committees.Meeting",
    "committees.ActionItem",
    # The review queue (standards.workspace.cached_review_queue) and the
    # drafts' rows name their organisation.
    "committees.Organisation",
)


def working_data_changed(sender, instance, **kwargs):
    from .public_cache import bump_working_version

    bump_working_version()


def public_data_changed(sender, instance, **kwargs):
    from .public_cache import bump_public_version

    if getattr(instance, "has_edition", True):
        bump_public_version()


def authors_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        from .public_cache import bump_public_version

        bump_public_version()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.apps import apps
        from django.core.signals import request_started

        from .i18n import reset_for_request

        request_started.connect(reset_for_request, dispatch_uid="portal-i18n-reset")

        for label in PUBLIC_MODELS:
            model = apps.get_model(label)
            for signal in (post_save, post_delete):
                signal.connect(
                    public_data_changed,
                    sender=model,
                    dispatch_uid=f"public-data-{label}-{signal is post_save}",
                )
        # A standard's authors are on its public page.
        m2m_changed.connect(
            authors_changed,
            sender=apps.get_model("standards.Standard").authors.through,
            dispatch_uid="public-data-standard-authors",
        )
        for label in WORKING_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(
                    working_data_changed,
                    sender=apps.get_model(label),
                    dispatch_uid=f"working-data-{label}-{signal is post_save}",
                )
