"""The standards API's lifecycle: the transitions the caller may take now,
and taking one (``services.standard_transition``, which says why not)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import ConditionalGetMixin

from .. import selectors, services
from .inputs import TransitionInput, validated
from .public import standard_detail
from .serializers import StandardDetailSerializer, TransitionSerializer


@extend_schema_view(
    get=extend_schema(
        summary="Transitions the caller may take now",
        responses=TransitionSerializer(many=True),
    )
)
class TransitionList(ConditionalGetMixin, APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request, pk):
        standard = selectors.standard_get_visible(standard_id=pk, user=request.user)
        names = (
            services.available_transitions(standard, request.user)
            if request.user.is_authenticated
            else []
        )
        data = [
            {
                "name": name,
                "label": str(services.TRANSITIONS[name]),
                "comment_required": name in services.COMMENT_REQUIRED,
            }
            for name in names
        ]
        return Response(TransitionSerializer(data, many=True).data)


@extend_schema_view(
    post=extend_schema(
        summary="Take a transition",
        description=(
            "404 if the standard is not visible to the caller, 409 if the "
            "transition is not possible from the current state (or the standard "
            "changed meanwhile, see expected_status), 403 if the caller may not "
            "take it, 400 or 409 if its conditions are not met."
        ),
        request=TransitionInput,
        responses=StandardDetailSerializer,
        parameters=[
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(services.TRANSITIONS),
            )
        ],
    )
)
class TransitionTake(APIView):
    def post(self, request, pk, name):
        data = validated(TransitionInput, request)
        services.standard_transition(
            standard_id=pk,
            name=name,
            actor=request.user,
            comment=data.get("comment", ""),
            expected_status=data.get("expected_status"),
            replaced_by=data.get("replaced_by"),
        )
        return Response(
            StandardDetailSerializer(
                standard_detail(request, pk), context={"request": request}
            ).data
        )
