"""The quality management system of member organisations: the seed's six
steps as the states of a programme, its expert committee, external audits
and their findings, and the certificates of the public register."""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from . import permissions


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


class Status(models.TextChoices):
    """A programme's state: the seed's six steps, then what may happen to
    its certificate."""

    DEVELOPING = "developing", _("Developing the QMS")
    PROCESSES_IDENTIFIED = "processes_identified", _("Core processes identified")
    DOCUMENTED = "documented", _("Documented")
    EXPERT_APPROVAL = "expert_approval", _("Expert committee approval")
    EXTERNAL_AUDIT = "external_audit", _("External audit")
    CERTIFIED = "certified", _("Certified")
    SUSPENDED = "suspended", _("Certificate suspended")
    WITHDRAWN = "withdrawn", _("Certificate withdrawn")
    EXPIRED = "expired", _("Certificate expired")


# The state of each of the seed's six steps (QmsStep.order).
STEP_STATES = {
    1: Status.DEVELOPING,
    2: Status.PROCESSES_IDENTIFIED,
    3: Status.DOCUMENTED,
    4: Status.EXPERT_APPROVAL,
    5: Status.EXTERNAL_AUDIT,
    6: Status.CERTIFIED,
}


class Programme(ConcurrentTransitionMixin, models.Model):
    """The QMS programme of one member organisation, from developing its
    QMS to certification and after.

    ``status`` only changes through the transitions below (``protected``);
    ``ConcurrentTransitionMixin`` refuses a save when the row changed state
    since it was read. Who may take each transition is in
    ``qms.permissions``; the conditions with their reasons are in
    ``qms.services``."""

    organisation = models.OneToOneField(
        "committees.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="qms_programme",
    )
    status = FSMField(
        _("status"),
        max_length=24,
        choices=Status.choices,
        default=Status.DEVELOPING,
        protected=True,
        db_index=True,
    )
    scope = models.TextField(
        _("scope"), blank=True, help_text=_("What the QMS covers.")
    )
    scope_zh = models.TextField(_("scope (Chinese)"), blank=True)
    quality_policy = models.TextField(_("quality policy"), blank=True)
    quality_objectives = models.TextField(_("quality objectives"), blank=True)
    # Each time the programme enters expert approval a new round of votes
    # and concerns starts; older rounds no longer count.
    approval_round = models.PositiveIntegerField(_("approval round"), default=0)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    status_changed = models.DateTimeField(_("state entered"), default=timezone.now)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("QMS programme")
        verbose_name_plural = _("QMS programmes")

    def __str__(self):
        return str(self.organisation)

    def get_absolute_url(self):
        return reverse("qms:programme", kwargs={"pk": self.pk})

    def _entered(self):
        self.status_changed = timezone.now()

    # The state machine. Transitions change only this row.

    @transition(
        field=status,
        source=Status.DEVELOPING,
        target=Status.PROCESSES_IDENTIFIED,
        permission=permissions.TRANSITION_RIGHTS["declare_policy"],
    )
    def declare_policy(self):
        self._entered()

    @transition(
        field=status,
        source=Status.PROCESSES_IDENTIFIED,
        target=Status.DOCUMENTED,
        permission=permissions.TRANSITION_RIGHTS["complete_processes"],
    )
    def complete_processes(self):
        self._entered()

    @transition(
        field=status,
        source=Status.DOCUMENTED,
        target=Status.EXPERT_APPROVAL,
        permission=permissions.TRANSITION_RIGHTS["submit_for_approval"],
    )
    def submit_for_approval(self):
        self._entered()
        self.approval_round += 1

    @transition(
        field=status,
        source=[Status.EXPERT_APPROVAL, Status.EXTERNAL_AUDIT],
        target=Status.DOCUMENTED,
        permission=permissions.TRANSITION_RIGHTS["request_changes"],
    )
    def request_changes(self):
        self._entered()

    @transition(
        field=status,
        source=Status.EXPERT_APPROVAL,
        target=Status.EXTERNAL_AUDIT,
        permission=permissions.TRANSITION_RIGHTS["approve"],
    )
    def approve(self):
        self._entered()

    @transition(
        field=status,
        source=Status.EXTERNAL_AUDIT,
        target=Status.CERTIFIED,
        permission=permissions.TRANSITION_RIGHTS["certify"],
    )
    def certify(self):
        self._entered()

    @transition(
        field=status,
        source=Status.CERTIFIED,
        target=Status.SUSPENDED,
        permission=permissions.TRANSITION_RIGHTS["suspend"],
    )
    def suspend(self):
        self._entered()

    @transition(
        field=status,
        source=Status.SUSPENDED,
        target=Status.CERTIFIED,
        permission=permissions.TRANSITION_RIGHTS["reinstate"],
    )
    def reinstate(self):
        self._entered()

    @transition(
        field=status,
        source=[Status.CERTIFIED, Status.SUSPENDED],
        target=Status.WITHDRAWN,
        permission=permissions.TRANSITION_RIGHTS["withdraw"],
    )
    def withdraw(self):
        self._entered()

    @transition(
        field=status,
        source=[Status.CERTIFIED, Status.SUSPENDED],
        target=Status.EXPIRED,
        permission=permissions.TRANSITION_RIGHTS["expire"],
    )
    def expire(self):
        self._entered()

    @transition(
        field=status,
        source=Status.CERTIFIED,
        target=Status.EXTERNAL_AUDIT,
        permission=permissions.TRANSITION_RIGHTS["start_recertification"],
    )
    def start_recertification(self):
        self._entered()

    @transition(
        field=status,
        source=[Status.WITHDRAWN, Status.EXPIRED],
        target=Status.DEVELOPING,
        permission=permissions.TRANSITION_RIGHTS["restart"],
    )
    def restart(self):
        self._entered()


TRANSITION_NAMES = list(permissions.TRANSITION_RIGHTS)


class Process(models.Model):
    """A core business process (step 2), with its owner and the
    improvement or advantage sought."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="processes",
    )
    name = models.CharField(_("process"), max_length=200)
    owner = models.CharField(_("owner"), max_length=200)
    improvement = models.TextField(_("improvement or advantage sought"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("core business process")
        verbose_name_plural = _("core business processes")

    def __str__(self):
        return self.name


class Document(models.Model):
    """A document of the QMS (step 3): uploaded as numbered versions."""

    class Kind(models.TextChoices):
        QUALITY_MANUAL = "quality_manual", _("Quality manual")
        PROCESS_DESCRIPTION = "process_description", _("Process description")
        PROCEDURE = "procedure", _("Procedure")
        RECORD = "record", _("Record or form")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("QMS document")
        verbose_name_plural = _("QMS documents")

    def __str__(self):
        return self.title


def document_path(instance, filename):
    # The server chooses the stored name; the uploader's is kept apart.
    programme_id = instance.document.programme_id
    return f"qms/{programme_id}/{instance.token}.{instance.extension}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    token = models.CharField(max_length=40, unique=True, editable=False)
    original_name = models.CharField(_("original name"), max_length=255)
    extension = models.CharField(_("type"), max_length=8)
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
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="qms_document_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_hex(16)
        super().save(*args, **kwargs)


class CommitteeMember(models.Model):
    """An expert appointed to a programme's committee (step 4)."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="committee",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="qms_committees",
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appointed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    appointed = models.DateTimeField(_("appointed"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "expert"], name="qms_committee_member_unique"
            )
        ]

    def __str__(self):
        return str(self.expert)


class Vote(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        CHANGES = "changes", _("Changes needed")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="votes",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveIntegerField(_("approval round"))
    decision = models.CharField(_("vote"), max_length=12, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("cast"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("committee vote")
        verbose_name_plural = _("committee votes")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "expert", "round"], name="qms_vote_once"
            )
        ]

    def __str__(self):
        return f"{self.expert}: {self.decision}"


class Concern(models.Model):
    """A committee member's comment; a blocking one stops approval until
    it is resolved."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="concerns",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    blocking = models.BooleanField(_("blocking"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("committee comment")
        verbose_name_plural = _("committee comments")

    def __str__(self):
        return self.text[:60]

    @property
    def is_open_blocking(self) -> bool:
        return self.blocking and self.resolved_at is None


class Audit(models.Model):
    """An external audit (step 5, and yearly surveillance after)."""

    class Kind(models.TextChoices):
        CERTIFICATION = "certification", _("Certification audit")
        SURVEILLANCE = "surveillance", _("Surveillance audit")
        RECERTIFICATION = "recertification", _("Recertification audit")

    class Outcome(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="audits",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audit_body = models.CharField(_("audit body"), max_length=200)
    lead_auditor = models.CharField(_("lead auditor"), max_length=200)
    stage1_date = models.DateField(_("stage 1 (documentation review)"))
    stage2_date = models.DateField(_("stage 2 (implementation audit)"))
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=Outcome.choices,
        default=Outcome.SCHEDULED,
    )
    report = models.TextField(_("report"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["-stage2_date", "-pk"]
        verbose_name = _("external audit")
        verbose_name_plural = _("external audits")

    def __str__(self):
        return f"{self.get_kind_display()} {self.stage2_date}"


class Finding(models.Model):
    """A nonconformity found by an audit, with its corrective action."""

    class Grade(models.TextChoices):
        MAJOR = "major", _("Major nonconformity")
        MINOR = "minor", _("Minor nonconformity")

    audit = models.ForeignKey(
        Audit,
        verbose_name=_("audit"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices)
    description = models.TextField(_("finding"))
    corrective_action = models.TextField(_("corrective action"))
    owner = models.CharField(_("owner"), max_length=200)
    due = models.DateField(_("deadline"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_note = models.TextField(_("how it was closed"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.get_grade_display()}: {self.description[:60]}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CertificateStatus(models.TextChoices):
    """What the public register says of a certificate today."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded by a new certificate")


def certificate_status_of(certificate, today: date) -> str:
    """The status of ``certificate`` on ``today`` (twin:
    ``CertificateQuerySet.with_status``). Expiry follows from the dates, so
    the register is right on the day, whether or not the daily run has
    passed yet."""
    if certificate.withdrawn_on:
        return CertificateStatus.WITHDRAWN
    if certificate.superseded_on:
        return CertificateStatus.SUPERSEDED
    if certificate.expires_on < today:
        return CertificateStatus.EXPIRED
    if certificate.suspended_on:
        return CertificateStatus.SUSPENDED
    return CertificateStatus.VALID


class CertificateQuerySet(models.QuerySet):
    def with_status(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.annotate(
            status_value=Case(
                When(withdrawn_on__isnull=False, then=Value("withdrawn")),
                When(superseded_on__isnull=False, then=Value("superseded")),
                When(expires_on__lt=today, then=Value("expired")),
                When(suspended_on__isnull=False, then=Value("suspended")),
                default=Value("valid"),
                output_field=models.CharField(),
            )
        )

    def current(self):
        """Neither withdrawn nor superseded (it may have expired by date)."""
        return self.filter(withdrawn_on__isnull=True, superseded_on__isnull=True)


class Certificate(models.Model):
    """A certificate issued at the certification decision (step 6): valid
    three years, with yearly surveillance. Public."""

    class PdfState(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RENDERING = "rendering", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    scope = models.TextField(_("scope"))
    scope_zh = models.TextField(_("scope (Chinese)"), blank=True)
    audit = models.ForeignKey(
        Audit,
        verbose_name=_("audit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    surveillance_due = models.DateField(_("next surveillance audit due"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="qms/certificates/", blank=True)
    pdf_state = models.CharField(
        _("PDF"), max_length=12, choices=PdfState.choices, default=PdfState.PENDING
    )
    pdf_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    pdf_error = models.TextField(_("error"), blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("QMS certificate")
        verbose_name_plural = _("QMS certificates")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("qms:certificate", kwargs={"number": self.number})

    def status_on(self, today: date | None = None) -> str:
        return certificate_status_of(self, today or timezone.localdate())

    @property
    def status(self) -> str:
        value = self.__dict__.get("status_value")
        return value or self.status_on()

    def get_status_display(self) -> str:
        return str(CertificateStatus(self.status).label)

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


# What each history action says, in the past tense.
HISTORY_LABELS = {
    "start": _("Programme started"),
    "edit": _("Scope, policy or objectives edited"),
    "process_added": _("Core process added"),
    "process_removed": _("Core process removed"),
    "document_uploaded": _("Document uploaded"),
    "committee_appointed": _("Expert appointed to the committee"),
    "vote": _("Committee vote"),
    "comment": _("Committee comment"),
    "comment_resolved": _("Committee comment resolved"),
    "audit_scheduled": _("External audit scheduled"),
    "finding_recorded": _("Finding recorded"),
    "finding_closed": _("Finding closed"),
    "audit_completed": _("Audit outcome recorded"),
    "declare_policy": _("Quality policy and objectives declared"),
    "complete_processes": _("Core processes identified"),
    "submit_for_approval": _("Submitted to the expert committee"),
    "request_changes": _("Changes requested"),
    "approve": _("Approved for external audit"),
    "certify": _("Certified: certificate issued"),
    "suspend": _("Certificate suspended"),
    "reinstate": _("Certificate reinstated"),
    "withdraw": _("Certificate withdrawn"),
    "expire": _("Certificate expired"),
    "start_recertification": _("Recertification started"),
    "restart": _("Started again"),
}


class HistoryEntry(models.Model):
    """One transition or significant action on a programme; never changed."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
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
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("QMS history entry")
        verbose_name_plural = _("QMS history")

    def __str__(self):
        return f"{self.action} ({self.created:%Y-%m-%d})"

    @property
    def label(self) -> str:
        return str(HISTORY_LABELS.get(self.action, self.action))


class Reminder(models.Model):
    """A reminder sent once per certificate, subject, date and threshold."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.CharField(_("about"), max_length=16)
    due = models.DateField(_("due"))
    threshold = models.CharField(_("threshold"), max_length=8)
    created = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("QMS reminder")
        verbose_name_plural = _("QMS reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "subject", "due", "threshold"],
                name="qms_reminder_once",
            )
        ]

    def __str__(self):
        return f"{self.certificate_id} {self.subject} {self.due} {self.threshold}"
