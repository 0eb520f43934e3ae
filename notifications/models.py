from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; each user chooses e-mail per kind."""

    DRAFT_CHANGED = "draft_changed", _("A change to a draft you author")
    DRAFT_RETURNED = "draft_returned", _("A draft you author came back for changes")
    COMMENT_RECEIVED = "comment_received", _("An expert comment on a draft you author")
    REVIEW_NEEDED = "review_needed", _("A draft of your field submitted or answered")
    EXPERT_ASSIGNED = "expert_assigned", _("You are assigned as an expert")
    NEW_VERSION = "new_version", _("A new version of a draft you review")
    AUDIT_NEEDED = "audit_needed", _("A draft reached audit")
    CERTIFIED = "certified", _("A draft was certified")
    PUBLISHED = "published", _("A standard you watch was published")
    ABOLISHED = "abolished", _("A standard you watch was abolished")
    REVIEW_DUE = "review_due", _("A standard's systematic review is due")
    ACTION_DUE = "action_due", _("An action item of yours from a meeting is due")
    # The quality management system (qms.notices tells each one's sentence).
    QMS_COMMITTEE_NEEDED = (
        "qms_committee_needed",
        _("A QMS awaits its expert committee"),
    )
    QMS_COMMITTEE_APPOINTED = (
        "qms_committee_appointed",
        _("You are appointed to a QMS committee: your vote is needed"),
    )
    QMS_COMMENT = "qms_comment", _("A committee comment on your QMS")
    QMS_DECISION_NEEDED = "qms_decision_needed", _("A QMS committee has a majority")
    QMS_CHANGES_REQUESTED = "qms_changes_requested", _("Changes requested to your QMS")
    QMS_AUDIT_NEEDED = "qms_audit_needed", _("A QMS was approved for external audit")
    QMS_AUDIT_SCHEDULED = "qms_audit_scheduled", _("An external audit is scheduled")
    QMS_FINDING_DUE = (
        "qms_finding_due",
        _("An audit finding needs corrective action"),
    )
    QMS_CERTIFICATE_ISSUED = (
        "qms_certificate_issued",
        _("A QMS certificate was issued"),
    )
    QMS_SURVEILLANCE_DUE = "qms_surveillance_due", _("A surveillance audit is due")
    QMS_EXPIRY_DUE = "qms_expiry_due", _("A QMS certificate expires soon")
    QMS_SUSPENDED = "qms_suspended", _("A QMS certificate was suspended")
    QMS_REINSTATED = "qms_reinstated", _("A QMS certificate was reinstated")
    QMS_WITHDRAWN = "qms_withdrawn", _("A QMS certificate was withdrawn")
    QMS_EXPIRED = "qms_expired", _("A QMS certificate expired")


class Category(models.TextChoices):
    """Whether a notification asks its recipient to do something."""

    ACTION = "action", _("Needs your action")
    INFORMATION = "information", _("For your information")


# The one place that says which kinds ask their recipient to act. Each kind
# has one recipient role (see ``services.recipients_for``), so the category
# of a kind is the category for its recipient: an assigned expert must
# review, returned drafts and expert comments wait on their authors, a
# submitted or answered draft on its deputy leaders, an audit on its
# auditors, a certified draft on the leader, a due review on the deputies
# and the leader. Everything else is told for information.
KIND_CATEGORY: dict[str, str] = {
    Kind.DRAFT_CHANGED: Category.INFORMATION,
    Kind.DRAFT_RETURNED: Category.ACTION,
    Kind.COMMENT_RECEIVED: Category.ACTION,
    Kind.REVIEW_NEEDED: Category.ACTION,
    Kind.EXPERT_ASSIGNED: Category.ACTION,
    Kind.NEW_VERSION: Category.ACTION,
    Kind.AUDIT_NEEDED: Category.ACTION,
    Kind.CERTIFIED: Category.ACTION,
    Kind.PUBLISHED: Category.INFORMATION,
    Kind.ABOLISHED: Category.INFORMATION,
    Kind.REVIEW_DUE: Category.ACTION,
    Kind.ACTION_DUE: Category.ACTION,
    # The QMS: what waits on the committee, the deciders, the auditors or the
    # organisation is an action; certificates issued, suspended, reinstated,
    # withdrawn or expired are told for information.
    Kind.QMS_COMMITTEE_NEEDED: Category.ACTION,
    Kind.QMS_COMMITTEE_APPOINTED: Category.ACTION,
    Kind.QMS_COMMENT: Category.ACTION,
    Kind.QMS_DECISION_NEEDED: Category.ACTION,
    Kind.QMS_CHANGES_REQUESTED: Category.ACTION,
    Kind.QMS_AUDIT_NEEDED: Category.ACTION,
    Kind.QMS_FINDING_DUE: Category.ACTION,
    Kind.QMS_SURVEILLANCE_DUE: Category.ACTION,
    Kind.QMS_EXPIRY_DUE: Category.ACTION,
    Kind.QMS_AUDIT_SCHEDULED: Category.INFORMATION,
    Kind.QMS_CERTIFICATE_ISSUED: Category.INFORMATION,
    Kind.QMS_SUSPENDED: Category.INFORMATION,
    Kind.QMS_REINSTATED: Category.INFORMATION,
    Kind.QMS_WITHDRAWN: Category.INFORMATION,
    Kind.QMS_EXPIRED: Category.INFORMATION,
}


def category_of(kind: str) -> str:
    """The category of ``kind``; an unknown kind is information."""
    return KIND_CATEGORY.get(kind, Category.INFORMATION)


def kinds_in(category: str) -> list[str]:
    return [kind for kind in Kind.values if category_of(kind) == category]


class Delivery(models.TextChoices):
    """How a user receives notifications by e-mail (kinds turned off in
    their preferences are never e-mailed)."""

    IMMEDIATE = "immediate", _("Immediately, one e-mail per notification")
    DIGEST = "digest", _("Once a day, in one digest e-mail")
    OFF = "off", _("Never (only here in the portal)")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def unsent(self):
        return self.filter(sent_at__isnull=True)

    def in_category(self, category: str):
        return self.filter(kind__in=kinds_in(category))

    def digest_pending(self):
        return self.filter(in_digest=True, digested_at__isnull=True)


class Notification(models.Model):
    """One message to one person: the outbox row, written in the same
    transaction as the action that causes it, and the in-app notification.

    ``sent_at`` is set once the message has been dispatched (e-mailed, or
    found not to be wanted by e-mail); a conditional update on it makes sure
    a notification is e-mailed at most once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("message"))
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    in_digest = models.BooleanField(_("for the daily digest"), default=False)
    digested_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient", "read_at"], name="notification_unread_idx"
            ),
            models.Index(
                fields=["created"],
                condition=Q(sent_at__isnull=True),
                name="notification_unsent_idx",
            ),
            models.Index(
                fields=["recipient", "created"],
                condition=Q(in_digest=True, digested_at__isnull=True),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def summary(self) -> str:
        """The message's sentence, without the comment that may follow it."""
        return self.message.split("\n\n", 1)[0]

    @property
    def details(self) -> str:
        """The comment quoted after the sentence, if any."""
        parts = self.message.split("\n\n", 1)
        return parts[1] if len(parts) > 1 else ""

    @property
    def category(self) -> str:
        return category_of(self.kind)

    @property
    def needs_action(self) -> bool:
        return self.category == Category.ACTION

    def link(self) -> str:
        """Where the notification leads, or "" while no page exists for it."""
        if self.standard is None:
            return ""
        try:
            return self.standard.get_absolute_url()
        except NoReverseMatch:
            return ""


class Watch(models.Model):
    """A user follows a field (and its subfields) or one standard."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="watches",
    )
    field = models.ForeignKey(
        "committees.Field",
        verbose_name=_("field"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="watches",
    )
    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="watches",
    )
    created = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.CheckConstraint(
                condition=Q(field__isnull=True, standard__isnull=False)
                | Q(field__isnull=False, standard__isnull=True),
                name="watch_field_xor_standard",
            ),
            models.UniqueConstraint(
                fields=["user", "field"],
                condition=Q(field__isnull=False),
                name="watch_unique_field",
            ),
            models.UniqueConstraint(
                fields=["user", "standard"],
                condition=Q(standard__isnull=False),
                name="watch_unique_standard",
            ),
        ]

    def __str__(self):
        return f"{self.user} watches {self.field or self.standard}"


class NotificationPreference(models.Model):
    """Whether ``user`` wants notifications of ``kind`` by e-mail (they are
    always shown in the portal). No row means yes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_unique")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} e-mail={'on' if self.email else 'off'}"


class EmailSettings(models.Model):
    """How ``user`` receives notification e-mails. No row means
    immediately."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_email_settings",
    )
    delivery = models.CharField(
        _("e-mail delivery"),
        max_length=16,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("e-mail settings")
        verbose_name_plural = _("e-mail settings")

    def __str__(self):
        return f"{self.user}: {self.delivery}"


class ReviewReminder(models.Model):
    """A review reminder sent for one threshold of one review-due date, so
    that each threshold is announced once (and again after a reaffirmation
    moves the date on)."""

    class Threshold(models.TextChoices):
        DAYS_90 = "90", _("due in 90 days")
        DAYS_30 = "30", _("due in 30 days")
        DUE = "0", _("due today")
        OVERDUE = "overdue", _("overdue")

    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    review_due = models.DateField(_("review due"))
    threshold = models.CharField(
        _("threshold"), max_length=8, choices=Threshold.choices
    )
    created = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "review_due", "threshold"],
                name="review_reminder_once",
            )
        ]

    def __str__(self):
        return f"{self.standard_id} {self.review_due} {self.threshold}"
