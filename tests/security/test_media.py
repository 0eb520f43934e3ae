"""Private files are never served from MEDIA_ROOT, in any mode: every file is
downloaded through a view that checks who asks."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import models
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse
from django.views import static

from standards import services
from standards.models import Attachment, Audit
from tests.factories import UserFactory
from tests.standards import conftest as standards_fixtures

world = standards_fixtures.world
lifecycle = standards_fixtures.lifecycle
no_pdf_renders = standards_fixtures.no_pdf_renders

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Every file field of the project, and the view that serves it after checking
# permission. A new file field fails this suite until it gets such a view.
DOWNLOAD_VIEWS = {
    ("standards", "Attachment", "file"): "standards:attachment",
    ("standards", "Audit", "certificate_pdf"): "standards_pdf:certificate_pdf",
    ("standards", "Edition", "pdf"): "standards_pdf:edition_pdf",
    ("qms", "Certificate", "pdf"): "qms:certificate_pdf",
    ("qms", "DocumentVersion", "file"): "qms:document",
    ("committees", "MeetingDocument", "file"): "committees:meeting_document",
    ("committees", "Meeting", "minutes_pdf"): "committees:minutes_pdf",
}


@pytest.fixture
def debug_urls(settings):
    """The URLs as ``make run`` (DEBUG on) builds them."""
    import portal.urls

    settings.DEBUG = True
    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.fixture
def certified_with_pdf(lifecycle, no_pdf_renders):
    """A certified, unpublished standard whose certificate PDF is on disk,
    with an attachment on its current version."""
    standard = lifecycle.certified()
    audit = Audit.objects.get(standard=standard, outcome=Audit.Outcome.CERTIFIED)
    audit.certificate_pdf.save("certificate.pdf", ContentFile(PDF), save=False)
    audit.certificate_state = "ready"
    audit.save()
    return standard, audit


def _walk(patterns):
    for item in patterns:
        if isinstance(item, URLResolver):
            yield from _walk(item.url_patterns)
        elif isinstance(item, URLPattern):
            yield item


def test_no_url_serves_media_root_with_debug_on(debug_urls):
    served = [
        p for p in _walk(get_resolver().url_patterns) if p.callback is static.serve
    ]
    assert served == []


def test_certificate_of_unpublished_standard_is_not_downloadable_signed_out(
    client, debug_urls, certified_with_pdf, world
):
    standard, audit = certified_with_pdf
    path = Path(audit.certificate_pdf.path)
    assert path.read_bytes() == PDF  # the file is there, at a guessable path

    direct = client.get(f"/{django_settings.MEDIA_URL}{audit.certificate_pdf.name}")
    view = client.get(reverse("standards_pdf:certificate_pdf", kwargs={"pk": audit.pk}))

    assert direct.status_code == 404
    assert view.status_code == 404
    # Through the view, the draft's audience still has it (as with make run).
    client.force_login(world.member)
    allowed = client.get(
        reverse("standards_pdf:certificate_pdf", kwargs={"pk": audit.pk})
    )
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == PDF
    assert client.get(f"/media/{audit.certificate_pdf.name}").status_code == 404


def test_attachment_is_served_by_its_view_only(client, debug_urls, lifecycle, world):
    standard = lifecycle.draft()
    version = services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Second\n",
        files=[standards_fixtures.markdown_file("secret.md")],
    )
    attachment = version.attachments.get()
    url = reverse(
        "standards:attachment",
        kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
    )

    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(world.member)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(url).status_code == 200


def test_every_file_field_has_a_download_view_that_checks_permission():
    fields = {
        (model._meta.app_label, model.__name__, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert fields == set(DOWNLOAD_VIEWS)


def test_no_template_links_into_media_root():
    pattern = re.compile(
        r"MEDIA_URL|get_media_prefix|/media/|\.(file|pdf|certificate_pdf)\.url\b"
    )
    base = Path(django_settings.BASE_DIR)
    templates = [
        path
        for path in base.rglob("templates/**/*")
        if path.is_file() and ".venv" not in path.parts
    ]
    assert templates
    offending = [
        str(path.relative_to(base))
        for path in templates
        if pattern.search(path.read_text(errors="replace"))
    ]
    assert offending == []


def test_api_and_admin_link_to_the_views_not_to_media(
    client, certified_with_pdf, lifecycle, world
):
    standard, audit = certified_with_pdf
    draft = lifecycle.draft(title="Another draft")
    services.version_create(
        standard_id=draft.pk,
        actor=world.member,
        body="# Again\n",
        files=[standards_fixtures.markdown_file("notes.md")],
    )
    attachment = Attachment.objects.get()
    client.force_login(world.member)
    for url in (
        f"/api/v1/standards/{draft.pk}/versions/",
        f"/api/v1/standards/{standard.pk}/audits/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"/media/" not in response.content, url

    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    pages = {
        reverse("admin:standards_audit_change", args=[audit.pk]): reverse(
            "standards_pdf:certificate_pdf", kwargs={"pk": audit.pk}
        ),
        reverse("admin:standards_attachment_change", args=[attachment.pk]): reverse(
            "standards:attachment",
            kwargs={"pk": draft.pk, "attachment_id": attachment.pk},
        ),
    }
    for page, download in pages.items():
        html = client.get(page).content.decode()
        assert "/media/" not in html, page
        assert f'href="{download}"' in html, page


@pytest.mark.django_db
def test_a_meeting_document_is_served_by_its_view_only(client, debug_urls):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from committees import meeting_services
    from tests.committees.meeting_helpers import People, plan

    people = People()
    meeting = plan(people)
    document = meeting_services.document_attach(
        meeting_id=meeting.pk,
        actor=people.secretariat,
        upload=SimpleUploadedFile("agenda.pdf", PDF, "application/pdf"),
    )
    url = reverse(
        "committees:meeting_document", kwargs={"slug": meeting.slug, "pk": document.pk}
    )
    assert client.get(f"/media/{document.file.name}").status_code == 404
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    # A document of another meeting is not reachable through this one.
    other = plan(people, title="Another meeting")
    wrong = reverse(
        "committees:meeting_document", kwargs={"slug": other.slug, "pk": document.pk}
    )
    assert client.get(wrong).status_code == 404
