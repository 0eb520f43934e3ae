"""Every rule of standards.permissions agrees with its QuerySet twin, on every
role and every state; and the rules say what DESIGN.md says."""

import pytest
from django.contrib.auth.models import AnonymousUser

from committees.models import Role
from standards import permissions
from standards.models import Audit, Edition, HistoryEntry, Standard
from tests.factories import user_with_role

from .test_access_matrix import ROLES, STATES, build

pytestmark = pytest.mark.django_db


def _user(world, role):
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


@pytest.mark.parametrize("state", STATES)
def test_each_predicate_agrees_with_its_queryset_twin(
    state, world, lifecycle, no_pdf_renders
):
    standard = build(state, world, lifecycle)
    entries = list(HistoryEntry.objects.filter(standard=standard))
    editions = list(Edition.objects.filter(standard=standard))
    audits = list(Audit.objects.filter(standard=standard, outcome="certified"))
    everyone = [_user(world, role) for role in ROLES]
    signed_in = [u for u in everyone if u.is_authenticated]
    assert permissions.has_public_record(standard) == (
        permissions.public_record_standards().filter(pk=standard.pk).exists()
    )
    audience = set(permissions.draft_audience(standard).values_list("pk", flat=True))
    for user in everyone:
        who = (state, getattr(user, "username", "anonymous"))
        sees = permissions.can_see_working_material(standard, user)
        assert sees == (
            permissions.working_material_audience(user).filter(pk=standard.pk).exists()
        ), who
        if user.is_authenticated:
            assert sees == (user.pk in audience), who
        assert permissions.can_see_standard(standard, user) == (
            permissions.visible_standards(user).filter(pk=standard.pk).exists()
        ), who
        history = set(
            permissions.visible_history(standard, user).values_list("pk", flat=True)
        )
        everywhere = set(
            permissions.visible_history_entries(user)
            .filter(standard=standard)
            .values_list("pk", flat=True)
        )
        for entry in entries:
            assert permissions.can_see_history_entry(entry, user) == (
                entry.pk in history
            ), (*who, entry.action)
            assert (entry.pk in everywhere) == (entry.pk in history), (
                *who,
                entry.action,
            )
        for edition in editions:
            assert permissions.can_see_edition(edition, user) == (
                permissions.public_editions().filter(pk=edition.pk).exists()
            ), who
        open_to = permissions.transitions_open_to(standard, user)
        for name in permissions.TRANSITION_RIGHTS:
            assert bool(permissions.can_take(standard, user, name)) == (
                name in open_to
            ), (*who, name)
        for audit in audits:
            assert permissions.can_see_certificate(audit, user) == (
                permissions.visible_certificates(user).filter(pk=audit.pk).exists()
            ), who
    for entry in entries:
        told = permissions.told_of(entry, [u.pk for u in signed_in])
        for user in signed_in:
            assert permissions.can_be_told(entry, user) == (user.pk in told), (
                state,
                user.username,
                entry.action,
            )
    assignable = set(
        permissions.assignable_experts(standard).values_list("pk", flat=True)
    )
    for user in signed_in:
        assert permissions.can_be_assigned(standard, user) == (user.pk in assignable), (
            state,
            user.username,
        )


def test_the_draft_audience_is_who_design_md_names(world, lifecycle):
    standard = lifecycle.draft()
    sees = {
        role
        for role in ROLES
        if permissions.can_see_working_material(standard, _user(world, role))
    }
    # Experts are assigned only from expert review on in this draft's life,
    # so the unassigned and not-yet-assigned experts do not see it.
    assert sees == {"member", "deputy", "auditor", "leader"}


def test_the_public_sees_the_record_but_never_the_working_material(
    world, lifecycle, no_pdf_renders
):
    standard = lifecycle.published()
    stranger = AnonymousUser()
    assert permissions.can_see_standard(standard, stranger)
    assert not permissions.can_see_working_material(standard, stranger)
    assert not permissions.can_see_working_material(standard, world.other_member)
    assert permissions.can_see_working_material(standard, world.member)


def test_an_expert_of_the_submitting_organisation_is_never_assignable(world, lifecycle):
    standard = lifecycle.draft()
    colleague = user_with_role(
        Role.Kind.EXPERT, field=world.field, organisation=world.organisation
    )
    assert not permissions.can_be_assigned(standard, colleague)
    assert permissions.can_be_assigned(standard, world.expert1)


def test_actions_refuse_with_the_code_a_page_and_the_api_answer(world, lifecycle):
    standard = Standard.objects.get(pk=lifecycle.in_review().pk)
    refused = permissions.can_edit(standard, world.other_member)
    assert not refused and refused.code == "not_found"
    refused = permissions.can_give_feedback(standard, world.member)
    assert not refused and refused.code == "forbidden"
    refused = permissions.can_edit(standard, world.member)
    assert not refused and refused.code == "conflict"
    assert permissions.can_give_feedback(standard, world.expert1)
