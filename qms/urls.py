from django.urls import path

from . import views

app_name = "qms"

urlpatterns = [
    path("qms/", views.index, name="index"),
    path("qms/register.csv", views.register_csv, name="register_csv"),
    path("qms/certificates/<str:number>/", views.certificate, name="certificate"),
    path(
        "qms/certificates/<str:number>/pdf/",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("qms/programmes/start/", views.programme_start, name="start"),
    path("qms/programmes/<int:pk>/", views.programme, name="programme"),
    path(
        "qms/programmes/<int:pk>/transition/<slug:name>/",
        views.transition,
        name="transition",
    ),
    path(
        "qms/programmes/<int:pk>/<slug:action>/",
        views.programme_action,
        name="action",
    ),
    path("qms/documents/<int:version_id>/", views.document, name="document"),
]
