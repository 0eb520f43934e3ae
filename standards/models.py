import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.markdown import render_markdown_html, validate_markdown_length

from . import permissions


class Status(models.TextChoices):
    # The state (起草); the noun, a draft (草案), is "Draft" in context "noun".
    DRAFT = "draft", pgettext_lazy("state", "Draft")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    AUDIT = "audit", _("Audit")
    CERTIFIED = "certified", _("Certified")
    PUBLISHED = "published", _("Published")
    ABOLISHED = "abolished", _("Abolished")


class PublicStatus(models.TextChoices):
    """What the public reads of a standard's state (DESIGN.md, "Public
    status"): one vocabulary for home, catalogue, dashboard, API, feeds and
    sitemap. A standard has none before its first edition."""

    IN_FORCE = "in_force", _("In force")
    # The in-force edition stays public while its next edition is drafted.
    UNDER_RENEWAL = "under_renewal", _("In force — under renewal")
    ABOLISHED = "abolished", _("Abolished")


# "Published" as readers count it: in force, whether or not a renewal is under
# way. Every figure of published standards is the count of these.
PUBLISHED = (PublicStatus.IN_FORCE, PublicStatus.UNDER_RENEWAL)

_DRAFT_CYCLE = (Status.DRAFT, Status.EXPERT_REVIEW, Status.AUDIT, Status.CERTIFIED)


def language_choices() -> list[tuple[str, str]]:
    """The portal's languages (read when needed, not at import)."""
    return list(settings.LANGUAGES)


def public_status_of(*, status: str, has_edition: bool) -> PublicStatus | None:
    """The public status of a standard in ``status`` (``Standard.public_status``
    and its QuerySet twin ``StandardQuerySet.with_public_status`` agree)."""
    if not has_edition:
        return None
    if status == Status.ABOLISHED:
        return PublicStatus.ABOLISHED
    if status == Status.PUBLISHED:
        return PublicStatus.IN_FORCE
    return PublicStatus.UNDER_RENEWAL


def _public_status_conditions() -> dict[str, Q]:
    return {
        PublicStatus.IN_FORCE: Q(has_edition=True, status=Status.PUBLISHED),
        PublicStatus.UNDER_RENEWAL: Q(has_edition=True, status__in=_DRAFT_CYCLE),
        PublicStatus.ABOLISHED: Q(has_edition=True, status=Status.ABOLISHED),
    }


def public_status_q(*statuses: str) -> Q:
    """The condition of a standard whose public status is one of
    ``statuses`` (for filters that combine it with others)."""
    conditions = _public_status_conditions()
    wanted = Q(pk__in=[])
    for value in statuses:
        wanted |= conditions[value]
    return wanted


class StandardQuerySet(models.QuerySet):
    def public(self):
        """Standards the public may read: those with at least one edition."""
        return self.filter(has_edition=True)

    def with_public_status(self):
        """Twin of ``Standard.public_status``: each standard annotated with
        ``public_status_value`` (``None`` before its first edition)."""
        return self.annotate(
            public_status_value=Case(
                *(
                    When(condition, then=Value(value))
                    for value, condition in _public_status_conditions().items()
                ),
                default=Value(None),
                output_field=models.CharField(),
            )
        )

    def public_status_in(self, *statuses: str):
        """The standards whose public status is one of ``statuses``."""
        return self.filter(public_status_q(*statuses))

    def published(self):
        """The published standards, as every figure counts them: in force,
        under renewal or not (not abolished, not a first draft)."""
        return self.public_status_in(*PUBLISHED)


class Standard(ConcurrentTransitionMixin, models.Model):
    """A standard, from first draft to abolition.

    ``status`` only changes through the transitions below (``protected=True``),
    and ``ConcurrentTransitionMixin`` refuses to save a transition when the row
    changed state since it was read, so two people acting at once cannot both
    win.
    """

    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_(
            "The title in the language the standard is written in. A standard "
            "written only in Chinese gives its Chinese title here and leaves "
            "the Chinese title below empty."
        ),
    )
    title_zh = models.CharField(
        _("title (Chinese)"),
        max_length=300,
        blank=True,
        help_text=_("The Chinese title of a standard that also has an English one."),
    )
    scope = models.TextField(_("scope"), blank=True)
    scope_zh = models.TextField(_("scope (Chinese)"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=language_choices,
        default="en",
        help_text=_("The language the standard's text is written in."),
    )
    field = models.ForeignKey(
        "committees.Field",
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        related_name="standards",
    )
    work_item = models.ForeignKey(
        "workplan.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="standards",
    )
    organisation = models.ForeignKey(
        "committees.Organisation",
        verbose_name=_("submitting organisation"),
        on_delete=models.PROTECT,
        related_name="standards",
    )
    authors = models.ManyToManyField(
        "committees.Person",
        verbose_name=_("authors"),
        blank=True,
        related_name="authored_standards",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        protected=True,
        db_index=True,
    )
    number = models.CharField(
        _("number"), max_length=40, unique=True, null=True, blank=True
    )
    has_edition = models.BooleanField(_("has an edition"), default=False, db_index=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )
    abolition_reason = models.TextField(_("reason for abolition"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    status_changed = models.DateTimeField(
        _("state entered"), default=timezone.now, db_index=True
    )

    objects = StandardQuerySet.as_manager()

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        indexes = [
            models.Index(fields=["field", "status"]),
            # The API's default order (newest change first), walked backwards.
            models.Index(fields=["updated", "id"], name="standard_updated_idx"),
            # The public list's count and latest change, read from the index
            # alone, and its order by title (issue 19: not a scan of every
            # standard at 100,000).
            models.Index(
                fields=["updated", "id"],
                condition=models.Q(has_edition=True),
                name="standard_public_updated_idx",
            ),
            models.Index(
                fields=["title", "id"],
                condition=models.Q(has_edition=True),
                name="standard_public_title_idx",
            ),
            # Standards due for review, soonest first: a deputy's fields
            # (standards.workspace), and every field (the pipeline).
            models.Index(
                fields=["field", "status", "review_due", "id"],
                name="standard_field_due_idx",
            ),
            models.Index(
                fields=["review_due", "id"],
                condition=models.Q(status="published"),
                name="standard_published_due_idx",
            ),
            # The review queue: a deputy's fields, by state, oldest first,
            # read from the index alone (standards.selectors.review_queue).
            models.Index(
                fields=["field", "status", "status_changed", "id"],
                name="standard_queue_idx",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else self.title

    def get_absolute_url(self):
        if self.is_public:
            return reverse("standards:detail", kwargs={"pk": self.pk})
        return reverse("standards:draft", kwargs={"pk": self.pk})

    def refresh_from_db(self, *args, **kwargs):
        # A new edition may have been published meanwhile.
        for name in (
            "public_edition",
            "_public_title",
            "_public_scope",
            "_public_title_zh",
            "_public_scope_zh",
        ):
            self.__dict__.pop(name, None)
        super().refresh_from_db(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return permissions.has_public_record(self)

    @property
    def is_draft_cycle(self) -> bool:
        """Being worked on: a first draft or a renewal of a published one."""
        return self.status in {
            Status.DRAFT,
            Status.EXPERT_REVIEW,
            Status.AUDIT,
            Status.CERTIFIED,
        }

    @property
    def under_renewal(self) -> bool:
        return self.has_edition and self.is_draft_cycle

    @property
    def public_status(self) -> PublicStatus | None:
        """In force, in force — under renewal, or abolished; ``None`` before
        the first edition (twin: ``StandardQuerySet.with_public_status``)."""
        return public_status_of(status=self.status, has_edition=self.has_edition)

    @cached_property
    def public_edition(self) -> "Edition | None":
        """The edition the public reads: the one in force, or an abolished
        standard's last one; ``None`` before the first publication. Its title
        and scope are the public record: edits of a renewal change the
        standard's own ``title`` and ``scope`` (the draft's) and reach the
        public only with the next edition."""
        if not self.has_edition:
            return None
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("editions")
        if prefetched is not None:
            return max(prefetched, key=lambda e: e.edition, default=None)
        return self.editions.order_by("-edition").first()

    # The public title and scope: a list may annotate them (the catalogue
    # reads them from the search index, which copies the edition's), else
    # they come from ``public_edition``. ``None`` before the first edition.
    # (A row marked public without any edition, which only hand-made data
    # has, shows its own.)

    @property
    def public_title(self) -> str | None:
        value = self.__dict__.get("_public_title")
        if value is None and self.has_edition:
            edition = self.public_edition
            value = edition.title if edition else self.title
        return value

    @public_title.setter
    def public_title(self, value):
        self.__dict__["_public_title"] = value

    @property
    def public_scope(self) -> str | None:
        value = self.__dict__.get("_public_scope")
        if value is None and self.has_edition:
            edition = self.public_edition
            value = edition.scope if edition else self.scope
        return value

    @public_scope.setter
    def public_scope(self, value):
        self.__dict__["_public_scope"] = value

    # Their Chinese twins, read as the above ("" when there is none), so that
    # ``portal.localized.localized(standard, "public_title")`` works.

    @property
    def public_title_zh(self) -> str | None:
        value = self.__dict__.get("_public_title_zh")
        if value is None and self.has_edition:
            edition = self.public_edition
            value = edition.title_zh if edition else self.title_zh
        return value

    @public_title_zh.setter
    def public_title_zh(self, value):
        self.__dict__["_public_title_zh"] = value

    @property
    def public_scope_zh(self) -> str | None:
        value = self.__dict__.get("_public_scope_zh")
        if value is None and self.has_edition:
            edition = self.public_edition
            value = edition.scope_zh if edition else self.scope_zh
        return value

    @public_scope_zh.setter
    def public_scope_zh(self, value):
        self.__dict__["_public_scope_zh"] = value

    # The state machine. Transitions change only this row; the services in
    # standards.services check conditions with reasons, lock, record history
    # and schedule side effects.

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.EXPERT_REVIEW,
        permission=permissions.TRANSITION_RIGHTS["submit"],
    )
    def submit(self):
        self.status_changed = timezone.now()

    @transition(
        field=status,
        source=Status.EXPERT_REVIEW,
        target=Status.DRAFT,
        permission=permissions.TRANSITION_RIGHTS["request_changes"],
    )
    def request_changes(self):
        self.status_changed = timezone.now()

    @transition(
        field=status,
        source=Status.EXPERT_REVIEW,
        target=Status.AUDIT,
        permission=permissions.TRANSITION_RIGHTS["advance_to_audit"],
    )
    def advance_to_audit(self):
        self.status_changed = timezone.now()

    @transition(
        field=status,
        source=Status.AUDIT,
        target=Status.DRAFT,
        permission=permissions.TRANSITION_RIGHTS["fail_audit"],
    )
    def fail_audit(self):
        self.status_changed = timezone.now()

    @transition(
        field=status,
        source=Status.AUDIT,
        target=Status.CERTIFIED,
        permission=permissions.TRANSITION_RIGHTS["certify"],
    )
    def certify(self):
        self.status_changed = timezone.now()

    @transition(
        field=status,
        source=Status.CERTIFIED,
        target=Status.PUBLISHED,
        permission=permissions.TRANSITION_RIGHTS["publish"],
    )
    def publish(self):
        self.status_changed = timezone.now()
        self.has_edition = True

    @transition(
        field=status,
        source=Status.PUBLISHED,
        target=Status.DRAFT,
        permission=permissions.TRANSITION_RIGHTS["start_renewal"],
    )
    def start_renewal(self):
        self.status_changed = timezone.now()

    @transition(
        field=status,
        source=Status.PUBLISHED,
        target=Status.PUBLISHED,
        permission=permissions.TRANSITION_RIGHTS["reaffirm"],
    )
    def reaffirm(self):
        pass

    @transition(
        field=status,
        source=[s for s in Status.values if s != Status.ABOLISHED],
        target=Status.ABOLISHED,
        permission=permissions.TRANSITION_RIGHTS["abolish"],
    )
    def abolish(self):
        self.status_changed = timezone.now()


TRANSITION_NAMES = (
    "submit",
    "request_changes",
    "advance_to_audit",
    "fail_audit",
    "certify",
    "publish",
    "start_renewal",
    "reaffirm",
    "abolish",
)


class Version(models.Model):
    """A numbered revision of a standard's text; frozen once submitted."""

    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(
        _("text"), help_text=_("Markdown."), validators=[validate_markdown_length]
    )
    # The body rendered and sanitised once, when the version is made
    # (``portal.markdown.render_markdown_html``); pages and PDFs show this and
    # never render the Markdown again. Empty until then (rows written in bulk).
    body_html = models.TextField(_("text as HTML"), blank=True, editable=False)
    change_summary = models.CharField(_("change summary"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    frozen = models.BooleanField(_("frozen"), default=False)

    class Meta:
        ordering = ["standard", "number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "number"], name="version_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.standard_id} v{self.number}"

    def rendered_body(self) -> str:
        """The body as sanitised HTML, headings as written: the stored
        rendering. A row written without one (in bulk) gets it now, once."""
        if not self.body_html and self.body:
            self.body_html = render_markdown_html(self.body)
            if self.pk:
                Version.objects.filter(pk=self.pk, body_html="").update(
                    body_html=self.body_html
                )
        return self.body_html


def attachment_path(instance, filename):
    # The server chooses the stored name; the uploader's name is kept apart.
    standard_id = instance.version.standard_id
    return f"attachments/{standard_id}/{instance.token}.{instance.extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        ODT = "odt", "ODT"
        MARKDOWN = "md", "Markdown"

    version = models.ForeignKey(
        Version,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    token = models.CharField(max_length=40, unique=True, editable=False)
    original_name = models.CharField(_("original name"), max_length=255)
    extension = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class ExpertAssignment(models.Model):
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.CASCADE,
        related_name="expert_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "expert"], name="assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.expert} → {self.standard_id}"


class Comment(models.Model):
    """An expert's comment on a version, answered by the authors."""

    class Reply(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        NOTED = "noted", _("Noted")

    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    version = models.ForeignKey(
        Version,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    section = models.CharField(_("section"), max_length=100, blank=True)
    blocking = models.BooleanField(_("blocking"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    reply = models.CharField(
        _("answer"), max_length=10, choices=Reply.choices, blank=True
    )
    reply_text = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return self.text[:80]

    @property
    def is_answered(self) -> bool:
        return bool(self.reply)

    @property
    def is_open_blocking(self) -> bool:
        return self.blocking and self.resolved_at is None


class Recommendation(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        APPROVE_WITH_CHANGES = "approve_with_changes", _("Approve with changes")
        REJECT = "reject", _("Reject")

    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    version = models.ForeignKey(
        Version,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(
        _("recommendation"), max_length=24, choices=Decision.choices
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "expert"], name="recommendation_one_per_expert"
            )
        ]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.expert})"


class Audit(models.Model):
    class Outcome(models.TextChoices):
        CERTIFIED = "certified", _("Certified")
        FAILED = "failed", _("Failed")

    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="audits",
    )
    version = models.ForeignKey(
        Version, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    findings = models.TextField(_("findings"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    certificate_number = models.CharField(
        _("certificate number"), max_length=40, unique=True, null=True, blank=True
    )
    # The certificate's PDF, rendered by the worker once the audit certifies
    # (standards.pdf); the state is empty until then.
    certificate_pdf = models.FileField(
        _("certificate PDF"), upload_to="certificates/", blank=True, max_length=300
    )
    certificate_state = models.CharField(
        _("certificate PDF state"),
        max_length=10,
        blank=True,
        choices=[
            ("pending", _("Being prepared")),
            ("rendering", _("Being prepared")),
            ("ready", _("Ready")),
            ("failed", _("Failed")),
        ],
    )
    # While ``rendering``: the claiming worker's lease (standards.pdf).
    certificate_claimed_until = models.DateTimeField(
        _("certificate claimed until"), null=True, blank=True
    )
    certificate_sha256 = models.CharField(
        _("certificate SHA-256"), max_length=64, blank=True
    )
    certificate_size = models.PositiveBigIntegerField(
        _("certificate size"), null=True, blank=True
    )
    certificate_pages = models.PositiveIntegerField(
        _("certificate pages"), null=True, blank=True
    )
    certificate_error = models.TextField(_("certificate error"), blank=True)
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")

    def __str__(self):
        return f"{self.get_outcome_display()} — {self.standard_id}"


class Edition(models.Model):
    """The published text of a standard; a later edition supersedes it."""

    class PdfState(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        # Claimed by a worker until ``pdf_claimed_until`` (standards.pdf);
        # to readers the same as pending.
        RENDERING = "rendering", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="editions",
    )
    number = models.CharField(_("number"), max_length=40)
    edition = models.PositiveIntegerField(_("edition"))
    version = models.ForeignKey(
        Version, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )
    # The title and scope as published, copied from the standard at
    # publication: the public record, whatever a renewal edits meanwhile.
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    scope_zh = models.TextField(_("scope (Chinese)"), blank=True)
    published_on = models.DateField(_("publication date"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    # Set on the last edition when its standard is abolished.
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="editions/", blank=True, max_length=300)
    pdf_state = models.CharField(
        _("PDF state"),
        max_length=10,
        choices=PdfState.choices,
        default=PdfState.PENDING,
    )
    # While ``rendering``: the claiming worker's lease (standards.pdf).
    pdf_claimed_until = models.DateTimeField(
        _("PDF claimed until"), null=True, blank=True
    )
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(_("PDF size"), null=True, blank=True)
    pdf_pages = models.PositiveIntegerField(_("PDF pages"), null=True, blank=True)
    pdf_error = models.TextField(_("PDF error"), blank=True)

    class Meta:
        ordering = ["standard", "-edition"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        # The latest publications (home page, feeds, the API), newest first.
        indexes = [
            models.Index(fields=["published_on", "id"], name="edition_published_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "edition"], name="edition_unique"
            )
        ]

    def __str__(self):
        return f"{self.number} ({self.edition})"

    @property
    def in_force(self) -> bool:
        """Neither superseded by a later edition nor withdrawn (twin:
        ``EDITION_IN_FORCE``)."""
        return self.superseded_on is None and self.withdrawn_on is None

    @property
    def pdf_being_prepared(self) -> bool:
        """Waiting for a worker, or being rendered by one."""
        return self.pdf_state in (self.PdfState.PENDING, self.PdfState.RENDERING)


# Twin of ``Edition.in_force``, for filters.
EDITION_IN_FORCE = Q(superseded_on__isnull=True, withdrawn_on__isnull=True)


class NumberCounter(models.Model):
    """The last number given for a prefix and year; locked while publishing."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="counter_unique")
        ]

    def __str__(self):
        return f"{self.prefix} {self.year}: {self.last}"


class HistoryEntry(models.Model):
    """One transition or significant action; written once, never changed."""

    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standard"),
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
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Written by the importer (standards.importing): a standard's past brought
    # in from elsewhere, and the "created" entry that records each import,
    # which holds the record's key and digest (so a second run recognises it,
    # and any entry written after it shows that editors changed it since).
    imported = models.BooleanField(_("imported"), default=False)
    import_key = models.CharField(_("import key"), max_length=300, blank=True)
    import_digest = models.CharField(_("import digest"), max_length=64, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["standard", "created"]),
            models.Index(
                fields=["import_key"],
                name="history_import_key_idx",
                condition=~Q(import_key=""),
            ),
        ]

    def __str__(self):
        return f"{self.action} ({self.created:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("History entries are never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("History entries are never deleted."))


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in fileobj.chunks():
        digest.update(chunk)
    return digest.hexdigest()
