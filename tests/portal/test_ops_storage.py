"""Media on an S3-compatible object store (S3_* settings, django-storages):
uploads and rendered PDFs go to the bucket, and a download is a redirect to a
short-lived presigned URL, given only after the permission check. Against a
real S3 server (moto in server mode) started by the test, over HTTP."""

import hashlib
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from standards import services
from standards.models import Audit, Edition
from tests.factories import UserFactory
from tests.standards.conftest import markdown_file

from .ops_fixtures import s3_endpoint_fixture, s3_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

NOTES = "# Notes\n\n评测 notes.\n"


def _fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
        return answer.read(), answer.headers


def _presigned(response, s3) -> str:
    assert response.status_code == 302, response.content
    url = response["Location"]
    assert url.startswith(f"{s3.endpoint}/{s3.bucket}/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    assert response["Cache-Control"] == "private, no-store"
    return url


def _draft_with_notes(lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Scope\n\nEvaluating medical LLMs.\n",
        change_summary="First version",
        files=[markdown_file("notes.md", NOTES)],
    )
    return standard


def test_uploads_and_pdfs_live_in_the_bucket_and_download_through_presigned_urls(
    s3, lifecycle, world, client, settings, django_capture_on_commit_callbacks
):
    standard = _draft_with_notes(lifecycle, world)
    attachment = standard.versions.get().attachments.get()
    # The upload is an object of the bucket, not a file under MEDIA_ROOT.
    assert attachment.file.name in s3.keys
    assert s3.read(attachment.file.name) == NOTES.encode()
    assert not (settings.MEDIA_ROOT).exists() or not any(
        path.is_file() for path in settings.MEDIA_ROOT.rglob("*")
    )

    # Through the lifecycle to publication: the certificate and the edition
    # are rendered (Celery eager, WeasyPrint) into the bucket.
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
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "certify", world.auditor)
    audit = Audit.objects.get(standard=standard, outcome="certified")
    assert audit.certificate_state == "ready", audit.certificate_error
    assert audit.certificate_pdf.name in s3.keys

    # Before publication the certificate is working material: refused to a
    # visitor and a stranger, given to the submitting organisation.
    certificate_url = reverse("standards_pdf:certificate_pdf", kwargs={"pk": audit.pk})
    assert client.get(certificate_url).status_code == 404
    client.force_login(UserFactory())
    refused = client.get(certificate_url)
    assert refused.status_code == 404
    assert "Location" not in refused
    client.force_login(world.member)
    data, headers = _fetch(_presigned(client.get(certificate_url), s3))
    assert data.startswith(b"%PDF")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("inline; filename=")
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.go(standard, "publish", world.leader)
    edition = Edition.objects.get(standard=standard)
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error
    assert edition.pdf.name in s3.keys
    stored = s3.read(edition.pdf.name)
    assert hashlib.sha256(stored).hexdigest() == edition.pdf_sha256

    # The edition is public: a visitor is sent to a presigned URL that
    # serves exactly the rendered bytes.
    response = client.get(
        reverse("standards_pdf:edition_pdf", kwargs={"pk": edition.pk})
    )
    data, headers = _fetch(_presigned(response, s3))
    assert data == stored
    assert headers["Content-Type"] == "application/pdf"

    # The attachment stays working material after publication.
    attachment_url = reverse(
        "api:standard-attachment-download",
        kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
    )
    refused = client.get(attachment_url)
    assert refused.status_code == 404
    assert "Location" not in refused
    client.force_login(world.member)
    response = client.get(attachment_url)
    data, headers = _fetch(_presigned(response, s3))
    assert data == NOTES.encode()
    assert headers["Content-Disposition"] == 'attachment; filename="notes.md"'
    assert response["ETag"] == f'"{hashlib.sha256(NOTES.encode()).hexdigest()}"'
    # The ETag still answers 304 without a new URL.
    again = client.get(attachment_url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_presigned_url_names_only_its_object(s3, lifecycle, world, client):
    standard = _draft_with_notes(lifecycle, world)
    attachment = standard.versions.get().attachments.get()
    client.force_login(world.member)
    url = _presigned(
        client.get(
            reverse(
                "api:standard-attachment-download",
                kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
            )
        ),
        s3,
    )
    assert urlsplit(url).path == f"/{s3.bucket}/{attachment.file.name}"


def test_the_file_system_hands_a_file_to_the_proxy_with_x_accel_redirect(
    lifecycle, world, client, settings
):
    settings.PORTAL_FILES_ACCEL = True
    standard = _draft_with_notes(lifecycle, world)
    attachment = standard.versions.get().attachments.get()
    client.force_login(world.member)
    url = reverse(
        "api:standard-attachment-download",
        kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/media/{attachment.file.name}"
    assert response.content == b""
    assert response["Content-Disposition"] == 'attachment; filename="notes.md"'
    assert response["Content-Type"].startswith("text/markdown")

    # A file missing from the volume is a 404 problem, not an empty answer.
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(url).status_code == 404

    # Refused before the proxy is asked anything.
    client.force_login(world.stranger)
    refused = client.get(url)
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_behind_the_proxy_the_object_store_is_fetched_by_the_proxy(
    s3, lifecycle, world, client, settings
):
    settings.PORTAL_FILES_ACCEL = True
    standard = _draft_with_notes(lifecycle, world)
    attachment = standard.versions.get().attachments.get()
    url = reverse(
        "api:standard-attachment-download",
        kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
    )
    assert client.get(url).status_code == 404
    client.force_login(world.member)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == b""
    accel = response["X-Accel-Redirect"]
    host = s3.endpoint.removeprefix("http://")
    prefix = f"/_s3/http/{host}/{s3.bucket}/{attachment.file.name}?"
    assert accel.startswith(prefix)
    # What nginx's /_s3/ location fetches: the presigned URL, which serves
    # the file under its name.
    data, headers = _fetch("http://" + accel.removeprefix("/_s3/http/"))
    assert data == NOTES.encode()
    assert headers["Content-Disposition"] == 'attachment; filename="notes.md"'
