"""The transitions of a programme: their conditions with reasons, what
each does once taken (issuing, suspending, withdrawing the certificate),
and the one service that takes them."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import ApplicationError, Conflict

from .. import notices, permissions
from ..models import Audit, Certificate, Document, DocumentVersion, Finding, Programme
from .common import _atomic, _lock, _text, committee_tally, history_record, plus_years

CERTIFICATE_YEARS = 3
# The transitions that ask for a comment, and what for.
COMMENT_REQUIRED = {
    "request_changes": gettext_lazy("Say which changes are requested."),
    "suspend": gettext_lazy("Give the reason for the suspension."),
    "withdraw": gettext_lazy("Give the reason for the withdrawal."),
}
TRANSITION_LABELS = {
    "declare_policy": gettext_lazy("Declare the quality policy and objectives"),
    "complete_processes": gettext_lazy("Core processes identified"),
    "submit_for_approval": gettext_lazy("Submit to the expert committee"),
    "request_changes": gettext_lazy("Request changes"),
    "approve": gettext_lazy("Approve for external audit"),
    "certify": gettext_lazy("Certify and issue the certificate"),
    "suspend": gettext_lazy("Suspend the certificate"),
    "reinstate": gettext_lazy("Reinstate the certificate"),
    "withdraw": gettext_lazy("Withdraw the certificate"),
    "expire": gettext_lazy("Certificate expired"),
    "start_recertification": gettext_lazy("Start recertification"),
    "restart": gettext_lazy("Start again"),
}


def current_certificate(programme: Programme) -> Certificate | None:
    return programme.certificates.current().order_by("-issued_on", "-pk").first()


def _conditions(programme: Programme, name: str, comment: str) -> None:
    if name in COMMENT_REQUIRED and not comment:
        raise ApplicationError(str(COMMENT_REQUIRED[name]), field="comment")
    if name == "declare_policy":
        if not (
            programme.scope.strip()
            and programme.quality_policy.strip()
            and programme.quality_objectives.strip()
        ):
            raise ApplicationError(
                _("Set the scope, the quality policy and the quality objectives."),
                field="quality_policy",
            )
    elif name == "complete_processes":
        if not programme.processes.exists():
            raise Conflict(_("List at least one core business process."))
    elif name == "submit_for_approval":
        kinds = set(
            DocumentVersion.objects.filter(document__programme=programme).values_list(
                "document__kind", flat=True
            )
        )
        if Document.Kind.QUALITY_MANUAL not in kinds:
            raise Conflict(_("Upload the quality manual before submitting."))
    elif name == "approve":
        tally = committee_tally(programme)
        if not tally["members"]:
            raise Conflict(_("Appoint the expert committee first."))
        if not tally["majority"]:
            raise Conflict(
                _(
                    "A majority of the committee must approve: %(approve)d of "
                    "%(members)d have."
                )
                % tally
            )
        if programme.concerns.filter(blocking=True, resolved_at__isnull=True).exists():
            raise Conflict(_("A blocking concern of the committee is still open."))
    elif name == "certify":
        passed = programme.audits.filter(
            kind__in=[Audit.Kind.CERTIFICATION, Audit.Kind.RECERTIFICATION],
            outcome=Audit.Outcome.PASSED,
            # Of this cycle: scheduled since the programme entered external
            # audit (a recertification does not reuse the last cycle's).
            created__gte=programme.status_changed,
        )
        if not passed.exists():
            raise Conflict(
                _("A passed stage 2 audit must be recorded before the decision.")
            )
        if Finding.objects.filter(
            audit__programme=programme,
            grade=Finding.Grade.MAJOR,
            closed_on__isnull=True,
        ).exists():
            raise Conflict(
                _("A major nonconformity is still open: it must be closed first.")
            )


def _issue_certificate(programme: Programme, actor) -> Certificate:
    from standards.services.numbering import _next_number

    today = timezone.localdate()
    previous = current_certificate(programme)
    if previous is not None:
        previous.superseded_on = today
        previous.save(update_fields=["superseded_on"])
    audit = (
        programme.audits.filter(outcome=Audit.Outcome.PASSED)
        .exclude(kind=Audit.Kind.SURVEILLANCE)
        .order_by("-completed_on", "-pk")
        .first()
    )
    sequence = _next_number("QMS", today.year)
    number = f"{settings.STANDARD_NUMBER_PREFIX}-QMS {sequence:04d}:{today.year}"
    expires = plus_years(today, CERTIFICATE_YEARS)
    certificate = Certificate.objects.create(
        programme=programme,
        number=number,
        scope=programme.scope,
        scope_zh=programme.scope_zh,
        audit=audit,
        issued_on=today,
        expires_on=expires,
        surveillance_due=plus_years(today, 1),
        issued_by=actor,
    )
    from .. import pdf

    transaction.on_commit(lambda: pdf.certificate_render_enqueue(certificate.pk))
    return certificate


def _after(programme: Programme, name: str, actor, comment: str) -> None:
    today = timezone.localdate()
    certificate = current_certificate(programme)
    if name == "certify":
        certificate = _issue_certificate(programme, actor)
    elif certificate is None:
        return
    elif name == "suspend":
        certificate.suspended_on = today
        certificate.suspension_reason = comment
        certificate.save(update_fields=["suspended_on", "suspension_reason"])
    elif name == "reinstate":
        certificate.suspended_on = None
        certificate.save(update_fields=["suspended_on"])
    elif name == "withdraw":
        certificate.withdrawn_on = today
        certificate.withdrawal_reason = comment
        certificate.save(update_fields=["withdrawn_on", "withdrawal_reason"])


NOTICE_OF = {
    "submit_for_approval": notices.Notice.COMMITTEE_NEEDED,
    "request_changes": notices.Notice.CHANGES_REQUESTED,
    "approve": notices.Notice.AUDIT_NEEDED,
    "certify": notices.Notice.CERTIFICATE_ISSUED,
    "suspend": notices.Notice.SUSPENDED,
    "reinstate": notices.Notice.REINSTATED,
    "withdraw": notices.Notice.WITHDRAWN,
    "expire": notices.Notice.EXPIRED,
}


def _recipients(programme: Programme, name: str) -> set[int]:
    if name == "submit_for_approval":
        return notices.leader_ids() | notices.deputy_ids()
    if name == "approve":
        return notices.auditor_ids() | notices.representative_ids(programme)
    if name == "certify":
        return notices.representative_ids(programme) | notices.committee_ids(programme)
    return notices.representative_ids(programme)


def _apply(programme: Programme, name: str, *, actor, comment: str) -> Programme:
    from_state = programme.status
    getattr(programme, name)()
    programme.save()
    _after(programme, name, actor, comment)
    history_record(
        programme=programme,
        actor=actor,
        action=name,
        from_state=from_state,
        to_state=programme.status,
        comment=comment,
    )
    notice = NOTICE_OF.get(name)
    if notice:
        notices.notify(programme, notice, _recipients(programme, name))
    return programme


def _system_transition(programme: Programme, name: str, *, actor=None, comment=""):
    """A transition the portal takes by its rules (a failed or missed
    surveillance suspends, a passed expiry date expires)."""
    return _apply(programme, name, actor=actor, comment=str(comment))


@_atomic
def programme_transition(
    *, programme_id, name: str, actor, comment: str = "", expected_status=None
) -> Programme:
    """Take transition ``name``, or say why not: unseen (404), wrong state
    (409), not the actor's role (403), then its conditions (409 or 400)."""
    programme = _lock(programme_id, actor)
    if name not in permissions.TRANSITION_RIGHTS:
        raise ApplicationError(_("Unknown transition."), code="not_found")
    if expected_status and programme.status != expected_status:
        raise Conflict(
            _(
                "This programme changed meanwhile: it is now “%(status)s”. "
                "Reload the page to see what happened."
            )
            % {"status": programme.get_status_display()}
        )
    permissions.require(permissions.can_take(programme, actor, name))
    comment = _text(comment, field="comment", required=False)
    _conditions(programme, name, comment)
    return _apply(programme, name, actor=actor, comment=comment)


def transition_refusal(programme: Programme, user, name: str):
    """``can_take``, then the conditions (what the person still has to type
    is not a refusal here: the form asks for it)."""
    decision = permissions.can_take(programme, user, name)
    if not decision:
        return decision
    try:
        _conditions(programme, name, "-")
    except ApplicationError as exc:
        if exc.field == "comment":
            return permissions.ALLOWED
        return permissions.Decision(False, exc.code, str(exc.message))
    return permissions.ALLOWED


# --- surveillance, expiry and reminders (daily) ----------------------------------
