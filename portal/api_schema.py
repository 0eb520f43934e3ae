"""The OpenAPI schema class of the API: every operation documents the shared
error responses. Kept apart from portal.api, which DRF's settings import early
(drf-spectacular's AutoSchema imports DRF's generic views)."""

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from .api_http import PROBLEMS


def _code_help() -> str:
    codes = ", ".join(f"`{code}` ({status})" for code, (status, _t) in PROBLEMS.items())
    return gettext("A machine-readable code, one of: %(codes)s.") % {"codes": codes}


class ErrorSerializer(serializers.Serializer):
    """An RFC 9457 problem (``application/problem+json``) with the API's own
    members."""

    type = serializers.CharField(
        help_text=gettext_lazy("A URI naming the kind of problem (by its code).")
    )
    title = serializers.CharField(
        help_text=gettext_lazy("A short summary of the kind of problem.")
    )
    status = serializers.IntegerField(help_text=gettext_lazy("The HTTP status."))
    detail = serializers.CharField(
        help_text=gettext_lazy("What went wrong this time (the same as message).")
    )
    instance = serializers.CharField(
        help_text=gettext_lazy("The address of the request that failed.")
    )
    code = serializers.CharField(help_text=lazy(_code_help, str)())
    message = serializers.CharField(help_text=gettext_lazy("A message for people."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy(
            "Field name → its errors (empty when the error is not a field's)."
        ),
    )
    condition = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "When a condition of the lifecycle refused a transition: its code "
            "(the `conditions` of /api/v1/lifecycle/)."
        ),
    )


ERROR_DESCRIPTIONS = {
    "400": gettext_lazy("Bad input: the errors name the fields."),
    "401": gettext_lazy("Not signed in, or the token is invalid, expired or revoked."),
    "403": gettext_lazy("Signed in, but not allowed to do this."),
    "404": gettext_lazy("Not found, or not visible to the caller."),
    "406": gettext_lazy("The Accept header asks for a type the API does not give."),
    "409": gettext_lazy("Not possible in the current state, or it changed meanwhile."),
    "413": gettext_lazy("An uploaded file or the request is too large."),
    "415": gettext_lazy("The request's or a file's content type is not accepted."),
    "429": gettext_lazy("Too many requests: wait the seconds given in Retry-After."),
    "412": gettext_lazy(
        "`precondition_failed`: If-Match does not name the current ETag (the "
        "resource changed since it was read)."
    ),
    "422": gettext_lazy(
        "`idempotency_key_reused`: the Idempotency-Key was used for another request."
    ),
    "428": gettext_lazy(
        "`precondition_required`: If-Match is required here and was not sent."
    ),
}
READ_ERRORS = ("400", "401", "403", "404", "406", "429")
WRITE_ERRORS = READ_ERRORS + ("409", "413", "415")
IF_MATCH_ERRORS = ("412", "428")
PROBLEM = "application/problem+json"


class AutoSchema(SpectacularAutoSchema):
    """Documents the shared error responses on every operation."""

    def get_description(self):
        """An operation's description is text for people, in their language:
        it comes from ``extend_schema(description=gettext_lazy(...))``, never
        from a view's docstring (written for developers, in English only, and
        inherited from mixins)."""
        return ""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS
        if self.method == "POST":
            codes += ("422",)
        if self._honours_if_match():
            codes += IF_MATCH_ERRORS
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, ERROR_DESCRIPTIONS[code]),
                    code,
                    direction=direction,
                )
        # Errors are problems (portal.api_http), whatever the operation says.
        for code, response in responses.items():
            content = response.get("content") if str(code) >= "4" else None
            if content and "application/json" in content:
                content[PROBLEM] = content.pop("application/json")
        return responses

    def _honours_if_match(self) -> bool:
        return self.method in getattr(self.view, "if_match_methods", ())

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 255,
                        "pattern": "^[ -~]+$",
                    },
                    OpenApiParameter.HEADER,
                    description=gettext_lazy(
                        "Makes a retry safe: the same key (yours, for 24 hours) with "
                        "the same body gets the first answer again, with "
                        "`Idempotent-Replayed: true`; with another body, 422."
                    ),
                )
            )
        if self._honours_if_match():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description=gettext_lazy(
                        "The standard's ETag as you last read it (GET): 412 if it "
                        "changed since. Required (428) where the portal is set up so."
                    ),
                )
            )
        return parameters

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        status = str(status_code)
        if status == "429":
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": gettext_lazy("Seconds to wait before trying again."),
            }
        if status.startswith("2") or status == "429":
            headers.update(RATE_LIMIT_HEADERS)
        if status == "201":
            headers["Location"] = {
                "schema": {"type": "string", "format": "uri"},
                "description": gettext_lazy(
                    "The new item's address, or the list that shows it."
                ),
            }
        if self.method == "POST" and status.startswith("2"):
            headers["Idempotent-Replayed"] = {
                "schema": {"type": "string", "enum": ["true"]},
                "description": gettext_lazy(
                    "Present when this is the kept answer to an earlier request "
                    "with the same Idempotency-Key."
                ),
            }
        return headers


RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {
        "schema": {"type": "integer"},
        "description": gettext_lazy("Requests allowed in the current window."),
    },
    "RateLimit-Remaining": {
        "schema": {"type": "integer"},
        "description": gettext_lazy("Requests left in the current window."),
    },
    "RateLimit-Reset": {
        "schema": {"type": "integer"},
        "description": gettext_lazy("Seconds until the window allows more."),
    },
}


def _references(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def _reachable(roots: set[str], schemas: dict) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        found: set[str] = set()
        _references(schemas[name], found)
        todo.extend(found - seen)
    return seen


def postprocess_required_responses(result, generator, request, public):
    """Every property of an answer is required: a serializer writes every
    field it declares (null where there is no value, and ``nullable`` says
    so), but drf-spectacular marks a model field with a default or
    ``blank=True`` optional, and DRF's paginated lists ``next`` and
    ``previous``, so generated models would treat them as possibly absent.
    Components that also describe a request body keep their own list."""
    schemas = result.get("components", {}).get("schemas", {})
    answers: set[str] = set()
    bodies: set[str] = set()
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            _references(operation.get("responses", {}), answers)
            _references(operation.get("requestBody", {}), bodies)
    for name in _reachable(answers, schemas) - _reachable(bodies, schemas):
        properties = schemas[name].get("properties")
        if properties:
            optional = OPTIONAL_MEMBERS.get(name, set())
            schemas[name]["required"] = sorted(set(properties) - optional)
    return result


# The members of an answer that are not always there: a problem's
# ``condition`` only when a condition of the lifecycle refused a transition.
OPTIONAL_MEMBERS = {"Error": {"condition"}}


def postprocess_nullable_for_openapi_31(result, generator, request, public):
    """OpenAPI 3.1 says "may be null" with a ``null`` type; ``nullable`` is
    3.0's word, which 3.1 validators and generators ignore. drf-spectacular
    writes 3.1 for our fields, but DRF's paginated lists still describe
    ``next`` and ``previous`` the 3.0 way: turn every such ``nullable`` into
    the type list."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("nullable") is True and isinstance(node.get("type"), str):
                del node["nullable"]
                node["type"] = [node["type"], "null"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    if str(result.get("openapi", "")).startswith("3.1"):
        walk(result)
    return result
