from django.urls import path

from . import views

app_name = "workplan"

urlpatterns = [
    path("workplan/", views.index, name="index"),
    path("workplan/<slug:slug>/", views.item, name="item"),
]
