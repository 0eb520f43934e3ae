from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("committees/", views.committees, name="committees"),
    path("committees/fields/<slug:slug>/", views.field_detail, name="field"),
    path("members/", views.members, name="members"),
    path("procedures/", views.procedures, name="procedures"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting"),
]
