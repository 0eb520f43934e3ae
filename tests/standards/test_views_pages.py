"""The lifecycle pages show each role what it needs, and nothing it may not see."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standards import permissions, services
from standards.models import Status

from .conftest import markdown_file


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def draft_url(standard):
    return reverse("standards:draft", kwargs={"pk": standard.pk})


# --- /drafts/ -------------------------------------------------------------------


def test_member_sees_their_organisations_drafts_with_state_and_whose_turn(
    client, lifecycle, world
):
    mine = lifecycle.draft(title="Evaluation of medical LLMs")
    lifecycle.draft(title="Second draft of ours", with_version=False)
    client.force_login(world.other_member)
    client.post(
        reverse("standards:draft_new"), {"title": "Theirs", "field": world.field.pk}
    )

    html = page(client, world.member, reverse("standards:drafts"))

    assert "Evaluation of medical LLMs" in html
    assert "Second draft of ours" in html
    assert "Theirs" not in html
    assert 'class="badge status-draft"' in html
    assert "revise and submit for expert review" in html
    assert "upload a first version and submit" in html
    assert draft_url(mine) in html
    assert "New draft" in html


def test_expert_without_an_organisation_draft_sees_an_empty_list_and_no_new_button(
    client, world
):
    html = page(client, world.expert1, reverse("standards:drafts"))
    assert "Your organisation has no draft in progress." in html
    assert reverse("standards:draft_new") not in html


def test_anonymous_visitor_is_sent_to_sign_in_for_drafts(client):
    response = client.get(reverse("standards:drafts"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- /drafts/new/ ---------------------------------------------------------------


def test_member_creates_a_draft_from_the_form(client, world):
    html = page(client, world.member, reverse("standards:draft_new"))
    assert "Critical Care Subfield" in html  # subfields in the grouped select
    assert '<optgroup label="Medical Field">' in html

    response = client.post(
        reverse("standards:draft_new"),
        {
            "title": "Benchmarks for clinical notes",
            "scope": "Clinical notes.",
            "field": world.subfield.pk,
        },
    )

    assert response.status_code == 302
    standard = world.organisation.standards.get()
    assert standard.title == "Benchmarks for clinical notes"
    assert standard.field == world.subfield
    assert response.url.startswith(draft_url(standard))


def test_empty_title_is_refused_with_a_message_and_nothing_is_saved(client, world):
    client.force_login(world.member)
    new = reverse("standards:draft_new")
    response = client.post(new, {"title": "   ", "field": world.field.pk})
    assert (response.status_code, response.url) == (302, new)
    response = client.get(new)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not world.organisation.standards.exists()


def author_boxes(html) -> dict[str, bool]:
    """The authors' checkboxes of a draft form: value → ticked."""
    boxes = re.findall(r'<input type="checkbox" name="authors"[^>]*>', html)
    return {
        re.search(r'value="(\d+)"', box).group(1): " checked" in box for box in boxes
    }


def test_a_refused_new_draft_is_shown_once_on_its_own_page_with_what_was_typed(
    client, world
):
    """Post-redirect-get: refreshing the page never posts again."""
    client.force_login(world.member)
    new = reverse("standards:draft_new")
    author = world.expert1.person

    response = client.post(
        new,
        {
            "title": "",
            "scope": "A scope typed with care.",
            "field": world.subfield.pk,
            "authors": [author.pk],
        },
    )

    assert (response.status_code, response.url) == (302, new)
    shown = client.get(new)
    html = shown.content.decode()
    assert shown.status_code == 400
    assert "This field is required." in html
    assert "Please correct the errors below." in html
    assert "A scope typed with care." in html
    assert author_boxes(html)[str(author.pk)] is True
    assert f'<option value="{world.subfield.pk}" selected>' in html
    refreshed = client.get(new)
    assert refreshed.status_code == 200
    assert "A scope typed with care." not in refreshed.content.decode()
    assert not world.organisation.standards.exists()


def test_the_authors_are_checkboxes_and_several_are_picked_at_once(client, world):
    html = page(client, world.member, reverse("standards:draft_new"))
    assert '<select name="authors"' not in html
    assert "tick each person" in html
    people = [world.expert1.person, world.expert2.person]
    assert {str(p.pk) for p in people} <= set(author_boxes(html))

    response = client.post(
        reverse("standards:draft_new"),
        {
            "title": "Written by three",
            "field": world.field.pk,
            "authors": [p.pk for p in people],
        },
    )

    assert response.status_code == 302
    standard = world.organisation.standards.get()
    assert set(standard.authors.all()) >= set(people)
    edit = page(
        client,
        world.member,
        reverse("standards:draft_edit", kwargs={"pk": standard.pk}),
    )
    ticked = {pk for pk, on in author_boxes(edit).items() if on}
    assert {str(p.pk) for p in people} <= ticked


def test_a_refused_edit_is_shown_on_the_edit_page_not_the_working_page(
    client, lifecycle, world
):
    standard = lifecycle.draft()
    client.force_login(world.member)
    edit = reverse("standards:draft_edit", kwargs={"pk": standard.pk})

    response = client.post(
        edit,
        {
            "title": "",
            "scope": "A new scope, not yet saved.",
            "field": world.field.pk,
            "expected_status": "draft",
        },
    )

    assert (response.status_code, response.url) == (302, edit)
    # The working page of the same draft leaves it to the edit page.
    assert client.get(draft_url(standard)).status_code == 200
    shown = client.get(edit)
    assert shown.status_code == 400
    assert "This field is required." in shown.content.decode()
    assert "A new scope, not yet saved." in shown.content.decode()
    refreshed = client.get(edit).content.decode()
    assert "A new scope, not yet saved." not in refreshed
    assert 'value="Evaluation of medical LLMs"' in refreshed
    standard.refresh_from_db()
    assert standard.title == "Evaluation of medical LLMs"


def test_an_edit_refused_by_the_service_answers_with_its_status_once(
    client, lifecycle, world
):
    """The draft changed meanwhile (a stale ``expected_status``): 409, with
    the reason and the typed title, then 200."""
    standard = lifecycle.draft()
    client.force_login(world.member)
    edit = reverse("standards:draft_edit", kwargs={"pk": standard.pk})

    response = client.post(
        edit,
        {
            "title": "A title typed meanwhile",
            "field": world.field.pk,
            "expected_status": "expert_review",
        },
    )

    assert (response.status_code, response.url) == (302, edit)
    shown = client.get(edit)
    assert shown.status_code == 409
    assert "changed meanwhile" in shown.content.decode()
    assert 'value="A title typed meanwhile"' in shown.content.decode()
    assert client.get(edit).status_code == 200
    standard.refresh_from_db()
    assert standard.title == "Evaluation of medical LLMs"


def test_the_experts_to_assign_are_checkboxes_and_several_are_assigned_at_once(
    client, lifecycle, world
):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)

    html = page(client, world.deputy, draft_url(standard))

    assert '<select name="experts"' not in html
    for expert in (world.expert1, world.expert2):
        assert re.search(
            rf'<input type="checkbox" name="experts" value="{expert.pk}"', html
        )
    response = client.post(
        reverse("standards:assign", kwargs={"pk": standard.pk}),
        {"experts": [world.expert1.pk, world.expert2.pk]},
    )
    assert response.status_code == 302
    assert set(standard.assignments.values_list("expert_id", flat=True)) == {
        world.expert1.pk,
        world.expert2.pk,
    }


def test_someone_who_represents_no_organisation_may_not_open_the_new_draft_form(
    client, world
):
    html = page(client, world.expert1, reverse("standards:draft_new"), status=403)
    assert "Only member representatives" in html


# --- the draft's working page -------------------------------------------------


def test_member_sees_the_working_page_of_a_draft(client, lifecycle, world):
    standard = lifecycle.draft()
    services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Scope\n\nSecond version text.\n",
        change_summary="Tightened scope",
        files=[markdown_file("annex.md")],
    )

    html = page(client, world.member, draft_url(standard))

    assert "<h2>Scope</h2>" in html  # the current body, rendered
    assert "Second version text." in html
    assert "Tightened scope" in html
    assert "annex.md" in html
    assert reverse("standards:draft_edit", kwargs={"pk": standard.pk}) in html
    upload = reverse("standards:version_new", kwargs={"pk": standard.pk})
    assert f'action="{upload}"' in html
    assert "Submit for expert review" in html
    assert 'name="expected_status" value="draft"' in html
    assert reverse("standards:diff", kwargs={"pk": standard.pk}) in html
    # Exactly the transitions the member may take now.
    assert re.findall(r"/transitions/(\w+)/", html) == ["submit"]


def test_transition_forms_are_exactly_the_available_transitions(
    client, lifecycle, world
):
    standard = lifecycle.in_review()
    standard.refresh_from_db()
    for user in (
        world.deputy,
        world.leader,
        world.member,
        world.expert1,
        world.auditor,
    ):
        client.force_login(user)
        html = client.get(draft_url(standard)).content.decode()
        # Each open transition is shown once: as a form that acts, as a link
        # to its confirmation page (what cannot be undone), or disabled with
        # the reason its conditions refuse it now.
        live = re.findall(r'action="/drafts/\d+/transitions/(\w+)/"', html)
        confirmed = re.findall(r"/drafts/\d+/confirm/(\w+)/", html)
        refused = re.findall(r'class="action-refused" id="transition-(\w+)"', html)
        available = services.available_transitions(standard, user)
        assert sorted(live + confirmed + refused) == sorted(available), user
        for name in live + confirmed:
            assert permissions.transition_refusal(standard, user, name), name
        for name in refused:
            assert not permissions.transition_refusal(standard, user, name), name


def test_deputy_sees_assign_form_with_the_fields_experts(client, lifecycle, world):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)

    html = page(client, world.deputy, draft_url(standard))

    assert reverse("standards:assign", kwargs={"pk": standard.pk}) in html
    assert f'value="{world.expert1.pk}"' in html
    assert f'value="{world.unassigned_expert.pk}"' in html
    assert "assign experts of Critical Care Subfield" in html  # whose turn
    assert "Changes requested" in html  # request_changes asks for a comment


def test_assigned_expert_sees_comment_and_recommend_forms(client, lifecycle, world):
    standard = lifecycle.in_review()
    html = page(client, world.expert1, draft_url(standard))
    assert reverse("standards:comment_new", kwargs={"pk": standard.pk}) in html
    assert reverse("standards:recommend", kwargs={"pk": standard.pk}) in html
    assert "Approve with changes" in html

    html = page(client, world.member, draft_url(standard))
    assert reverse("standards:comment_new", kwargs={"pk": standard.pk}) not in html


def test_comments_show_answers_and_the_resolve_button_to_their_expert(
    client, lifecycle, world
):
    standard = lifecycle.in_review()
    comment = services.comment_create(
        standard_id=standard.pk,
        actor=world.expert1,
        text="Define “clinical”.",
        section="2.1",
        blocking=True,
    )
    answer_url = reverse(
        "standards:comment_answer", kwargs={"pk": standard.pk, "comment_id": comment.pk}
    )
    resolve_url = reverse(
        "standards:comment_resolve",
        kwargs={"pk": standard.pk, "comment_id": comment.pk},
    )

    html = page(client, world.member, draft_url(standard))
    assert "Define “clinical”." in html and "section 2.1" in html
    assert answer_url in html and resolve_url not in html

    html = page(client, world.expert1, draft_url(standard))
    assert resolve_url in html and answer_url not in html

    html = page(client, world.expert2, draft_url(standard))
    assert resolve_url not in html


def test_audits_editions_and_history_show_on_the_working_page(client, lifecycle, world):
    standard = lifecycle.published()
    html = page(client, world.auditor, draft_url(standard))
    assert "LLMSWG-C 0001:" in html  # the certificate number
    assert standard.number in html
    for label in ("Draft created", "Submit for expert review", "Certify", "Publish"):
        assert label in html


def test_version_page_and_diff_show_the_changes_escaped(client, lifecycle, world):
    standard = lifecycle.draft()
    services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Scope\n\nEvaluating medical LLMs <b>safely</b>.\n",
    )

    html = page(
        client,
        world.member,
        reverse("standards:diff", kwargs={"pk": standard.pk}) + "?a=1&b=2",
    )
    # Only the inserted words are marked, escaped.
    assert "Evaluating medical LLMs<ins> &lt;b&gt;safely&lt;/b&gt;</ins>." in html
    assert "1 line added, 1 line removed." in html

    # Without a choice, the last two versions are compared.
    html = page(
        client, world.member, reverse("standards:diff", kwargs={"pk": standard.pk})
    )
    assert "<ins>" in html

    html = page(
        client,
        world.member,
        reverse("standards:version", kwargs={"pk": standard.pk, "number": 2}),
    )
    assert "<strong>safely</strong>" not in html
    assert "<p>Evaluating medical LLMs <b>safely</b>.</p>" in html


def test_diff_of_an_unknown_version_says_so(client, lifecycle, world):
    standard = lifecycle.draft()
    html = page(
        client,
        world.member,
        reverse("standards:diff", kwargs={"pk": standard.pk}) + "?a=1&b=9",
        status=400,
    )
    assert "Select a valid choice" in html


def test_attachment_is_downloaded_with_its_name_and_type(client, lifecycle, world):
    standard = lifecycle.draft(with_version=False)
    version = services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="Text",
        files=[
            SimpleUploadedFile("Annex A.pdf", b"%PDF-1.7\n%%EOF\n"),
        ],
    )
    attachment = version.attachments.get()
    client.force_login(world.member)

    response = client.get(
        reverse(
            "standards:attachment",
            kwargs={"pk": standard.pk, "attachment_id": attachment.pk},
        )
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Annex A.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n%%EOF\n"


# --- /review/ -----------------------------------------------------------------


def test_deputy_sees_their_fields_drafts_grouped_by_state_oldest_first(
    client, lifecycle, world
):
    older = lifecycle.draft(title="Older draft")
    lifecycle.go(older, "submit", world.member)
    newer = lifecycle.draft(title="Newer draft")
    lifecycle.go(newer, "submit", world.member)
    audit = lifecycle.in_audit(title="Draft in audit")
    lifecycle.draft(title="Other field draft", field=world.other_field)

    html = page(client, world.deputy, reverse("standards:review"))

    assert "Drafts of my fields" in html
    assert html.index("Older draft") < html.index("Newer draft")
    assert html.index('id="state-expert_review"') < html.index("Older draft")
    assert html.index('id="state-audit"') < html.index(audit.title)
    assert "Other field draft" not in html
    assert "assign experts of Critical Care Subfield" in html
    assert "Days waiting" in html


def test_expert_auditor_and_leader_see_their_queues(client, lifecycle, world):
    review = lifecycle.in_review(title="Assigned for review")
    audit = lifecycle.in_audit(title="Awaiting audit")
    certified = lifecycle.certified(title="Ready to publish")

    html = page(client, world.expert1, reverse("standards:review"))
    assert "Drafts assigned to me as expert" in html and review.title in html

    html = page(client, world.auditor, reverse("standards:review"))
    assert "Drafts in audit" in html and audit.title in html
    assert review.title not in html

    html = page(client, world.leader, reverse("standards:review"))
    assert "Certified drafts to publish" in html and certified.title in html


def test_empty_review_queue_says_so(client, world):
    html = page(client, world.unassigned_expert, reverse("standards:review"))
    assert "Nothing is waiting for you." in html


# --- /dashboard/ --------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "deputy", "auditor"])
def test_dashboard_shows_the_pipeline(client, lifecycle, world, role):
    lifecycle.draft(title="A draft")
    lifecycle.in_audit(title="An audited one")
    lifecycle.published(title="A published one")

    html = page(client, getattr(world, role), reverse("standards:dashboard"))

    assert "<svg" in html and "<rect" in html
    assert "Draft: 1; Expert review: 0; Audit: 1" in html  # the chart's description
    assert "Critical Care Subfield" in html  # the field × state table
    assert "Drafts waiting longest" in html and "A draft" in html


@pytest.mark.parametrize("role", ["member", "expert1", "stranger"])
def test_dashboard_is_my_work_without_the_pipeline_for_other_roles(
    client, lifecycle, world, role
):
    # Since issue 13 "My work" is everyone's home; the pipeline stays for
    # the leader, the deputy leaders, the auditors and the secretariat.
    lifecycle.draft(title="A draft")
    html = page(client, getattr(world, role), reverse("standards:dashboard"))
    assert "Waiting on you" in html
    assert "The pipeline of standards" not in html
    assert "Drafts waiting longest" not in html and 'class="bar-chart"' not in html


# --- the public catalogue and a standard's page -------------------------------


def test_catalogue_lists_published_standards_only(client, lifecycle, world):
    published = lifecycle.published(title="Published standard")
    lifecycle.draft(title="Secret draft")

    html = client.get(reverse("standards:catalogue")).content.decode()

    assert "Published standard" in html and published.number in html
    assert "Secret draft" not in html


def simple_catalogue(query=""):
    """The public catalogue at /standards/, as an anonymous reader sees it."""
    from django.test import Client

    return Client().get(reverse("standards:catalogue") + query).content.decode()


def test_catalogue_hides_abolished_unless_asked_and_filters(lifecycle, world):
    kept = lifecycle.published(title="Kept standard")
    gone = lifecycle.published(title="Gone standard")
    lifecycle.go(gone, "abolish", world.leader, comment="Obsolete")

    html = simple_catalogue()
    assert "Kept standard" in html and "Gone standard" not in html

    html = simple_catalogue("?abolished=1")
    assert "Gone standard" in html and "status-abolished" in html

    html = simple_catalogue("?q=kept")
    assert "Kept standard" in html

    kept.refresh_from_db()
    html = simple_catalogue("?abolished=1&q=" + kept.number[-9:])
    assert "Kept standard" in html and "Gone standard" not in html

    assert "No standard matches" in simple_catalogue("?q=nothing-like-it")


def test_public_page_shows_number_text_editions_and_history(client, lifecycle, world):
    standard = lifecycle.published()
    standard.refresh_from_db()

    response = client.get(reverse("standards:detail", kwargs={"pk": standard.pk}))

    html = response.content.decode()
    assert response.status_code == 200
    assert standard.number in html
    assert "How to evaluate medical LLMs." in html  # scope
    assert '<h2 id="sec-scope">Scope</h2>' in html  # the edition's text, rendered
    assert "Peking University" in html and "Critical Care Subfield" in html
    assert "in force" in html
    assert "Publish" in html  # history
    assert "recommendation" not in html.lower()  # no expert feedback in public


def test_public_page_of_a_standard_under_renewal_says_so(client, lifecycle, world):
    standard = lifecycle.published()
    lifecycle.go(standard, "start_renewal", world.deputy)
    html = client.get(
        reverse("standards:detail", kwargs={"pk": standard.pk})
    ).content.decode()
    assert "This standard is under renewal." in html
    assert '<h2 id="sec-scope">Scope</h2>' in html


def test_public_page_of_an_abolished_standard_shows_reason_and_replacement(
    client, lifecycle, world
):
    replacement = lifecycle.published(title="The new one")
    old = lifecycle.published(title="The old one")
    lifecycle.go(
        old,
        "abolish",
        world.leader,
        comment="Superseded by better work.",
        replaced_by=replacement.pk,
    )

    html = client.get(
        reverse("standards:detail", kwargs={"pk": old.pk})
    ).content.decode()
    assert "This standard is abolished." in html
    assert "Superseded by better work." in html
    assert reverse("standards:detail", kwargs={"pk": replacement.pk}) in html

    html = client.get(
        reverse("standards:detail", kwargs={"pk": replacement.pk})
    ).content.decode()
    assert "Replaces" in html
    assert reverse("standards:detail", kwargs={"pk": old.pk}) in html


def test_a_draft_has_no_public_page(client, lifecycle, world):
    standard = lifecycle.certified()
    client.force_login(world.leader)
    response = client.get(reverse("standards:detail", kwargs={"pk": standard.pk}))
    assert response.status_code == 404


def test_anonymous_reader_of_a_published_working_page_goes_to_the_public_page(
    client, lifecycle
):
    standard = lifecycle.published()
    response = client.get(draft_url(standard))
    assert response.status_code == 302
    assert response.url == reverse("standards:detail", kwargs={"pk": standard.pk})


def test_status_badges_use_the_state_label(client, lifecycle, world):
    lifecycle.in_review()
    html = page(client, world.member, reverse("standards:drafts"))
    assert (
        f'<span class="badge status-{Status.EXPERT_REVIEW}">Expert review</span>'
        in html
    )
