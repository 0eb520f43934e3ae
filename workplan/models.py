from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class WorkItem(models.Model):
    """One topic of the working group's work plan for standards."""

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

    class Meta:
        ordering = ["order"]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workplan:item", kwargs={"slug": self.slug})
