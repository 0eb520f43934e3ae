"""Running a meeting through the API: the same services and rules as the
pages (``meeting_services``, ``meeting_permissions``); a refusal is the
API's one error body (400, 403, 404, 409)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.parsers import JSONParser
from standards.api.inputs import validated

from . import meeting_services as services
from .api import (
    MeetingActionSerializer,
    MeetingAgendaItemSerializer,
    MeetingAttendanceSerializer,
    MeetingDecisionSerializer,
    MeetingSerializer,
)
from .meeting_selectors import meeting_with_record


class MeetingAgendaItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(required=False, allow_blank=True, max_length=300)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    standard = serializers.IntegerField(required=False, allow_null=True)
    work_item = serializers.IntegerField(required=False, allow_null=True)
    programme = serializers.IntegerField(required=False, allow_null=True)


class MeetingAttendanceInput(serializers.Serializer):
    present = serializers.ListField(child=serializers.IntegerField(), max_length=500)
    apologies = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=500
    )


class MeetingMinutesInput(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True, max_length=200_000)


class MeetingDecisionInput(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    text_zh = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    agenda_item = serializers.IntegerField(required=False, allow_null=True)
    standard = serializers.IntegerField(required=False, allow_null=True)
    work_item = serializers.IntegerField(required=False, allow_null=True)


class MeetingActionInput(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    owner = serializers.IntegerField(help_text=gettext_lazy("A person's id."))
    due = serializers.DateField(required=False, allow_null=True)
    decision = serializers.IntegerField(required=False, allow_null=True)


class MeetingTransitionInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    approved_at_meeting = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "For `approve_minutes` by someone other than the leader: the later "
            "meeting that approved the minutes."
        ),
    )


class MeetingWrite(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    def answer(self, serializer_class, instance, code=status.HTTP_201_CREATED):
        data = serializer_class(instance, context={"request": self.request}).data
        return Response(data, status=code)


class AgendaItemCreate(MeetingWrite):
    @extend_schema(
        summary=gettext_lazy("Add an agenda item"),
        request=MeetingAgendaItemInput,
        responses={201: MeetingAgendaItemSerializer},
    )
    def post(self, request, pk):
        item = services.agenda_item_add(
            meeting_id=pk,
            actor=request.user,
            **validated(MeetingAgendaItemInput, request),
        )
        return self.answer(MeetingAgendaItemSerializer, item)


class AttendanceSet(MeetingWrite):
    @extend_schema(
        summary=gettext_lazy("Record the attendance"),
        request=MeetingAttendanceInput,
        responses={200: MeetingAttendanceSerializer(many=True)},
    )
    def post(self, request, pk):
        services.attendance_set(
            meeting_id=pk,
            actor=request.user,
            **validated(MeetingAttendanceInput, request),
        )
        rows = meeting_with_record().get(pk=pk).attendance.all()
        data = MeetingAttendanceSerializer(rows, many=True).data
        return Response(data, status=status.HTTP_200_OK)


class MinutesWrite(MeetingWrite):
    @extend_schema(
        summary=gettext_lazy("Write the minutes (Markdown)"),
        request=MeetingMinutesInput,
        responses={200: MeetingSerializer},
    )
    def post(self, request, pk):
        services.minutes_save(
            meeting_id=pk, actor=request.user, **validated(MeetingMinutesInput, request)
        )
        meeting = meeting_with_record().get(pk=pk)
        return self.answer(MeetingSerializer, meeting, status.HTTP_200_OK)


class DecisionCreate(MeetingWrite):
    @extend_schema(
        summary=gettext_lazy("Record a decision (numbered in the meeting)"),
        request=MeetingDecisionInput,
        responses={201: MeetingDecisionSerializer},
    )
    def post(self, request, pk):
        decision = services.decision_add(
            meeting_id=pk,
            actor=request.user,
            **validated(MeetingDecisionInput, request),
        )
        return self.answer(MeetingDecisionSerializer, decision)


class ActionCreate(MeetingWrite):
    @extend_schema(
        summary=gettext_lazy("Record an action item"),
        request=MeetingActionInput,
        responses={201: MeetingActionSerializer},
    )
    def post(self, request, pk):
        action = services.action_add(
            meeting_id=pk, actor=request.user, **validated(MeetingActionInput, request)
        )
        return self.answer(MeetingActionSerializer, action)


TRANSITIONS = ("hold", "approve_minutes", "cancel")


class MeetingTransition(MeetingWrite):
    @extend_schema(
        summary=gettext_lazy("Take a transition of a meeting"),
        description=gettext_lazy(
            "`hold` (planned → held), `cancel` (planned → cancelled, with an "
            "optional `reason`), `approve_minutes` (minutes in draft → approved)."
        ),
        request=MeetingTransitionInput,
        responses={200: MeetingSerializer},
    )
    def post(self, request, pk, name):
        from portal.errors import ApplicationError

        data = validated(MeetingTransitionInput, request)
        if name == "hold":
            services.meeting_hold(meeting_id=pk, actor=request.user)
        elif name == "cancel":
            services.meeting_cancel(
                meeting_id=pk, actor=request.user, reason=data.get("reason", "")
            )
        elif name == "approve_minutes":
            services.minutes_approve(
                meeting_id=pk,
                actor=request.user,
                approved_at_meeting=data.get("approved_at_meeting"),
            )
        else:
            raise ApplicationError(
                gettext_lazy("No such transition."), code="not_found"
            )
        meeting = meeting_with_record().get(pk=pk)
        return self.answer(MeetingSerializer, meeting, status.HTTP_200_OK)
