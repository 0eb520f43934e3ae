"""``GET /api/v1/``: where the API's resources are, so that an integrator can
start from one address."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .api import ConditionalGetMixin

# Key in the answer → URL name in the "api" namespace. The collections only:
# each item is at the collection's address followed by its id.
RESOURCES = {
    "tokens": "api:tokens",
    "fields": "api:fields",
    "organisations": "api:organisations",
    "people": "api:people",
    "meetings": "api:meetings",
    "work_items": "api:work-items",
    "standards": "api:standards",
    "editions": "api:editions",
    "lifecycle": "api:lifecycle",
    "notifications": "api:notifications",
    "notification_preferences": "api:notification-preferences",
    "watches": "api:watches",
    "events": "api:events",
    "webhooks": "api:webhooks",
    "schema": "api:schema",
    "docs": "api:docs",
    "redoc": "api:redoc",
}

IndexSerializer = inline_serializer(
    name="ApiIndex",
    fields={key: serializers.URLField() for key in RESOURCES},
)


class ApiIndex(ConditionalGetMixin, APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=gettext_lazy("Where the resources are"),
        description=(
            gettext_lazy(
                "Absolute URLs of the API's collections, of its OpenAPI schema and "
                "of its documentation."
            )
        ),
        responses=IndexSerializer,
        operation_id="index",
    )
    def get(self, request):
        return Response(
            {
                key: request.build_absolute_uri(reverse(name))
                for key, name in RESOURCES.items()
            }
        )
