"""The standard's pages show each edition's PDF state, the certificate, and
let a signed-in reader watch a standard or a field."""

from django.urls import reverse

from notifications.models import Watch
from standards.models import Edition
from standards.pdf import audit_render_certificate, edition_render_pdf


def test_public_page_tells_the_reader_the_pdf_is_being_prepared(client, lifecycle):
    standard = lifecycle.published()
    html = client.get(reverse("standards:detail", args=[standard.pk])).content.decode()
    assert "The PDF is being prepared; this page updates itself." in html


def test_public_page_links_the_ready_pdf_with_size_pages_and_sha256(client, lifecycle):
    standard = lifecycle.published()
    edition = edition_render_pdf(edition_id=Edition.objects.get(standard=standard).pk)
    html = client.get(reverse("standards:detail", args=[standard.pk])).content.decode()
    assert reverse("standards_pdf:edition_pdf", args=[edition.pk]) in html
    assert edition.pdf_sha256 in html
    assert f"{edition.pdf_pages} pages" in html


def test_draft_page_links_the_audit_certificate(client, lifecycle, world):
    standard = lifecycle.certified()
    audit = standard.audits.get()
    audit_render_certificate(audit_id=audit.pk)
    client.force_login(world.member)
    html = client.get(reverse("standards:draft", args=[standard.pk])).content.decode()
    assert reverse("standards_pdf:certificate_pdf", args=[audit.pk]) in html


def test_signed_in_reader_watches_a_standard_from_its_page(client, lifecycle, world):
    standard = lifecycle.published()
    url = reverse("standards:detail", args=[standard.pk])
    client.force_login(world.stranger)
    assert "Watch" in client.get(url).content.decode()
    client.post(
        reverse("notifications:watch_standard", args=[standard.pk]), {"next": url}
    )
    assert Watch.objects.filter(user=world.stranger, standard=standard).exists()
    assert "Stop watching" in client.get(url).content.decode()


def test_field_page_offers_watching_the_field(client, world):
    client.force_login(world.stranger)
    html = client.get(reverse("committees:field", args=[world.field.slug])).content
    assert reverse("notifications:watch_field", args=[world.field.pk]) in html.decode()


def test_anonymous_reader_sees_no_watch_button(client, lifecycle):
    standard = lifecycle.published()
    html = client.get(reverse("standards:detail", args=[standard.pk])).content.decode()
    assert "watch-form" not in html
