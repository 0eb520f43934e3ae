"""Pages of the QMS: the public steps, register and verification; the
working page of a programme with the forms of each role. Views parse,
call a service, and answer; a refusal shows the working page again with
its reason and status."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees.models import Role
from portal.errors import ApplicationError

from . import permissions, selectors, services
from .models import (
    STEP_STATES,
    Audit,
    CertificateStatus,
    Document,
    Finding,
    Status,
    Vote,
)


def _requirements():
    """What each step asks for in the portal (beside the seed's words)."""
    return {
        1: _(
            "The organisation's representatives set the scope of the QMS, its "
            "quality policy and its quality objectives."
        ),
        2: _(
            "They list the core business processes, each with its owner and "
            "the improvement or advantage sought."
        ),
        3: _(
            "They upload the documents — the quality manual, process "
            "descriptions and procedures — as versions, checked as "
            "standards' files are."
        ),
        4: _(
            "The leader or a deputy leader appoints a committee of experts; a "
            "majority must approve with no blocking concern open, or changes "
            "are requested."
        ),
        5: _(
            "An external audit is scheduled (stage 1 documentation review, "
            "stage 2 implementation audit) and its findings recorded; major "
            "nonconformities must be closed."
        ),
        6: _(
            "The leader or a deputy leader decides and the certificate is "
            "issued for three years, with a surveillance audit every year."
        ),
    }


def index(request):
    """The six steps, and the public register of certificates."""
    query = request.GET.get("q", "")
    status = request.GET.get("status", "")
    certificates = list(selectors.register(query=query, status=status)[:500])
    requirements = _requirements()
    steps = [
        {"step": step, "requires": requirements.get(step.order, "")}
        for step in selectors.steps()
    ]
    mine = []
    if request.user.is_authenticated:
        mine = list(selectors.programmes_for(request.user)[:200])
    return render(
        request,
        "qms/index.html",
        {
            "steps": steps,
            "certificates": certificates,
            "query": query,
            "status": status,
            "statuses": CertificateStatus.choices,
            "programmes": mine,
            "step_states": STEP_STATES,
        },
    )


def register_csv(request):
    """The register as CSV, with the same search."""
    rows = selectors.register(
        query=request.GET.get("q", ""), status=request.GET.get("status", "")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="qms-register.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Certificate number"),
            _("Organisation"),
            _("Scope"),
            _("Issued on"),
            _("Expires on"),
            _("Status"),
        ]
    )
    for c in rows:
        writer.writerow(
            [
                c.number,
                _safe_cell(str(c.programme.organisation)),
                _safe_cell(c.scope),
                c.issued_on.isoformat(),
                c.expires_on.isoformat(),
                c.get_status_display(),
            ]
        )
    return response


def _safe_cell(value: str) -> str:
    # A cell a spreadsheet would run as a formula is given as text.
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def certificate(request, number):
    """The verification page: anyone sees whether a certificate is valid."""
    try:
        cert = selectors.certificate_get(number=number)
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    return render(
        request,
        "qms/certificate.html",
        {"certificate": cert, "today": timezone.localdate()},
    )


def certificate_pdf(request, number):
    try:
        cert = selectors.certificate_get(number=number)
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    if not cert.pdf or cert.pdf_state != cert.PdfState.READY:
        raise Http404(_("The certificate's PDF is being prepared."))
    return FileResponse(
        cert.pdf.open("rb"),
        as_attachment=False,
        filename=f"{cert.number}.pdf",
        content_type="application/pdf",
    )


# --- the working page -----------------------------------------------------------


def _experts():
    return (
        Role.objects.current()
        .filter(kind=Role.Kind.EXPERT, person__user__isnull=False)
        .select_related("person")
        .order_by("person__name")
        .distinct()
    )


def _page(request, pk, *, error=None, status=200):
    try:
        programme = selectors.programme_detail(programme_id=pk, user=request.user)
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    user = request.user
    transitions = [
        {
            "name": name,
            "label": services.TRANSITION_LABELS[name],
            "refusal": services.transition_refusal(programme, user, name),
            "needs_comment": name in services.COMMENT_REQUIRED,
        }
        for name in permissions.transitions_open_to(programme, user)
    ]
    certificates = list(programme.certificates.all())
    context = {
        "programme": programme,
        "transitions": transitions,
        "tally": services.committee_tally(programme),
        "can_edit": permissions.can_edit(programme, user),
        "can_upload": permissions.can_upload(programme, user),
        "can_appoint": permissions.can_appoint(programme, user),
        "can_review": permissions.can_review(programme, user),
        "can_record_audit": permissions.can_record_audit(programme, user),
        "is_leader": permissions.is_leader(programme, user),
        "experts": _experts() if permissions.can_appoint(programme, user) else [],
        "document_kinds": Document.Kind.choices,
        "audit_kinds": Audit.Kind.choices,
        "grades": Finding.Grade.choices,
        "decisions": Vote.Decision.choices,
        "certificates": certificates,
        "round_votes": [
            v for v in programme.votes.all() if v.round == programme.approval_round
        ],
        "step": next(
            (order for order, s in STEP_STATES.items() if s == programme.status), None
        ),
        "error": error,
        "Status": Status,
    }
    return render(request, "qms/programme.html", context, status=status)


@login_required
def programme(request, pk):
    return _page(request, pk)


@login_required
def programmes(request):
    return redirect("qms:index")


@require_POST
@login_required
def programme_start(request):
    try:
        programme = services.programme_start(
            organisation_id=request.POST.get("organisation"), actor=request.user
        )
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
        return redirect("qms:index")
    messages.success(request, _("The QMS programme is started."))
    return redirect(programme)


def _call(request, pk, call, success):
    try:
        call(request.POST)
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        return _page(request, pk, error=exc, status=exc.status)
    messages.success(request, success)
    return redirect("qms:programme", pk=pk)


def _actions(request, pk):
    user = request.user
    files = request.FILES
    return {
        "edit": (
            lambda d: services.programme_update(
                programme_id=pk,
                actor=user,
                scope=d.get("scope", ""),
                scope_zh=d.get("scope_zh", ""),
                quality_policy=d.get("quality_policy", ""),
                quality_objectives=d.get("quality_objectives", ""),
            ),
            _("Saved."),
        ),
        "process": (
            lambda d: services.process_add(
                programme_id=pk,
                actor=user,
                name=d.get("name", ""),
                owner=d.get("owner", ""),
                improvement=d.get("improvement", ""),
            ),
            _("The process is added."),
        ),
        "process-remove": (
            lambda d: services.process_remove(process_id=d.get("process"), actor=user),
            _("The process is removed."),
        ),
        "upload": (
            lambda d: services.document_upload(
                programme_id=pk,
                actor=user,
                upload=files.get("file"),
                kind=d.get("kind", ""),
                title=d.get("title", ""),
                document_id=d.get("document") or None,
            ),
            _("The document is uploaded."),
        ),
        "appoint": (
            lambda d: services.committee_appoint(
                programme_id=pk, actor=user, expert_id=d.get("expert")
            ),
            _("The expert is appointed to the committee."),
        ),
        "vote": (
            lambda d: services.vote_cast(
                programme_id=pk,
                actor=user,
                decision=d.get("decision", ""),
                note=d.get("note", ""),
            ),
            _("Your vote is recorded."),
        ),
        "comment": (
            lambda d: services.concern_raise(
                programme_id=pk,
                actor=user,
                text=d.get("text", ""),
                blocking=d.get("blocking") == "on",
            ),
            _("Your comment is recorded."),
        ),
        "resolve": (
            lambda d: services.concern_resolve(concern_id=d.get("concern"), actor=user),
            _("The concern is resolved."),
        ),
        "audit": (
            lambda d: services.audit_schedule(
                programme_id=pk,
                actor=user,
                kind=d.get("kind", ""),
                audit_body=d.get("audit_body", ""),
                lead_auditor=d.get("lead_auditor", ""),
                stage1_date=d.get("stage1_date", ""),
                stage2_date=d.get("stage2_date", ""),
            ),
            _("The audit is scheduled."),
        ),
        "finding": (
            lambda d: services.finding_add(
                audit_id=d.get("audit"),
                actor=user,
                grade=d.get("grade", ""),
                description=d.get("description", ""),
                corrective_action=d.get("corrective_action", ""),
                owner=d.get("owner", ""),
                due=d.get("due", ""),
            ),
            _("The finding is recorded."),
        ),
        "finding-close": (
            lambda d: services.finding_close(
                finding_id=d.get("finding"), actor=user, note=d.get("note", "")
            ),
            _("The finding is closed."),
        ),
        "audit-complete": (
            lambda d: services.audit_complete(
                audit_id=d.get("audit"),
                actor=user,
                outcome=d.get("outcome", ""),
                report=d.get("report", ""),
            ),
            _("The audit's outcome is recorded."),
        ),
    }


@require_POST
@login_required
def programme_action(request, pk, action):
    actions = _actions(request, pk)
    if action not in actions:
        raise Http404(_("Unknown action."))
    call, success = actions[action]
    return _call(request, pk, call, success)


@require_POST
@login_required
def transition(request, pk, name):
    if name not in permissions.TRANSITION_RIGHTS:
        raise Http404(_("Unknown transition."))
    return _call(
        request,
        pk,
        lambda d: services.programme_transition(
            programme_id=pk,
            name=name,
            actor=request.user,
            comment=d.get("comment", ""),
            expected_status=d.get("expected_status") or None,
        ),
        _("Done: %(transition)s.") % {"transition": services.TRANSITION_LABELS[name]},
    )


@login_required
def document(request, version_id):
    try:
        version = selectors.document_version_get(
            version_id=version_id, user=request.user
        )
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    from standards.uploads import download_name

    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=download_name(version.original_name, version.extension),
        content_type=version.content_type,
    )
