"""Checks on uploaded attachments: the type is read from the content, never
from the name, and the size is capped."""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.errors import ApplicationError

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int
    sha256: str


def _zip_kind(head: bytes, upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def _looks_like_markdown(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # Text files: printable characters, newlines and tabs only.
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control == 0


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "md": "text/markdown; charset=utf-8",
}


def attachment_check(upload) -> CheckedUpload:
    """Accept PDF, DOCX, ODT and Markdown files up to the configured size."""
    limit = settings.MAX_ATTACHMENT_BYTES
    if upload.size is None or upload.size > limit:
        raise ApplicationError(
            _("%(name)s is larger than the limit of %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(limit)},
            code="too_large",
            field="files",
        )
    if upload.size == 0:
        raise ApplicationError(
            _("%(name)s is empty.") % {"name": upload.name}, field="files"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(head, upload)
    elif upload.size <= 5 * 1024 * 1024:
        data = upload.read()
        upload.seek(0)
        if _looks_like_markdown(data):
            kind = "md"
    if kind is None:
        raise ApplicationError(
            _(
                "%(name)s is not a PDF, DOCX, ODT or Markdown file "
                "(the type is read from the content, not the name)."
            )
            % {"name": upload.name},
            code="unsupported_type",
            field="files",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        extension=kind,
        content_type=CONTENT_TYPES[kind],
        size=upload.size,
        sha256=digest.hexdigest(),
    )


def make_docx_bytes() -> bytes:
    """A minimal DOCX container, for tests and sample data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()
