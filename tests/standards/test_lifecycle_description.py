"""The lifecycle described on the procedures page is the state machine's."""

from django_fsm import can_proceed

from standards import lifecycle, permissions
from standards.models import TRANSITION_NAMES, Standard, Status


def test_each_described_transition_is_possible_from_its_sources_only():
    described = lifecycle.transitions()
    assert [t.name for t in described] == list(TRANSITION_NAMES)
    for transition in described:
        for state in Status.values:
            standard = Standard(status=state)
            possible = can_proceed(getattr(standard, transition.name))
            assert possible == (state in transition.sources), (transition, state)


def test_who_is_described_from_the_rights_of_the_permission_module():
    for transition in lifecycle.transitions():
        right = permissions.TRANSITION_RIGHTS[transition.name]
        assert transition.who == lifecycle.RIGHT_HOLDERS[right]
    abolish = next(t for t in lifecycle.transitions() if t.name == "abolish")
    assert abolish.from_any and abolish.target == Status.ABOLISHED


def test_every_state_has_words():
    assert [code for code, _label, _text in lifecycle.states()] == Status.values
