"""Sending a private file, once the view has checked who asks.

The view decides whether the person may have the file; this module only
decides how the bytes travel:

- with ``PORTAL_FILES_ACCEL=1`` (behind the compose nginx): an empty answer
  with ``X-Accel-Redirect``, and nginx sends the file from its internal
  location (deploy/nginx.conf), freeing the gunicorn worker: from the media
  volume, or from the object store through a presigned URL that nginx
  fetches itself (so the store need not be reachable by clients);
- else, media on an S3-compatible store (``S3_BUCKET``): a redirect to a
  presigned URL valid ``S3_URL_SECONDS`` (60 by default), which names the
  download and its type; the web process never carries the file;
- otherwise (``make run``, tests): Django streams it.

A missing file raises ``FileNotFoundError`` (the callers answer 404).
"""

from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def is_object_storage(storage) -> bool:
    return hasattr(storage, "bucket_name") and hasattr(storage, "connection")


def presigned_url(fieldfile, *, filename: str, content_type: str, as_attachment=True):
    return fieldfile.storage.url(
        fieldfile.name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(
                as_attachment, filename
            ),
            "ResponseContentType": content_type,
        },
        expire=settings.S3_URL_SECONDS,
    )


def send_file(
    request,
    fieldfile,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
) -> HttpResponse:
    if not fieldfile or not fieldfile.name:
        raise FileNotFoundError
    storage = fieldfile.storage
    if is_object_storage(storage) and settings.PORTAL_FILES_ACCEL:
        # The proxy fetches the presigned URL itself (deploy/nginx.conf,
        # location /_s3/): the store need not be reachable by clients.
        url = urlsplit(
            presigned_url(
                fieldfile,
                filename=filename,
                content_type=content_type,
                as_attachment=as_attachment,
            )
        )
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = (
            f"/_s3/{url.scheme}/{url.netloc}{url.path}?{url.query}"
        )
        return response
    if is_object_storage(storage):
        response = HttpResponseRedirect(
            presigned_url(
                fieldfile,
                filename=filename,
                content_type=content_type,
                as_attachment=as_attachment,
            )
        )
        # The URL is the person's own, and expires: never cached on the way.
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    if settings.PORTAL_FILES_ACCEL and isinstance(storage, FileSystemStorage):
        if not storage.exists(fieldfile.name):
            raise FileNotFoundError(fieldfile.name)
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment, filename
        )
        response["X-Accel-Redirect"] = settings.PORTAL_FILES_ACCEL_PREFIX + quote(
            fieldfile.name
        )
        return response
    try:
        handle = fieldfile.open("rb")
    except ValueError:
        raise FileNotFoundError(fieldfile.name) from None
    return FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type,
    )
