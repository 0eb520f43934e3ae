"""The working page puts the person's turn first: an actions box under the
banner with exactly what the viewer may do now, refused actions disabled
with their reason, the reason a draft came back at the top for its authors,
a confirmation page for what cannot be undone, and post-redirect-get."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from standards import services
from standards.models import Edition, Standard, Status

pytestmark = pytest.mark.django_db


def draft_url(standard, anchor=""):
    url = reverse("standards:draft", kwargs={"pk": standard.pk})
    return f"{url}#{anchor}" if anchor else url


def transition_url(standard, name):
    return reverse("standards:transition", kwargs={"pk": standard.pk, "name": name})


def confirm_url(standard, name):
    return reverse(
        "standards:transition_confirm", kwargs={"pk": standard.pk, "name": name}
    )


def page_of(client, user, standard):
    client.force_login(user)
    response = client.get(draft_url(standard))
    assert response.status_code == 200
    return response.content.decode()


def actions_box(html: str) -> str:
    match = re.search(r'<section id="actions".*?</section>', html, re.S)
    assert match, "the page has no actions box"
    return match.group(0)


def live_transitions(box: str) -> set[str]:
    """Transitions the box offers as a form that acts when sent."""
    return set(re.findall(r'action="/drafts/\d+/transitions/([a-z_]+)/"', box))


def confirm_links(box: str) -> set[str]:
    return set(re.findall(r'href="/drafts/\d+/confirm/([a-z_]+)/', box))


def disabled(box: str) -> dict[str, str]:
    """Refused transitions: name → the reason shown beside them."""
    return dict(
        re.findall(
            r'class="action-refused" id="transition-([a-z_]+)">.*?'
            r'<p class="meta" id="why-[a-z_]+">(.*?)</p>',
            box,
            re.S,
        )
    )


def other_actions(box: str) -> str:
    match = re.search(
        r'<details class="other-actions".*?</details>\s*</section>', box, re.S
    )
    return match.group(0) if match else ""


# --- the actions box, state by state and role by role ----------------------------


def test_deputy_on_a_submitted_draft_gets_the_assign_form_first(
    client, lifecycle, world
):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)

    html = page_of(client, world.deputy, standard)
    box = actions_box(html)

    # The actions box sits right under the banner, before the text.
    assert html.index('id="actions"') < html.index('id="text"')
    assert 'id="assign"' in box and "Assign experts" in box
    assert box.index('id="assign"') < box.index("Advance to audit")
    # Advancing is refused: shown disabled, with the reason, never live.
    assert "advance_to_audit" not in live_transitions(box)
    reasons = disabled(box)
    assert (
        "2 expert recommendations on the current version are needed; 0 given"
        in (reasons["advance_to_audit"])
    )
    # Requesting changes stays possible, out of the way.
    assert "request_changes" in live_transitions(other_actions(box))


def test_deputy_of_a_reviewed_draft_advances_or_requests_changes(
    client, lifecycle, world
):
    standard = lifecycle.reviewed()
    box = actions_box(page_of(client, world.deputy, standard))
    assert {"advance_to_audit", "request_changes"} <= live_transitions(box)
    assert not disabled(box)
    assert "request_changes" not in live_transitions(other_actions(box))


def test_assigned_expert_gets_recommend_and_comment_forms_in_the_box(
    client, lifecycle, world
):
    standard = lifecycle.in_review()
    box = actions_box(page_of(client, world.expert1, standard))
    assert 'id="recommend-form"' in box and 'id="comment-form"' in box
    assert not live_transitions(box) and not confirm_links(box)


def test_unassigned_expert_and_outsiders_get_nothing_to_do(client, lifecycle, world):
    standard = lifecycle.in_review()
    box = actions_box(page_of(client, world.member, standard))
    assert 'id="recommend-form"' not in box and 'id="assign"' not in box
    assert not live_transitions(box)


def test_authors_answer_open_comments_from_the_box(client, lifecycle, world):
    standard = lifecycle.in_review()
    comment = services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Define the population."
    )
    html = page_of(client, world.member, standard)
    box = actions_box(html)
    assert f'id="answer-{comment.pk}"' in box
    assert f"/comments/{comment.pk}/answer/" in box
    assert "Define the population." in box
    # Listed at the top as a point to address, linked to the comment.
    assert f'href="#comment-{comment.pk}"' in html
    assert html.index(f'href="#comment-{comment.pk}"') < html.index('id="actions"')
    # The upload of a revision is offered to the authors, too.
    assert "/versions/" in box and "Upload a revision" in box


def test_authors_of_a_draft_submit_from_the_box(client, lifecycle, world):
    standard = lifecycle.draft()
    box = actions_box(page_of(client, world.member, standard))
    assert live_transitions(box) == {"submit"}


def test_draft_without_a_version_cannot_be_submitted_and_says_why(
    client, lifecycle, world
):
    standard = lifecycle.draft(with_version=False)
    box = actions_box(page_of(client, world.member, standard))
    assert "submit" not in live_transitions(box)
    assert "Upload a version of the text before submitting." in disabled(box)["submit"]
    assert "Upload the first version" in box


def test_auditor_certifies_inline_and_fails_through_a_confirmation(
    client, lifecycle, world
):
    standard = lifecycle.in_audit()
    box = actions_box(page_of(client, world.auditor, standard))
    assert live_transitions(box) == {"certify"}
    assert confirm_links(box) == {"fail_audit"}


def test_leader_publishes_through_a_confirmation_and_abolish_is_apart(
    client, lifecycle, world
):
    standard = lifecycle.certified()
    box = actions_box(page_of(client, world.leader, standard))
    assert not live_transitions(box)
    assert confirm_links(box) == {"publish", "abolish"}
    # Abolishing is never beside publishing: it is under "Other actions".
    assert confirm_links(other_actions(box)) == {"abolish"}


def test_member_while_audited_is_told_nothing_waits(client, lifecycle, world):
    standard = lifecycle.in_audit()
    box = actions_box(page_of(client, world.member, standard))
    assert "Nothing waits on you on this draft now." in box


# --- why a draft came back ------------------------------------------------------------


def test_authors_see_the_requested_changes_at_the_top(client, lifecycle, world):
    standard = lifecycle.reviewed()
    lifecycle.go(
        standard, "request_changes", world.deputy, comment="Add a section on bias."
    )
    html = page_of(client, world.member, standard)
    assert 'id="returned"' in html
    assert html.index('id="returned"') < html.index('id="actions"')
    top = html[html.index('id="returned"') : html.index('id="actions"')]
    assert "Changes were requested" in top and "Add a section on bias." in top
    # Only the authors are shown it there; others read the history.
    assert 'id="returned"' not in page_of(client, world.deputy, standard)


def test_authors_see_the_failed_audit_findings_and_must_upload_first(
    client, lifecycle, world
):
    standard = lifecycle.in_audit()
    lifecycle.go(standard, "fail_audit", world.auditor, comment="Section 4 is vague.")
    html = page_of(client, world.member, standard)
    top = html[html.index('id="returned"') : html.index('id="actions"')]
    assert "The audit failed" in top and "Section 4 is vague." in top
    box = actions_box(html)
    assert "submit" not in live_transitions(box)
    assert "upload a new version" in disabled(box)["submit"]
    # The upload form is open, since it is the next step.
    assert re.search(r'<details class="card upload-details" id="upload" open>', box)


# --- confirmation of what cannot be undone -----------------------------------------


@pytest.mark.parametrize(
    ("state", "name", "actor", "words"),
    [
        ("certified", "publish", "leader", "cannot be taken back"),
        ("published", "abolish", "leader", "no longer in force"),
        ("draft", "abolish", "leader", "closed for good"),
        ("audit", "fail_audit", "auditor", "upload a new version first"),
    ],
)
def test_confirmation_page_states_the_consequence_and_changes_nothing(
    client, lifecycle, world, state, name, actor, words
):
    standard = {
        "certified": lifecycle.certified,
        "published": lifecycle.published,
        "draft": lifecycle.draft,
        "audit": lifecycle.in_audit,
    }[state]()
    before = Standard.objects.get(pk=standard.pk).status
    client.force_login(getattr(world, actor))

    response = client.get(confirm_url(standard, name))

    assert response.status_code == 200
    html = response.content.decode()
    assert words in html
    assert f'action="{transition_url(standard, name)}"' in html
    assert Standard.objects.get(pk=standard.pk).status == before


def test_confirming_abolish_abolishes(client, lifecycle, world):
    standard = lifecycle.published()
    client.force_login(world.leader)
    response = client.post(
        transition_url(standard, "abolish"),
        {"comment": "Obsolete.", "expected_status": "published"},
    )
    assert response.status_code == 302
    assert Standard.objects.get(pk=standard.pk).status == Status.ABOLISHED


def test_confirmation_page_is_refused_to_those_without_the_right(
    client, lifecycle, world
):
    standard = lifecycle.certified()
    client.force_login(world.auditor)
    assert client.get(confirm_url(standard, "publish")).status_code == 403
    client.force_login(world.stranger)
    assert client.get(confirm_url(standard, "publish")).status_code == 404


def test_only_irreversible_transitions_have_a_confirmation_page(
    client, lifecycle, world
):
    standard = lifecycle.reviewed()
    client.force_login(world.deputy)
    assert client.get(confirm_url(standard, "advance_to_audit")).status_code == 404


# --- post-redirect-get ----------------------------------------------------------------


def test_a_refused_transition_redirects_to_the_working_page_with_the_reason(
    client, lifecycle, world
):
    standard = lifecycle.in_review()
    client.force_login(world.deputy)

    response = client.post(
        transition_url(standard, "advance_to_audit"),
        {"expected_status": "expert_review"},
    )

    assert response.status_code == 302
    assert response.url == draft_url(standard, "transition-advance_to_audit")
    page = client.get(response.url)
    # The page the form came from says why, once, with the refusal's status.
    assert page.status_code == 409
    assert "expert recommendations on the current version are needed" in (
        page.content.decode()
    )
    again = client.get(response.url)
    assert again.status_code == 200
    assert Standard.objects.get(pk=standard.pk).status == Status.EXPERT_REVIEW


def test_a_missing_comment_is_asked_for_on_the_form_with_what_was_typed(
    client, lifecycle, world
):
    standard = lifecycle.reviewed()
    client.force_login(world.deputy)

    response = client.post(
        transition_url(standard, "request_changes"),
        {"comment": "   ", "expected_status": "expert_review"},
    )

    assert response.status_code == 302
    assert response.url == draft_url(standard, "transition-request_changes")
    page = client.get(response.url)
    assert page.status_code == 400
    box = actions_box(page.content.decode())
    assert "Say which changes are requested." in box


def test_a_refused_abolish_goes_back_to_its_confirmation_page(client, lifecycle, world):
    standard = lifecycle.published()
    client.force_login(world.leader)

    response = client.post(
        transition_url(standard, "abolish"), {"expected_status": "published"}
    )

    assert response.status_code == 302
    assert response.url == confirm_url(standard, "abolish")
    page = client.get(response.url)
    assert page.status_code == 400
    assert "Give the reason for abolishing this standard." in page.content.decode()
    assert Standard.objects.get(pk=standard.pk).status == Status.PUBLISHED


def test_what_was_typed_for_a_form_refused_is_shown_again(client, lifecycle, world):
    standard = lifecycle.in_review()
    client.force_login(world.expert1)
    response = client.post(
        reverse("standards:recommend", kwargs={"pk": standard.pk}),
        {"decision": "nonsense", "note": "My careful note."},
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 400
    box = actions_box(page.content.decode())
    assert "My careful note." in box and "Select a valid choice" in box


def test_a_comment_for_a_transition_no_longer_possible_is_not_lost(
    client, lifecycle, world
):
    standard = lifecycle.reviewed()
    lifecycle.go(standard, "advance_to_audit", world.deputy)
    client.force_login(world.deputy)
    response = client.post(
        transition_url(standard, "request_changes"),
        {"comment": "Rework section 2.", "expected_status": "expert_review"},
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 409
    assert "Rework section 2." in page.content.decode()


# --- the public page ----------------------------------------------------------------


def public_url(standard):
    return reverse("standards:detail", kwargs={"pk": standard.pk})


def public_actions(html: str) -> set[str]:
    match = re.search(r'<section id="actions".*?</section>', html, re.S)
    if not match:
        return set()
    box = match.group(0)
    return live_transitions(box) | confirm_links(box)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("leader", {"reaffirm", "start_renewal", "abolish"}),
        ("deputy", {"reaffirm", "start_renewal"}),
        ("member", set()),
        ("other_deputy", set()),
        ("expert1", set()),
        ("auditor", set()),
        (None, set()),
    ],
)
def test_public_page_offers_published_standard_actions_to_those_allowed(
    client, lifecycle, world, role, expected
):
    standard = lifecycle.published()
    if role:
        client.force_login(getattr(world, role))
    response = client.get(public_url(standard))
    assert response.status_code == 200
    assert public_actions(response.content.decode()) == expected


def test_reaffirming_from_the_public_page_comes_back_to_it(client, lifecycle, world):
    standard = lifecycle.published()
    client.force_login(world.deputy)
    response = client.post(
        transition_url(standard, "reaffirm"),
        {"expected_status": "published", "from": "public"},
    )
    assert response.status_code == 302 and response.url == public_url(standard)
    assert "Done: Reaffirm." in client.get(response.url).content.decode()


def test_public_page_has_a_download_button_and_related_standards(
    client, lifecycle, world
):
    old = lifecycle.published(title="Old rules")
    standard = lifecycle.published(title="New rules")
    lifecycle.go(
        old, "abolish", world.leader, comment="Replaced.", replaced_by=standard
    )
    edition = Edition.objects.get(standard=standard)
    edition.pdf.save("e.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    edition.pdf_state = Edition.PdfState.READY
    edition.pdf_pages, edition.pdf_size = 12, 2048
    edition.save()

    html = client.get(public_url(standard)).content.decode()

    pdf = reverse("standards_pdf:edition_pdf", kwargs={"pk": edition.pk})
    assert 'id="download-pdf"' in html and pdf in html
    assert "12 pages" in html and "2.0" in html
    assert html.index('id="download-pdf"') < html.index('id="text"')
    assert '<dl class="details standard-facts">' in html
    assert "Replaces" in html and public_url(old) in html
    assert "Stable address" in html
    old_html = client.get(public_url(old)).content.decode()
    assert "Replaced by" in old_html and public_url(standard) in old_html


# --- the field page -----------------------------------------------------------------


def test_field_page_lists_its_published_standards(client, lifecycle, world):
    published = lifecycle.published(title="Published in a subfield")
    lifecycle.draft(title="A draft nobody outside sees")
    html = client.get(world.field.get_absolute_url()).content.decode()
    assert "Published in a subfield" in html and public_url(published) in html
    assert "A draft nobody outside sees" not in html
    empty = client.get(world.other_field.get_absolute_url()).content.decode()
    assert "No standard of this field is published yet." in empty
