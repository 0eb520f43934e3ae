"""Hostile uploads: oversized bodies (streamed, measured by the bytes the
server reads and stores), anonymous uploads, zip bombs, renamed and polyglot
files. Bounds are asserted on bytes and memory, never on wall-clock time."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as token_services
from portal.api_http import PROBLEM_MEMBERS
from portal.errors import ApplicationError
from standards import uploads
from standards.models import Attachment
from tests.standards import conftest as standards_fixtures

world = standards_fixtures.world
lifecycle = standards_fixtures.lifecycle

MiB = 1024 * 1024
BOUNDARY = "----hostile-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


class StreamedBody:
    """A multipart request body made while it is read, never held whole: the
    form fields, then one file of ``file_size`` bytes (a PDF head and zeros).
    ``bytes_read`` is how much of it the server read."""

    def __init__(self, file_size, *, fields=None, filename="big.pdf"):
        head = b""
        for name, value in (fields or {}).items():
            head += (
                f"--{BOUNDARY}\r\n"
                f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n"
            ).encode()
        head += (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        self.head = head
        self.filler = file_size - len(b"%PDF-1.7\n")
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(self.head) + self.filler + len(self.tail)
        self.bytes_read = 0

    def _take(self, size):
        if size is None or size < 0:
            size = self.length - self.bytes_read
        size = min(size, 1 * MiB, self.length - self.bytes_read)
        start, out = self.bytes_read, bytearray()
        head_end = len(self.head)
        filler_end = head_end + self.filler
        while len(out) < size:
            at = start + len(out)
            want = size - len(out)
            if at < head_end:
                out += self.head[at : at + want]
            elif at < filler_end:
                out += bytes(min(want, filler_end - at))
            else:
                out += self.tail[at - filler_end : at - filler_end + want]
        self.bytes_read += len(out)
        return bytes(out)

    def read(self, size=-1):
        return self._take(size)

    def readline(self, size=-1):
        return self._take(size)

    def environ(self, *, declared=None):
        return {
            "wsgi.input": self,
            "CONTENT_LENGTH": str(self.length if declared is None else declared),
            "CONTENT_TYPE": CONTENT_TYPE,
            "content_type": CONTENT_TYPE,  # the API client's own way
        }


@pytest.fixture
def stored(monkeypatch):
    """The most bytes of one file that Django's own upload handlers (those
    that keep a file, in memory or on disk) were given."""
    seen = {"most": 0}
    for handler_class in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler_class.receive_data_chunk

        def spy(self, raw_data, start, _original=original):
            seen["most"] = max(seen["most"], start + len(raw_data))
            return _original(self, raw_data, start)

        monkeypatch.setattr(handler_class, "receive_data_chunk", spy)
    return seen


def version_url(standard):
    return reverse("standards:version_new", kwargs={"pk": standard.pk})


def api_url(standard):
    return f"/api/v1/standards/{standard.pk}/versions/"


def csrf_client():
    """A browser signed out, holding only a CSRF cookie (as in the report)."""
    client = Client(enforce_csrf_checks=True)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    return client, _mask_cipher_secret(secret)


def bearer(user):
    client = APIClient()
    secret = token_services.token_create(actor=user, name="tests").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


# --- the size of a request, before and while it streams ----------------------


def test_anonymous_300_mb_body_is_refused_before_a_byte_is_read(
    lifecycle,
    stored,
):
    standard = lifecycle.draft()
    client, token = csrf_client()
    body = StreamedBody(300 * MiB, fields={"body": "x"})

    response = client.generic(
        "POST", version_url(standard), HTTP_X_CSRFTOKEN=token, **body.environ()
    )

    assert response.status_code == 413
    assert "The upload is larger than the limit" in response.content.decode()
    assert body.bytes_read == 0
    assert stored["most"] == 0
    assert standard.versions.count() == 1


def test_anonymous_upload_within_the_size_limit_is_refused_unread(
    lifecycle,
    stored,
):
    standard = lifecycle.draft()
    client, token = csrf_client()
    body = StreamedBody(5 * MiB, fields={"body": "x"})

    response = client.generic(
        "POST", version_url(standard), HTTP_X_CSRFTOKEN=token, **body.environ()
    )

    assert response.status_code == 403
    assert "Sign in to upload files." in response.content.decode()
    assert body.bytes_read == 0
    assert stored["most"] == 0


def test_small_anonymous_body_with_a_file_is_refused_at_the_file(
    lifecycle,
    stored,
):
    standard = lifecycle.draft()
    client, token = csrf_client()
    body = StreamedBody(1000, fields={"body": "x"})

    response = client.generic(
        "POST", version_url(standard), HTTP_X_CSRFTOKEN=token, **body.environ()
    )

    assert response.status_code == 403
    assert stored["most"] == 0
    assert not Attachment.objects.exists()


def test_members_oversize_file_stops_being_stored_at_the_limit_and_the_draft_is_kept(
    client, lifecycle, world, settings, stored
):
    settings.MAX_ATTACHMENT_BYTES = 1 * MiB
    standard = lifecycle.draft()
    bodies = list(standard.versions.values_list("body", flat=True))
    client.force_login(world.member)
    body = StreamedBody(
        6 * MiB, fields={"body": "# My new text\n", "change_summary": "v2"}
    )

    response = client.generic("POST", version_url(standard), **body.environ())

    # Post-redirect-get: the form's own page says why, once, with the status.
    assert response.status_code == 302
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 413
    assert "big.pdf is larger than the limit of 1.0" in html
    assert "# My new text" in html  # what was typed is kept in the form
    # Nothing past the limit was kept, and no more than the body was read.
    assert stored["most"] <= settings.MAX_ATTACHMENT_BYTES
    assert body.bytes_read <= body.length
    standard.refresh_from_db()
    assert list(standard.versions.values_list("body", flat=True)) == bodies
    assert not Attachment.objects.exists()


def test_members_body_over_the_request_limit_is_refused_unread(
    client, lifecycle, world, settings, stored
):
    settings.MAX_REQUEST_BYTES = 2 * MiB
    standard = lifecycle.draft()
    client.force_login(world.member)
    body = StreamedBody(300 * MiB, fields={"body": "# text\n"})

    response = client.generic("POST", version_url(standard), **body.environ())

    assert response.status_code == 413
    assert "The upload is larger than the limit of 2.0" in response.content.decode()
    assert body.bytes_read == 0
    assert standard.versions.count() == 1


def test_a_body_cut_off_inside_a_file_is_refused_whole_and_read_no_further(
    client, lifecycle, world, stored
):
    standard = lifecycle.draft()
    client.force_login(world.member)
    body = StreamedBody(50 * MiB, fields={"body": "# text\n"})

    response = client.generic(
        "POST", version_url(standard), **body.environ(declared=1 * MiB)
    )

    assert response.status_code == 400
    assert "cut off before its end" in response.content.decode()
    assert body.bytes_read <= 1 * MiB
    assert standard.versions.count() == 1


def test_text_fields_over_the_form_limit_get_a_clear_413(
    client, lifecycle, world, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    standard = lifecycle.draft()
    client.force_login(world.member)

    response = client.post(version_url(standard), {"body": "x" * 5000})

    assert response.status_code == 413
    assert "The text of the form is larger than the limit" in (
        response.content.decode()
    )
    assert standard.versions.count() == 1


def test_malformed_multipart_is_a_400_page_not_a_500(client, lifecycle, world):
    standard = lifecycle.draft()
    client.force_login(world.member)

    response = client.generic(
        "POST",
        version_url(standard),
        b"--x\r\nnot a part",
        content_type="multipart/form-data; boundary=",
    )

    assert response.status_code == 400


# --- the same through the API --------------------------------------------------


def test_api_oversize_file_is_413_json_and_stops_being_stored(
    lifecycle,
    world,
    settings,
    stored,
):
    settings.MAX_ATTACHMENT_BYTES = 1 * MiB
    standard = lifecycle.draft()
    body = StreamedBody(4 * MiB, fields={"body": "# text\n"})

    response = bearer(world.member).generic("POST", api_url(standard), **body.environ())

    assert response.status_code == 413
    data = response.json()
    assert set(data) == {"code", "message", "errors"} | PROBLEM_MEMBERS
    assert data["code"] == "too_large"
    assert "big.pdf is larger than the limit" in data["errors"]["files"][0]
    assert stored["most"] <= settings.MAX_ATTACHMENT_BYTES
    assert standard.versions.count() == 1


def test_api_body_over_the_request_limit_is_413_json_unread(
    lifecycle,
    world,
    stored,
):
    standard = lifecycle.draft()
    body = StreamedBody(300 * MiB, fields={"body": "# text\n"})

    response = bearer(world.member).generic("POST", api_url(standard), **body.environ())

    assert response.status_code == 413
    data = response.json()
    assert set(data) == {"code", "message", "errors"} | PROBLEM_MEMBERS
    assert data["code"] == "too_large"
    assert body.bytes_read == 0


def test_api_anonymous_upload_is_refused_unread(lifecycle, stored):
    standard = lifecycle.draft()
    body = StreamedBody(5 * MiB, fields={"body": "# text\n"})

    response = APIClient().generic("POST", api_url(standard), **body.environ())

    assert response.status_code in {401, 403}
    assert set(response.json()) == {"code", "message", "errors"} | PROBLEM_MEMBERS
    assert body.bytes_read == 0
    assert stored["most"] == 0


def test_api_json_body_over_the_memory_limit_is_413_unread(
    lifecycle,
    world,
    settings,
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    standard = lifecycle.draft()

    response = bearer(world.member).post(
        api_url(standard), {"body": "x" * 5000}, format="json"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert standard.versions.count() == 1


def test_token_endpoint_refuses_a_large_anonymous_body_unread(db):
    body = StreamedBody(5 * MiB, fields={"username": "a", "password": "b"})

    response = APIClient().generic("POST", "/api/v1/auth/tokens/", **body.environ())

    # The API takes JSON bodies only (multipart only for a version's files):
    # a multipart body to the token endpoint is refused by its type (415),
    # before the upload limits would refuse it (403 or 413); unread either way.
    assert response.status_code in {403, 413, 415}
    assert set(response.json()) == {"code", "message", "errors"} | PROBLEM_MEMBERS
    assert body.bytes_read == 0


# --- zip containers ----------------------------------------------------------


def zip_bomb(inflated: int, *, name="report.odt") -> SimpleUploadedFile:
    """An ODT-like container whose ``mimetype`` expands to ``inflated``
    zeros; made in 1 MiB steps, so the test itself stays small."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("mimetype", "w") as member:
            chunk = bytes(MiB)
            for _ in range(inflated // MiB):
                member.write(chunk)
        zf.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def peak_memory(function):
    tracemalloc.start()
    try:
        try:
            result = function()
        except ApplicationError as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_zip_bomb_is_refused_from_its_declared_size():
    bomb = zip_bomb(256 * MiB)
    assert bomb.size < 1 * MiB

    result, peak = peak_memory(lambda: uploads.attachment_check(bomb))

    assert isinstance(result, ApplicationError)
    assert result.code == "unsupported_type"
    assert "would expand to too much data" in str(result.message)
    assert peak < 4 * MiB


def test_zip_bomb_under_the_declared_cap_is_read_a_few_bytes_only():
    # Declares less than the cap: only reading a few bytes keeps it small.
    bomb = zip_bomb(150 * MiB)

    result, peak = peak_memory(lambda: uploads.attachment_check(bomb))

    assert isinstance(result, ApplicationError)
    assert result.code == "unsupported_type"
    assert peak < 4 * MiB


def test_zip_with_too_many_members_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
        for number in range(uploads.MAX_ZIP_MEMBERS):
            zf.writestr(f"word/media/{number}.xml", "")
    upload = SimpleUploadedFile("many.docx", buffer.getvalue())

    with pytest.raises(ApplicationError) as refused:
        uploads.attachment_check(upload)

    assert refused.value.code == "unsupported_type"
    assert "too many files" in str(refused.value.message)


def test_real_odt_and_docx_are_still_recognised():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), uploads.ODT_MIMETYPE)  # stored, first
        zf.writestr("content.xml", "<office:document-content/>")
    odt = SimpleUploadedFile("a.odt", buffer.getvalue())
    docx = SimpleUploadedFile("b.docx", uploads.make_docx_bytes())

    assert uploads.attachment_check(odt).extension == "odt"
    assert uploads.attachment_check(docx).extension == "docx"


def test_zip_bomb_upload_through_the_form_is_refused(client, lifecycle, world):
    standard = lifecycle.draft()
    client.force_login(world.member)

    response = client.post(
        version_url(standard),
        {"body": "# text\n", "files": [zip_bomb(256 * MiB)]},
    )

    # Post-redirect-get: the form's own page says why, once, with the status.
    assert response.status_code == 302
    assert "/versions/" not in response.url
    page = client.get(response.url)
    assert page.status_code == 415
    assert "report.odt would expand to too much data" in page.content.decode()
    assert standard.versions.count() == 1


# --- renamed and polyglot files ----------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>\n"


def test_pdf_named_docx_is_classified_and_downloaded_as_a_pdf(client, lifecycle, world):
    standard = lifecycle.draft()
    client.force_login(world.member)
    client.post(
        version_url(standard),
        {"body": "# text\n", "files": [SimpleUploadedFile("report.docx", PDF)]},
    )
    attachment = Attachment.objects.get()
    assert (attachment.extension, attachment.content_type) == ("pdf", "application/pdf")

    response = client.get(
        reverse(
            "standards:attachment",
            kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
        )
    )

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="report.docx.pdf"' in response["Content-Disposition"]


def test_html_named_pdf_is_plain_text_downloaded_never_rendered(
    client, lifecycle, world
):
    standard = lifecycle.draft()
    client.force_login(world.member)
    client.post(
        version_url(standard),
        {"body": "# text\n", "files": [SimpleUploadedFile("invoice.pdf", HTML)]},
    )
    attachment = Attachment.objects.get()
    assert attachment.extension == "md"

    response = client.get(
        reverse(
            "standards:attachment",
            kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
        )
    )

    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="invoice.pdf.md"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", b"MZ\x90\x00" + bytes(200), None),  # an executable
        ("a.docx", b"PK\x03\x04" + bytes(200), None),  # a broken ZIP
        ("a.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200), None),  # a picture
        ("a.md", PDF + uploads.make_docx_bytes(), "pdf"),  # PDF + ZIP polyglot
        ("a.pdf", uploads.make_docx_bytes(), "docx"),
    ],
)
def test_type_is_read_from_the_content_never_the_name(name, content, kind):
    upload = SimpleUploadedFile(name, content)
    if kind is None:
        with pytest.raises(ApplicationError) as refused:
            uploads.attachment_check(upload)
        assert refused.value.code == "unsupported_type"
    else:
        assert uploads.attachment_check(upload).extension == kind
