"""Reads of the QMS that pages and the API share."""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import ApplicationError

from . import permissions
from .models import (
    Audit,
    Certificate,
    CertificateStatus,
    Document,
    DocumentVersion,
    Finding,
    Programme,
    QmsStep,
)


def steps():
    return QmsStep.objects.all()


def register(*, query: str = "", status: str = "", today=None):
    """The public register: every certificate issued (a superseded one is
    left out: its successor stands in the register), with its status today,
    searchable by number, organisation and scope."""
    today = today or timezone.localdate()
    qs = (
        Certificate.objects.filter(superseded_on__isnull=True)
        .with_status(today)
        .select_related("programme__organisation")
        .order_by("-issued_on", "-pk")
    )
    query = (query or "").strip()[:200]
    if query:
        qs = qs.filter(
            Q(number__icontains=query)
            | Q(programme__organisation__name__icontains=query)
            | Q(programme__organisation__name_zh__icontains=query)
            | Q(scope__icontains=query)
            | Q(scope_zh__icontains=query)
        )
    if status in CertificateStatus.values:
        qs = qs.filter(status_value=status)
    return qs


def certificate_get(*, number: str) -> Certificate:
    certificate = (
        Certificate.objects.with_status()
        .select_related("programme__organisation", "audit")
        .filter(number=number)
        .first()
    )
    if certificate is None:
        raise ApplicationError(_("No certificate has this number."), code="not_found")
    return certificate


def programme_detail(*, programme_id, user) -> Programme:
    """A programme with everything its working page shows, or 404."""
    programme = (
        Programme.objects.select_related("organisation")
        .prefetch_related(
            "processes",
            "committee__expert__person",
            "votes__expert__person",
            "concerns__author__person",
            Prefetch(
                "documents",
                queryset=Document.objects.prefetch_related(
                    Prefetch(
                        "versions",
                        queryset=DocumentVersion.objects.order_by("-number"),
                    )
                ),
            ),
            Prefetch(
                "audits",
                queryset=Audit.objects.prefetch_related(
                    Prefetch("findings", queryset=Finding.objects.order_by("pk"))
                ),
            ),
            Prefetch("certificates", queryset=Certificate.objects.with_status()),
            "history__actor__person",
        )
        .filter(pk=programme_id)
        .first()
        if str(programme_id).isdigit()
        else None
    )
    if programme is None or not permissions.can_see_programme(programme, user):
        raise ApplicationError(_("No such QMS programme."), code="not_found")
    return programme


def programme_visible(*, programme_id, user) -> Programme:
    """The programme, if ``user`` sees it (404 otherwise), unloaded."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None or not permissions.can_see_programme(programme, user):
        raise ApplicationError(_("No such QMS programme."), code="not_found")
    return programme


def programmes_for(user):
    return (
        permissions.visible_programmes(user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def document_version_get(*, version_id, user) -> DocumentVersion:
    version = (
        DocumentVersion.objects.select_related("document__programme")
        .filter(pk=version_id)
        .first()
        if str(version_id).isdigit()
        else None
    )
    if version is None or not permissions.can_see_programme(
        version.document.programme, user
    ):
        raise ApplicationError(_("No such document."), code="not_found")
    return version


def organisation_qms(*, organisation, user) -> dict:
    """What an organisation's public page shows of its QMS: the programme's
    state, its current certificate, and a link for those who see it."""
    programme = (
        Programme.objects.filter(organisation=organisation)
        .prefetch_related(
            Prefetch(
                "certificates",
                queryset=Certificate.objects.with_status().filter(
                    superseded_on__isnull=True
                ),
            )
        )
        .first()
    )
    if programme is None:
        return {
            "programme": None,
            "certificate": None,
            "can_start": bool(permissions.can_start_programme(organisation, user)),
        }
    certificates = sorted(
        programme.certificates.all(), key=lambda c: (c.issued_on, c.pk), reverse=True
    )
    return {
        "programme": programme,
        "certificate": certificates[0] if certificates else None,
        "can_see": permissions.can_see_programme(programme, user),
        "can_start": False,
    }
