"""Every transition of the lifecycle × every role, against DESIGN.md's table.

The expected tables below are written out from the rules of procedure
(DESIGN.md, "Lifecycle of a standard"), not computed from the code under
test, so that a change of the rules in the code shows up here as a failure.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.errors import ApplicationError
from standards import services
from standards.models import HistoryEntry, Standard, Status

ROLES = [
    "leader",
    "deputy",  # deputy leader of the draft's field (the draft is in a subfield)
    "other_deputy",  # deputy leader of another field
    "member",  # member representative of the submitting organisation
    "other_member",  # member representative of another organisation
    "assigned_expert",
    "unassigned_expert",
    "auditor",
    "anonymous",
]

# transition: (from, to), as in DESIGN.md. ``abolish`` is allowed from every
# state but abolished; the matrix takes it from a published standard and, in
# a second row, from a draft.
SOURCE_TARGET = {
    "submit": (Status.DRAFT, Status.EXPERT_REVIEW),
    "request_changes": (Status.EXPERT_REVIEW, Status.DRAFT),
    "advance_to_audit": (Status.EXPERT_REVIEW, Status.AUDIT),
    "fail_audit": (Status.AUDIT, Status.DRAFT),
    "certify": (Status.AUDIT, Status.CERTIFIED),
    "publish": (Status.CERTIFIED, Status.PUBLISHED),
    "start_renewal": (Status.PUBLISHED, Status.DRAFT),
    "reaffirm": (Status.PUBLISHED, Status.PUBLISHED),
    "abolish": (Status.PUBLISHED, Status.ABOLISHED),
}

# Who may take each transition (the "who" column of DESIGN.md).
ALLOWED = {
    "submit": {"member"},
    "request_changes": {"deputy", "leader"},
    "advance_to_audit": {"deputy", "leader"},
    "fail_audit": {"auditor", "leader"},
    "certify": {"auditor", "leader"},
    "publish": {"leader"},
    "start_renewal": {"deputy", "leader"},
    "reaffirm": {"deputy", "leader"},
    "abolish": {"leader"},
}

# Who sees a standard without an edition: its organisation's members, the
# field's deputy leaders, its assigned experts, auditors and the leader.
SEES_DRAFTS = {"leader", "deputy", "member", "assigned_expert", "auditor"}

CASES = [(name, SOURCE_TARGET[name][0]) for name in SOURCE_TARGET] + [
    ("abolish", Status.DRAFT)
]


def actor_for(world, role):
    if role == "anonymous":
        return AnonymousUser()
    if role == "assigned_expert":
        return world.expert1
    if role == "unassigned_expert":
        return world.unassigned_expert
    return getattr(world, role)


def standard_at(lifecycle, world, state) -> Standard:
    """A standard of ``world.organisation`` in ``world.subfield`` at ``state``,
    with expert1 assigned (expert2 too from expert review on)."""
    standard = lifecycle.at(state)
    if state == Status.DRAFT:
        services.experts_assign(
            standard_id=standard.pk, actor=world.deputy, experts=[world.expert1]
        )
    standard.refresh_from_db()
    assert standard.status == state
    return standard


def expected_refusal(role, source) -> int:
    if source == Status.PUBLISHED or role in SEES_DRAFTS:
        return 403
    return 404


def transition_kwargs(name):
    kwargs = {"comment": "A valid comment for the record."}
    if name == "abolish":
        kwargs["replaced_by"] = None
    return kwargs


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "source"), CASES)
def test_transition_by_role(lifecycle, world, name, source, role):
    standard = standard_at(lifecycle, world, source)
    actor = actor_for(world, role)
    history_before = HistoryEntry.objects.filter(standard=standard).count()
    target = SOURCE_TARGET[name][1]

    if role in ALLOWED[name]:
        result = services.standard_transition(
            standard_id=standard.pk, name=name, actor=actor, **transition_kwargs(name)
        )
        standard.refresh_from_db()
        assert result.status == target
        assert standard.status == target
        entries = HistoryEntry.objects.filter(standard=standard)
        assert entries.count() == history_before + 1
        entry = entries.last()
        assert entry.action == name
        assert (entry.from_state, entry.to_state) == (source, target)
        assert entry.actor == actor
        assert entry.comment == "A valid comment for the record."
    else:
        with pytest.raises(ApplicationError) as error:
            services.standard_transition(
                standard_id=standard.pk,
                name=name,
                actor=actor,
                **transition_kwargs(name),
            )
        assert error.value.status == expected_refusal(role, source)
        standard.refresh_from_db()
        assert standard.status == source
        assert HistoryEntry.objects.filter(standard=standard).count() == (
            history_before
        )


@pytest.mark.parametrize(
    ("role", "name", "state"),
    [
        ("leader", "publish", Status.DRAFT),
        ("leader", "certify", Status.EXPERT_REVIEW),
        ("deputy", "advance_to_audit", Status.DRAFT),
        ("member", "submit", Status.EXPERT_REVIEW),
        ("auditor", "certify", Status.CERTIFIED),
        ("deputy", "start_renewal", Status.CERTIFIED),
        ("leader", "reaffirm", Status.AUDIT),
    ],
)
def test_transition_from_a_wrong_state_is_a_conflict(
    lifecycle, world, role, name, state
):
    standard = standard_at(lifecycle, world, state)
    history_before = standard.history.count()
    with pytest.raises(ApplicationError) as error:
        services.standard_transition(
            standard_id=standard.pk,
            name=name,
            actor=actor_for(world, role),
            **transition_kwargs(name),
        )
    assert error.value.status == 409
    standard.refresh_from_db()
    assert standard.status == state
    assert standard.history.count() == history_before


def test_abolishing_an_abolished_standard_is_a_conflict(lifecycle, world):
    standard = standard_at(lifecycle, world, Status.PUBLISHED)
    lifecycle.go(standard, "abolish", world.leader, comment="Obsolete.")
    with pytest.raises(ApplicationError) as error:
        lifecycle.go(standard, "abolish", world.leader, comment="Again.")
    assert error.value.status == 409


def expected_available(role, state) -> set[str]:
    names = {
        name
        for name, (source, _target) in SOURCE_TARGET.items()
        if source == state and role in ALLOWED[name]
    }
    if state != Status.ABOLISHED and role in ALLOWED["abolish"]:
        names.add("abolish")
    return names


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "state",
    [
        Status.DRAFT,
        Status.EXPERT_REVIEW,
        Status.AUDIT,
        Status.CERTIFIED,
        Status.PUBLISHED,
        Status.ABOLISHED,
    ],
)
def test_available_transitions_agree_with_the_rules(lifecycle, world, role, state):
    if state == Status.ABOLISHED:
        standard = standard_at(lifecycle, world, Status.PUBLISHED)
        lifecycle.go(standard, "abolish", world.leader, comment="Obsolete.")
        standard.refresh_from_db()
    else:
        standard = standard_at(lifecycle, world, state)
    available = services.available_transitions(standard, actor_for(world, role))
    assert set(available) == expected_available(role, state)
