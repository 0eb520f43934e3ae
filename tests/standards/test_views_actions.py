"""Each form of the working page posts to a service and changes the draft, or
says why not with the refusal's status, keeping what was typed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standards.models import Comment, HistoryEntry, Recommendation, Standard, Status


def url(view, standard, **kwargs):
    return reverse(f"standards:{view}", kwargs={"pk": standard.pk, **kwargs})


def post(client, user, address, data=None, status=302):
    """POST as ``user``. A refusal (``status`` other than 302) redirects to
    the form's own page (post-redirect-get), which then answers once with the
    refusal's status and says why; that page is returned."""
    client.force_login(user)
    response = client.post(address, data or {})
    if status == 404:
        # What does not exist is not found, on the error page.
        assert response.status_code == 404
        return response
    assert response.status_code == 302, response.content.decode()[:3000]
    if status == 302:
        return response
    assert "/transitions/" not in response.url
    page = client.get(response.url)
    assert page.status_code == status, page.content.decode()[:3000]
    return page


def state(standard):
    return Standard.objects.get(pk=standard.pk).status


def test_member_uploads_a_version_with_files(client, lifecycle, world):
    standard = lifecycle.draft()
    client.force_login(world.member)

    response = client.post(
        url("version_new", standard),
        {
            "body": "# Scope\n\nVersion two.\n",
            "change_summary": "Second",
            "files": [
                SimpleUploadedFile("a.md", b"# Annex A\n"),
                SimpleUploadedFile("b.pdf", b"%PDF-1.7\n%%EOF\n"),
            ],
        },
    )

    assert response.status_code == 302
    version = standard.versions.get(number=2)
    assert version.body == "# Scope\n\nVersion two."
    assert sorted(a.original_name for a in version.attachments.all()) == [
        "a.md",
        "b.pdf",
    ]
    page = client.get(response.url).content.decode()
    assert "New version uploaded." in page and "Version two." in page


def test_member_edits_the_draft_details(client, lifecycle, world):
    standard = lifecycle.draft()
    client.force_login(world.member)
    form = client.get(url("draft_edit", standard)).content.decode()
    assert 'value="Evaluation of medical LLMs"' in form

    post(
        client,
        world.member,
        url("draft_edit", standard),
        {
            "title": "Renamed",
            "scope": "New scope",
            "field": world.field.pk,
            "expected_status": "draft",
        },
    )

    standard.refresh_from_db()
    assert standard.title == "Renamed" and standard.field == world.field


def test_editing_a_draft_under_review_is_a_conflict(client, lifecycle, world):
    standard = lifecycle.in_review()
    client.force_login(world.member)
    response = client.get(url("draft_edit", standard))
    assert response.status_code == 409
    assert "Only a draft can be edited" in response.content.decode()


def test_member_submits_and_the_history_records_it(client, lifecycle, world):
    standard = lifecycle.draft()

    response = post(
        client,
        world.member,
        url("transition", standard, name="submit"),
        {"comment": "", "expected_status": "draft"},
    )

    assert state(standard) == Status.EXPERT_REVIEW
    entry = HistoryEntry.objects.filter(standard=standard).last()
    assert (entry.action, entry.from_state, entry.to_state) == (
        "submit",
        "draft",
        "expert_review",
    )
    assert (
        "Done: Submit for expert review." in client.get(response.url).content.decode()
    )


def test_deputy_assigns_experts(client, lifecycle, world):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)

    post(
        client,
        world.deputy,
        url("assign", standard),
        {"experts": [world.expert1.pk, world.expert2.pk]},
    )

    assert set(standard.assignments.values_list("expert__username", flat=True)) == {
        "expert1",
        "expert2",
    }


def test_assigning_someone_who_is_no_expert_of_the_field_is_refused(
    client, lifecycle, world
):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    response = post(
        client,
        world.deputy,
        url("assign", standard),
        {"experts": [world.member.pk]},
        status=400,
    )
    assert "Select a valid choice" in response.content.decode()
    assert not standard.assignments.exists()


def test_experts_comment_and_recommend_and_authors_answer(client, lifecycle, world):
    standard = lifecycle.in_review()

    post(
        client,
        world.expert1,
        url("comment_new", standard),
        {"text": "Define the population.", "section": "3", "blocking": "on"},
    )
    post(client, world.expert1, url("recommend", standard), {"decision": "approve"})
    post(
        client,
        world.expert2,
        url("recommend", standard),
        {"decision": "approve_with_changes", "note": "Minor"},
    )
    comment = Comment.objects.get(standard=standard)
    assert comment.blocking and comment.section == "3"
    assert Recommendation.objects.filter(standard=standard).count() == 2

    post(
        client,
        world.member,
        url("comment_answer", standard, comment_id=comment.pk),
        {"reply": "accepted", "reply_text": "Done in 3.1."},
    )
    comment.refresh_from_db()
    assert comment.reply == "accepted" and comment.reply_text == "Done in 3.1."

    # Only the expert who raised the blocking comment resolves it.
    response = post(
        client,
        world.expert2,
        url("comment_resolve", standard, comment_id=comment.pk),
        status=403,
    )
    assert "Only the expert who raised a comment resolves it." in (
        response.content.decode()
    )
    post(client, world.expert1, url("comment_resolve", standard, comment_id=comment.pk))
    comment.refresh_from_db()
    assert comment.resolved_at is not None

    # The accepted blocking change must be in a newer version first; then
    # the experts confirm their recommendations on it.
    response = post(
        client,
        world.deputy,
        url("transition", standard, name="advance_to_audit"),
        {"expected_status": "expert_review"},
        status=409,
    )
    assert "upload a new version with the change" in response.content.decode()
    post(
        client,
        world.member,
        url("version_new", standard),
        {"body": "# Scope\n\n3.1 defines the population.\n"},
    )
    for expert in (world.expert1, world.expert2):
        post(client, expert, url("recommendation_confirm", standard))

    post(
        client,
        world.deputy,
        url("transition", standard, name="advance_to_audit"),
        {"expected_status": "expert_review"},
    )
    assert state(standard) == Status.AUDIT


def test_rejecting_a_comment_without_a_reason_is_refused_on_its_form(
    client, lifecycle, world
):
    standard = lifecycle.in_review()
    client.force_login(world.expert1)
    client.post(url("comment_new", standard), {"text": "Too vague."})
    comment = Comment.objects.get()

    response = post(
        client,
        world.member,
        url("comment_answer", standard, comment_id=comment.pk),
        {"reply": "rejected", "reply_text": ""},
        status=400,
    )

    assert "Say why the comment is rejected." in response.content.decode()
    comment.refresh_from_db()
    assert comment.reply == ""


def test_request_changes_needs_a_comment_and_keeps_the_state(client, lifecycle, world):
    standard = lifecycle.in_review()

    response = post(
        client,
        world.deputy,
        url("transition", standard, name="request_changes"),
        {"comment": "  ", "expected_status": "expert_review"},
        status=400,
    )

    assert "Say which changes are requested." in response.content.decode()
    assert state(standard) == Status.EXPERT_REVIEW


def test_advance_with_too_few_recommendations_is_a_conflict_with_its_reason(
    client, lifecycle, world
):
    standard = lifecycle.in_review()
    response = post(
        client,
        world.deputy,
        url("transition", standard, name="advance_to_audit"),
        {"expected_status": "expert_review"},
        status=409,
    )
    assert "expert recommendations on the current version are needed" in (
        response.content.decode()
    )
    assert state(standard) == Status.EXPERT_REVIEW


def test_transition_from_the_wrong_state_is_a_conflict(client, lifecycle, world):
    standard = lifecycle.draft()
    response = post(
        client,
        world.auditor,
        url("transition", standard, name="certify"),
        {},
        status=409,
    )
    assert "is not possible while the standard is “Draft”" in response.content.decode()
    assert state(standard) == Status.DRAFT


def test_transition_without_the_right_is_forbidden(client, lifecycle, world):
    standard = lifecycle.reviewed()
    response = post(
        client,
        world.member,
        url("transition", standard, name="advance_to_audit"),
        {"expected_status": "expert_review"},
        status=403,
    )
    assert "You may not advance to audit this standard." in response.content.decode()
    assert state(standard) == Status.EXPERT_REVIEW


def test_two_people_acting_at_once_the_second_is_told_it_changed_meanwhile(
    client, lifecycle, world
):
    standard = lifecycle.reviewed()
    # The deputy and the leader both opened the page while it was in review.
    post(
        client,
        world.deputy,
        url("transition", standard, name="advance_to_audit"),
        {"expected_status": "expert_review"},
    )

    response = post(
        client,
        world.leader,
        url("transition", standard, name="request_changes"),
        {"comment": "Please revise", "expected_status": "expert_review"},
        status=409,
    )

    html = response.content.decode()
    assert "This standard changed meanwhile" in html
    assert "Your comment was not saved" in html and "Please revise" in html
    assert state(standard) == Status.AUDIT
    assert not HistoryEntry.objects.filter(
        standard=standard, action="request_changes"
    ).exists()


def test_full_cycle_through_the_transition_forms(client, lifecycle, world):
    standard = lifecycle.reviewed()
    steps = [
        (world.deputy, "advance_to_audit", "expert_review", Status.AUDIT),
        (world.auditor, "certify", "audit", Status.CERTIFIED),
        (world.leader, "publish", "certified", Status.PUBLISHED),
        (world.deputy, "reaffirm", "published", Status.PUBLISHED),
    ]
    for user, name, seen, after in steps:
        post(
            client,
            user,
            url("transition", standard, name=name),
            {"expected_status": seen, "comment": ""},
        )
        assert state(standard) == after
    standard.refresh_from_db()
    assert standard.number and standard.editions.count() == 1


def test_leader_abolishes_with_a_reason_and_a_replacement(client, lifecycle, world):
    replacement = lifecycle.published(title="Replacement")
    old = lifecycle.published(title="Old")

    client.force_login(world.leader)
    # Abolishing cannot be undone: its form is on its confirmation page.
    page = client.get(url("draft", old)).content.decode()
    assert url("transition_confirm", old, name="abolish") in page
    page = client.get(url("transition_confirm", old, name="abolish")).content.decode()
    assert "Reason for abolishing" in page
    assert f'<option value="{replacement.pk}">' in page

    post(
        client,
        world.leader,
        url("transition", old, name="abolish"),
        {
            "comment": "Obsolete",
            "replaced_by": replacement.pk,
            "expected_status": "published",
        },
    )
    old.refresh_from_db()
    assert old.status == Status.ABOLISHED
    assert old.replaced_by == replacement and old.abolition_reason == "Obsolete"


def test_unknown_transition_is_not_found(client, lifecycle, world):
    standard = lifecycle.draft()
    post(client, world.leader, url("transition", standard, name="explode"), status=404)


def test_actions_only_accept_post(client, lifecycle, world):
    standard = lifecycle.draft()
    client.force_login(world.member)
    response = client.get(url("transition", standard, name="submit"))
    assert response.status_code == 405
