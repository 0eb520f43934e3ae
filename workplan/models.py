from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkItem(models.Model):
    """One topic of the working group's work plan for standards."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        AT_RISK = "at_risk", _("At risk")
        DONE = "done", _("Done")

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    title = models.CharField(_("title"), max_length=200, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    fields = models.ManyToManyField(
        "committees.Field",
        verbose_name=_("fields"),
        blank=True,
        related_name="work_items",
    )
    owner = models.ForeignKey(
        "committees.Person",
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_work_items",
        help_text=_("The deputy leader who leads this work item."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    # Working material of their organisations: shown to those who see them
    # (``qms.permissions.visible_programmes``).
    qms_programmes = models.ManyToManyField(
        "qms.Programme",
        verbose_name=_("QMS programmes"),
        blank=True,
        related_name="work_items",
    )
    start = models.DateField(_("target start"), null=True, blank=True)
    end = models.DateField(_("target end"), null=True, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="work_item_ends_after_it_starts",
                violation_error_message=_("The target end is before the start."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workplan:item", kwargs={"slug": self.slug})


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, on=None):
        """Twin of ``Milestone.is_overdue``: due before ``on`` (today by
        default) and not done."""
        on = on or timezone.localdate()
        return self.filter(done_on__isnull=True, due__lt=on)


class Milestone(models.Model):
    """A step of a work item with a due date ("first draft", "expert
    review", "publication"); done once it has a done date."""

    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("work item"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    def is_overdue(self, on=None) -> bool:
        """The one rule of an overdue milestone: its due date has passed
        (before ``on``, today by default) and it is not done."""
        on = on or timezone.localdate()
        return self.done_on is None and self.due < on

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def done(self) -> bool:
        return self.done_on is not None


class HistoryAction(models.TextChoices):
    """Every kind of change recorded in a work item's history."""

    EDITED = "edited", _("Details edited")
    MILESTONE_ADDED = "milestone_added", _("Milestone added")
    MILESTONE_CHANGED = "milestone_changed", _("Milestone changed")
    MILESTONE_REMOVED = "milestone_removed", _("Milestone removed")


class HistoryEntry(models.Model):
    """One change of a work item: who, when, what (each changed value from
    and to); written once, never changed."""

    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("work item"),
        on_delete=models.CASCADE,
        related_name="history",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=HistoryAction)
    # The milestone's title for the milestone actions (it may be gone).
    subject = models.CharField(_("about"), max_length=200, blank=True)
    # [{"field": "status", "from": "planned", "to": "active"}, ...]; values
    # as stored (codes, ISO dates, names), shown by ``selectors.history_of``.
    changes = models.JSONField(_("changes"), default=list, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [models.Index(fields=["work_item", "created"])]

    def __str__(self):
        return f"{self.action} ({self.created:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("History entries are never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("History entries are never deleted."))
