"""The OpenAPI schema class of the API: every operation documents the shared
error responses. Kept apart from portal.api, which DRF's settings import early
(drf-spectacular's AutoSchema imports DRF's generic views)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A machine-readable code, e.g. `conflict`.")
    message = serializers.CharField(help_text="A message for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name → its errors (empty when the error is not a field's).",
    )


ERROR_DESCRIPTIONS = {
    "400": "Bad input: the errors name the fields.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not visible to the caller.",
    "406": "The Accept header asks for a type the API does not give.",
    "409": "Not possible in the current state, or it changed meanwhile.",
    "413": "An uploaded file or the request is too large.",
    "415": "The request's or a file's content type is not accepted.",
    "429": "Too many requests: wait the seconds given in Retry-After.",
}
READ_ERRORS = ("400", "401", "403", "404", "406", "429")
WRITE_ERRORS = READ_ERRORS + ("409", "413", "415")


class AutoSchema(SpectacularAutoSchema):
    """Documents the shared error responses on every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, ERROR_DESCRIPTIONS[code]),
                    code,
                    direction=direction,
                )
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429":
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before trying again.",
            }
        return headers
