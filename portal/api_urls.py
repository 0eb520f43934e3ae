"""Addresses under /api/: the REST API (v1), its schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from accounts import api as accounts_api
from committees import api as committees_api
from committees import meeting_api
from notifications import api as notifications_api
from qms import api as qms_api
from standards import api as standards_api
from webhooks import api as webhooks_api
from workplan import api as workplan_api

from . import api_docs
from .api import not_found
from .api_index import ApiIndex

v1 = [
    path("", ApiIndex.as_view(), name="index"),
    path("auth/tokens/", accounts_api.TokenList.as_view(), name="tokens"),
    path("auth/tokens/<int:pk>/", accounts_api.TokenDetail.as_view(), name="token"),
    path("lifecycle/", standards_api.Lifecycle.as_view(), name="lifecycle"),
    path("fields/", committees_api.FieldList.as_view(), name="fields"),
    path("fields/<int:pk>/", committees_api.FieldDetail.as_view(), name="field"),
    path(
        "fields/<int:pk>/watch/",
        notifications_api.FieldWatch.as_view(),
        name="field-watch",
    ),
    path(
        "organisations/",
        committees_api.OrganisationList.as_view(),
        name="organisations",
    ),
    path(
        "organisations/<int:pk>/",
        committees_api.OrganisationDetail.as_view(),
        name="organisation",
    ),
    path("people/", committees_api.PersonList.as_view(), name="people"),
    path("people/<int:pk>/", committees_api.PersonDetail.as_view(), name="person"),
    path("meetings/", committees_api.MeetingList.as_view(), name="meetings"),
    path("meetings/<int:pk>/", committees_api.MeetingDetail.as_view(), name="meeting"),
    path(
        "meetings/<int:pk>/agenda/",
        meeting_api.AgendaItemCreate.as_view(),
        name="meeting-agenda",
    ),
    path(
        "meetings/<int:pk>/attendance/",
        meeting_api.AttendanceSet.as_view(),
        name="meeting-attendance",
    ),
    path(
        "meetings/<int:pk>/minutes/",
        meeting_api.MinutesWrite.as_view(),
        name="meeting-minutes",
    ),
    path(
        "meetings/<int:pk>/decisions/",
        meeting_api.DecisionCreate.as_view(),
        name="meeting-decisions",
    ),
    path(
        "meetings/<int:pk>/actions/",
        meeting_api.ActionCreate.as_view(),
        name="meeting-actions",
    ),
    path(
        "meetings/<int:pk>/transitions/<str:name>/",
        meeting_api.MeetingTransition.as_view(),
        name="meeting-transition",
    ),
    path("work-items/", workplan_api.WorkItemList.as_view(), name="work-items"),
    path(
        "work-items/<int:pk>/",
        workplan_api.WorkItemDetail.as_view(),
        name="work-item",
    ),
    path(
        "work-items/<int:pk>/milestones/",
        workplan_api.MilestoneList.as_view(),
        name="work-item-milestones",
    ),
    path(
        "work-items/<int:pk>/milestones/<int:milestone_id>/",
        workplan_api.MilestoneDetail.as_view(),
        name="work-item-milestone",
    ),
    path(
        "work-items/<int:pk>/history/",
        workplan_api.WorkItemHistory.as_view(),
        name="work-item-history",
    ),
    path("editions/", standards_api.EditionList.as_view(), name="editions"),
    path("editions/<int:pk>/", standards_api.EditionDetail.as_view(), name="edition"),
    path("standards/", standards_api.StandardList.as_view(), name="standards"),
    path(
        "standards/import/",
        standards_api.StandardImport.as_view(),
        name="standards-import",
    ),
    path(
        "standards/<int:pk>/", standards_api.StandardDetail.as_view(), name="standard"
    ),
    path(
        "standards/<int:pk>/watch/",
        notifications_api.StandardWatch.as_view(),
        name="standard-watch",
    ),
    path(
        "standards/<int:pk>/editions/",
        standards_api.StandardEditions.as_view(),
        name="standard-editions",
    ),
    path(
        "standards/<int:pk>/editions/<int:edition>/pdf/",
        standards_api.EditionPdfDownload.as_view(),
        name="standard-edition-pdf",
    ),
    path(
        "standards/<int:pk>/attachments/<int:attachment_id>/download/",
        standards_api.AttachmentDownload.as_view(),
        name="standard-attachment-download",
    ),
    path(
        "standards/<int:pk>/audits/<int:audit_id>/certificate/",
        standards_api.CertificateDownload.as_view(),
        name="standard-audit-certificate",
    ),
    path(
        "standards/<int:pk>/history/",
        standards_api.StandardHistory.as_view(),
        name="standard-history",
    ),
    path(
        "standards/<int:pk>/versions/",
        standards_api.VersionList.as_view(),
        name="standard-versions",
    ),
    path(
        "standards/<int:pk>/assignments/",
        standards_api.AssignmentList.as_view(),
        name="standard-assignments",
    ),
    path(
        "standards/<int:pk>/assignable-experts/",
        standards_api.AssignableExperts.as_view(),
        name="standard-assignable-experts",
    ),
    path(
        "standards/<int:pk>/comments/",
        standards_api.CommentList.as_view(),
        name="standard-comments",
    ),
    path(
        "standards/<int:pk>/comments/<int:comment_id>/reply/",
        standards_api.CommentReply.as_view(),
        name="standard-comment-reply",
    ),
    path(
        "standards/<int:pk>/comments/<int:comment_id>/resolve/",
        standards_api.CommentResolve.as_view(),
        name="standard-comment-resolve",
    ),
    path(
        "standards/<int:pk>/recommendations/",
        standards_api.RecommendationList.as_view(),
        name="standard-recommendations",
    ),
    path(
        "standards/<int:pk>/recommendations/confirm/",
        standards_api.RecommendationConfirm.as_view(),
        name="standard-recommendation-confirm",
    ),
    path(
        "standards/<int:pk>/audits/",
        standards_api.AuditList.as_view(),
        name="standard-audits",
    ),
    path(
        "standards/<int:pk>/transitions/",
        standards_api.TransitionList.as_view(),
        name="standard-transitions",
    ),
    path(
        "standards/<int:pk>/transitions/<str:name>/",
        standards_api.TransitionTake.as_view(),
        name="standard-transition",
    ),
    path("qms/", include(qms_api.urlpatterns)),
    path(
        "notifications/",
        notifications_api.NotificationList.as_view(),
        name="notifications",
    ),
    path(
        "notifications/<int:pk>/read/",
        notifications_api.NotificationRead.as_view(),
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        notifications_api.NotificationReadAll.as_view(),
        name="notifications-read-all",
    ),
    path(
        "notifications/preferences/",
        notifications_api.Preferences.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/delivery/",
        notifications_api.EmailDelivery.as_view(),
        name="notification-delivery",
    ),
    path("watches/", notifications_api.WatchList.as_view(), name="watches"),
    path("events/", webhooks_api.EventFeed.as_view(), name="events"),
    path("webhooks/", webhooks_api.WebhookList.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", webhooks_api.WebhookDetail.as_view(), name="webhook"),
    path(
        "webhooks/<int:pk>/deliveries/",
        webhooks_api.DeliveryList.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/",
        webhooks_api.DeliveryDetail.as_view(),
        name="webhook-delivery",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/redeliver/",
        webhooks_api.DeliveryRedeliver.as_view(),
        name="webhook-delivery-redeliver",
    ),
]

app_name = "api"

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs.swagger, name="docs"),
    path("problems/", api_docs.problems, name="problems"),
    path("redoc/", api_docs.redoc, name="redoc"),
    # Any other address under /api/ (even with a newline in it) is a JSON 404.
    re_path(r"^[\s\S]*$", not_found),
]
