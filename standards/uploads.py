"""Checks on uploaded attachments: the type is read from the content, never
from the name, and the size is capped."""

import hashlib
import io
import os
import struct
import zipfile
import zlib
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


# A DOCX or ODT has tens of members, one with pictures a few hundred; a
# ZIP with more, or one that would expand to more than this, is refused
# unopened. Only the first bytes of ``mimetype`` are ever decompressed.
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_INFLATED_BYTES = 200 * 1024 * 1024
MIMETYPE_READ_BYTES = 100
_END_OF_CENTRAL_DIRECTORY = struct.Struct("<4s4H2LH")


def _zip_member_count(upload) -> int | None:
    """The number of members the archive's end record declares (read before
    Python's zipfile builds an object per member), or None without one."""
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    tail_size = min(size, _END_OF_CENTRAL_DIRECTORY.size + 0xFFFF)
    upload.seek(size - tail_size)
    tail = upload.read(tail_size)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or tail_size - position < _END_OF_CENTRAL_DIRECTORY.size:
        return None
    record = _END_OF_CENTRAL_DIRECTORY.unpack_from(tail, position)
    return max(record[3], record[4])


def _zip_refused(upload, message) -> ApplicationError:
    return ApplicationError(
        message % {"name": upload.name}, code="unsupported_type", field="files"
    )


def _zip_kind(upload) -> str | None:
    """``odt`` or ``docx`` for such a container, None for another ZIP; a ZIP
    that could exhaust the server (too many members, or expanding too much)
    is refused."""
    try:
        count = _zip_member_count(upload)
        if count is not None and count > MAX_ZIP_MEMBERS:
            raise _zip_refused(
                upload,
                _("%(name)s is a ZIP container with too many files in it."),
            )
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _zip_refused(
                    upload,
                    _("%(name)s is a ZIP container with too many files in it."),
                )
            if sum(member.file_size for member in members) > MAX_ZIP_INFLATED_BYTES:
                raise _zip_refused(
                    upload,
                    _("%(name)s would expand to too much data once unpacked."),
                )
            names = {member.filename for member in members}
            if "mimetype" in names:
                # The declared sizes are not trusted: read a few bytes only.
                with archive.open("mimetype") as member:
                    mimetype = member.read(MIMETYPE_READ_BYTES)
                if mimetype.strip() == ODT_MIMETYPE:
                    return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        KeyError,
        RuntimeError,
        NotImplementedError,
        EOFError,
        ValueError,
        zlib.error,
    ):
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
        kind = _zip_kind(upload)
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


# Name endings that already say the type read from the content.
EXTENSIONS = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "odt": (".odt",),
    "md": (".md", ".markdown", ".txt"),
}


def download_name(original_name: str, kind: str) -> str:
    """The name a download is saved under: the uploader's, ending as its
    content's type does (a PDF uploaded as ``report.docx`` is saved as
    ``report.docx.pdf``), so that no program opens it as what it is not."""
    name = original_name or "file"
    if name.lower().endswith(EXTENSIONS.get(kind, (f".{kind}",))):
        return name
    return f"{name}.{kind}"


def make_docx_bytes() -> bytes:
    """A minimal DOCX container, for tests and sample data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()
