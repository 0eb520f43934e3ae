"""Meetings of the working group: times, agenda, attendance, minutes,
numbered decisions and action items (imported by ``committees.models``)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .models import Person

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def _right(name: str):
    """The transition's right from ``meeting_permissions`` (imported when
    asked: that module reads roles, whose models import this one)."""

    def permission(instance, user) -> bool:
        from . import meeting_permissions

        return meeting_permissions.TRANSITION_RIGHTS[name](instance, user)

    permission.__name__ = f"may_{name}"
    return permission


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    MINUTES_DRAFT = "minutes_draft", _("Minutes in draft")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(ConcurrentTransitionMixin, models.Model):
    """A meeting of the working group.

    ``status`` changes only through the transitions below: planned → held →
    minutes in draft → minutes approved, or planned → cancelled. ``date`` is
    the meeting's day where it takes place (its ``time_zone``); a meeting of
    the seed has only that day, no times.
    """

    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=300, unique=True)
    date = models.DateField(_("date"), db_index=True)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        help_text=_("Where the meeting's times are told, e.g. Asia/Shanghai."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    chair = models.ForeignKey(
        Person,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_meetings",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PLANNED,
        protected=True,
        db_index=True,
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_("Member organisations that must be represented; empty: no rule."),
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    minutes_approved_at = models.DateTimeField(
        _("minutes approved at"), null=True, blank=True
    )
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at_meeting = models.ForeignKey(
        "self",
        verbose_name=_("minutes approved at the meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    minutes_pdf = models.FileField(
        _("minutes PDF"), upload_to="minutes/", blank=True, max_length=300
    )
    minutes_pdf_sha256 = models.CharField(
        _("SHA-256 of the minutes PDF"), max_length=64, blank=True
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The last decision number given (decisions are numbered per meeting;
    # the meeting row is locked while one is added).
    last_decision_number = models.PositiveIntegerField(default=0, editable=False)
    # SEQUENCE of the calendar event: raised on each update sent.
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-start", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.start:
            self.date = self.start.astimezone(self.zone).date()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("committees:meeting", kwargs={"slug": self.slug})

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone or DEFAULT_TIME_ZONE)
        except (ValueError, KeyError):
            return ZoneInfo(DEFAULT_TIME_ZONE)

    @property
    def local_start(self):
        return self.start.astimezone(self.zone) if self.start else None

    @property
    def local_end(self):
        return self.end.astimezone(self.zone) if self.end else None

    @property
    def minutes_approved(self) -> bool:
        return self.status == MeetingStatus.MINUTES_APPROVED

    # The state machine: transitions change only this row; the services in
    # ``committees.meeting_services`` check, lock and send.

    @transition(
        field=status,
        source=MeetingStatus.PLANNED,
        target=MeetingStatus.HELD,
        permission=_right("hold"),
    )
    def hold(self):
        pass

    @transition(
        field=status,
        source=MeetingStatus.HELD,
        target=MeetingStatus.MINUTES_DRAFT,
        permission=_right("start_minutes"),
    )
    def start_minutes(self):
        pass

    @transition(
        field=status,
        source=MeetingStatus.MINUTES_DRAFT,
        target=MeetingStatus.MINUTES_APPROVED,
        permission=_right("approve_minutes"),
    )
    def approve_minutes(self):
        pass

    @transition(
        field=status,
        source=MeetingStatus.PLANNED,
        target=MeetingStatus.CANCELLED,
        permission=_right("cancel"),
    )
    def cancel(self):
        pass


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown."))
    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("standard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    work_item = models.ForeignKey(
        "workplan.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    programme = models.ForeignKey(
        "qms.Programme",
        verbose_name=_("QMS programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"], name="agenda_item_order_unique"
            )
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


def meeting_document_path(instance, filename: str) -> str:
    # The server chooses the stored name; the uploader's name is kept aside.
    return f"meetings/{instance.meeting_id}/{instance.sha256[:16]}.{instance.kind}"


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=meeting_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse(
            "committees:meeting_document",
            kwargs={"slug": self.meeting.slug, "pk": self.pk},
        )


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        APOLOGIES = "apologies", _("Apologies")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    status = models.CharField(_("attendance"), max_length=16, choices=Status.choices)

    class Meta:
        ordering = ["person__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.get_status_display()}"


class Decision(models.Model):
    """A decision of a meeting, numbered in the meeting: ``2024-12-05/D3``."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="decision_records",
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("decision"))
    text_zh = models.TextField(_("decision (Chinese)"), blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("standard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_decisions",
    )
    work_item = models.ForeignKey(
        "workplan.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_decisions",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="decision_number_per_meeting"
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.meeting.date:%Y-%m-%d}/D{self.number}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    text = models.TextField(_("action"))
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due = models.DateField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.text[:80]

    @property
    def done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due is not None and self.due < today


class ActionReminder(models.Model):
    """A reminder sent for an action: once per threshold and due date."""

    class Threshold(models.TextChoices):
        WEEK = "week", _("Due in a week")
        DUE = "due", _("Due today")
        OVERDUE = "overdue", _("Overdue")

    action = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="reminders"
    )
    due = models.DateField(_("due"))
    threshold = models.CharField(
        _("threshold"), max_length=16, choices=Threshold.choices
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("action reminder")
        verbose_name_plural = _("action reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "due", "threshold"], name="action_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.action} — {self.get_threshold_display()}"
