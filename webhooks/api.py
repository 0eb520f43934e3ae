"""The webhooks API: the events feed (everyone, each caller sees the events
they may see), and the caller's own webhook endpoints with their
deliveries. Thin views over ``webhooks.services`` and ``selectors``.

Creating, changing, deleting and re-delivering need a token with the
``read_write`` scope (``accounts.authentication`` refuses a read-only one
every unsafe method). Someone else's endpoint is 404.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.errors import ApplicationError
from standards.models import PublicStatus, Status

from . import selectors, services
from .events import EventKind
from .models import Delivery, DeliveryAttempt, WebhookEndpoint

# --- serializers ---------------------------------------------------------------


class EventStandardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    title = serializers.CharField(
        help_text=gettext_lazy(
            "The title when the event happened: the public record's for a public "
            "event, else the draft's."
        )
    )
    status = serializers.ChoiceField(choices=Status.choices)
    public_status = serializers.ChoiceField(
        choices=PublicStatus.choices, allow_null=True
    )
    url = serializers.URLField(
        help_text=gettext_lazy("The standard at /api/v1/standards/<id>/.")
    )


class EventUserSerializer(serializers.Serializer):
    """A user as everywhere in the API: never by username."""

    id = serializers.IntegerField()
    person_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class EventSerializer(serializers.Serializer):
    """One event: the same JSON the feed lists and a webhook delivery posts."""

    id = serializers.IntegerField(
        help_text=gettext_lazy(
            "The event's id: increasing, the `Webhook-Id` header of its "
            "deliveries, and the cursor to pass as `after`."
        )
    )
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_at = serializers.DateTimeField()
    standard = EventStandardSerializer()
    actor = EventUserSerializer(allow_null=True)
    data = serializers.DictField(
        help_text=gettext_lazy(
            "What the step carries: always `action`, `from_state`, `to_state` and "
            "`comment`; by kind also `version`, `experts`, `comment_id`, "
            "`blocking`, `recommendation_id`, `decision`, `audit_id`, `outcome`, "
            "`certificate_number`, `edition`, `review_due`, `replaced_by`."
        )
    )

    def to_representation(self, instance):
        return instance.body()


class EventPageSerializer(serializers.Serializer):
    cursor = serializers.CharField(
        help_text=gettext_lazy(
            "Pass as `after` next time: the id of the last event listed (or the "
            "`after` given when there is none)."
        )
    )
    next = serializers.URLField(
        allow_null=True,
        help_text=gettext_lazy("The next page when there are more events now."),
    )
    results = EventSerializer(many=True)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    kinds = serializers.ListField(child=serializers.ChoiceField(EventKind.choices))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "kinds", "active", "created", "updated"]


class CreatedWebhookEndpointSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text=gettext_lazy(
            "The signing secret: shown this once. Verify `Webhook-Signature` with it."
        )
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


_URL_HELP = gettext_lazy(
    "https:// or http://; its host must resolve to public addresses only."
)
_KINDS_HELP = gettext_lazy("The event kinds to receive; all of them if omitted.")


class WebhookEndpointInput(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text=_URL_HELP)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(EventKind.choices),
        required=False,
        allow_empty=False,
        help_text=_KINDS_HELP,
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    active = serializers.BooleanField(required=False, default=True)


class WebhookEndpointUpdateInput(serializers.Serializer):
    url = serializers.CharField(max_length=2000, required=False, help_text=_URL_HELP)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(EventKind.choices),
        required=False,
        allow_empty=False,
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    active = serializers.BooleanField(required=False)


class WebhookDeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["started_at", "status_code", "duration_ms", "error"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(
        source="event.kind", choices=EventKind.choices, read_only=True
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "kind",
            "state",
            "attempts",
            "created",
            "next_attempt_at",
            "delivered_at",
            "last_attempt_at",
            "last_status_code",
            "last_duration_ms",
            "last_error",
        ]


class WebhookDeliveryDetailSerializer(WebhookDeliverySerializer):
    event = EventSerializer(read_only=True)
    attempt_log = WebhookDeliveryAttemptSerializer(many=True, read_only=True)

    class Meta(WebhookDeliverySerializer.Meta):
        fields = [*WebhookDeliverySerializer.Meta.fields, "event", "attempt_log"]


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _own(request, pk) -> WebhookEndpoint:
    endpoint = selectors.endpoints_of(request.user).filter(pk=pk).first()
    if endpoint is None:
        raise ApplicationError(_("No such webhook endpoint."), code="not_found")
    return endpoint


# --- the events feed ---------------------------------------------------------

FEED_LIMIT = 50
FEED_MAX_LIMIT = 100


def _int_param(request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise exceptions.ValidationError({name: [_("Give a whole number.")]})
    value = int(raw)
    if not low <= value <= high:
        raise exceptions.ValidationError(
            {
                name: [
                    _("Give a number from %(low)d to %(high)d.")
                    % {"low": low, "high": high}
                ]
            }
        )
    return value


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Events, in order"),
        description=gettext_lazy(
            "The lifecycle events the caller may see now, oldest first, after "
            "the event `after` (its id, the `cursor` of the previous answer): "
            "the same JSON webhooks deliver, to catch up after downtime. "
            "Anonymous callers see the public events (published, reaffirmed, "
            "renewal started, abolished) of standards with an edition. An "
            "event appears a few seconds after it happened "
            "(PORTAL_EVENTS_FEED_DELAY), when the order is final."
        ),
        parameters=[
            OpenApiParameter(
                "after",
                str,
                description=gettext_lazy(
                    "The cursor: events after this event id (0 or omitted: from "
                    "the first)."
                ),
            ),
            OpenApiParameter(
                "limit",
                int,
                description=gettext_lazy("At most this many events (1–100; 50)."),
            ),
        ],
        responses=EventPageSerializer,
    )
)
class EventFeed(APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request):
        after = _int_param(request, "after", 0, low=0, high=2**63 - 1)
        limit = _int_param(request, "limit", FEED_LIMIT, low=1, high=FEED_MAX_LIMIT)
        events = list(selectors.events_for(request.user, after=after)[: limit + 1])
        more = len(events) > limit
        events = events[:limit]
        cursor = str(events[-1].pk) if events else str(after)
        next_url = None
        if more:
            query = urlencode({"after": cursor, "limit": limit})
            next_url = request.build_absolute_uri(f"{reverse('api:events')}?{query}")
        response = Response(
            {
                "cursor": cursor,
                "next": next_url,
                "results": EventSerializer(events, many=True).data,
            }
        )
        if next_url:
            # As on every paginated list of the API (portal.api.Pagination).
            response["Link"] = f'<{next_url}>; rel="next"'
        return response


# --- endpoints ---------------------------------------------------------------


class SignedIn:
    permission_classes = [permissions.IsAuthenticated]


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Your webhook endpoints")),
    post=extend_schema(
        summary=gettext_lazy("Register a webhook endpoint"),
        description=gettext_lazy(
            "The answer holds the signing secret, shown only this once. The "
            "URL's host is resolved: loopback, link-local, private, multicast "
            "and reserved addresses are refused (400). Needs a read and write "
            "token."
        ),
        request=WebhookEndpointInput,
        responses={201: CreatedWebhookEndpointSerializer},
    ),
)
class WebhookList(SignedIn, generics.ListAPIView):
    serializer_class = WebhookEndpointSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # generating the schema
            return WebhookEndpoint.objects.none()
        return selectors.endpoints_of(self.request.user).order_by("-created", "-pk")

    def post(self, request):
        data = _validated(WebhookEndpointInput, request)
        endpoint = services.endpoint_create(actor=request.user, **data)
        body = WebhookEndpointSerializer(endpoint).data
        body["secret"] = endpoint.secret
        location = reverse("api:webhook", kwargs={"pk": endpoint.pk})
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("One of your webhook endpoints"),
        responses=WebhookEndpointSerializer,
    ),
    patch=extend_schema(
        summary=gettext_lazy("Change one of your webhook endpoints"),
        description=gettext_lazy(
            "Any of url (checked again), kinds, description, active."
        ),
        request=WebhookEndpointUpdateInput,
        responses=WebhookEndpointSerializer,
    ),
    delete=extend_schema(
        summary=gettext_lazy("Delete one of your webhook endpoints"),
        responses={204: None},
    ),
)
class WebhookDetail(SignedIn, APIView):
    def get(self, request, pk):
        return Response(WebhookEndpointSerializer(_own(request, pk)).data)

    def patch(self, request, pk):
        data = _validated(WebhookEndpointUpdateInput, request)
        endpoint = services.endpoint_update(endpoint_id=pk, actor=request.user, **data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    def delete(self, request, pk):
        services.endpoint_delete(endpoint_id=pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- deliveries --------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Deliveries of one of your webhook endpoints"),
        description=gettext_lazy("Newest first, with the last attempt of each."),
    )
)
class DeliveryList(SignedIn, generics.ListAPIView):
    serializer_class = WebhookDeliverySerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # generating the schema
            return Delivery.objects.none()
        return selectors.deliveries_of(endpoint=_own(self.request, self.kwargs["pk"]))


def _delivery(request, pk, delivery_id) -> Delivery:
    delivery = (
        selectors.deliveries_of(endpoint=_own(request, pk))
        .prefetch_related("attempt_log")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise ApplicationError(_("No such delivery."), code="not_found")
    return delivery


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("One delivery, with its event and every attempt"),
        responses=WebhookDeliveryDetailSerializer,
    )
)
class DeliveryDetail(SignedIn, APIView):
    def get(self, request, pk, delivery_id):
        return Response(
            WebhookDeliveryDetailSerializer(_delivery(request, pk, delivery_id)).data
        )


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Deliver an event again"),
        description=gettext_lazy(
            "Sends the delivery's event to the endpoint again now, with the "
            "same `Webhook-Id`; the retries start again from the first."
        ),
        request=None,
        responses={202: WebhookDeliverySerializer},
    )
)
class DeliveryRedeliver(SignedIn, APIView):
    def post(self, request, pk, delivery_id):
        services.delivery_redeliver(
            endpoint_id=pk, delivery_id=delivery_id, actor=request.user
        )
        return Response(
            WebhookDeliverySerializer(_delivery(request, pk, delivery_id)).data,
            status=status.HTTP_202_ACCEPTED,
        )
