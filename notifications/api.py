"""The notifications API: the caller's own notifications, watching, and the
choice of e-mail per kind. Thin views over notifications.services and
selectors.

Everything here is the signed-in caller's own: anonymous callers get 401,
someone else's notification is 404. Watching follows the visibility rules of
the pages: a standard the caller cannot see (a draft of someone else) is 404,
to watch and to stop watching alike.
"""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from committees.api import FieldRefSerializer
from committees.models import Field
from portal.api import ConditionalGetMixin
from standards import permissions as rules
from standards import selectors as standard_selectors

from . import selectors, services
from .models import Category, Delivery, Kind, Notification, Watch

# --- serializers -----------------------------------------------------------------


class StandardRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    title = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The draft's title for its audience, else the public record's."
        )
    )

    def get_title(self, standard) -> str:
        request = self.context.get("request")
        user = request.user if request else AnonymousUser()
        return rules.title_for(standard, user)


class NotificationSerializer(serializers.ModelSerializer):
    standard = StandardRefSerializer(read_only=True, allow_null=True)
    category = serializers.ChoiceField(
        choices=Category.choices,
        read_only=True,
        help_text=(
            gettext_lazy(
                "`action` when the notification asks you to do something, "
                "`information` otherwise."
            )
        ),
    )
    read = serializers.BooleanField(source="is_read", read_only=True)
    link = serializers.SerializerMethodField(
        help_text=gettext_lazy("The page the notification is about, if there is one.")
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "category",
            "standard",
            "message",
            "created",
            "read",
            "read_at",
            "link",
        ]

    def get_link(self, notification) -> str | None:
        link = notification.link()
        if not link:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(link) if request else link


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(
        help_text=gettext_lazy("How many were unread until now.")
    )


class WatchSerializer(serializers.ModelSerializer):
    field = FieldRefSerializer(read_only=True, allow_null=True)
    standard = StandardRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Watch
        fields = ["id", "field", "standard", "created"]


# One boolean per kind of notification (its label as help): is it also sent
# by e-mail? The same shape is read (GET) and written whole (PUT).
EmailPreferencesSerializer = type(
    "EmailPreferencesSerializer",
    (serializers.Serializer,),
    {
        kind: serializers.BooleanField(help_text=str(label))
        for kind, label in Kind.choices
    },
)


class DeliverySerializer(serializers.Serializer):
    delivery = serializers.ChoiceField(
        choices=Delivery.choices,
        help_text=(
            gettext_lazy(
                "`immediate`: one e-mail per notification; `digest`: one e-mail a "
                "day with all of them; `off`: no e-mail."
            )
        ),
    )


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _preferences(user) -> dict:
    chosen = set(selectors.email_kinds(user))
    return {kind: kind in chosen for kind in Kind.values}


class SignedIn:
    permission_classes = [permissions.IsAuthenticated]


# --- notifications ----------------------------------------------------------------


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(
        field_name="read_at",
        lookup_expr="isnull",
        label=gettext_lazy("Only unread (true) or only read (false) notifications"),
    )
    category = filters.ChoiceFilter(
        choices=Category.choices,
        method="in_category",
        label=gettext_lazy(
            "Only those that need your action, or only those for information"
        ),
    )

    class Meta:
        model = Notification
        fields = ["unread", "kind", "category"]

    def in_category(self, queryset, name, value):
        return queryset.in_category(value)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Your notifications"),
        description=(
            gettext_lazy(
                "Newest first; `unread=true` gives the unread ones only, "
                "`category=action` those that ask you to act."
            )
        ),
    )
)
class NotificationList(SignedIn, ConditionalGetMixin, generics.ListAPIView):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created"]
    ordering = ["-created", "-pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # generating the schema
            return Notification.objects.none()
        return selectors.notifications_for(self.request.user)


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Mark one of your notifications read"),
        request=None,
        responses=NotificationSerializer,
    )
)
class NotificationRead(SignedIn, APIView):
    def post(self, request, pk):
        notification = services.notification_mark_read(
            notification_id=pk, user=request.user
        )
        return Response(
            NotificationSerializer(notification, context={"request": request}).data
        )


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Mark all your notifications read"),
        request=None,
        responses=MarkedSerializer,
    )
)
class NotificationReadAll(SignedIn, APIView):
    def post(self, request):
        marked = services.notifications_mark_all_read(user=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)


# --- watching ---------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("What you watch"),
        description=(
            gettext_lazy(
                "The fields (with their subfields) and standards you watch: you are "
                "told when a standard among them is published or abolished."
            )
        ),
    )
)
class WatchList(SignedIn, ConditionalGetMixin, generics.ListAPIView):
    serializer_class = WatchSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # generating the schema
            return Watch.objects.none()
        return selectors.watches_of(self.request.user).order_by("pk")


class WatchView(SignedIn, APIView):
    """POST starts watching (201, or 200 if already watched); DELETE stops
    (204, also when not watched)."""

    def answer(self, watch, created: bool):
        return Response(
            WatchSerializer(watch, context={"request": self.request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


WATCH_RESPONSES = {200: WatchSerializer, 201: WatchSerializer}


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Watch a standard"),
        description=gettext_lazy(
            "201 when a new watch is made, 200 if you watched it already."
        ),
        request=None,
        responses=WATCH_RESPONSES,
    ),
    delete=extend_schema(
        summary=gettext_lazy("Stop watching a standard"),
        request=None,
        responses={204: None},
    ),
)
class StandardWatch(WatchView):
    def post(self, request, pk):
        standard = standard_selectors.standard_get_visible(
            standard_id=pk, user=request.user
        )
        created = not selectors.is_watching(request.user, standard=standard)
        watch = services.watch_standard(standard_id=standard.pk, user=request.user)
        return self.answer(watch, created)

    def delete(self, request, pk):
        standard = standard_selectors.standard_get_visible(
            standard_id=pk, user=request.user
        )
        services.unwatch_standard(standard_id=standard.pk, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Watch a field"),
        description=(
            gettext_lazy(
                "Covers its subfields. 201 when a new watch is made, 200 if you "
                "watched it already."
            )
        ),
        request=None,
        responses=WATCH_RESPONSES,
    ),
    delete=extend_schema(
        summary=gettext_lazy("Stop watching a field"),
        request=None,
        responses={204: None},
    ),
)
class FieldWatch(WatchView):
    def post(self, request, pk):
        field = get_object_or_404(Field, pk=pk)
        created = not selectors.is_watching(request.user, field=field)
        watch = services.watch_field(field_id=field.pk, user=request.user)
        return self.answer(watch, created)

    def delete(self, request, pk):
        field = get_object_or_404(Field, pk=pk)
        services.unwatch_field(field_id=field.pk, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- e-mail choices -----------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Your e-mail choices"),
        description=(
            gettext_lazy(
                "Which kinds of notification are also sent by e-mail; every "
                "notification is shown in the portal."
            )
        ),
        responses=EmailPreferencesSerializer,
    ),
    put=extend_schema(
        summary=gettext_lazy("Choose which kinds are sent by e-mail"),
        description=gettext_lazy(
            "Give every kind: true to have it e-mailed, false not to."
        ),
        request=EmailPreferencesSerializer,
        responses=EmailPreferencesSerializer,
    ),
)
class Preferences(SignedIn, APIView):
    def get(self, request):
        return Response(EmailPreferencesSerializer(_preferences(request.user)).data)

    def put(self, request):
        data = _validated(EmailPreferencesSerializer, request)
        services.preferences_set(
            user=request.user, email_kinds=[kind for kind, on in data.items() if on]
        )
        return Response(EmailPreferencesSerializer(_preferences(request.user)).data)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("How you receive notification e-mails"),
        responses=DeliverySerializer,
    ),
    put=extend_schema(
        summary=gettext_lazy("Choose immediate e-mails, a daily digest or none"),
        description=gettext_lazy(
            "The kinds turned off in the e-mail choices are never sent."
        ),
        request=DeliverySerializer,
        responses=DeliverySerializer,
    ),
)
class EmailDelivery(SignedIn, APIView):
    def get(self, request):
        return Response({"delivery": selectors.email_delivery(request.user)})

    def put(self, request):
        data = _validated(DeliverySerializer, request)
        services.delivery_set(user=request.user, delivery=data["delivery"])
        return Response({"delivery": selectors.email_delivery(request.user)})
