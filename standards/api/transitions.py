"""The standards API's lifecycle: the lifecycle as data (``standards.lifecycle``),
every transition with whether the caller may take it now and why not
(``permissions.transition_refusal``), and taking one
(``services.standard_transition``, which says why not)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from committees.models import Role
from portal.api import ConditionalGetMixin, with_etag

from .. import lifecycle, selectors, services
from .. import permissions as rules
from .inputs import TransitionInput, validated
from .public import check_standard_if_match, standard_detail
from .serializers import (
    LifecycleSerializer,
    StandardDetailSerializer,
    TransitionSerializer,
)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("The lifecycle of a standard"),
        description=gettext_lazy(
            "Its states, and its transitions: from which states to which, who "
            "may take each (role codes) and their conditions (machine codes "
            "and words). Generated from the state machine and the permission "
            "rules the portal enforces."
        ),
        responses=LifecycleSerializer,
    )
)
class Lifecycle(ConditionalGetMixin, APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request):
        data = {
            "states": [
                {"code": code, "label": label, "description": description}
                for code, label, description in lifecycle.states()
            ],
            "transitions": [
                {
                    "name": t.name,
                    "label": t.label,
                    "sources": list(t.sources),
                    "target": t.target,
                    "roles": [
                        {"code": role, "label": Role.Kind(role).label}
                        for role in t.roles
                    ],
                    "who": t.who,
                    "conditions": [
                        {"code": check.code, "text": check.text, "typed": check.typed}
                        for check in t.checks
                    ],
                    "condition": t.condition,
                    "comment_required": t.name in services.COMMENT_REQUIRED,
                }
                for t in lifecycle.transitions()
            ],
        }
        return Response(LifecycleSerializer(data).data)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Every transition, and whether the caller may take it"),
        description=gettext_lazy(
            "Every transition of the lifecycle with `allowed`, and when it is "
            "not allowed the reasons (the state, the caller's role, or a "
            "condition not met, such as a missing scope or an open blocking "
            "comment). What is still to be typed (a comment, findings) is not a "
            "reason: taking the transition asks for it. Empty for anonymous "
            "callers."
        ),
        responses=TransitionSerializer(many=True),
    )
)
class TransitionList(ConditionalGetMixin, APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request, pk):
        standard = selectors.standard_get_visible(standard_id=pk, user=request.user)
        if not request.user.is_authenticated:
            return Response([])
        data = []
        for name, label in services.TRANSITIONS.items():
            refusals = rules.transition_refusals(standard, request.user, name)
            data.append(
                {
                    "name": name,
                    "label": str(label),
                    "comment_required": name in services.COMMENT_REQUIRED,
                    "allowed": not refusals,
                    "reasons": [
                        {
                            "code": refusal.code,
                            "message": refusal.message,
                            "condition": refusal.condition or None,
                        }
                        for refusal in refusals
                    ],
                }
            )
        return Response(TransitionSerializer(data, many=True).data)


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Take a transition"),
        description=(
            gettext_lazy(
                "404 if the standard is not visible to the caller, 409 if the "
                "transition is not possible from the current state (or the standard "
                "changed meanwhile, see expected_status), 403 if the caller may not "
                "take it, 400 or 409 if its conditions are not met."
            )
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
    if_match_methods = ("POST",)  # documented by portal.api_schema

    def post(self, request, pk, name):
        data = validated(TransitionInput, request)
        check_standard_if_match(request, pk)
        services.standard_transition(
            standard_id=pk,
            name=name,
            actor=request.user,
            comment=data.get("comment", ""),
            expected_status=data.get("expected_status"),
            replaced_by=data.get("replaced_by"),
        )
        return with_etag(
            Response(
                StandardDetailSerializer(
                    standard_detail(request, pk), context={"request": request}
                ).data
            )
        )
