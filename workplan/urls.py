from django.urls import path

from . import views

app_name = "workplan"

urlpatterns = [
    path("workplan/", views.index, name="index"),
    path("workplan/<slug:slug>/", views.item, name="item"),
    path("workplan/<slug:slug>/edit/", views.item_edit, name="item_edit"),
    path(
        "workplan/<slug:slug>/milestones/new/",
        views.milestone_new,
        name="milestone_new",
    ),
    path(
        "workplan/<slug:slug>/milestones/<int:pk>/edit/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "workplan/<slug:slug>/milestones/<int:pk>/delete/",
        views.milestone_delete,
        name="milestone_delete",
    ),
]
