"""What every API view shares: errors as JSON, pagination, conditional GETs,
(the schema class that documents the error responses is in
portal.api_schema).

Every error of the API has one shape::

    {"code": "conflict", "message": "…", "errors": {"field": ["…"]}}

(portal.api_http adds the RFC 9457 members ``type``, ``title``, ``status``,
``detail`` and ``instance`` on the way out.)

``portal.errors.ApplicationError`` (the rules refusing an action) becomes its
status here and nowhere else.
"""

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.paginator import Paginator as DjangoPaginator
from django.http import Http404, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, filters, pagination, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .errors import BUSY_MESSAGE, ApplicationError, is_database_busy

logger = logging.getLogger(__name__)

# The DRF exception classes and the code each one carries in the error body.
CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "parse_error",
    exceptions.ValidationError: "invalid",
}


def error_body(code: str, message, errors: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "errors": errors or {}}


def _messages(detail) -> list[str]:
    """The messages of a DRF error detail, however nested (a list field's
    errors are a list or a dict of lists per item), as plain strings."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            found += [
                _("%(field)s: %(message)s") % {"field": key, "message": message}
                for message in _messages(value)
            ]
        return found
    if isinstance(detail, list | tuple):
        return [message for item in detail for message in _messages(item)]
    return [str(detail)]


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _first_message(errors: dict) -> str:
    for key, messages in errors.items():
        if messages:
            if key == "non_field_errors":
                return messages[0]
            # The field's name as the request gives it (a code, not translated).
            return _("%(field)s: %(message)s") % {"field": key, "message": messages[0]}
    return _("Invalid input.")


def exception_handler(exc, context):
    """The one place where an exception becomes an HTTP answer of the API."""
    headers = {}
    if isinstance(exc, ApplicationError):
        set_rollback()
        errors = {exc.field: [str(exc.message)]} if exc.field else {}
        body = error_body(exc.code, exc.message, errors)
        if exc.condition:
            body["condition"] = exc.condition
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))
    elif isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("too_large", _("The request is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent | SuspiciousOperation):
        return Response(
            error_body("invalid", _("The request could not be read.")),
            status=status.HTTP_400_BAD_REQUEST,
        )
    elif is_database_busy(exc):
        set_rollback()
        return Response(
            error_body("conflict", BUSY_MESSAGE),
            status=status.HTTP_409_CONFLICT,
            headers={"Retry-After": "1"},
        )
    elif isinstance(exc, OverflowError):
        # A number beyond what the database stores reached a query that
        # portal.ids does not guard: it names nothing.
        logger.warning("A number out of range reached the database", exc_info=exc)
        set_rollback()
        return Response(
            error_body("invalid", _("A number in the request is out of range.")),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        code = next((c for k, c in CODES.items() if isinstance(exc, k)), None)
        if isinstance(exc, exceptions.ValidationError):
            errors = _field_errors(exc.detail)
            body = error_body("invalid", _first_message(errors), errors)
        else:
            body = error_body(code or exc.default_code, exc.detail)
        set_rollback()
        return Response(body, status=exc.status_code, headers=headers)
    # Anything else is a bug: log it, and still answer in JSON.
    logger.exception("Unhandled error in the API", exc_info=exc)
    set_rollback()
    return Response(
        error_body("server_error", _("Something went wrong on our side.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any address under /api/ that no view answers: JSON, never a page."""
    return JsonResponse(
        error_body("not_found", _("There is no such address in the API.")),
        status=404,
    )


class CountedPaginator(DjangoPaginator):
    """A paginator given its count by the view, which read it together with
    other figures in one query."""

    def __init__(self, object_list, per_page, *, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # the cached_property's slot


class Pagination(pagination.PageNumberPagination):
    """Page numbers; a view may set ``known_count`` (the number of objects
    of the filtered list) to spare the paginator its ``COUNT(*)``. The
    next and previous pages are also in a ``Link`` header (RFC 8288)."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (
                ("next", self.get_next_link()),
                ("prev", self.get_previous_link()),
            )
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def paginate_queryset(self, queryset, request, view=None):
        count = getattr(view, "known_count", None)
        self.django_paginator_class = partial(CountedPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)


class OrderingFilter(filters.OrderingFilter):
    """``ordering=`` with the allowed fields only: an unknown one is a 400
    that lists them, rather than silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            allowed = [name for name, _label in self.get_valid_fields(queryset, view)]
            unknown = [f for f in fields if f.lstrip("-") not in allowed]
            if unknown:
                message = _(
                    "Unknown ordering %(unknown)s; allowed: %(allowed)s (each may "
                    "start with - for descending)."
                ) % {"unknown": ", ".join(unknown), "allowed": ", ".join(allowed)}
                raise exceptions.ValidationError({self.ordering_param: [message]})
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple):
            for parameter in parameters:
                parameter["schema"] = {
                    "type": "string",
                    "enum": [p + f for f in fields for p in ("", "-")],
                }
        return parameters


def representation_etag(content: bytes) -> str:
    """The ETag of an answer's JSON body (``ConditionalGetMixin``)."""
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def with_etag(response: Response) -> Response:
    """A write's answer with the ETag a GET of the resource sends now (the
    same representation), to name in the next ``If-Match``."""
    response["ETag"] = representation_etag(
        JSONRenderer().render(response.data, "application/json")
    )
    return response


def check_if_match(request, data) -> None:
    """``If-Match`` on a write: it must name the ETag of ``data``, the
    resource as a GET by the caller answers it now (412 otherwise; 428 when
    missing and ``API_REQUIRE_IF_MATCH`` is on). ``*`` matches anything."""
    header = request.headers.get("If-Match")
    if header is None:
        if settings.API_REQUIRE_IF_MATCH:
            raise ApplicationError(
                _(
                    "Send If-Match with the ETag of the standard as you last read it "
                    "(GET)."
                ),
                code="precondition_required",
            )
        return
    if header.strip() == "*":
        return
    current = representation_etag(JSONRenderer().render(data, "application/json"))
    if current not in parse_etags(header):
        raise ApplicationError(
            _(
                "The standard changed since you read it: read it again (GET) and "
                "retry with its new ETag."
            ),
            code="precondition_failed",
        )


class ConditionalGetMixin:
    """``ETag`` (a hash of the body) and, where the view knows it,
    ``Last-Modified`` on successful GETs; 304 for a matching conditional
    request. The body depends on who asks, so caches must vary on it."""

    def get_last_modified(self, request):
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        patch_vary_headers(response, ("Authorization", "Cookie", "Accept"))
        if getattr(response, "accepted_media_type", "") != "application/json":
            return response
        response.render()
        etag = representation_etag(response.content)
        response["ETag"] = etag
        last_modified = self.get_last_modified(request)
        if last_modified is not None:
            # HTTP dates have whole seconds.
            last_modified = int(last_modified.timestamp())
            response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request._request, etag=etag, last_modified=last_modified, response=response
        )
