"""The work of each step: the programme, its policy and processes (1, 2),
documents (3), the expert committee, its votes and comments (4), external
audits and findings (5)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Organisation
from portal.errors import ApplicationError, Conflict

from .. import notices, permissions
from ..models import (
    Audit,
    CommitteeMember,
    Concern,
    Document,
    DocumentVersion,
    Finding,
    Process,
    Programme,
    Status,
    Vote,
)
from .common import (
    _atomic,
    _choice,
    _date,
    _lock,
    _row,
    _text,
    committee_tally,
    history_record,
    plus_years,
)
from .lifecycle import _system_transition, current_certificate

User = get_user_model()


@_atomic
def programme_start(*, organisation_id, actor) -> Programme:
    """A representative starts the organisation's QMS programme (one per
    organisation)."""
    try:
        organisation = Organisation.objects.get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise ApplicationError(_("No such organisation."), code="not_found") from None
    permissions.require(permissions.can_start_programme(organisation, actor))
    if Programme.objects.filter(organisation=organisation).exists():
        raise Conflict(_("This organisation has a QMS programme already."))
    programme = Programme.objects.create(organisation=organisation)
    history_record(
        programme=programme, actor=actor, action="start", to_state=programme.status
    )
    return programme


@_atomic
def programme_update(
    *,
    programme_id,
    actor,
    scope: str,
    quality_policy: str,
    quality_objectives: str,
    scope_zh: str = "",
) -> Programme:
    programme = _lock(programme_id, actor)
    permissions.require(permissions.can_edit(programme, actor))
    programme.scope = _text(scope, field="scope", required=False, limit=2000)
    programme.scope_zh = _text(scope_zh, field="scope_zh", required=False, limit=2000)
    programme.quality_policy = _text(
        quality_policy, field="quality_policy", required=False
    )
    programme.quality_objectives = _text(
        quality_objectives, field="quality_objectives", required=False
    )
    programme.save()
    history_record(programme=programme, actor=actor, action="edit")
    return programme


@_atomic
def process_add(*, programme_id, actor, name: str, owner: str, improvement: str):
    """A core business process, each with its owner and the improvement or
    advantage sought."""
    programme = _lock(programme_id, actor)
    permissions.require(permissions.can_edit(programme, actor))
    process = Process.objects.create(
        programme=programme,
        name=_text(name, field="name", limit=200),
        owner=_text(owner, field="owner", limit=200),
        improvement=_text(improvement, field="improvement", limit=5000),
    )
    history_record(
        programme=programme, actor=actor, action="process_added", comment=process.name
    )
    return process


@_atomic
def process_remove(*, process_id, actor) -> None:
    process = _row(Process, process_id)
    if process is None:
        raise ApplicationError(_("No such process."), code="not_found")
    programme = _lock(process.programme_id, actor)
    permissions.require(permissions.can_edit(programme, actor))
    process.delete()
    history_record(
        programme=programme,
        actor=actor,
        action="process_removed",
        comment=process.name,
    )


# --- step 3: documents -------------------------------------------------------------


@_atomic
def document_upload(
    *, programme_id, actor, upload, kind: str = "", title: str = "", document_id=None
) -> DocumentVersion:
    """A new document, or a new version of one, checked as standards'
    attachments are (type read from the content, size capped)."""
    from standards.uploads import attachment_check

    programme = _lock(programme_id, actor)
    permissions.require(permissions.can_upload(programme, actor))
    if upload is None:
        raise ApplicationError(_("Choose a file."), field="file")
    if document_id:
        document = _row(Document, document_id)
        if document is not None and document.programme_id != programme.pk:
            document = None
        if document is None:
            raise ApplicationError(_("No such document."), field="document")
    else:
        document = Document.objects.create(
            programme=programme,
            kind=_choice(kind, Document.Kind, field="kind"),
            title=_text(title, field="title", limit=300),
        )
    try:
        checked = attachment_check(upload)
    except ApplicationError as exc:
        exc.field = "file"
        raise
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first()
        or 0
    ) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=(upload.name or "file")[:255],
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    version.save()
    version.file.save(f"{version.token}.{checked.extension}", upload, save=True)
    history_record(
        programme=programme,
        actor=actor,
        action="document_uploaded",
        comment=f"{document.title} v{number}",
    )
    return version


# --- step 4: the expert committee ------------------------------------------------


@_atomic
def committee_appoint(*, programme_id, actor, expert_id) -> CommitteeMember:
    """The leader or a deputy leader appoints an expert (not of the
    organisation) to the programme's committee."""
    programme = _lock(programme_id, actor)
    permissions.require(permissions.can_appoint(programme, actor))
    expert = _row(User, expert_id)
    if expert is None:
        raise ApplicationError(_("Choose an expert."), field="expert")
    decision = permissions.may_serve_on_committee(programme, expert)
    if not decision:
        raise ApplicationError(decision.message, field="expert")
    if programme.committee.filter(expert=expert).exists():
        raise Conflict(_("This expert is on the committee already."), field="expert")
    member = CommitteeMember.objects.create(
        programme=programme, expert=expert, appointed_by=actor
    )
    history_record(
        programme=programme,
        actor=actor,
        action="committee_appointed",
        comment=notices.name_of(expert),
    )
    notices.notify(programme, notices.Notice.COMMITTEE_APPOINTED, [expert.pk])
    return member


@_atomic
def vote_cast(*, programme_id, actor, decision: str, note: str = "") -> Vote:
    """A committee member votes once per round (a new vote replaces theirs)."""
    programme = _lock(programme_id, actor)
    permissions.require(permissions.can_review(programme, actor))
    decision = _choice(decision, Vote.Decision, field="decision")
    vote, _created = Vote.objects.update_or_create(
        programme=programme,
        expert=actor,
        round=programme.approval_round,
        defaults={
            "decision": decision,
            "note": _text(note, field="note", required=False),
            "created": timezone.now(),
        },
    )
    history_record(
        programme=programme,
        actor=actor,
        action="vote",
        comment=f"{vote.get_decision_display()}. {vote.note}".strip(),
    )
    if committee_tally(programme)["majority"]:
        notices.notify(
            programme,
            notices.Notice.DECISION_NEEDED,
            notices.leader_ids() | notices.deputy_ids(),
        )
    return vote


@_atomic
def concern_raise(*, programme_id, actor, text: str, blocking: bool = False):
    programme = _lock(programme_id, actor)
    permissions.require(permissions.can_review(programme, actor))
    concern = Concern.objects.create(
        programme=programme,
        author=actor,
        text=_text(text, field="text"),
        blocking=bool(blocking),
    )
    history_record(
        programme=programme, actor=actor, action="comment", comment=concern.text
    )
    notices.notify(
        programme, notices.Notice.COMMENT, notices.representative_ids(programme)
    )
    return concern


@_atomic
def concern_resolve(*, concern_id, actor) -> Concern:
    concern = _row(Concern, concern_id)
    if concern is None:
        raise ApplicationError(_("No such comment."), code="not_found")
    _lock(concern.programme_id, actor)
    concern = Concern.objects.select_related("programme").get(pk=concern.pk)
    permissions.require(permissions.can_resolve_concern(concern, actor))
    concern.resolved_at = timezone.now()
    concern.save(update_fields=["resolved_at"])
    history_record(
        programme=concern.programme,
        actor=actor,
        action="comment_resolved",
        comment=concern.text[:200],
    )
    return concern


# --- step 5: external audits and findings -----------------------------------------


@_atomic
def audit_schedule(
    *,
    programme_id,
    actor,
    kind: str,
    audit_body: str,
    lead_auditor: str,
    stage1_date,
    stage2_date,
) -> Audit:
    """Schedule an external audit: certification (or recertification) while
    in external audit, surveillance while certified."""
    programme = _lock(programme_id, actor)
    permissions.require(permissions.can_record_audit(programme, actor))
    kind = _choice(kind, Audit.Kind, field="kind")
    surveillance = kind == Audit.Kind.SURVEILLANCE
    if surveillance != (programme.status in (Status.CERTIFIED, Status.SUSPENDED)):
        raise ApplicationError(
            _(
                "Surveillance audits are for certified programmes; the others for "
                "programmes in external audit."
            ),
            field="kind",
        )
    stage1 = _date(stage1_date, field="stage1_date")
    stage2 = _date(stage2_date, field="stage2_date")
    if stage2 < stage1:
        raise ApplicationError(
            _("Stage 2 cannot come before stage 1."), field="stage2_date"
        )
    audit = Audit.objects.create(
        programme=programme,
        kind=kind,
        audit_body=_text(audit_body, field="audit_body", limit=200),
        lead_auditor=_text(lead_auditor, field="lead_auditor", limit=200),
        stage1_date=stage1,
        stage2_date=stage2,
        recorded_by=actor,
    )
    history_record(
        programme=programme,
        actor=actor,
        action="audit_scheduled",
        comment=f"{audit.get_kind_display()}: {audit.audit_body}, {stage1} / {stage2}",
    )
    notices.notify(
        programme,
        notices.Notice.AUDIT_SCHEDULED,
        notices.representative_ids(programme),
    )
    return audit


def _lock_audit(audit_id, actor) -> Audit:
    audit = _row(Audit, audit_id)
    if audit is None:
        raise ApplicationError(_("No such audit."), code="not_found")
    programme = _lock(audit.programme_id, actor)
    permissions.require(permissions.can_record_audit(programme, actor))
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    audit.programme = programme
    return audit


@_atomic
def finding_add(
    *,
    audit_id,
    actor,
    grade: str,
    description: str,
    corrective_action: str,
    owner: str,
    due,
) -> Finding:
    audit = _lock_audit(audit_id, actor)
    if audit.outcome != Audit.Outcome.SCHEDULED:
        raise Conflict(_("This audit is completed; its findings are final."))
    finding = Finding.objects.create(
        audit=audit,
        grade=_choice(grade, Finding.Grade, field="grade"),
        description=_text(description, field="description"),
        corrective_action=_text(corrective_action, field="corrective_action"),
        owner=_text(owner, field="owner", limit=200),
        due=_date(due, field="due"),
    )
    history_record(
        programme=audit.programme,
        actor=actor,
        action="finding_recorded",
        comment=f"{finding.get_grade_display()}: {finding.description}",
    )
    notices.notify(
        audit.programme,
        notices.Notice.FINDING_DUE,
        notices.representative_ids(audit.programme),
        extra={"due": finding.due},
    )
    return finding


@_atomic
def finding_close(*, finding_id, actor, note: str) -> Finding:
    finding = _row(Finding, finding_id)
    if finding is None:
        raise ApplicationError(_("No such finding."), code="not_found")
    audit = _lock_audit(finding.audit_id, actor)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.closed_on:
        raise Conflict(_("This finding is closed already."))
    finding.closure_note = _text(note, field="note")
    finding.closed_on = timezone.localdate()
    finding.save(update_fields=["closure_note", "closed_on"])
    history_record(
        programme=audit.programme,
        actor=actor,
        action="finding_closed",
        comment=f"{finding.description[:100]}: {finding.closure_note}",
    )
    return finding


@_atomic
def audit_complete(*, audit_id, actor, outcome: str, report: str = "") -> Audit:
    """Record an audit's outcome. A passed surveillance audit moves the
    next one a year on; a failed one suspends the certificate."""
    audit = _lock_audit(audit_id, actor)
    if audit.outcome != Audit.Outcome.SCHEDULED:
        raise Conflict(_("This audit's outcome is recorded already."))
    outcome = _choice(outcome, Audit.Outcome, field="outcome")
    if outcome == Audit.Outcome.SCHEDULED:
        raise ApplicationError(_("Choose passed or failed."), field="outcome")
    audit.outcome = outcome
    audit.report = _text(report, field="report", required=False)
    audit.completed_on = timezone.localdate()
    audit.save(update_fields=["outcome", "report", "completed_on"])
    programme = audit.programme
    history_record(
        programme=programme,
        actor=actor,
        action="audit_completed",
        comment=f"{audit.get_kind_display()}: {audit.get_outcome_display()}. "
        f"{audit.report}".strip(),
    )
    if audit.kind == Audit.Kind.SURVEILLANCE:
        certificate = current_certificate(programme)
        if certificate is not None and outcome == Audit.Outcome.PASSED:
            certificate.surveillance_due = min(
                plus_years(certificate.surveillance_due, 1),
                certificate.expires_on,
            )
            certificate.save(update_fields=["surveillance_due"])
        elif programme.status == Status.CERTIFIED:
            _system_transition(
                programme,
                "suspend",
                actor=actor,
                comment=_("The surveillance audit failed."),
            )
    return audit


# --- the transitions --------------------------------------------------------------
