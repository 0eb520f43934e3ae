"""The HTTP conventions every answer under /api/ keeps, in one middleware:

- an error is an RFC 9457 problem (``application/problem+json``): ``type``,
  ``title``, ``status``, ``detail`` and ``instance``, with the API's own
  ``code``, ``message`` and ``errors`` kept as extension members;
- a ``201 Created`` names what it created in ``Location``;
- ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` tell
  what the throttles (``portal.throttling``) allow, before a 429 comes.

The views build their bodies as before (``portal.api.error_body``); this
module adds the rest, so that an error raised anywhere — a view, the upload
limit, the idempotency check, an unknown address — answers the same way.
"""

import json

from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

PROBLEM_MEDIA_TYPE = "application/problem+json"
# The members of RFC 9457 every error of the API has, besides its own.
PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})

# Every ``code`` an error of the API may carry: its status and title. The
# schema lists them (portal.api_schema) and the docs explain them.
PROBLEMS = {
    "invalid": (400, _("Invalid input")),
    "parse_error": (400, _("Unreadable request body")),
    "invalid_idempotency_key": (400, _("Invalid Idempotency-Key")),
    "not_authenticated": (401, _("Not signed in")),
    "authentication_failed": (401, _("Authentication failed")),
    "forbidden": (403, _("Not allowed")),
    "not_found": (404, _("Not found")),
    "method_not_allowed": (405, _("Method not allowed")),
    "not_acceptable": (406, _("Not acceptable")),
    "conflict": (409, _("Conflict with the current state")),
    "already_in_state": (409, _("Already in that state")),
    "pdf_not_ready": (409, _("PDF not ready yet")),
    "pdf_failed": (409, _("PDF could not be prepared")),
    "idempotency_in_progress": (409, _("A request with this key is in progress")),
    "precondition_failed": (412, _("Precondition failed")),
    "too_large": (413, _("Request too large")),
    "unsupported_type": (415, _("Unsupported content type")),
    "idempotency_key_reused": (422, _("Idempotency-Key reused with another request")),
    "precondition_required": (428, _("Precondition required")),
    "throttled": (429, _("Too many requests")),
    "server_error": (500, _("Server error")),
    "unavailable": (503, _("Temporarily unavailable")),
}


# What each code means and what the caller can do about it: the problem
# types' documentation, at /api/problems/#problem-<code> (the ``type`` URI).
PROBLEM_EXPLANATIONS = {
    "invalid": _(
        "A value is missing or wrong; the errors member names each field with its "
        "messages. Correct them and send the request again."
    ),
    "parse_error": _(
        "The body is not valid JSON (or not the declared content type). Send "
        "a JSON object with Content-Type: application/json."
    ),
    "invalid_idempotency_key": _(
        "The Idempotency-Key header must be 1 to 255 printable ASCII "
        "characters; a random UUID is a good key."
    ),
    "not_authenticated": _(
        "The operation needs a signed-in caller: send Authorization: Bearer "
        "with a token from /api/v1/auth/tokens/."
    ),
    "authentication_failed": _(
        "The token is unknown, expired or revoked. Create a new one."
    ),
    "forbidden": _(
        "The caller is signed in but their roles do not allow this; the "
        "message says which rule refused it."
    ),
    "not_found": _(
        "There is no such object, or the caller may not see it (the API does "
        "not tell the two apart)."
    ),
    "method_not_allowed": _(
        "This address does not answer this HTTP method; the Allow header "
        "lists those it does."
    ),
    "not_acceptable": _(
        "The Accept header asks for a type the API does not give; ask for "
        "application/json."
    ),
    "conflict": _(
        "Not possible in the current state, or the object changed meanwhile. "
        "When a condition of the lifecycle refused it, the condition member gives its "
        "code (see /api/v1/lifecycle/). Read the object again before retrying."
    ),
    "already_in_state": _(
        "The standard is already in the state this transition leads to: "
        "nothing was changed (a retry that already succeeded answers so)."
    ),
    "pdf_not_ready": _(
        "The PDF is still being rendered; try again in a few seconds (see Retry-After)."
    ),
    "pdf_failed": _(
        "The PDF could not be rendered; the secretariat has been told. Try again later."
    ),
    "idempotency_in_progress": _(
        "A request with the same Idempotency-Key is still being processed; "
        "wait for it, then send again to read its answer."
    ),
    "precondition_failed": _(
        "If-Match does not name the current ETag: the object changed since "
        "it was read. Read it again and retry with its new ETag."
    ),
    "too_large": _(
        "The request or an uploaded file is larger than the limit the message gives."
    ),
    "unsupported_type": _(
        "The request's or a file's content type is not accepted; the message "
        "lists those that are."
    ),
    "idempotency_key_reused": _(
        "The Idempotency-Key was used before with another request (another "
        "method, address or body). Use a new key for a new request."
    ),
    "precondition_required": _(
        "This operation needs If-Match with the ETag of the object as read."
    ),
    "throttled": _(
        "Too many requests: wait the seconds given in Retry-After. The "
        "RateLimit-* headers tell the budget before a 429 comes."
    ),
    "server_error": _(
        "Something went wrong on the portal's side; it is logged. Retrying "
        "later with the same Idempotency-Key is safe."
    ),
    "unavailable": _(
        "The portal is busy or a service it needs is down; retry after the "
        "seconds in Retry-After."
    ),
}


def problem_type(request, code: str) -> str:
    """The problem type's URI: the page of problem types, at the code's entry."""
    return request.build_absolute_uri(f"/api/problems/#problem-{code}")


def problem_body(request, status: int, body: dict) -> dict:
    """``body`` (``{"code", "message", "errors"}``) as an RFC 9457 problem."""
    code = str(body.get("code", ""))
    _status, title = PROBLEMS.get(code, (status, _("Error")))
    return {
        "type": problem_type(request, code),
        "title": str(title),
        "status": status,
        "detail": str(body.get("message", "")),
        "instance": request.get_full_path(),
        **body,
    }


def _json(response):
    if response.streaming or not response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _dump(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def record_rate_limit(request, *, limit: int, remaining: int, reset: int) -> None:
    """Called by each throttle that counted the request; the tightest one is
    what the headers tell."""
    known = getattr(request, "rate_limit", None)
    if known is None or remaining < known[1]:
        request.rate_limit = (limit, max(0, remaining), max(0, reset))


class ApiConventionsMiddleware:
    """Problem bodies, ``Location`` and the rate-limit headers on the API's
    answers. Before ``portal.uploads.UploadLimitMiddleware``, whose refusals
    are errors of the API too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith("/api/"):
            return response
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            limit, remaining, reset = rate_limit
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        if response.status_code == 201 and not response.has_header("Location"):
            self.add_location(request, response)
        elif response.status_code >= 400:
            self.as_problem(request, response)
        return response

    def as_problem(self, request, response) -> None:
        body = _json(response)
        if not isinstance(body, dict) or "code" not in body:
            return
        response.content = _dump(problem_body(request, response.status_code, body))
        response["Content-Type"] = PROBLEM_MEDIA_TYPE
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))

    def add_location(self, request, response) -> None:
        """The created item's own address when it has one (the collection's
        address followed by its id), else the address it was created at (a
        sub-collection listing it)."""
        body = _json(response)
        path = request.path
        if isinstance(body, dict) and isinstance(body.get("id"), int):
            try:
                match = resolve(f"{request.path_info}{body['id']}/")
            except Resolver404:
                match = None
            # The API's catch-all (a JSON 404) has no name.
            if match is not None and match.url_name:
                path = f"{request.path}{body['id']}/"
        response["Location"] = request.build_absolute_uri(path)
