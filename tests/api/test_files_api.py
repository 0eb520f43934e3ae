"""Attachments, edition PDFs and certificates downloaded with a token, under
the pages' rules: the right bytes (their SHA-256 as in the metadata), the
file's name in ``Content-Disposition``, refusals as problems and never a
redirect to the sign-in page."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from standards import services
from standards.models import Audit, Edition
from tests.standards.conftest import markdown_file

from .conftest import assert_error

pytestmark = pytest.mark.django_db

FILE_NAME = "评测 notes é.md"
FILE_TEXT = "# 评测\n\nNotes on the evaluation.\n"
EDITION_PDF = b"%PDF-1.4\n% edition\n"
CERTIFICATE_PDF = b"%PDF-1.4\n% certificate\n"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _with_file(lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Scope\n\nEvaluating medical LLMs.\n",
        change_summary="First version",
        files=[markdown_file(FILE_NAME, FILE_TEXT)],
    )
    return standard


def _to_audit(lifecycle, world, standard):
    lifecycle.go(standard, "submit", world.member)
    services.experts_assign(
        standard_id=standard.pk,
        actor=world.deputy,
        experts=[world.expert1, world.expert2],
    )
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    lifecycle.go(standard, "advance_to_audit", world.deputy)


def _ready_certificate(standard, *, sha256=True) -> Audit:
    audit = Audit.objects.get(standard=standard, outcome="certified")
    audit.certificate_pdf.save("c.pdf", ContentFile(CERTIFICATE_PDF), save=False)
    audit.certificate_state = "ready"
    audit.certificate_size = len(CERTIFICATE_PDF)
    audit.certificate_sha256 = _sha(CERTIFICATE_PDF) if sha256 else ""
    audit.save()
    return audit


def _ready_edition(standard, *, sha256=True) -> Edition:
    edition = Edition.objects.get(standard=standard)
    edition.pdf.save("e.pdf", ContentFile(EDITION_PDF), save=False)
    edition.pdf_state = Edition.PdfState.READY
    edition.pdf_size = len(EDITION_PDF)
    edition.pdf_sha256 = _sha(EDITION_PDF) if sha256 else ""
    edition.save()
    return edition


@pytest.fixture
def certified(lifecycle, world, no_pdf_renders):
    standard = _with_file(lifecycle, world)
    _to_audit(lifecycle, world, standard)
    lifecycle.go(standard, "certify", world.auditor)
    _ready_certificate(standard)
    return standard


@pytest.fixture
def published(lifecycle, world, no_pdf_renders):
    standard = _with_file(lifecycle, world)
    _to_audit(lifecycle, world, standard)
    lifecycle.go(standard, "certify", world.auditor)
    lifecycle.go(standard, "publish", world.leader)
    _ready_certificate(standard, sha256=False)  # computed when first asked
    _ready_edition(standard)
    standard.refresh_from_db()
    return standard


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _download(client, url, data: bytes, content_type: str):
    response = client.get(url, HTTP_ACCEPT="application/pdf, */*")
    assert response.status_code == 200, response.content
    body = _body(response)
    assert body == data
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Length"] == str(len(data))
    assert response["ETag"] == f'"{_sha(data)}"'
    assert response["Content-Disposition"].startswith("attachment; filename")
    return response


def test_the_draft_audience_downloads_an_attachment_with_its_name(
    certified, world, as_user
):
    member = as_user(world.member)
    version = member.get(f"/api/v1/standards/{certified.pk}/versions/").json()
    version = version["results"][0] if "results" in version else version[0]
    attachment = version["attachments"][0]
    assert attachment["size"] == len(FILE_TEXT.encode())
    assert attachment["sha256"] == _sha(FILE_TEXT.encode())
    url = attachment["download_url"]
    assert url.startswith("http://testserver/api/v1/standards/")
    response = _download(member, url, FILE_TEXT.encode(), "text/markdown")
    # RFC 6266 / 5987: an ASCII fallback, and the name itself in UTF-8.
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''%E8%AF%84%E6%B5%8B%20notes%20%C3%A9.md" in disposition
    again = member.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_an_attachment_is_refused_outside_the_draft_audience(
    certified, world, as_user, lifecycle
):
    attachment = certified.versions.get().attachments.get()
    url = reverse(
        "api:standard-attachment-download",
        kwargs={"pk": certified.pk, "attachment_id": attachment.pk},
    )
    for user in (None, world.other_member, world.other_deputy, world.stranger):
        response = as_user(user).get(url)
        assert_error(response, 404, "not_found")
    # An attachment named under another standard is not found either.
    other = _with_file(lifecycle, world)
    response = as_user(world.member).get(
        reverse(
            "api:standard-attachment-download",
            kwargs={"pk": other.pk, "attachment_id": attachment.pk},
        )
    )
    assert_error(response, 404, "not_found")


def test_everyone_downloads_a_published_editions_pdf(published, world, as_user):
    body = as_user(None).get(f"/api/v1/standards/{published.pk}/").json()
    edition = body["editions"][0]
    assert edition["pdf_sha256"] == _sha(EDITION_PDF)
    assert edition["pdf_size"] == len(EDITION_PDF)
    assert edition["pdf_url"]  # the page's address, kept
    url = edition["pdf_download_url"]
    assert url == (f"http://testserver/api/v1/standards/{published.pk}/editions/1/pdf/")
    for user in (None, world.member, world.stranger):
        response = _download(as_user(user), url, EDITION_PDF, "application/pdf")
        name = f"{slugify(published.number)}-edition-1.pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_a_certificate_is_working_material_until_published(certified, world, as_user):
    audit = Audit.objects.get(standard=certified, outcome="certified")
    audits = as_user(world.member).get(f"/api/v1/standards/{certified.pk}/audits/")
    data = audits.json()
    item = data.get("results", data)[0]
    assert item["certificate_url"]  # the page's address, kept
    assert item["certificate_sha256"] == _sha(CERTIFICATE_PDF)
    url = item["certificate_download_url"]
    assert url == (
        f"http://testserver/api/v1/standards/{certified.pk}/audits/{audit.pk}/"
        "certificate/"
    )
    for user in (world.member, world.deputy, world.auditor, world.leader):
        _download(as_user(user), url, CERTIFICATE_PDF, "application/pdf")
    for user in (None, world.other_member, world.other_deputy, world.stranger):
        response = as_user(user).get(url)
        assert_error(response, 404, "not_found")


def test_a_published_certificate_is_public_and_its_sha256_computed_once(
    published, world, as_user
):
    audit = Audit.objects.get(standard=published, outcome="certified")
    url = reverse(
        "api:standard-audit-certificate",
        kwargs={"pk": published.pk, "audit_id": audit.pk},
    )
    _download(as_user(None), url, CERTIFICATE_PDF, "application/pdf")
    audit.refresh_from_db()
    assert audit.certificate_sha256 == _sha(CERTIFICATE_PDF)


def test_a_bearer_client_is_never_sent_to_sign_in(certified, world, as_user):
    audit = Audit.objects.get(standard=certified, outcome="certified")
    attachment = certified.versions.get().attachments.get()
    urls = [
        reverse(
            "api:standard-audit-certificate",
            kwargs={"pk": certified.pk, "audit_id": audit.pk},
        ),
        reverse(
            "api:standard-attachment-download",
            kwargs={"pk": certified.pk, "attachment_id": attachment.pk},
        ),
        reverse("api:standard-edition-pdf", kwargs={"pk": certified.pk, "edition": 1}),
    ]
    for url in urls:
        stranger = as_user(world.stranger).get(url)
        assert_error(stranger, 404, "not_found")
        bad = Client().get(url, HTTP_AUTHORIZATION="Bearer not-a-token")
        assert_error(bad, 401)
        assert "Location" not in bad and "Location" not in stranger


@pytest.mark.parametrize(
    ("state", "code", "retry"),
    [("pending", "pdf_not_ready", True), ("failed", "pdf_failed", False)],
)
def test_a_pdf_not_rendered_yet_is_a_conflict_to_retry(
    published, as_user, state, code, retry
):
    Edition.objects.filter(standard=published).update(pdf_state=state)
    url = reverse("api:standard-edition-pdf", kwargs={"pk": published.pk, "edition": 1})
    response = as_user(None).get(url)
    assert_error(response, 409, code)
    assert ("Retry-After" in response) is retry
    body = as_user(None).get(f"/api/v1/standards/{published.pk}/").json()
    assert body["editions"][0]["pdf_download_url"] is None


def test_an_edition_that_does_not_exist_is_not_found(published, as_user):
    url = reverse("api:standard-edition-pdf", kwargs={"pk": published.pk, "edition": 2})
    assert_error(as_user(None).get(url), 404, "not_found")
