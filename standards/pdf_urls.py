from django.urls import path

from . import pdf_views

app_name = "standards_pdf"

urlpatterns = [
    path("editions/<int:pk>/pdf/", pdf_views.edition_pdf, name="edition_pdf"),
    path(
        "editions/<int:pk>/pdf/status/",
        pdf_views.edition_pdf_status,
        name="edition_pdf_status",
    ),
    path(
        "editions/<int:pk>/pdf/render/",
        pdf_views.edition_rerender,
        name="edition_rerender",
    ),
    path(
        "certificates/<int:pk>/pdf/",
        pdf_views.certificate_pdf,
        name="certificate_pdf",
    ),
]
