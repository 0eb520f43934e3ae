"""Addresses the API hands out: its index, and the PDFs of editions and
certificates (null until they are ready)."""

import pytest
from django.core.files.base import ContentFile

from standards.models import Audit, Edition

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a stand-in\n%%EOF\n"


def test_the_index_lists_every_collection(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "ETag" in response
    body = response.json()
    assert body["standards"] == "http://testserver/api/v1/standards/"
    assert body["notifications"] == "http://testserver/api/v1/notifications/"
    assert body["watches"] == "http://testserver/api/v1/watches/"
    assert body["schema"] == "http://testserver/api/schema/"
    for key, url in body.items():
        assert url.startswith("http://testserver/api/"), key
        # Every address answers: public ones to anyone, the rest ask for a sign-in.
        assert api.get(url).status_code in (200, 401), key


def test_an_editions_pdf_url_is_null_until_ready(api, lifecycle):
    standard = lifecycle.published()
    edition = standard.editions.get()
    assert edition.pdf_state == Edition.PdfState.PENDING
    listed = api.get("/api/v1/editions/").json()["results"][0]
    assert listed["pdf_state"] == "pending" and listed["pdf_url"] is None

    edition.pdf.save("stand-in.pdf", ContentFile(PDF), save=False)
    edition.pdf_state = Edition.PdfState.READY
    edition.pdf_size = len(PDF)
    edition.save()
    url = f"http://testserver/editions/{edition.pk}/pdf/"
    detail = api.get(f"/api/v1/editions/{edition.pk}/").json()
    assert detail["pdf_state"] == "ready" and detail["pdf_url"] == url
    standard_body = api.get(f"/api/v1/standards/{standard.pk}/").json()
    assert standard_body["current_edition"]["pdf_url"] == url
    assert standard_body["editions"][0]["pdf_url"] == url
    download = api.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_a_failed_pdf_has_no_url(api, lifecycle):
    standard = lifecycle.published()
    standard.editions.update(pdf_state=Edition.PdfState.FAILED)
    (edition,) = api.get(f"/api/v1/standards/{standard.pk}/editions/").json()["results"]
    assert edition["pdf_state"] == "failed" and edition["pdf_url"] is None


def test_an_audits_certificate_url_once_ready(as_user, client, world, lifecycle):
    standard = lifecycle.certified()
    audit = Audit.objects.get(standard=standard, outcome=Audit.Outcome.CERTIFIED)
    path = f"/api/v1/standards/{standard.pk}/audits/"
    (listed,) = as_user(world.member).get(path).json()["results"]
    assert listed["certificate_url"] is None
    assert listed["certificate_state"] == audit.certificate_state

    audit.certificate_pdf.save("stand-in.pdf", ContentFile(PDF), save=False)
    audit.certificate_state = "ready"
    audit.save()
    (listed,) = as_user(world.member).get(path).json()["results"]
    url = f"http://testserver/certificates/{audit.pk}/pdf/"
    assert listed["certificate_state"] == "ready"
    assert listed["certificate_url"] == url
    client.force_login(world.member)
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
