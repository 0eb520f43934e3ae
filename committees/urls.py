from django.urls import path

from . import meeting_views, views

app_name = "committees"

urlpatterns = [
    path("committees/", views.committees, name="committees"),
    path("committees/fields/<slug:slug>/", views.field_detail, name="field"),
    path("members/", views.members, name="members"),
    path("members/<slug:slug>/", views.organisation, name="organisation"),
    path("procedures/", views.procedures, name="procedures"),
    # meetings (committees.meeting_views)
    path("meetings/", meeting_views.meetings, name="meetings"),
    path("meetings/new/", meeting_views.meeting_new, name="meeting_new"),
    path("meetings/calendar.ics", meeting_views.calendar_ics, name="calendar"),
    path(
        "meetings/minutes.atom",
        meeting_views.ApprovedMinutesFeed(),
        name="minutes_feed",
    ),
    path(
        "meetings/actions/<int:pk>/status/",
        meeting_views.action_status,
        name="action_status",
    ),
    path("meetings/<slug:slug>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<slug:slug>.ics", meeting_views.meeting_ics, name="meeting_ics"),
    path("meetings/<slug:slug>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<slug:slug>/state/<str:name>/",
        meeting_views.meeting_transition,
        name="meeting_transition",
    ),
    path("meetings/<slug:slug>/agenda/", meeting_views.agenda_add, name="agenda_add"),
    path(
        "meetings/<slug:slug>/agenda/<int:pk>/move/",
        meeting_views.agenda_move,
        name="agenda_move",
    ),
    path(
        "meetings/<slug:slug>/agenda/<int:pk>/remove/",
        meeting_views.agenda_remove,
        name="agenda_remove",
    ),
    path(
        "meetings/<slug:slug>/documents/",
        meeting_views.document_upload,
        name="document_upload",
    ),
    path(
        "meetings/<slug:slug>/documents/<int:pk>/",
        meeting_views.document_download,
        name="meeting_document",
    ),
    path(
        "meetings/<slug:slug>/attendance/",
        meeting_views.attendance_record,
        name="attendance",
    ),
    path("meetings/<slug:slug>/minutes/", meeting_views.minutes_write, name="minutes"),
    path(
        "meetings/<slug:slug>/minutes.pdf",
        meeting_views.minutes_pdf,
        name="minutes_pdf",
    ),
    path(
        "meetings/<slug:slug>/decisions/",
        meeting_views.decision_add,
        name="decision_add",
    ),
    path("meetings/<slug:slug>/actions/", meeting_views.action_add, name="action_add"),
]
