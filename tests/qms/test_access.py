"""Every QMS route with an object, found in the URL configuration (a new
route cannot skip this): a programme's routes do not exist for those who
may not see it, certificates and organisations are public."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from qms.models import Status
from tests.standards.test_access_matrix import (
    NOT_A_STANDARD,
    QMS_PROGRAMME,
    QMS_PUBLIC,
    _routes,
)

pytestmark = pytest.mark.django_db

QMS_ROUTES = {
    name: rule
    for name, rule in NOT_A_STANDARD.items()
    if rule in (QMS_PROGRAMME, QMS_PUBLIC)
}
GET = {
    "qms:certificate",
    "qms:certificate_pdf",
    "qms:programme",
    "qms:document",
    "api:qms-certificate",
    "api:qms-programme",
    "api:qms-programme-transitions",
    "committees:organisation",
}


def test_every_qms_route_is_listed():
    found = {
        name
        for name, _pattern in _routes()
        if name.startswith(("qms:", "api:qms-")) or name == "committees:organisation"
    }
    with_object = {name for name in found if name in QMS_ROUTES}
    assert with_object == set(QMS_ROUTES)


def _kwargs(pattern, programme, certificate):
    audit = programme.audits.first()
    finding = audit.findings.first() if audit else None
    version = programme.documents.first().versions.first()
    values = {
        "pk": programme.pk,
        "number": certificate.number,
        "slug": programme.organisation.slug,
        "name": "suspend",
        "action": "edit",
        "version_id": version.pk,
        "audit_id": audit.pk,
        "finding_id": getattr(finding, "pk", 1),
    }
    return {key: values[key] for key in pattern.pattern.converters}


@pytest.mark.parametrize("name", sorted(QMS_ROUTES))
def test_who_reaches_each_route(name, qms_world, walk):
    programme = walk.to(Status.CERTIFIED)
    certificate = programme.certificates.get()
    certificate.pdf_state = "ready"
    from django.core.files.base import ContentFile

    certificate.pdf.save("c.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    pattern = dict(_routes())[name]
    url = reverse(name, kwargs=_kwargs(pattern, programme, certificate))
    api = name.startswith("api:")
    for user, allowed in (
        (qms_world.stranger, False),
        (qms_world.other_member, False),
        (qms_world.colleague, True),
    ):
        client = APIClient()
        client.force_login(user)
        method = client.get if name in GET else client.post
        response = method(url)
        if QMS_ROUTES[name] == QMS_PUBLIC or (allowed and name in GET):
            assert response.status_code not in (403, 404, 500), (name, user)
        elif allowed:
            # Seen, but acting is the roles' (a colleague is not a
            # representative): refused, not hidden.
            assert response.status_code in (400, 403, 409), (name, user)
        else:
            assert response.status_code == 404, (name, user, response.status_code)
        if api:
            assert response["Content-Type"].startswith("application/")
