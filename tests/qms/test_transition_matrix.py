"""Who may take which transition of a QMS programme, in which state: the
table of issue 16, written out by hand and checked against the services for
every role and every state."""

import pytest
from django.db import transaction

from portal.errors import ApplicationError
from qms import permissions, services
from qms.models import Status

ROLES = [
    "member",
    "colleague",
    "other_member",
    "expert1",
    "leader",
    "deputy",
    "auditor",
    "secretariat",
    "stranger",
]

# transition: (the states it leaves, who takes it)
REPRESENTATIVE = {"member"}
LEADER_OR_DEPUTY = {"leader", "deputy"}
TABLE = {
    "declare_policy": ({Status.DEVELOPING}, REPRESENTATIVE),
    "complete_processes": ({Status.PROCESSES_IDENTIFIED}, REPRESENTATIVE),
    "submit_for_approval": ({Status.DOCUMENTED}, REPRESENTATIVE),
    "request_changes": (
        {Status.EXPERT_APPROVAL, Status.EXTERNAL_AUDIT},
        LEADER_OR_DEPUTY,
    ),
    "approve": ({Status.EXPERT_APPROVAL}, LEADER_OR_DEPUTY),
    "certify": ({Status.EXTERNAL_AUDIT}, LEADER_OR_DEPUTY),
    "suspend": ({Status.CERTIFIED}, LEADER_OR_DEPUTY),
    "reinstate": ({Status.SUSPENDED}, LEADER_OR_DEPUTY),
    "withdraw": ({Status.CERTIFIED, Status.SUSPENDED}, {"leader"}),
    # The portal expires a certificate itself, on its date: nobody may.
    "expire": ({Status.CERTIFIED, Status.SUSPENDED}, set()),
    "start_recertification": ({Status.CERTIFIED}, REPRESENTATIVE),
    "restart": ({Status.WITHDRAWN, Status.EXPIRED}, REPRESENTATIVE),
}

# Who sees a programme: its organisation, the leader, deputies, auditors,
# the secretariat; committee members once appointed (from expert approval
# on, in these walks); nobody else.
COMMITTEE_STATES = {
    Status.EXTERNAL_AUDIT,
    Status.CERTIFIED,
    Status.SUSPENDED,
    Status.WITHDRAWN,
    Status.EXPIRED,
}


def sees(role, state):
    if role in ("other_member", "stranger"):
        return False
    if role == "expert1":
        return state in COMMITTEE_STATES
    return True


def expected(role, state, name):
    sources, roles = TABLE[name]
    if not sees(role, state):
        return "not_found"
    if state not in sources:
        return "conflict"
    if role not in roles:
        return "forbidden"
    return "allowed"


def test_the_table_names_every_transition():
    assert set(TABLE) == set(permissions.TRANSITION_RIGHTS)


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(Status.values))
def test_transition_by_role_matrix(state, qms_world, walk):
    programme = walk.to(state)
    for role in ROLES:
        user = getattr(qms_world, role)
        for name in TABLE:
            want = expected(role, state, name)
            decision = permissions.can_take(programme, user, name)
            got = "allowed" if decision else decision.code
            assert got == want, (state, role, name, decision.message)
            if want == "allowed":
                assert name in permissions.transitions_open_to(programme, user)
                continue
            assert name not in permissions.transitions_open_to(programme, user)
            # The service refuses with the same code, and changes nothing.
            with pytest.raises(ApplicationError) as refused, transaction.atomic():
                services.programme_transition(
                    programme_id=programme.pk,
                    name=name,
                    actor=user,
                    comment="A reason.",
                )
            assert refused.value.code == want, (state, role, name)
            programme.refresh_from_db()
            assert programme.status == state
