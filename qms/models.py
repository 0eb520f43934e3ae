from django.db import models
from django.utils.translation import gettext_lazy as _


class QmsStep(models.Model):
    """A step of the quality management system, as reference content."""

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    label = models.CharField(_("label"), max_length=50, help_text=_("“First Step”"))
    label_zh = models.CharField(
        _("label (Chinese)"), max_length=50, blank=True, help_text=_("“第一步”")
    )
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("QMS step")
        verbose_name_plural = _("QMS steps")

    def __str__(self):
        return f"{self.label}: {self.title}"
