"""Regression tests of issue 11's observed leaks: a standard's working
material stays with its draft audience, during a renewal too, on every
surface (pages, files, API, history, PDFs, notifications)."""

import pytest
from django.urls import reverse

from notifications.models import Notification, Watch
from standards import pdf, services
from standards.models import Edition, Standard

from .conftest import markdown_file

pytestmark = pytest.mark.django_db

RENEWAL_TEXT = "The renewal's unpublished clause"
COMMENT = "An expert's remark on the renewal"


@pytest.fixture
def renewal(world, lifecycle, no_pdf_renders):
    """A published standard under renewal, with an unpublished version 2,
    its file and an expert comment on it."""
    standard = lifecycle.published()
    lifecycle.go(standard, "start_renewal", world.deputy, comment="Due.")
    version = services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Scope\n\n" + RENEWAL_TEXT,
        files=[markdown_file("renewal-notes.md", "# " + RENEWAL_TEXT)],
    )
    lifecycle.go(standard, "submit", world.member)
    services.comment_create(standard_id=standard.pk, actor=world.expert1, text=COMMENT)
    return Standard.objects.get(pk=standard.pk), version


def test_signed_out_the_renewal_version_diff_and_file_are_not_found(client, renewal):
    standard, version = renewal
    attachment = version.attachments.get()
    for address in (
        reverse("standards:version", kwargs={"pk": standard.pk, "number": 2}),
        reverse("standards:diff", kwargs={"pk": standard.pk}),
        reverse(
            "standards:attachment",
            kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
        ),
    ):
        response = client.get(address)
        assert response.status_code == 404, address
        assert RENEWAL_TEXT.encode() not in response.content


def test_another_organisation_is_sent_to_the_public_page_of_a_renewal(
    client, world, renewal
):
    standard, _version = renewal
    client.force_login(world.other_member)
    response = client.get(reverse("standards:draft", kwargs={"pk": standard.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "standards:detail", kwargs={"pk": standard.pk}
    )
    page = client.get(response["Location"]).content.decode()
    assert RENEWAL_TEXT not in page
    assert COMMENT not in page


def test_the_public_history_lists_public_actions_only(client, world, renewal):
    standard, _version = renewal
    address = reverse("api:standard-history", kwargs={"pk": standard.pk})
    actions = [entry["action"] for entry in client.get(address).json()["results"]]
    assert actions == ["publish", "start_renewal"]
    assert COMMENT not in client.get(address).content.decode()
    client.force_login(world.member)
    actions = [entry["action"] for entry in client.get(address).json()["results"]]
    assert "comment_added" in actions and "version_uploaded" in actions


def test_the_edition_pdf_history_prints_no_working_material(world, lifecycle):
    standard = lifecycle.in_review()
    services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="A remark for authors"
    )
    html = pdf.edition_html(
        Edition(
            standard=standard,
            number="LLMSWG 0001:2026",
            edition=1,
            version=standard.versions.get(),
            title=standard.title,
            published_on=standard.created.date(),
        )
    )
    assert "A remark for authors" not in html


def test_abolishing_an_unpublished_draft_tells_no_watcher_outside_its_audience(
    world, lifecycle
):
    standard = lifecycle.draft()
    Watch.objects.create(user=world.other_member, field=world.field)
    Watch.objects.create(user=world.deputy, field=world.field)
    lifecycle.go(standard, "abolish", world.leader, comment="An internal reason.")
    told = set(
        Notification.objects.filter(standard=standard).values_list(
            "recipient__username", flat=True
        )
    )
    assert "other_member" not in told
    assert {"deputy", "member"} <= told


def test_a_watcher_of_a_public_standard_hears_of_its_abolition(
    world, lifecycle, no_pdf_renders
):
    standard = lifecycle.published()
    Watch.objects.create(user=world.other_member, field=world.field)
    lifecycle.go(standard, "abolish", world.leader, comment="Superseded.")
    notification = Notification.objects.get(
        standard=standard, recipient=world.other_member
    )
    assert "abolished" in notification.message


def test_the_public_page_names_public_actions_in_the_past_without_draft_states(
    client, renewal
):
    standard, _version = renewal
    page = client.get(reverse("standards:detail", kwargs={"pk": standard.pk}))
    html = page.content.decode()
    assert "Published" in html and "Renewal started" in html
    assert "status-expert_review" not in html
    assert COMMENT not in html and RENEWAL_TEXT not in html
