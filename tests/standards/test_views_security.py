"""Drafts stay unseen by outsiders, and bad input gets a clear message with
nothing saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standards import services
from standards.models import Attachment, HistoryEntry, Standard, Status, Version

from .conftest import markdown_file


@pytest.fixture
def draft_with_file(lifecycle, world):
    standard = lifecycle.draft()
    version = services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Second\n",
        files=[markdown_file("secret.md")],
    )
    return standard, version.attachments.get()


def addresses(standard, attachment):
    pk = standard.pk
    return [
        reverse("standards:draft", kwargs={"pk": pk}),
        reverse("standards:draft_edit", kwargs={"pk": pk}),
        reverse("standards:version", kwargs={"pk": pk, "number": 1}),
        reverse("standards:diff", kwargs={"pk": pk}) + "?a=1&b=2",
        reverse(
            "standards:attachment", kwargs={"pk": pk, "attachment_id": attachment.pk}
        ),
    ]


def posts(standard):
    pk = standard.pk
    return [
        (reverse("standards:transition", kwargs={"pk": pk, "name": "submit"}), {}),
        (reverse("standards:transition", kwargs={"pk": pk, "name": "abolish"}), {}),
        (reverse("standards:version_new", kwargs={"pk": pk}), {"body": "x"}),
        (reverse("standards:comment_new", kwargs={"pk": pk}), {"text": "x"}),
        (reverse("standards:recommend", kwargs={"pk": pk}), {"decision": "approve"}),
    ]


@pytest.mark.parametrize("who", ["other_member", "other_deputy", "stranger", None])
def test_outsiders_get_404_on_a_draft_and_everything_of_it(
    client, world, draft_with_file, who
):
    standard, attachment = draft_with_file
    if who:
        client.force_login(getattr(world, who))
    for address in addresses(standard, attachment):
        response = client.get(address)
        expected = {404, 302} if who is None and "/edit/" in address else {404}
        assert response.status_code in expected, address
        assert b"secret" not in response.content
    for address, data in posts(standard):
        assert client.post(address, data).status_code == 404, address
    assert Standard.objects.get(pk=standard.pk).status == Status.DRAFT
    assert Version.objects.filter(standard=standard).count() == 2


def test_comments_of_another_draft_are_not_reachable(client, lifecycle, world):
    standard = lifecycle.in_review()
    other = lifecycle.draft(title="Other")
    comment = services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="x"
    )
    client.force_login(world.member)
    response = client.post(
        reverse(
            "standards:comment_answer",
            kwargs={"pk": other.pk, "comment_id": comment.pk},
        ),
        {"reply": "noted"},
    )
    assert response.status_code == 404


def test_unknown_ids_are_not_found(client, world):
    client.force_login(world.leader)
    assert (
        client.get(reverse("standards:draft", kwargs={"pk": 999999})).status_code == 404
    )
    assert (
        client.get(reverse("standards:detail", kwargs={"pk": 999999})).status_code
        == 404
    )


def test_attachment_of_another_standard_is_not_found(
    client, lifecycle, world, draft_with_file
):
    standard, attachment = draft_with_file
    other = lifecycle.draft(title="Other")
    client.force_login(world.member)
    response = client.get(
        reverse(
            "standards:attachment",
            kwargs={"pk": other.pk, "attachment_id": attachment.pk},
        )
    )
    assert response.status_code == 404


def test_renamed_executable_is_refused_with_a_message_and_nothing_saved(
    client, lifecycle, world
):
    standard = lifecycle.draft()
    client.force_login(world.member)
    executable = SimpleUploadedFile(
        "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
    )

    response = client.post(
        reverse("standards:version_new", kwargs={"pk": standard.pk}),
        {"body": "# My new text\n", "change_summary": "v2", "files": [executable]},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(f"/drafts/{standard.pk}/#upload", 302)]
    assert response.status_code == 415
    assert "report.pdf is not a PDF, DOCX, ODT or Markdown file" in html
    assert "# My new text" in html  # what was typed is kept in the form
    assert standard.versions.count() == 1
    assert not Attachment.objects.exists()


def test_oversize_upload_is_refused_with_a_message_and_nothing_saved(
    client, lifecycle, world, settings
):
    settings.MAX_ATTACHMENT_BYTES = 100
    standard = lifecycle.draft()
    client.force_login(world.member)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 200)

    response = client.post(
        reverse("standards:version_new", kwargs={"pk": standard.pk}),
        {"body": "Text", "files": [big]},
        follow=True,
    )

    assert response.redirect_chain == [(f"/drafts/{standard.pk}/#upload", 302)]
    assert response.status_code == 413
    assert "big.pdf is larger than the limit of 100" in response.content.decode()
    assert standard.versions.count() == 1


def test_empty_body_is_refused(client, lifecycle, world):
    standard = lifecycle.draft()
    client.force_login(world.member)
    response = client.post(
        reverse("standards:version_new", kwargs={"pk": standard.pk}),
        {"body": ""},
        follow=True,
    )
    assert response.redirect_chain == [(f"/drafts/{standard.pk}/#upload", 302)]
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert standard.versions.count() == 1


HOSTILE = (
    "# Title\n\n"
    "<script>alert('x')</script>\n\n"
    "[click me](javascript:alert('y'))\n\n"
    '<img src="x" onerror="alert(\'z\')">\n\n'
    '<a href="#" onclick="alert(1)">link</a>\n'
)


def assert_harmless(html):
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    # In the prefilled text area the payload shows as escaped text only.
    assert 'onerror="' not in html
    assert 'onclick="' not in html
    assert "<img" not in html


def test_hostile_markdown_is_rendered_harmless_on_every_page(client, lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    services.version_create(standard_id=standard.pk, actor=world.member, body=HOSTILE)
    services.version_create(
        standard_id=standard.pk, actor=world.member, body=HOSTILE + "more\n"
    )
    client.force_login(world.member)
    for address in (
        reverse("standards:draft", kwargs={"pk": standard.pk}),
        reverse("standards:version", kwargs={"pk": standard.pk, "number": 1}),
        reverse("standards:diff", kwargs={"pk": standard.pk}),
    ):
        response = client.get(address)
        assert response.status_code == 200
        assert_harmless(response.content.decode())
    assert (
        "<h2>Title</h2>"
        in client.get(
            reverse("standards:draft", kwargs={"pk": standard.pk})
        ).content.decode()
    )


def test_hostile_markdown_is_harmless_on_the_public_page(client, lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    services.version_create(standard_id=standard.pk, actor=world.member, body=HOSTILE)
    lifecycle.go(standard, "submit", world.member)
    services.experts_assign(
        standard_id=standard.pk,
        actor=world.deputy,
        experts=[world.expert1, world.expert2],
    )
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    for name, user in (
        ("advance_to_audit", world.deputy),
        ("certify", world.auditor),
        ("publish", world.leader),
    ):
        lifecycle.go(standard, name, user)

    response = client.get(reverse("standards:detail", kwargs={"pk": standard.pk}))

    assert response.status_code == 200
    assert_harmless(response.content.decode())


def test_hostile_comment_text_is_escaped(client, lifecycle, world):
    standard = lifecycle.in_review()
    services.comment_create(
        standard_id=standard.pk,
        actor=world.expert1,
        text="<script>alert(1)</script>",
        section='<img src=x onerror="alert(2)">',
    )
    client.force_login(world.member)
    html = client.get(
        reverse("standards:draft", kwargs={"pk": standard.pk})
    ).content.decode()
    assert_harmless(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_nothing_is_recorded_when_an_action_is_refused(client, lifecycle, world):
    standard = lifecycle.draft()
    before = HistoryEntry.objects.filter(standard=standard).count()
    client.force_login(world.other_member)
    client.post(
        reverse("standards:transition", kwargs={"pk": standard.pk, "name": "submit"})
    )
    assert HistoryEntry.objects.filter(standard=standard).count() == before
