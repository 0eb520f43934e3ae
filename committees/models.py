from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkingGroup(models.Model):
    """The working group itself: its name, goal and vision (one row)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    goal = models.TextField(_("goal"))
    goal_zh = models.TextField(_("goal (Chinese)"), blank=True)
    vision = models.TextField(_("vision"))
    vision_zh = models.TextField(_("vision (Chinese)"), blank=True)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working group")

    def __str__(self):
        return self.name


class ProcedureStep(models.Model):
    """One of the steps of the rules of procedure for submitting standards."""

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    title = models.CharField(_("title"), max_length=200, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")

    def __str__(self):
        return self.title


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_zh = models.CharField(
        _("name (Chinese)"),
        max_length=200,
        blank=True,
        help_text=_("The organisation's official Chinese name."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    is_member = models.BooleanField(
        _("member organisation"),
        default=False,
        help_text=_("Member organisations of the working group may submit drafts."),
    )
    member_order = models.PositiveSmallIntegerField(
        _("order in the member list"), null=True, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Field(models.Model):
    """A field of the working group, or a subfield of one (two levels only)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subfields",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("committees:field", kwargs={"slug": self.slug})

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("A subfield cannot have subfields of its own.")}
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A field cannot be its own parent.")})

    @property
    def is_subfield(self) -> bool:
        return self.parent_id is not None


class Person(models.Model):
    # People's names stay as they write them: no Chinese column for them.
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "organisation"], name="person_unique_per_organisation"
            )
        ]

    def __str__(self):
        return self.name


class RoleQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start__isnull=True) | Q(start__lte=on)).filter(
            Q(end__isnull=True) | Q(end__gte=on)
        )


class Role(models.Model):
    class Kind(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY_LEADER = "deputy_leader", _("Deputy leader")
        MEMBER_REPRESENTATIVE = "member_representative", _("Member representative")
        EXPERT = "expert", _("Expert")
        AUDITOR = "auditor", _("Auditor")
        SECRETARIAT = "secretariat", _("Secretariat")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=32, choices=Kind.choices)
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        help_text=_("For deputy leaders and experts."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        help_text=_("For member representatives."),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["deputy_leader", "expert"])
                | Q(field__isnull=False),
                name="role_field_required",
                violation_error_message=_("Deputy leaders and experts need a field."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="member_representative")
                | Q(organisation__isnull=False),
                name="role_organisation_required",
                violation_error_message=_(
                    "Member representatives need an organisation."
                ),
            ),
        ]

    def __str__(self):
        where = self.field or self.organisation
        label = self.get_kind_display()
        return f"{self.person} — {label}" + (f" ({where})" if where else "")


class SeedRecord(models.Model):
    """A row that ``load_working_group`` loaded from the seed, by its seed key.

    A recorded key is never loaded again, so what editors change or delete
    afterwards stays changed or deleted; only ``--force`` re-applies it.
    """

    key = models.CharField(_("seed key"), max_length=500, unique=True)
    model = models.CharField(_("model"), max_length=100)
    object_pk = models.CharField(_("object id"), max_length=64)
    values_hash = models.CharField(
        _("hash of the seeded values"), max_length=64, help_text=_("SHA-256.")
    )
    # The Chinese columns the loader wrote (from the seed's translation
    # file), each with the hash of the value it last wrote there.
    chinese_hashes = models.JSONField(
        _("hashes of the seeded Chinese values"), default=dict, blank=True
    )
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = _("seed record")
        verbose_name_plural = _("seed records")

    def __str__(self):
        return self.key


# Meetings live in their own module; imported here so that Django finds them.
from .meeting_models import (  # noqa: E402
    ActionItem,
    ActionReminder,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingDocument,
    MeetingStatus,
)

__all__ = [
    "ActionItem",
    "ActionReminder",
    "AgendaItem",
    "Attendance",
    "Decision",
    "Meeting",
    "MeetingDocument",
    "MeetingStatus",
]
