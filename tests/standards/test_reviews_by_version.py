"""Reviews belong to a version (DESIGN.md): authors revise during expert
review, only the current version's recommendations count toward audit, an
accepted blocking comment needs a newer version, a failed audit needs a new
version before resubmission, and nobody reviews their own organisation's
draft. Each observed case is a regression test here."""

import pytest
from django.urls import reverse

from committees.models import Role
from committees.selectors import forget_user_roles
from notifications.models import Kind, Notification
from portal.errors import ApplicationError
from standards import forms, permissions, selectors, services
from standards.models import HistoryEntry, Recommendation, Standard, Status
from tests.factories import PersonFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

OWN_ORGANISATION_REFUSAL = (
    "Only experts of this standard's field who do not work for the submitting "
    "organisation can be assigned."
)


def refused(call, status, words=""):
    """``call()`` is refused with ``status``, and its message says ``words``."""
    with pytest.raises(ApplicationError) as error:
        call()
    assert error.value.status == status, error.value.message
    assert words in str(error.value.message)
    return error.value


def advance(lifecycle, standard, world):
    return lifecycle.go(standard, "advance_to_audit", world.deputy)


def upload(standard, world, body="# Scope\n\nRevised.\n", **kwargs):
    return services.version_create(
        standard_id=standard.pk, actor=world.member, body=body, **kwargs
    )


def confirm(standard, expert):
    return services.recommendation_confirm(standard_id=standard.pk, actor=expert)


def turns(standard):
    """Whose turn for the standard as it is now, read without the figures of
    a list or page: (role, action) pairs."""
    standard = Standard.objects.get(pk=standard.pk)
    return [(turn.role, str(turn.action)) for turn in selectors.whose_turn(standard)]


def queue_turns(world, standard):
    """Whose turn for the same draft as the deputy's review queue says it
    (the figures of a list, computed in its query)."""
    for part in selectors.review_queue(world.deputy).deputy:
        for row in part.standards:
            if row.pk == standard.pk:
                return [(turn.role, str(turn.action)) for turn in row.turns]
    raise AssertionError("not in the queue")


def page_turns(world, standard, user=None):
    detail = selectors.draft_detail(standard_id=standard.pk, user=user or world.deputy)
    return [(turn.role, str(turn.action)) for turn in detail.turns]


# --- uploading during expert review -------------------------------------------


def test_authors_upload_a_revision_during_expert_review(lifecycle, world):
    standard = lifecycle.reviewed()
    Notification.objects.all().delete()

    version = upload(standard, world, change_summary="Answers the experts")

    standard.refresh_from_db()
    assert standard.status == Status.EXPERT_REVIEW
    assert version.number == 2
    # The first version was frozen at submission; the revision is under
    # review at once, so it is frozen too.
    assert list(standard.versions.values_list("number", "frozen")) == [
        (1, True),
        (2, True),
    ]
    entry = standard.history.filter(action="version_uploaded").last()
    assert "Version 2. Answers the experts" in entry.comment
    assert "confirmed on this one" in entry.comment
    told = dict(
        Notification.objects.filter(standard=standard).values_list(
            "recipient__username", "kind"
        )
    )
    assert told == {"expert1": Kind.NEW_VERSION, "expert2": Kind.NEW_VERSION}


def test_a_draft_version_is_not_frozen_until_it_is_submitted(lifecycle, world):
    standard = lifecycle.draft()
    version = upload(standard, world)
    assert not version.frozen


@pytest.mark.parametrize("state", ["audit", "certified", "published"])
def test_no_upload_outside_drafting_and_expert_review(lifecycle, world, state):
    standard = lifecycle.at(state)
    refused(lambda: upload(standard, world), 409, "during expert review")
    assert standard.versions.count() == 1


def test_only_the_authors_upload_during_review(lifecycle, world):
    standard = lifecycle.in_review()
    for user, status in (
        (world.expert1, 403),
        (world.deputy, 403),
        (world.other_member, 404),
        (world.stranger, 404),
    ):
        refused(
            lambda user=user: services.version_create(
                standard_id=standard.pk, actor=user, body="Mine"
            ),
            status,
        )
    refused(
        lambda: services.version_create(
            standard_id=987654, actor=world.member, body="x"
        ),
        404,
    )
    assert standard.versions.count() == 1


# --- what counts toward advance_to_audit --------------------------------------


def test_regression_accepted_blocking_concern_cannot_advance_on_the_old_text(
    lifecycle, world
):
    """Observed: a blocking concern answered "accepted", resolved, and the
    draft advanced on the text that did not change."""
    standard = lifecycle.reviewed()
    comment = services.comment_create(
        standard_id=standard.pk,
        actor=world.expert1,
        text="Section 3 is wrong.",
        blocking=True,
    )
    services.comment_answer(
        comment_id=comment.pk, actor=world.member, reply="accepted", reply_text="Yes"
    )
    services.comment_resolve(comment_id=comment.pk, actor=world.expert1)

    refused(
        lambda: advance(lifecycle, standard, world),
        409,
        "A blocking comment was accepted on version 1: upload a new version",
    )
    upload_turn = (
        "authors",
        "upload a new version with the accepted blocking changes",
    )
    assert upload_turn in turns(standard)
    assert upload_turn in queue_turns(world, standard)
    assert upload_turn in page_turns(world, standard)

    upload(standard, world)
    # The recommendations were on version 1: they no longer count.
    refused(
        lambda: advance(lifecycle, standard, world),
        409,
        "2 expert recommendations on the current version are needed; 0 given",
    )
    for expert in (world.expert1, world.expert2):
        confirm(standard, expert)
    assert turns(standard) == [("deputy", "advance to audit or request changes")]
    advance(lifecycle, standard, world)
    assert Standard.objects.get(pk=standard.pk).status == Status.AUDIT


def test_a_new_version_does_not_resolve_a_blocking_comment(lifecycle, world):
    standard = lifecycle.in_review()
    comment = services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="No.", blocking=True
    )
    services.comment_answer(
        comment_id=comment.pk, actor=world.member, reply="accepted", reply_text="Ok"
    )
    upload(standard, world)
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )

    refused(
        lambda: advance(lifecycle, standard, world),
        409,
        "the expert who raised it must resolve it",
    )
    assert ("experts", "resolve their blocking comments") in turns(standard)
    # Only its expert resolves it, on whichever version it was raised.
    refused(
        lambda: services.comment_resolve(comment_id=comment.pk, actor=world.expert2),
        403,
    )
    services.comment_resolve(comment_id=comment.pk, actor=world.expert1)
    advance(lifecycle, standard, world)


def test_a_blocking_comment_answered_otherwise_needs_no_new_version(lifecycle, world):
    standard = lifecycle.reviewed()
    comment = services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Hm.", blocking=True
    )
    services.comment_answer(
        comment_id=comment.pk,
        actor=world.member,
        reply="rejected",
        reply_text="Section 3 is right, see the reference.",
    )
    services.comment_resolve(comment_id=comment.pk, actor=world.expert1)
    advance(lifecycle, standard, world)


def test_recommendations_on_an_older_version_no_longer_count(lifecycle, world):
    standard = lifecycle.reviewed()
    upload(standard, world)

    refused(
        lambda: advance(lifecycle, standard, world),
        409,
        "2 expert recommendations on the current version are needed; 0 given",
    )
    confirm_turn = (
        "experts",
        "confirm or renew their recommendation on the current version",
    )
    assert confirm_turn in turns(standard)
    assert confirm_turn in queue_turns(world, standard)
    assert confirm_turn in page_turns(world, standard)

    confirm(standard, world.expert1)
    refused(lambda: advance(lifecycle, standard, world), 409, "1 given")
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert2, decision="approve_with_changes"
    )
    assert turns(standard) == [("deputy", "advance to audit or request changes")]
    advance(lifecycle, standard, world)


def test_a_reject_on_an_older_version_counts_only_if_confirmed(lifecycle, world):
    standard = lifecycle.in_review()
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert2, decision="reject"
    )
    upload(standard, world)
    confirm(standard, world.expert1)
    confirm(standard, world.expert2)
    refused(lambda: advance(lifecycle, standard, world), 409, "rejecting")

    # A new recommendation on the current version replaces the confirmed one.
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert2, decision="approve"
    )
    advance(lifecycle, standard, world)


# --- confirming in one click --------------------------------------------------


def test_an_expert_confirms_an_older_recommendation_on_the_current_version(
    lifecycle, world
):
    standard = lifecycle.in_review()
    services.recommendation_give(
        standard_id=standard.pk,
        actor=world.expert1,
        decision="approve_with_changes",
        note="Tighten 4.2.",
    )
    upload(standard, world)

    recommendation = confirm(standard, world.expert1)

    assert recommendation.version.number == 2
    assert (recommendation.decision, recommendation.note) == (
        "approve_with_changes",
        "Tighten 4.2.",
    )
    # The one on version 1 stays, as given: the history of the review.
    assert list(
        Recommendation.objects.filter(expert=world.expert1)
        .order_by("version__number")
        .values_list("version__number", flat=True)
    ) == [1, 2]
    entry = HistoryEntry.objects.filter(standard=standard).last()
    assert (entry.action, entry.actor) == ("recommendation_confirmed", world.expert1)
    assert "v1 → v2" in entry.comment


def test_confirming_is_refused_with_its_reason(lifecycle, world):
    standard = lifecycle.in_review()
    # Nothing given yet.
    refused(lambda: confirm(standard, world.expert1), 409, "no recommendation")
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    # Given on the current version already.
    refused(lambda: confirm(standard, world.expert1), 409, "current version already")
    upload(standard, world)
    # Not an assigned expert: the authors, a deputy leader.
    refused(lambda: confirm(standard, world.member), 403, "assigned")
    refused(lambda: confirm(standard, world.deputy), 403, "assigned")
    # Not in the draft's audience at all.
    for outsider in (world.unassigned_expert, world.other_member, world.stranger):
        refused(lambda outsider=outsider: confirm(standard, outsider), 404)
    refused(
        lambda: services.recommendation_confirm(
            standard_id=987654, actor=world.expert1
        ),
        404,
    )
    refused(
        lambda: services.recommendation_confirm(standard_id="x", actor=world.expert1),
        404,
    )
    # Wrong state: changes were requested, the draft is back with its authors.
    lifecycle.go(standard, "request_changes", world.deputy, comment="More")
    refused(lambda: confirm(standard, world.expert1), 409, "expert review")
    assert not standard.recommendations.filter(version__number=2).exists()


def test_confirming_twice_is_refused_the_second_time(lifecycle, world):
    standard = lifecycle.reviewed()
    upload(standard, world)
    confirm(standard, world.expert1)
    refused(lambda: confirm(standard, world.expert1), 409, "current version already")
    assert standard.recommendations.filter(expert=world.expert1).count() == 2


# --- after a failed audit -----------------------------------------------------


def test_regression_a_failed_version_cannot_be_resubmitted_as_it_is(lifecycle, world):
    """Observed: after a failed audit the identical version was resubmitted
    and the earlier recommendations sent it straight back to audit."""
    standard = lifecycle.in_audit()
    lifecycle.go(standard, "fail_audit", world.auditor, comment="Section 3 unclear")
    standard.refresh_from_db()

    error = refused(
        lambda: lifecycle.go(standard, "submit", world.member),
        409,
        "The audit failed on version 1: upload a new version",
    )
    assert error.code == "conflict"
    audit_turn = (
        "authors",
        "upload a new version answering the audit's findings, then submit",
    )
    assert turns(standard) == [audit_turn]
    assert page_turns(world, standard, world.member) == [audit_turn]
    assert queue_turns(world, standard) == [audit_turn]
    assert Standard.objects.get(pk=standard.pk).status == Status.DRAFT

    upload(standard, world, body="# Scope\n\nSection 3, clarified.\n")
    assert turns(standard) == [("authors", "revise and submit for expert review")]
    lifecycle.go(standard, "submit", world.member)
    # The recommendations from before the failed audit are on version 1.
    refused(lambda: advance(lifecycle, standard, world), 409, "0 given")
    for expert in (world.expert1, world.expert2):
        confirm(standard, expert)
    advance(lifecycle, standard, world)
    lifecycle.go(standard, "certify", world.auditor)
    audits = list(standard.audits.order_by("pk").values_list("outcome", "version"))
    versions = dict(standard.versions.values_list("pk", "number"))
    assert [(o, versions[v]) for o, v in audits] == [("failed", 1), ("certified", 2)]


def test_changes_requested_do_not_need_a_new_version(lifecycle, world):
    """Only a failed audit requires a new version; a draft returned with
    changes requested may be resubmitted (its authors answer in comments)."""
    standard = lifecycle.reviewed()
    lifecycle.go(standard, "request_changes", world.deputy, comment="Explain 2")
    lifecycle.go(standard, "submit", world.member)
    advance(lifecycle, standard, world)


# --- experts of the submitting organisation -----------------------------------


@pytest.fixture
def own_experts(world):
    """An expert of the field who works for the submitting organisation, and
    a representative of it who also holds an expert role of the field."""
    works_there = user_with_role(
        Role.Kind.EXPERT,
        field=world.field,
        organisation=world.organisation,
        username="own_expert",
    )
    represents = user_with_role(
        Role.Kind.MEMBER_REPRESENTATIVE,
        organisation=world.organisation,
        username="representing_expert",
    )
    Role.objects.create(
        person=represents.person, kind=Role.Kind.EXPERT, field=world.field
    )
    forget_user_roles(represents)
    return [works_there, represents]


def test_experts_of_the_submitting_organisation_cannot_be_assigned(
    lifecycle, world, own_experts
):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    for expert in own_experts:
        refused(
            lambda expert=expert: services.experts_assign(
                standard_id=standard.pk, actor=world.deputy, experts=[expert]
            ),
            400,
            OWN_ORGANISATION_REFUSAL,
        )
    # Nor together with an expert who may be: nothing is assigned.
    refused(
        lambda: services.experts_assign(
            standard_id=standard.pk,
            actor=world.deputy,
            experts=[world.expert1, own_experts[0]],
        ),
        400,
    )
    assert not standard.assignments.exists()

    offered = set(selectors.experts_for(standard).values_list("pk", flat=True))
    allowed = set(permissions.assignable_experts(standard).values_list("pk", flat=True))
    assert offered == allowed
    assert {world.expert1.pk, world.expert2.pk} <= offered
    assert not offered & {e.pk for e in own_experts}
    form = forms.AssignForm(experts=selectors.experts_for(standard))
    choices = {pk for pk, _label in form.fields["experts"].choices}
    assert choices == offered


def test_an_expert_is_assignable_to_other_organisations_drafts(
    lifecycle, world, own_experts
):
    """The rule is about the submitting organisation, not about experts who
    belong to one."""
    standard = services.standard_create(
        actor=world.other_member,
        title="Another organisation's draft",
        scope="Scope.",
        field=world.field,
    )
    offered = set(selectors.experts_for(standard).values_list("pk", flat=True))
    assert {e.pk for e in own_experts} <= offered


# --- a representative whose person has no organisation ------------------------


def test_regression_a_representative_without_an_organisation_of_their_own(
    client, lifecycle, world
):
    """Observed: such a representative created a draft, and every later
    action on it answered 404."""
    user = UserFactory(username="lone_representative")
    person = PersonFactory(user=user, organisation=None, name="Lone Representative")
    Role.objects.create(
        person=person,
        kind=Role.Kind.MEMBER_REPRESENTATIVE,
        organisation=world.organisation,
    )

    standard = services.standard_create(
        actor=user, title="Lone draft", scope="Scope.", field=world.field
    )
    assert standard.organisation == world.organisation
    assert list(standard.authors.all()) == [person]
    services.version_create(standard_id=standard.pk, actor=user, body="# One\n")
    services.standard_submit(standard_id=standard.pk, actor=user)
    services.experts_assign(
        standard_id=standard.pk, actor=world.deputy, experts=[world.expert1]
    )
    comment = services.comment_create(
        standard_id=standard.pk, actor=world.expert1, text="Define one."
    )
    services.comment_answer(
        comment_id=comment.pk, actor=user, reply="accepted", reply_text="Done."
    )
    services.version_create(standard_id=standard.pk, actor=user, body="# One, def\n")

    standard.refresh_from_db()
    assert standard.status == Status.EXPERT_REVIEW
    assert standard.versions.count() == 2
    client.force_login(user)
    assert standard.pk in {s.pk for s in selectors.drafts_of_user(user)}
    page = client.get(reverse("standards:draft", kwargs={"pk": standard.pk}))
    assert page.status_code == 200
    assert "Define one." in page.content.decode()
    assert client.get(reverse("standards:drafts")).status_code == 200


# --- the working page ---------------------------------------------------------


def draft_url(view, standard, **kwargs):
    return reverse(f"standards:{view}", kwargs={"pk": standard.pk, **kwargs})


def test_authors_upload_on_the_page_during_review(client, lifecycle, world):
    standard = lifecycle.reviewed()
    client.force_login(world.member)
    page = client.get(draft_url("draft", standard)).content.decode()
    assert 'id="upload"' in page

    response = client.post(
        draft_url("version_new", standard),
        {"body": "# Scope\n\nRevised during review.\n", "change_summary": "v2"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert standard.versions.get(number=2).frozen
    assert "New version uploaded." in client.get(response.url).content.decode()


def test_the_page_says_which_version_feedback_was_given_on(client, lifecycle, world):
    standard = lifecycle.in_review()
    services.comment_create(
        standard_id=standard.pk,
        actor=world.expert1,
        text="Blocking on one.",
        blocking=True,
    )
    comment = standard.comments.get()
    services.comment_answer(
        comment_id=comment.pk, actor=world.member, reply="accepted", reply_text="Ok"
    )
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    client.force_login(world.deputy)
    before = client.get(draft_url("draft", standard)).content.decode()
    assert "On version 1 (the current version)" in before
    assert "on version 1 (current)" in before
    assert "accepted: waiting for a new version with the change" in before
    assert "outdated" not in before.split('id="feedback"')[1]

    upload(standard, world)
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert2, decision="approve"
    )
    page = client.get(draft_url("draft", standard)).content.decode()
    feedback = page.split('id="feedback"')[1].split('id="history"')[0]

    assert "On version 2 (the current version)" in feedback
    assert "Given on version 1; current is 2" in feedback
    assert "given on version 1; current is 2" in feedback  # the comment
    assert "outdated: given on version 1; current is 2" in feedback
    assert feedback.count('class="outdated"') == 1  # expert1's, not expert2's
    assert "no longer count toward advancing to audit" in feedback
    assert "accepted: waiting for a new version" not in feedback
    # The deputy leader has nothing to confirm.
    assert "confirm-recommendation" not in page


def test_an_expert_confirms_in_one_click_on_the_page(client, lifecycle, world):
    standard = lifecycle.reviewed()
    upload(standard, world)
    client.force_login(world.expert1)
    page = client.get(draft_url("draft", standard)).content.decode()
    assert 'id="confirm-recommendation"' in page
    assert "Confirm my recommendation on version 2" in page
    assert draft_url("recommendation_confirm", standard) == (
        f"/drafts/{standard.pk}/recommendations/confirm/"
    )

    response = client.post(draft_url("recommendation_confirm", standard))

    assert response.status_code == 302
    assert response.url.endswith("#feedback")
    page = client.get(response.url).content.decode()
    assert "Recommendation confirmed on the current version." in page
    assert 'id="confirm-recommendation"' not in page
    assert standard.recommendations.filter(
        expert=world.expert1, version__number=2
    ).exists()


def test_confirming_on_the_page_answers_wrong_cases_with_their_status(
    client, lifecycle, world
):
    standard = lifecycle.reviewed()
    address = draft_url("recommendation_confirm", standard)
    client.force_login(world.expert1)
    # Nothing to confirm: the recommendation is on the current version. The
    # refusal is told on the working page, after a redirect (post-redirect-get).
    response = client.post(address, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert response.status_code == 409
    assert "current version already" in response.content.decode()
    assert client.get(address).status_code == 405

    upload(standard, world)
    client.force_login(world.member)
    response = client.post(address, follow=True)
    assert response.status_code == 403
    assert "Only experts assigned to this draft give feedback." in (
        response.content.decode()
    )
    for outsider in (world.other_member, world.unassigned_expert):
        client.force_login(outsider)
        assert client.post(address).status_code == 404
    client.logout()
    assert client.post(address).status_code == 404
    client.force_login(world.expert1)
    assert client.post("/drafts/987654/recommendations/confirm/").status_code == 404

    lifecycle.go(standard, "request_changes", world.deputy, comment="Again")
    response = client.post(address, follow=True)
    assert response.status_code == 409
    assert "Feedback is given while the draft is in expert review." in (
        response.content.decode()
    )
    assert not standard.recommendations.filter(version__number=2).exists()


def test_the_assign_picker_never_offers_the_submitting_organisations_experts(
    client, lifecycle, world, own_experts
):
    standard = lifecycle.draft()
    lifecycle.go(standard, "submit", world.member)
    client.force_login(world.deputy)
    page = client.get(draft_url("draft", standard)).content.decode()
    assign = page.split('id="assign"')[1].split("</form>")[0]
    assert f'value="{world.expert1.pk}"' in assign
    for expert in own_experts:
        assert f'value="{expert.pk}"' not in assign
        assert expert.person.name not in assign

    response = client.post(
        draft_url("assign", standard), {"experts": [own_experts[0].pk]}, follow=True
    )
    assert response.redirect_chain == [(draft_url("draft", standard) + "#assign", 302)]
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not standard.assignments.exists()
