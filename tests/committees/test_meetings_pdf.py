"""The approved minutes as a PDF, rendered by the worker."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from committees import meeting_pdf
from committees import meeting_services as services
from committees.models import Meeting

from .meeting_helpers import People, held

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People()


def approved(people, django_capture_on_commit_callbacks):
    meeting = held(people)
    services.minutes_save(
        meeting_id=meeting.pk, actor=people.leader, minutes="## Discussion\n\nAgreed."
    )
    services.decision_add(meeting_id=meeting.pk, actor=people.leader, text="Adopt")
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_approve(meeting_id=meeting.pk, actor=people.leader)
    return Meeting.objects.get(pk=meeting.pk)


def test_approving_renders_the_minutes_pdf(
    client, people, django_capture_on_commit_callbacks
):
    meeting = approved(people, django_capture_on_commit_callbacks)
    assert meeting.minutes_pdf.name == f"minutes/{meeting.slug}.pdf"
    assert len(meeting.minutes_pdf_sha256) == 64
    response = client.get(
        reverse("committees:minutes_pdf", kwargs={"slug": meeting.slug})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Second Work Group Meeting" in text
    assert "2025-03-06/D1" in text and "Agreed." in text
    assert "14:00" in text  # in the meeting's own time zone


def test_rendering_again_keeps_the_pdf(people, django_capture_on_commit_callbacks):
    meeting = approved(people, django_capture_on_commit_callbacks)
    again = meeting_pdf.minutes_render_pdf(meeting_id=meeting.pk)
    assert again.minutes_pdf.name == meeting.minutes_pdf.name


def test_draft_minutes_have_no_pdf(client, people):
    meeting = held(people)
    services.minutes_save(meeting_id=meeting.pk, actor=people.leader, minutes="x")
    assert meeting_pdf.minutes_render_pdf(meeting_id=meeting.pk) is None
    response = client.get(
        reverse("committees:minutes_pdf", kwargs={"slug": meeting.slug})
    )
    assert response.status_code == 404
