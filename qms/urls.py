from django.urls import path

from . import views

app_name = "qms"

urlpatterns = [
    path("qms/", views.index, name="index"),
]
