"""Request bodies and uploaded files are bounded while they stream.

Two pieces, both installed in settings:

- ``UploadLimitMiddleware`` answers 413 from the declared ``Content-Length``
  alone, before a byte of the body is read: a multipart body may carry at most
  ``MAX_REQUEST_BYTES``, any other body ``DATA_UPLOAD_MAX_MEMORY_SIZE``. For
  the pages it also parses a multipart body itself (before the CSRF check
  would), so that a refusal of the upload handler below becomes a clear page
  rather than an error of the middleware chain. The API parses its bodies
  after its own authentication, and its exception handler (``portal.api``)
  turns the same refusals into its JSON errors.
- ``LimitedUploadHandler``, first of ``FILE_UPLOAD_HANDLERS``: an anonymous
  caller may not upload files (refused before the body is read when it is
  larger than a sign-in form could be), and a file stops being stored once it
  passes ``MAX_ATTACHMENT_BYTES``. Such a file reaches the form or serializer
  as an empty ``OversizeUpload`` whose size says by how much it is too large,
  so that the usual check (``standards.uploads.attachment_check``) refuses it
  by name, and the rest of the form (what was typed) is kept.
"""

import io

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import ApplicationError

# A sign-in or token form is far smaller; an anonymous multipart body larger
# than this is refused unread.
ANONYMOUS_BODY_BYTES = 64 * 1024


def _content_length(meta) -> int:
    try:
        return max(0, int(meta.get("CONTENT_LENGTH") or 0))
    except (TypeError, ValueError):
        return 0


def _is_multipart(meta) -> bool:
    return meta.get("CONTENT_TYPE", "").lower().startswith("multipart/")


def body_limit(meta) -> int | None:
    """The most bytes a request body of this type may have (None: no limit)."""
    if _is_multipart(meta):
        return settings.MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def request_too_large(limit: int) -> ApplicationError:
    return ApplicationError(
        _(
            "The upload is larger than the limit of %(limit)s. Upload smaller "
            "files, or fewer at once."
        )
        % {"limit": filesizeformat(limit)},
        code="too_large",
        field="files",
    )


def form_too_large() -> ApplicationError:
    return ApplicationError(
        _("The text of the form is larger than the limit of %(limit)s.")
        % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
        code="too_large",
    )


def unreadable() -> ApplicationError:
    return ApplicationError(
        _("The request could not be read (malformed, or too many parts).")
    )


def anonymous_upload() -> ApplicationError:
    return ApplicationError(_("Sign in to upload files."), code="forbidden")


class OversizeUpload(UploadedFile):
    """A file that passed the size limit while it streamed: nothing of it is
    kept; ``size`` is how much of it arrived (more than the limit)."""

    def __init__(self, name, content_type, size, charset=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset)

    def open(self, mode=None):
        self.file.seek(0)
        return self


class LimitedUploadHandler(FileUploadHandler):
    """First upload handler: bounds what the handlers after it store."""

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        limit = settings.MAX_REQUEST_BYTES
        if content_length > limit:
            raise request_too_large(limit)
        user = getattr(self.request, "user", None)
        self.anonymous = user is None or not user.is_authenticated
        if self.anonymous and content_length > ANONYMOUS_BODY_BYTES:
            raise anonymous_upload()
        self.total = 0
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if getattr(self, "anonymous", True):
            raise anonymous_upload()
        self.oversize = False

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > settings.MAX_REQUEST_BYTES:
            # Only a body longer than it declared gets here (the declared
            # length was checked, and the stream stops there).
            raise request_too_large(settings.MAX_REQUEST_BYTES)
        if self.oversize or start + len(raw_data) > settings.MAX_ATTACHMENT_BYTES:
            # From here on the handlers after this one see nothing of the file.
            self.oversize = True
            return None
        return raw_data

    def file_complete(self, file_size):
        if not self.oversize:
            return None
        for handler in self.request.upload_handlers:
            # What the later handlers kept of the file (a temporary file up to
            # the limit) is let go at once.
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()
        return OversizeUpload(
            self.file_name, self.content_type, file_size, self.charset
        )

    def upload_interrupted(self):
        """The body ended inside a file (shorter than it said, or cut off):
        the form is refused whole rather than saved without that file."""
        for handler in self.request.upload_handlers:
            if handler is not self:
                handler.upload_interrupted()
        raise ApplicationError(
            _("The upload was cut off before its end; nothing was saved.")
        )


class UploadLimitMiddleware:
    """Placed before ``CsrfViewMiddleware``: its ``process_view`` runs after
    the session and authentication are known, and before the CSRF check reads
    the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = body_limit(request.META)
        if limit is not None and _content_length(request.META) > limit:
            return self.refuse(request, request_too_large(limit))
        if (
            request.method == "POST"
            and _is_multipart(request.META)
            and not getattr(view_func, "csrf_exempt", False)
        ):
            try:
                request.POST  # noqa: B018 -- parsed here, refused here
            except ApplicationError as exc:
                return self.refuse(request, exc)
            except RequestDataTooBig:
                return self.refuse(request, form_too_large())
            except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
                return self.refuse(request, unreadable())
        return None

    def refuse(self, request, exc: ApplicationError):
        # Whatever was read of the body is not read again.
        request._mark_post_parse_error()
        if request.path_info.startswith("/api/"):
            from .api import error_body

            errors = {exc.field: [str(exc.message)]} if exc.field else {}
            response = JsonResponse(
                error_body(exc.code, exc.message, errors), status=exc.status
            )
        else:
            response = render(
                request,
                "error.html",
                {"message": exc.message, "status": exc.status},
                status=exc.status,
            )
        return response
