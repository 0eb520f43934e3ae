"""The conditions of the lifecycle's transitions are one registry:
``standards.lifecycle.CHECKS`` names, explains and orders them, and the
service checks exactly those, by code, so every refusal says which condition
it is (``ApplicationError.condition``) — the same code the API's
``/api/v1/lifecycle/`` and ``transitions/`` give."""

import pytest

from portal.errors import ApplicationError
from standards import lifecycle as description
from standards import permissions, services
from standards.models import Comment, Recommendation, Standard, Status
from standards.services import lifecycle as lifecycle_services

pytestmark = pytest.mark.django_db


def test_every_listed_condition_has_its_test_and_every_test_is_listed():
    listed = {check.code for checks in description.CHECKS.values() for check in checks}
    assert listed == set(lifecycle_services.CONDITION_TESTS)
    for name in description.CHECKS:
        assert name in services.TRANSITIONS, name


def test_the_comment_prompts_are_those_of_the_transitions_that_ask_for_one():
    asking = {
        name
        for name, checks in description.CHECKS.items()
        if any(check.code == "comment_required" for check in checks)
    }
    assert asking == set(lifecycle_services.COMMENT_PROMPTS)
    assert asking == services.COMMENT_REQUIRED


def _refused(lifecycle, standard, name, actor, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as refused:
        lifecycle.go(standard, name, actor, **kwargs)
    return refused.value


def test_submit_refusals_carry_their_condition(lifecycle, world):
    bare = lifecycle.draft(with_version=False)
    error = _refused(lifecycle, bare, "submit", world.member)
    assert error.condition == "version_required"
    assert error.code == "conflict"

    no_scope = lifecycle.draft()
    Standard.objects.filter(pk=no_scope.pk).update(scope=" ")
    error = _refused(lifecycle, no_scope, "submit", world.member)
    assert (error.condition, error.field) == ("title_and_scope_required", "scope")
    assert Standard.objects.get(pk=no_scope.pk).status == Status.DRAFT


def test_resubmitting_the_text_that_failed_an_audit_names_the_condition(
    lifecycle, world
):
    standard = lifecycle.in_audit()
    lifecycle.go(standard, "fail_audit", world.auditor, comment="Section 3 is vague.")
    error = _refused(lifecycle, standard, "submit", world.member)
    assert error.condition == "new_version_after_failed_audit"


def test_advance_refusals_follow_the_order_of_the_checks(lifecycle, world):
    standard = lifecycle.in_review()
    error = _refused(lifecycle, standard, "advance_to_audit", world.deputy)
    assert error.condition == "enough_recommendations"
    services.recommendation_give(
        standard_id=standard.pk, actor=world.expert1, decision="approve"
    )
    services.recommendation_give(
        standard_id=standard.pk,
        actor=world.expert2,
        decision=Recommendation.Decision.REJECT,
    )
    error = _refused(lifecycle, standard, "advance_to_audit", world.deputy)
    assert error.condition == "no_rejection"


def test_every_unmet_condition_is_listed_not_only_the_first(lifecycle, world):
    standard = lifecycle.in_review()
    version = standard.versions.order_by("-number").first()
    Comment.objects.create(
        standard=standard,
        version=version,
        expert=world.expert1,
        text="Unsafe threshold.",
        blocking=True,
    )
    standard = Standard.objects.get(pk=standard.pk)
    refusals = permissions.transition_refusals(
        standard, world.deputy, "advance_to_audit"
    )
    assert [r.condition for r in refusals] == [
        "enough_recommendations",
        "comments_answered",
        "blocking_comments_resolved",
    ]
    assert all(not r.allowed and r.message for r in refusals)
    first = permissions.transition_refusal(standard, world.deputy, "advance_to_audit")
    assert first == refusals[0]


def test_what_is_typed_with_a_transition_is_not_a_refusal_beforehand(lifecycle, world):
    standard = Standard.objects.get(pk=lifecycle.in_review().pk)
    assert (
        permissions.transition_refusals(standard, world.deputy, "request_changes") == []
    )
    error = _refused(lifecycle, standard, "request_changes", world.deputy, comment="")
    assert (error.condition, error.field) == ("comment_required", "comment")
    assert str(error.message) == str(
        lifecycle_services.COMMENT_PROMPTS["request_changes"]
    )


def test_a_refusal_by_role_or_state_has_no_condition(lifecycle, world):
    standard = lifecycle.draft()
    refusals = permissions.transition_refusals(standard, world.member, "certify")
    assert len(refusals) == 1
    assert refusals[0].condition == ""
    assert refusals[0].code in {"conflict", "forbidden"}


def test_abolishing_with_itself_as_replacement_names_the_condition(lifecycle, world):
    standard = lifecycle.published()
    error = _refused(
        lifecycle,
        standard,
        "abolish",
        world.leader,
        comment="Obsolete.",
        replaced_by=standard.pk,
    )
    assert (error.condition, error.field) == ("replacement_published", "replaced_by")
