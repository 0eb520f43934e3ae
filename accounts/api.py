"""API tokens over the API: create with a username and password, list, revoke."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.throttling import ScopedRateThrottle

from . import services
from .lockout import LockedOut
from .models import ApiToken, Scope
from .usernames import normalize_username


class ApiTokenSerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created",
            "expires",
            "scope",
            "last_used",
            "revoked",
            "is_active",
        ]


class CreatedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        help_text=gettext_lazy(
            "The secret: shown this once, send it as `Authorization: Bearer …`."
        )
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class TokenCreateInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    name = serializers.CharField(max_length=100)
    expires = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=(
            gettext_lazy(
                "When the token stops working; by default, and at the latest, "
                "PORTAL_API_TOKEN_DAYS (90 unless configured) from now."
            )
        ),
    )
    scope = serializers.ChoiceField(
        choices=Scope.choices,
        default=Scope.READ_WRITE,
        help_text=gettext_lazy(
            "`read`: only safe methods (GET, HEAD, OPTIONS); `read_write`: all."
        ),
    )

    def validate_username(self, value):
        # As the login form does: fullwidth ｍｅｍｂｅｒ is member.
        return normalize_username(value)


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Your API tokens")),
    post=extend_schema(
        summary=gettext_lazy("Create an API token"),
        description=(
            gettext_lazy(
                "Give a username and password; the answer holds the token's secret, "
                "shown only this once. No other authentication is needed."
            )
        ),
        request=TokenCreateInput,
        responses={201: CreatedTokenSerializer},
        auth=[],
    ),
)
class TokenList(generics.ListAPIView):
    serializer_class = ApiTokenSerializer
    pagination_class = None
    filter_backends = []

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(ScopedRateThrottle())
        return throttles

    throttle_scope = "auth"

    def get_queryset(self):
        return services.tokens_of(self.request.user)

    def post(self, request):
        serializer = TokenCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Through Django's authenticate with the request, so that django-axes
        # counts a failure and refuses a locked (username, address) pair.
        user = authenticate(
            request._request, username=data["username"], password=data["password"]
        )
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                raise LockedOut
            raise exceptions.AuthenticationFailed(_("Wrong username or password."))
        created = services.token_create(
            actor=user,
            name=data["name"],
            expires=data.get("expires"),
            scope=data["scope"],
        )
        body = ApiTokenSerializer(created.token).data
        body["token"] = created.secret
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    delete=extend_schema(
        summary=gettext_lazy("Revoke one of your API tokens"), responses={204: None}
    )
)
class TokenDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def delete(self, request, pk):
        services.token_revoke(token_id=pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
