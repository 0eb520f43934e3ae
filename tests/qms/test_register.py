"""The public register, the verification page and the certificate's PDF
with its QR code."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from qms import pdf, services
from qms.models import Certificate, Status

pytestmark = pytest.mark.django_db


def _certify_org(walk, qms_world, organisation, username):
    from committees.models import Role
    from tests.factories import user_with_role

    member = user_with_role(
        Role.Kind.MEMBER_REPRESENTATIVE, organisation=organisation, username=username
    )
    saved = (qms_world.member, qms_world.organisation)
    qms_world.member, qms_world.organisation = member, organisation
    try:
        return walk.to(Status.CERTIFIED)
    finally:
        qms_world.member, qms_world.organisation = saved


@pytest.fixture
def register_world(qms_world, walk):
    from tests.factories import OrganisationFactory

    valid = walk.to(Status.CERTIFIED)
    suspended = _certify_org(
        walk, qms_world, OrganisationFactory(name="Fudan University"), "fudan"
    )
    services.programme_transition(
        programme_id=suspended.pk, name="suspend", actor=qms_world.leader, comment="x"
    )
    withdrawn = _certify_org(
        walk, qms_world, OrganisationFactory(name="Zhejiang University"), "zju"
    )
    services.programme_transition(
        programme_id=withdrawn.pk, name="withdraw", actor=qms_world.leader, comment="y"
    )
    expired = _certify_org(
        walk, qms_world, OrganisationFactory(name="Nanjing University"), "nju"
    )
    Certificate.objects.filter(programme=expired).update(
        expires_on=dt.date.today() - dt.timedelta(days=1)
    )
    return {
        "valid": valid,
        "suspended": suspended,
        "withdrawn": withdrawn,
        "expired": expired,
    }


def test_the_register_shows_the_right_status_for_each_case(
    client, register_world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("qms:index"))
    assert response.status_code == 200
    rows = {c.programme_id: c.status for c in response.context["certificates"]}
    assert rows == {p.pk: status for status, p in register_world.items()}
    html = response.content.decode()
    for label in ("Valid", "Suspended", "Withdrawn", "Expired"):
        assert label in html


def test_the_register_is_searchable_and_filtered_by_status(client, register_world):
    response = client.get(reverse("qms:index"), {"q": "fudan"})
    assert [
        c.programme.organisation.name for c in response.context["certificates"]
    ] == ["Fudan University"]
    response = client.get(reverse("qms:index"), {"status": "withdrawn"})
    assert [c.programme_id for c in response.context["certificates"]] == [
        register_world["withdrawn"].pk
    ]
    # Rubbish in the query string is ignored, not an error.
    response = client.get(reverse("qms:index"), {"status": "nonsense", "q": "x" * 900})
    assert response.status_code == 200


def test_the_register_exports_as_csv(client, register_world):
    response = client.get(reverse("qms:register_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Certificate number"
    assert len(rows) == 5
    statuses = {row[1]: row[5] for row in rows[1:]}
    assert statuses["Nanjing University"] == "Expired"
    assert statuses["Peking University"] == "Valid"


def test_anyone_verifies_a_certificate_by_its_number(client, register_world):
    certificate = register_world["valid"].certificates.get()
    response = client.get(certificate.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid today" in html and certificate.number in html
    suspended = register_world["suspended"].certificates.get()
    html = client.get(suspended.get_absolute_url()).content.decode()
    assert "Not valid today" in html and "Suspended" in html


def test_an_unknown_certificate_number_is_not_found(client, db):
    response = client.get(reverse("qms:certificate", args=["LLMSWG-QMS 9999:2026"]))
    assert response.status_code == 404


def _decode(image) -> list[str]:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image)]


def test_the_qr_code_decodes_to_the_verification_page(qms_world, walk, settings):
    from PIL import Image

    settings.PORTAL_BASE_URL = "https://portal.example.org/"
    programme = walk.to(Status.CERTIFIED)
    certificate = programme.certificates.get()
    url = pdf.verification_url(certificate)
    assert url == (
        "https://portal.example.org/qms/certificates/"
        + certificate.number.replace(" ", "%20")
        + "/"
    )
    buffer = io.BytesIO()
    pdf.qr_code(url).save(buffer, kind="png", scale=6)
    assert _decode(Image.open(io.BytesIO(buffer.getvalue()))) == [url]


@pytest.mark.cjk_font
def test_issuing_renders_the_pdf_whose_qr_code_leads_to_the_page(
    qms_world, walk, settings, client, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    settings.PORTAL_BASE_URL = "https://portal.example.org"
    programme = walk.to(Status.EXTERNAL_AUDIT)
    walk.passed_audit(programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.programme_transition(
            programme_id=programme.pk, name="certify", actor=qms_world.leader
        )
    certificate = programme.certificates.get()
    assert certificate.pdf_state == "ready", certificate.pdf_error
    response = client.get(reverse("qms:certificate_pdf", args=[certificate.number]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    assert certificate.number in text and "Peking University" in text
    (image,) = reader.pages[0].images
    assert _decode(image.image) == [
        "https://portal.example.org" + certificate.get_absolute_url()
    ]


def test_a_certificate_render_is_counted_in_the_metrics(
    qms_world, walk, settings, client, django_capture_on_commit_callbacks
):
    settings.PORTAL_METRICS_TOKEN = "metrics-token-for-the-tests"
    prefix = (
        'portal_pdf_render_seconds_count{document="qms_certificate",outcome="ready"}'
    )

    def rendered() -> float:
        response = client.get(
            "/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-for-the-tests"
        )
        assert response.status_code == 200
        for line in response.content.decode().splitlines():
            if line.startswith(prefix):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = rendered()
    programme = walk.to(Status.EXTERNAL_AUDIT)
    walk.passed_audit(programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.programme_transition(
            programme_id=programme.pk, name="certify", actor=qms_world.leader
        )
    assert programme.certificates.get().pdf_state == "ready"
    assert rendered() == before + 1
